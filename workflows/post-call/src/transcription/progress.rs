//! The shape both transcription steps return, which the state machine feeds back into the
//! check step after a Wait of `waitSeconds`:
//!
//! ```json
//! {"jobName":"8d3f…_7be1…","status":"IN_PROGRESS","complete":false,"languageCode":"en-US",
//!  "polls":0,"waitSeconds":20}
//! ```
//! `complete` turns true with `transcriptUri` set when the job is COMPLETED; a FAILED job is
//! the error `Transcribe.JobFailed` instead.

use serde::{Deserialize, Serialize};

use crate::ports::{JobStatus, TranscriptionJob};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptionProgress {
    pub job_name: String,
    pub status: JobStatus,
    pub complete: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    /// Checks made so far (lets the state machine give up after a bound of its choosing).
    #[serde(default)]
    pub polls: u32,
    #[serde(default = "default_wait")]
    pub wait_seconds: u32,
}

fn default_wait() -> u32 {
    20
}

impl TranscriptionProgress {
    pub fn from_job(
        job: &TranscriptionJob,
        polls: u32,
        wait_seconds: u32,
        language: Option<&str>,
    ) -> Self {
        Self {
            job_name: job.job_name.clone(),
            status: job.status,
            complete: job.status == JobStatus::Completed,
            transcript_uri: job.transcript_uri.clone(),
            language_code: job
                .language_code
                .clone()
                .or_else(|| language.map(str::to_string)),
            polls,
            wait_seconds,
        }
    }
}
