//! The `TranscriptionStatus` step of `statemachines/post-call.asl.json`: One look at the contact's Transcribe job; FAILED is the error `Transcribe.JobFailed` with Transcribe's reason.
//!
//! Thin: decode the state input, run the `post-call` step, encode its output.

use activity_support::{ActivityError, PostCallPorts, decode, encode};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The activity's name: its crate, and the handler name the local engine registers.
pub const ACTIVITY: &str = "transcription-status";

use post_call::transcription::{CheckTranscriptionInput, check_transcription};

pub async fn handle(
    ports: &PostCallPorts,
    input: Value,
    _now: DateTime<Utc>,
) -> Result<Value, ActivityError> {
    let input: CheckTranscriptionInput = decode(ACTIVITY, input)?;
    let output = check_transcription(ports.transcriber.as_ref(), &input).await?;
    encode(ACTIVITY, &output)
}
