//! The `ctr-trigger` activity: the Kinesis CTR stream's consumer. Each CTR of a batch starts
//! one post-call workflow execution; the response lists the records Lambda must retry
//! (`batchItemFailures`, with `ReportBatchItemFailures` on the event source mapping).

mod settings;

use post_call::ctr::KinesisCtrEvent;
use post_call_trigger::{ExecutionStarter, TriggerReport, trigger_post_call};
use serde_json::{Value, json};

pub use settings::{SettingsError, switches_from_env, switches_from_lookup};

/// Why a whole batch was refused (nothing started): only an event that is not a Kinesis event.
#[derive(Debug, thiserror::Error)]
#[error("the event is not a Kinesis stream event: {reason}")]
pub struct MalformedEvent {
    reason: String,
}

impl MalformedEvent {
    pub fn error_type(&self) -> &'static str {
        "MalformedEvent"
    }
}

/// Runs the trigger on one Kinesis event; returns the full report (for logs and the local
/// runner) and Lambda's partial batch response.
pub async fn handle(
    starter: &dyn ExecutionStarter,
    switches: &post_call::PackageSwitches,
    event: Value,
) -> Result<(TriggerReport, Value), MalformedEvent> {
    let event: KinesisCtrEvent = serde_json::from_value(event).map_err(|error| MalformedEvent {
        reason: format!(
            "{:?} error at line {} column {}",
            error.classify(),
            error.line(),
            error.column()
        ),
    })?;
    let report = trigger_post_call(&event, switches, starter).await;
    let response = batch_response(&report);
    Ok((report, response))
}

/// Lambda's `StreamsEventResponse`: `{"batchItemFailures": [{"itemIdentifier": <sequence>}]}`.
pub fn batch_response(report: &TriggerReport) -> Value {
    json!({
        "batchItemFailures": report
            .batch_item_failures
            .iter()
            .map(|sequence| json!({ "itemIdentifier": sequence }))
            .collect::<Vec<_>>()
    })
}
