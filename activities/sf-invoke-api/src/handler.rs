//! Decode the contact-flow event, run the operation under the deadline, encode the result.

use std::{collections::BTreeMap, time::Duration};

use aws_lambda_events::event::connect::ConnectEvent;
use chrono::{DateTime, Utc};
use contact_flow::{FlowParameters, InvokeError, SalesforceApi};
use lambda_runtime::Diagnostic;

use crate::settings::Settings;

/// Why an invocation failed; `error_type` is what Connect and the logs see.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("the event is not an Amazon Connect contact-flow event: {reason}")]
    MalformedEvent { reason: String },
    #[error(transparent)]
    Invoke(#[from] InvokeError),
    #[error("{operation} did not finish within {} ms (Connect waits at most 8 s)", .deadline.as_millis())]
    DeadlineExceeded {
        operation: String,
        deadline: Duration,
    },
}

impl HandlerError {
    pub fn error_type(&self) -> String {
        match self {
            Self::MalformedEvent { .. } => "MalformedEvent".to_string(),
            Self::Invoke(error) => error.error_type().to_string(),
            Self::DeadlineExceeded { .. } => "DeadlineExceeded".to_string(),
        }
    }
}

impl From<HandlerError> for Diagnostic {
    fn from(error: HandlerError) -> Self {
        Diagnostic {
            error_type: error.error_type(),
            error_message: error.to_string(),
        }
    }
}

/// Runs one invocation. `remaining` is the time Lambda still allows, when known; the
/// effective deadline is the shorter of that and the configured one.
pub async fn handle(
    api: &dyn SalesforceApi,
    event: serde_json::Value,
    settings: &Settings,
    remaining: Option<Duration>,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, String>, HandlerError> {
    let event: ConnectEvent =
        serde_json::from_value(event).map_err(|error| HandlerError::MalformedEvent {
            reason: error.to_string(),
        })?;
    let parameters = FlowParameters::from(event.details.parameters);
    let operation = parameters
        .optional("sf_operation")
        .unwrap_or("(none)")
        .to_string();
    let deadline = remaining
        .map(|left| left.min(settings.deadline))
        .unwrap_or(settings.deadline);

    let started = std::time::Instant::now();
    let outcome = tokio::time::timeout(deadline, contact_flow::invoke(api, &parameters, now)).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match outcome {
        Ok(Ok(result)) => {
            tracing::info!(operation = %operation, elapsed_ms, sf_count = result.get("sf_count").map(String::as_str), "sfInvokeAPI succeeded");
            Ok(result)
        }
        Ok(Err(error)) => {
            let error = HandlerError::from(error);
            tracing::warn!(operation = %operation, elapsed_ms, error_type = %error.error_type(), error = %error, "sfInvokeAPI failed");
            Err(error)
        }
        Err(_) => {
            tracing::error!(operation = %operation, elapsed_ms, "sfInvokeAPI deadline exceeded");
            Err(HandlerError::DeadlineExceeded {
                operation,
                deadline,
            })
        }
    }
}
