//! The shape both transcription steps return, which the state machine feeds back into the
//! check step after a Wait of `waitSeconds`:
//!
//! ```json
//! {"jobName":"8d3f…_7be1…","status":"IN_PROGRESS","complete":false,"languageCode":"en-US",
//!  "polls":0,"waitSeconds":20,"waitDeadline":"2024-03-05T18:23:04Z","waitExhausted":false}
//! ```
//! `complete` turns true with `transcriptUri` set when the job is COMPLETED; a FAILED job is
//! the error `Transcribe.JobFailed` instead. The wait is bounded by time, not by a number of
//! checks: `waitExhausted` turns true once a check finds the job unfinished at or after
//! `waitDeadline` (the job's start plus `TranscriptionMaxWaitMinutes`).

use chrono::{DateTime, Utc};
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
    /// When the contact stops waiting for the job (absent in executions started before the
    /// bound existed: those stop after [`LEGACY_MAX_POLLS`] checks).
    #[serde(default)]
    pub wait_deadline: Option<DateTime<Utc>>,
    #[serde(default)]
    pub wait_exhausted: bool,
}

/// The former bound, kept for executions whose progress carries no deadline.
pub const LEGACY_MAX_POLLS: u32 = 720;

fn default_wait() -> u32 {
    20
}

/// Where a contact's wait for its job stands.
#[derive(Debug, Clone, Copy)]
pub struct Polling {
    pub polls: u32,
    pub wait_seconds: u32,
    pub deadline: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

impl TranscriptionProgress {
    pub fn from_job(job: &TranscriptionJob, polling: Polling, language: Option<&str>) -> Self {
        let Polling {
            polls,
            wait_seconds,
            deadline,
            now,
        } = polling;
        let complete = job.status == JobStatus::Completed;
        let past_deadline = match deadline {
            Some(deadline) => now >= deadline,
            None => polls >= LEGACY_MAX_POLLS,
        };
        Self {
            job_name: job.job_name.clone(),
            status: job.status,
            complete,
            transcript_uri: job.transcript_uri.clone(),
            language_code: job
                .language_code
                .clone()
                .or_else(|| language.map(str::to_string)),
            polls,
            wait_seconds,
            wait_deadline: deadline,
            wait_exhausted: !complete && past_deadline,
        }
    }
}
