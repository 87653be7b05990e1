//! The `TranscriptImport` step of `statemachines/post-call.asl.json`: Customer and agent transcripts as attachments on the CCA, the requested Comprehend analyses, the marker set to COMPLETED.
//!
//! Thin: decode the state input, run the `post-call` step, encode its output.

use activity_support::{ActivityError, PostCallPorts, decode, encode};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The activity's name: its crate, and the handler name the local engine registers.
pub const ACTIVITY: &str = "transcript-import";

use post_call::transcript_import::{
    TranscriptImportInput, TranscriptImportPorts, import_transcript,
};

pub async fn handle(
    ports: &PostCallPorts,
    input: Value,
    now: DateTime<Utc>,
) -> Result<Value, ActivityError> {
    let input: TranscriptImportInput = decode(ACTIVITY, input)?;
    let markers = ports.markers(&input.switches.transcript_bucket);
    let step_ports = TranscriptImportPorts {
        salesforce: ports.salesforce.as_ref(),
        markers: &markers,
        store: ports.store.as_ref(),
        analysis: ports.analysis.as_ref(),
    };
    let output = import_transcript(&step_ports, &input, now).await?;
    encode(ACTIVITY, &output)
}
