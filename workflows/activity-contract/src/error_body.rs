//! The error body a caller sees: Lambda's `{"errorType", "errorMessage"}`.

use serde::{Deserialize, Serialize};

use crate::NamedError;

/// What Lambda returns for a failed invocation, what Step Functions puts in a Task failure's
/// `Cause`, and what `connect-sf invoke` prints. The message never carries a phone number or
/// an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "errorType")]
    pub error_type: String,
    #[serde(rename = "errorMessage")]
    pub error_message: String,
}

impl ErrorBody {
    pub fn new(error_type: impl Into<String>, message: &str) -> Self {
        Self {
            error_type: error_type.into(),
            error_message: redaction::redact_personal_data(message),
        }
    }

    pub fn of(error: &dyn NamedError) -> Self {
        Self::new(error.error_name(), &error.to_string())
    }

    /// The body as JSON text: Step Functions' `Cause` for a Lambda error.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| self.error_message.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_a_message_quotes_a_phone_number_or_an_address_should_redact_both() {
        let body = ErrorBody::new(
            "Salesforce.Rejected",
            "no match for +12065550143 or dana.whitfield@example.net",
        );
        assert!(!body.error_message.contains("2065550143"), "{body:?}");
        assert!(!body.error_message.contains("dana.whitfield"), "{body:?}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&body.to_json_text()).ok(),
            Some(serde_json::json!({
                "errorType": "Salesforce.Rejected",
                "errorMessage": body.error_message,
            }))
        );
    }
}
