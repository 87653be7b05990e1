//! `ImportTranscript`: the customer and agent transcripts as attachments on the CCA, the
//! requested Comprehend analyses, then the contact marked COMPLETED.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};

use crate::PostCallError;
use crate::contact_analytics::Claim;
use crate::error::PostCallErrorKind;
use crate::ports::{ObjectStore, SalesforceWrites, TextAnalysis};
use crate::stored_markers::StoredMarkers;
use crate::transcript_import::{
    TranscriptImportInput, TranscriptImportOutput, TranscriptImportPorts, import_transcript,
};

pub struct ImportTranscript;

pub struct ImportTranscriptPorts {
    pub salesforce: Arc<dyn SalesforceWrites>,
    /// Holds the contact markers and Transcribe's output.
    pub store: Arc<dyn ObjectStore>,
    pub analysis: Arc<dyn TextAnalysis>,
}

impl Task for ImportTranscript {
    const STATE: &'static str = "ImportTranscript";
    type Ports = ImportTranscriptPorts;
    type Input = TranscriptImportInput;
    type Output = TranscriptImportOutput;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        use PostCallErrorKind as Kind;
        super::names(
            &[
                Kind::TranscribeNotComplete,
                Kind::InvalidConfiguration,
                Kind::ContactAnalyticsPending,
                Kind::MarkersUnavailable,
                Kind::MarkersFailed,
                Kind::TranscriptNotFound,
                Kind::TranscriptMalformed,
                Kind::ObjectStoreUnavailable,
                Kind::ObjectStoreFailed,
                Kind::ComprehendUnavailable,
                Kind::ComprehendRejected,
            ],
            true,
        )
    }

    fn retry_budget(input: &Self::Input) -> Option<chrono::Duration> {
        Some(input.switches.outage_tolerance())
    }

    async fn run(
        ports: &ImportTranscriptPorts,
        input: TranscriptImportInput,
        context: &TaskContext,
    ) -> Result<TranscriptImportOutput, PostCallError> {
        let markers = StoredMarkers::new(ports.store.clone(), &input.switches.transcript_bucket);
        let step_ports = TranscriptImportPorts {
            salesforce: ports.salesforce.as_ref(),
            markers: &markers,
            store: ports.store.as_ref(),
            analysis: ports.analysis.as_ref(),
        };
        import_transcript(&step_ports, &input, Claim::of(context)).await
    }
}
