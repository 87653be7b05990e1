//! `CheckTranscription`: the job's status; a FAILED job is `Transcribe.JobFailed` with
//! Transcribe's reason.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};

use crate::PostCallError;
use crate::error::PostCallErrorKind;
use crate::ports::Transcriber;
use crate::transcription::{CheckTranscriptionInput, TranscriptionProgress, check_transcription};

pub struct CheckTranscription;

impl Task for CheckTranscription {
    const STATE: &'static str = "CheckTranscription";
    type Ports = Arc<dyn Transcriber>;
    type Input = CheckTranscriptionInput;
    type Output = TranscriptionProgress;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        use PostCallErrorKind as Kind;
        super::names(
            &[
                Kind::TranscribeUnavailable,
                Kind::TranscribeRejected,
                Kind::TranscribeJobFailed,
            ],
            false,
        )
    }

    fn retry_budget(input: &Self::Input) -> Option<chrono::Duration> {
        Some(input.switches.outage_tolerance())
    }

    async fn run(
        transcriber: &Arc<dyn Transcriber>,
        input: CheckTranscriptionInput,
        context: &TaskContext,
    ) -> Result<TranscriptionProgress, PostCallError> {
        check_transcription(transcriber.as_ref(), &input, context.now).await
    }
}
