//! One invocation of the trigger as Lambda makes it: a Kinesis event in, the partial batch
//! response out. The Lambda `main` and the local runner both call [`handle_batch`].

use activity_contract::{ErrorName, NamedError};
use post_call::PackageSwitches;
use serde_json::{Value, json};

use crate::{ExecutionStarter, KinesisCtrEvent, RecordStore, TriggerReport, trigger_post_call};

activity_contract::error_kinds! {
    /// Why a whole batch was refused.
    pub enum BatchErrorKind {
        MalformedEvent => "MalformedEvent", retryable = false;
    }
}

/// Why a whole batch was refused (nothing started): only an event that is not a Kinesis event.
#[derive(Debug, thiserror::Error)]
#[error("the event is not a Kinesis stream event: {reason}")]
pub struct MalformedEvent {
    reason: String,
}

impl NamedError for MalformedEvent {
    fn error_name(&self) -> &'static str {
        BatchErrorKind::MalformedEvent.name()
    }

    fn is_retryable(&self) -> bool {
        false
    }

    fn error_names() -> Vec<ErrorName> {
        BatchErrorKind::error_names()
    }
}

/// Runs the trigger on one Kinesis event; returns the full report (for logs and the local
/// runner) and Lambda's partial batch response. `records` keeps the CTRs passed by reference
/// and the quarantined records.
pub async fn handle_batch(
    starter: &dyn ExecutionStarter,
    records: &RecordStore,
    switches: &PackageSwitches,
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
    let report = trigger_post_call(&event, switches, starter, records, chrono::Utc::now()).await;
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
