//! The `TranscriptionStart` step of `statemachines/post-call.asl.json`: Submits the contact's Amazon Transcribe job (once per attempt, recorded on the marker).
//!
//! Thin: decode the state input, run the `post-call` step, encode its output.

use activity_support::{ActivityError, PostCallPorts, decode, encode};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The activity's name: its crate, and the handler name the local engine registers.
pub const ACTIVITY: &str = "transcription-start";

use post_call::transcription::{StartTranscriptionInput, start_transcription};

pub async fn handle(
    ports: &PostCallPorts,
    input: Value,
    now: DateTime<Utc>,
) -> Result<Value, ActivityError> {
    let input: StartTranscriptionInput = decode(ACTIVITY, input)?;
    let markers = ports.markers(&input.switches.transcript_bucket);
    let output = start_transcription(&markers, ports.transcriber.as_ref(), &input, now).await?;
    encode(ACTIVITY, &output)
}
