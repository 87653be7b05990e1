//! Why an `sfInvokeAPI` call failed.
//!
//! `error_type()` scheme (stable, what Connect logs and Step Functions `ErrorEquals` see):
//! our own failures use the variant name (`MissingOperation`, `UnknownOperation`,
//! `MissingParameter`, `InvalidParameter`, `UnsafePlaceholder`, `MissingTemplateKey`,
//! `ResultTooLarge`, `KeyCollision`); Salesforce failures use `Salesforce.<class>` with the
//! client's error class (`Salesforce.Authentication`, `Salesforce.Credentials`,
//! `Salesforce.NotFound`, `Salesforce.UnknownObject`, `Salesforce.InvalidField`, `Salesforce.MalformedQuery`,
//! `Salesforce.MultipleMatches`, `Salesforce.ApiLimitExceeded`, `Salesforce.Transient`,
//! `Salesforce.Rejected`, `Salesforce.UnexpectedResponse`). Salesforce's own `errorCode` (open
//! ended) stays in the message, so the set of types is closed: [`InvokeErrorKind`] and the
//! client's kinds are the list. Messages never carry a parameter's value when it could be
//! personal data: phone numbers and e-mail addresses are masked.

use salesforce_client::SalesforceError;

use crate::operation::Operation;

activity_contract::error_kinds! {
    /// sfInvokeAPI's own failures; Salesforce's are the client's kinds.
    pub enum InvokeErrorKind {
        MissingOperation => "MissingOperation", retryable = false;
        UnknownOperation => "UnknownOperation", retryable = false;
        MissingParameter => "MissingParameter", retryable = false;
        InvalidParameter => "InvalidParameter", retryable = false;
        UnsafePlaceholder => "UnsafePlaceholder", retryable = false;
        MissingTemplateKey => "MissingTemplateKey", retryable = false;
        ResultTooLarge => "ResultTooLarge", retryable = false;
        KeyCollision => "KeyCollision", retryable = false;
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error(
        "the parameter sf_operation is missing; valid operations: {}",
        Operation::valid_names()
    )]
    MissingOperation,
    #[error(
        "unknown sf_operation \"{given}\"; valid operations: {}",
        Operation::valid_names()
    )]
    UnknownOperation { given: String },
    #[error("{operation} needs the parameter {name}, which is missing or empty")]
    MissingParameter { operation: Operation, name: String },
    #[error("the parameter {name} is invalid: {reason}")]
    InvalidParameter { name: String, reason: String },
    #[error("the placeholder {placeholder} cannot be replaced safely: {reason}")]
    UnsafePlaceholder { placeholder: String, reason: String },
    #[error("the message uses {{{{{key}}}}} but no parameter named {key} was given")]
    MissingTemplateKey { key: String },
    #[error(
        "the result is {bytes} bytes of JSON, over Amazon Connect's limit of {limit} bytes; select fewer fields or records"
    )]
    ResultTooLarge { bytes: usize, limit: usize },
    #[error("two result values would share the key {key}")]
    KeyCollision { key: String },
    #[error("{}", redaction::redact_personal_data(&.0.to_string()))]
    Salesforce(#[from] SalesforceError),
}

impl InvokeError {
    /// The stable error type (see the module documentation for the scheme).
    pub fn error_type(&self) -> &'static str {
        let kind = match self {
            Self::MissingOperation => InvokeErrorKind::MissingOperation,
            Self::UnknownOperation { .. } => InvokeErrorKind::UnknownOperation,
            Self::MissingParameter { .. } => InvokeErrorKind::MissingParameter,
            Self::InvalidParameter { .. } => InvokeErrorKind::InvalidParameter,
            Self::UnsafePlaceholder { .. } => InvokeErrorKind::UnsafePlaceholder,
            Self::MissingTemplateKey { .. } => InvokeErrorKind::MissingTemplateKey,
            Self::ResultTooLarge { .. } => InvokeErrorKind::ResultTooLarge,
            Self::KeyCollision { .. } => InvokeErrorKind::KeyCollision,
            Self::Salesforce(error) => return error.error_type(),
        };
        kind.name()
    }

    /// A transient Salesforce failure: the same call may succeed if tried again.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Salesforce(error) if error.is_transient())
    }

    pub(crate) fn invalid(name: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidParameter {
            name: name.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn missing(operation: Operation, name: impl Into<String>) -> Self {
        Self::MissingParameter {
            operation,
            name: name.into(),
        }
    }
}

impl activity_contract::NamedError for InvokeError {
    fn error_name(&self) -> &'static str {
        self.error_type()
    }

    fn is_retryable(&self) -> bool {
        matches!(self, Self::Salesforce(error) if error.is_retryable_later())
    }

    fn error_names() -> Vec<activity_contract::ErrorName> {
        let mut names = InvokeErrorKind::error_names();
        names.extend(<SalesforceError as activity_contract::NamedError>::error_names());
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_error() -> Vec<InvokeError> {
        let salesforce = |error: SalesforceError| InvokeError::Salesforce(error);
        let code = || ("CODE".to_string(), "message".to_string());
        vec![
            InvokeError::MissingOperation,
            InvokeError::UnknownOperation { given: "x".into() },
            InvokeError::missing(Operation::Lookup, "sf_object"),
            InvokeError::invalid("sf_fields", "bad"),
            InvokeError::UnsafePlaceholder {
                placeholder: "{{x}}".into(),
                reason: "r".into(),
            },
            InvokeError::MissingTemplateKey { key: "k".into() },
            InvokeError::ResultTooLarge {
                bytes: 40000,
                limit: 32768,
            },
            InvokeError::KeyCollision { key: "A.B".into() },
            salesforce(SalesforceError::Authentication {
                error_code: code().0,
                message: code().1,
            }),
            salesforce(SalesforceError::Credentials(
                salesforce_client::CredentialsError::Malformed { reason: "x".into() },
            )),
            salesforce(SalesforceError::NotFound {
                error_code: code().0,
                message: code().1,
            }),
            salesforce(SalesforceError::UnknownObject {
                error_code: code().0,
                message: code().1,
            }),
            salesforce(SalesforceError::InvalidField {
                error_code: code().0,
                message: code().1,
                fields: vec![],
            }),
            salesforce(SalesforceError::MalformedQuery {
                error_code: code().0,
                message: code().1,
            }),
            salesforce(SalesforceError::MultipleMatches {
                object: "Case".into(),
                matches: vec![],
            }),
            salesforce(SalesforceError::ApiLimitExceeded {
                error_code: code().0,
                message: code().1,
            }),
            salesforce(SalesforceError::Transient {
                error_code: code().0,
                message: code().1,
            }),
            salesforce(SalesforceError::Rejected {
                status: 400,
                error_code: code().0,
                message: code().1,
            }),
            salesforce(SalesforceError::UnexpectedResponse("x".into())),
        ]
    }

    #[test]
    fn when_listing_error_types_should_cover_every_variant_once() {
        use activity_contract::NamedError;
        let produced: Vec<&str> = every_error().iter().map(InvokeError::error_type).collect();
        let listed: Vec<&str> = InvokeError::error_names()
            .iter()
            .map(|name| name.name)
            .collect();
        assert_eq!(produced, listed);
    }

    #[test]
    fn when_displayed_should_say_exactly_what_was_wrong() {
        let messages: Vec<String> = every_error()
            .iter()
            .take(8)
            .map(ToString::to_string)
            .collect();
        assert!(messages[0].starts_with(
            "the parameter sf_operation is missing; valid operations: lookup, lookup_all,"
        ));
        assert!(messages[1].starts_with("unknown sf_operation \"x\"; valid operations: lookup,"));
        assert_eq!(
            messages[2],
            "lookup needs the parameter sf_object, which is missing or empty"
        );
        assert_eq!(messages[3], "the parameter sf_fields is invalid: bad");
        assert_eq!(
            messages[4],
            "the placeholder {{x}} cannot be replaced safely: r"
        );
        assert_eq!(
            messages[5],
            "the message uses {{k}} but no parameter named k was given"
        );
        assert_eq!(
            messages[6],
            "the result is 40000 bytes of JSON, over Amazon Connect's limit of 32768 bytes; select fewer fields or records"
        );
        assert_eq!(messages[7], "two result values would share the key A.B");
    }

    #[test]
    fn when_salesforce_message_echoes_a_phone_number_should_mask_it() {
        let error = InvokeError::from(SalesforceError::MalformedQuery {
            error_code: "MALFORMED_QUERY".into(),
            message: "unexpected token: '+12065550143' near Phone = 206-555-0143".into(),
        });
        let message = error.to_string();
        assert!(message.contains("MALFORMED_QUERY"), "{message}");
        assert!(!message.contains("2065550143"), "{message}");
        assert!(!message.contains("555-0143"), "{message}");
        assert_eq!(error.error_type(), "Salesforce.MalformedQuery");
    }

    #[test]
    fn when_salesforce_failure_is_transient_should_say_so() {
        let error = InvokeError::from(SalesforceError::Transient {
            error_code: "TIMEOUT".into(),
            message: "m".into(),
        });
        assert!(error.is_transient());
        assert!(!InvokeError::MissingOperation.is_transient());
    }
}
