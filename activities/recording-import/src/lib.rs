//! The `RecordingImport` step of `statemachines/post-call.asl.json`: Creates the contact's Contact Channel Analytics record exactly once (atomic marker) and returns its id.
//!
//! Thin: decode the state input, run the `post-call` step, encode its output.

use activity_support::{ActivityError, PostCallPorts, decode, encode};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The activity's name: its crate, and the handler name the local engine registers.
pub const ACTIVITY: &str = "recording-import";

use post_call::recording_import::{RecordingImportInput, import_recording};

pub async fn handle(
    ports: &PostCallPorts,
    input: Value,
    now: DateTime<Utc>,
) -> Result<Value, ActivityError> {
    let input: RecordingImportInput = decode(ACTIVITY, input)?;
    let markers = ports.markers(&input.switches.transcript_bucket);
    let output = import_recording(ports.salesforce.as_ref(), &markers, &input, now).await?;
    encode(ACTIVITY, &output)
}
