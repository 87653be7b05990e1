//! The `CheckTranscription` step: one look at the job, for a Choice on `complete`.
//!
//! Input: `{"transcription": <TranscriptionProgress>}`; output: the same shape with the new
//! status and `polls` + 1. A FAILED job is the error `Transcribe.JobFailed` carrying
//! Transcribe's `FailureReason`.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::progress::{Polling, TranscriptionProgress};
use crate::error::PostCallError;
use crate::ports::{JobStatus, Transcriber};
use crate::switches::PackageSwitches;

#[derive(Debug, Clone, Deserialize)]
pub struct CheckTranscriptionInput {
    pub transcription: TranscriptionProgress,
    #[serde(default)]
    pub switches: PackageSwitches,
}

#[tracing::instrument(skip_all, fields(job_name = %input.transcription.job_name))]
pub async fn check_transcription(
    transcriber: &dyn Transcriber,
    input: &CheckTranscriptionInput,
    now: DateTime<Utc>,
) -> Result<TranscriptionProgress, PostCallError> {
    let previous = &input.transcription;
    // Completed already (the contact was finished before this execution): nothing to look at.
    if previous.complete {
        return Ok(previous.clone());
    }
    let job = transcriber
        .get_job(&previous.job_name)
        .await
        .map_err(|source| PostCallError::Transcriber {
            job_name: previous.job_name.clone(),
            source,
        })?;
    if job.status == JobStatus::Failed {
        return Err(PostCallError::TranscriptionFailed {
            job_name: job.job_name,
            reason: job
                .failure_reason
                .unwrap_or_else(|| "Transcribe gave no FailureReason".into()),
        });
    }
    Ok(TranscriptionProgress::from_job(
        &job,
        Polling {
            polls: previous.polls.saturating_add(1),
            wait_seconds: previous.wait_seconds,
            deadline: previous.wait_deadline,
            now,
        },
        previous.language_code.as_deref(),
    ))
}
