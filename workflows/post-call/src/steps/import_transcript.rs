//! `ImportTranscript`: the customer and agent transcripts as attachments on the CCA, the
//! requested Comprehend analyses, then the contact marked COMPLETED.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};

use crate::PostCallError;
use crate::contact_analytics::Claim;
use crate::ctr::ContactState;
use crate::error::PostCallErrorKind;
use crate::ports::{ObjectStore, SalesforceWrites, TextAnalysis};
use crate::stored_markers::StoredMarkers;
use crate::transcript_import::{
    TranscriptImportInput, TranscriptImportOutput, TranscriptImportPorts, import_transcript,
};
use crate::transcription::TranscriptionProgress;

pub struct ImportTranscript;

/// What the transcript import reads besides the CTR and the switches.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct TranscriptionField {
    pub transcription: TranscriptionProgress,
}

pub struct ImportTranscriptPorts {
    pub salesforce: Arc<dyn SalesforceWrites>,
    /// Holds the contact markers, Transcribe's output and a CTR passed by reference.
    pub store: Arc<dyn ObjectStore>,
    pub analysis: Arc<dyn TextAnalysis>,
}

impl Task for ImportTranscript {
    const STATE: &'static str = "ImportTranscript";
    type Ports = ImportTranscriptPorts;
    type Input = ContactState<TranscriptionField>;
    type Output = TranscriptImportOutput;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        use PostCallErrorKind as Kind;
        super::names_reading_ctr(
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
        input: ContactState<TranscriptionField>,
        context: &TaskContext,
    ) -> Result<TranscriptImportOutput, PostCallError> {
        let input = TranscriptImportInput {
            ctr: input.ctr.resolve(ports.store.as_ref()).await?,
            switches: input.switches,
            transcription: input.fields.transcription,
        };
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
