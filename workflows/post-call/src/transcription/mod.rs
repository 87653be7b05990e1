//! Steps "StartTranscription" and "CheckTranscription": an Amazon Transcribe batch job on the
//! contact's recording, started at most once per attempt and polled until it ends.

mod check;
mod job_request;
mod progress;
mod start;

pub use check::{CheckTranscriptionInput, check_transcription};
pub use job_request::{JobName, MAX_JOB_NAME_LENGTH, build_job_request};
pub use progress::TranscriptionProgress;
pub use start::{StartTranscriptionInput, start_transcription};
