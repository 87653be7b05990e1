//! Shared by the post-call activities: each handler decodes its typed input from the state's
//! JSON, calls one `post-call` step, and returns its output as JSON or an [`ActivityError`]
//! whose `error_type` is the Step Functions error name the state machine's Retry and Catch
//! match on.

pub mod lambda;

use std::sync::Arc;

use lambda_runtime::Diagnostic;
use post_call::{
    PostCallError,
    local::StoredMarkers,
    ports::{ObjectStore, SalesforceWrites, TextAnalysis, Transcriber},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// Everything a post-call step may touch, behind its port: SDK adapters in Lambda, local
/// adapters on a laptop. Each activity uses only what its step needs.
#[derive(Clone)]
pub struct PostCallPorts {
    pub salesforce: Arc<dyn SalesforceWrites>,
    pub store: Arc<dyn ObjectStore>,
    pub transcriber: Arc<dyn Transcriber>,
    pub analysis: Arc<dyn TextAnalysis>,
}

impl PostCallPorts {
    /// The contact markers (`locks/<ContactId>.lock`) in the transcript bucket.
    pub fn markers(&self, transcript_bucket: &str) -> StoredMarkers<Arc<dyn ObjectStore>> {
        StoredMarkers::new(self.store.clone(), transcript_bucket)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ActivityError {
    #[error("the state input is not what {activity} expects: {reason}")]
    InvalidInput {
        activity: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Step(#[from] PostCallError),
    #[error("{activity} could not encode its output: {reason}")]
    Output {
        activity: &'static str,
        reason: String,
    },
}

impl ActivityError {
    pub fn error_type(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => "InvalidInput",
            Self::Step(error) => error.error_type(),
            Self::Output { .. } => "InvalidOutput",
        }
    }
}

impl From<ActivityError> for Diagnostic {
    fn from(error: ActivityError) -> Self {
        Diagnostic {
            error_type: error.error_type().to_string(),
            error_message: error.to_string(),
        }
    }
}

/// Decodes the state input into the step's input type, naming the activity on failure.
pub fn decode<T: DeserializeOwned>(
    activity: &'static str,
    input: Value,
) -> Result<T, ActivityError> {
    serde_json::from_value(input).map_err(|error| ActivityError::InvalidInput {
        activity,
        // Only serde's description: no field values, which may be personal data.
        reason: format!(
            "{:?} error: {}",
            error.classify(),
            error_without_values(&error)
        ),
    })
}

pub fn encode<T: Serialize>(activity: &'static str, output: &T) -> Result<Value, ActivityError> {
    serde_json::to_value(output).map_err(|error| ActivityError::Output {
        activity,
        reason: error.to_string(),
    })
}

/// serde's messages quote offending values (`invalid type: string "+1206..."`); keep the
/// structure of the message and drop what is between quotes.
fn error_without_values(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            quoted = !quoted;
            out.push_str(if quoted { "\"…" } else { "\"" });
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

/// The Salesforce client every Salesforce-writing activity builds at cold start (settings
/// from the function's environment, credentials fetched lazily from the secret).
pub fn salesforce_client_from_env(
    aws: &aws_config::SdkConfig,
) -> Result<salesforce_client::SalesforceClient, lambda_runtime::Error> {
    let config = salesforce_client::SalesforceConfig::from_env()?;
    let secret_arn = std::env::var("SF_CREDENTIALS_SECRETS_MANAGER_ARN").map_err(
        |_| "environment variable SF_CREDENTIALS_SECRETS_MANAGER_ARN is required but not set",
    )?;
    Ok(salesforce_client::SalesforceClient::with_secrets_manager(
        config,
        aws_sdk_secretsmanager::Client::new(aws),
        secret_arn,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Input {
        phone: u64,
    }

    #[test]
    fn invalid_input_names_the_activity_and_never_quotes_values() {
        let error = decode::<Input>("ctr-import", serde_json::json!({"phone": "+12065550143"}))
            .expect_err("wrong type");
        assert_eq!(error.error_type(), "InvalidInput");
        let message = error.to_string();
        assert!(message.contains("ctr-import"), "{message}");
        assert!(!message.contains("2065550143"), "{message}");
    }
}
