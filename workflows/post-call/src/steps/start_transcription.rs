//! `StartTranscription`: submits the contact's Amazon Transcribe job, once per contact (the
//! marker records the job name, so a retry or a re-run never pays for a second job).

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};

use crate::PostCallError;
use crate::contact_analytics::Claim;
use crate::ctr::ContactState;
use crate::error::PostCallErrorKind;
use crate::ports::{ObjectStore, Transcriber};
use crate::stored_markers::StoredMarkers;
use crate::transcription::{StartTranscriptionInput, TranscriptionProgress, start_transcription};

pub struct StartTranscription;

pub struct StartTranscriptionPorts {
    /// Holds the contact markers and a CTR passed by reference.
    pub store: Arc<dyn ObjectStore>,
    pub transcriber: Arc<dyn Transcriber>,
}

impl Task for StartTranscription {
    const STATE: &'static str = "StartTranscription";
    type Ports = StartTranscriptionPorts;
    type Input = ContactState;
    type Output = TranscriptionProgress;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        use PostCallErrorKind as Kind;
        super::names_reading_ctr(
            &[
                Kind::NotPlanned,
                Kind::NoRecording,
                Kind::InvalidConfiguration,
                Kind::TranscribeUnsupportedMediaFormat,
                Kind::MarkersUnavailable,
                Kind::MarkersFailed,
                Kind::TranscribeUnavailable,
                Kind::TranscribeRejected,
            ],
            false,
        )
    }

    fn retry_budget(input: &Self::Input) -> Option<chrono::Duration> {
        Some(input.switches.outage_tolerance())
    }

    async fn run(
        ports: &StartTranscriptionPorts,
        input: ContactState,
        context: &TaskContext,
    ) -> Result<TranscriptionProgress, PostCallError> {
        let input = StartTranscriptionInput {
            ctr: input.ctr.resolve(ports.store.as_ref()).await?,
            switches: input.switches,
        };
        let markers = StoredMarkers::new(ports.store.clone(), &input.switches.transcript_bucket);
        start_transcription(
            &markers,
            ports.transcriber.as_ref(),
            &input,
            Claim::of(context),
        )
        .await
    }
}
