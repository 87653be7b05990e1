//! Amazon Transcribe batch jobs, in the vocabulary of its API.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// Transcribe's `MediaFormat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaFormat {
    Wav,
    Mp3,
    Mp4,
    M4a,
    Flac,
    Ogg,
    Webm,
    Amr,
}

impl MediaFormat {
    /// From a file name's extension, case-insensitively.
    pub fn from_key(key: &str) -> Option<Self> {
        let file = key.rsplit('/').next().unwrap_or(key);
        let (_, extension) = file.rsplit_once('.')?;
        Some(match extension.to_ascii_lowercase().as_str() {
            "wav" => Self::Wav,
            "mp3" => Self::Mp3,
            "mp4" => Self::Mp4,
            "m4a" => Self::M4a,
            "flac" => Self::Flac,
            "ogg" | "opus" => Self::Ogg,
            "webm" => Self::Webm,
            "amr" => Self::Amr,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wav => "wav",
            Self::Mp3 => "mp3",
            Self::Mp4 => "mp4",
            Self::M4a => "m4a",
            Self::Flac => "flac",
            Self::Ogg => "ogg",
            Self::Webm => "webm",
            Self::Amr => "amr",
        }
    }
}

/// `StartTranscriptionJob` as this workflow uses it (channel identification always on: the
/// customer and the agent are on separate channels of a Connect recording).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptionJobRequest {
    pub job_name: String,
    /// `s3://bucket/key` of the recording.
    pub media_uri: String,
    pub media_format: MediaFormat,
    pub language_code: String,
    pub output_bucket: String,
    pub channel_identification: bool,
}

/// Transcribe's `TranscriptionJobStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Queued,
    InProgress,
    Completed,
    Failed,
}

/// What `GetTranscriptionJob` (or `StartTranscriptionJob`) reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptionJob {
    pub job_name: String,
    pub status: JobStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// `Transcript.TranscriptFileUri` once COMPLETED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranscriberError {
    /// Throttling, limits, service errors, timeouts: worth retrying.
    #[error("Amazon Transcribe is unavailable: {message}")]
    Unavailable { message: String },
    /// `ConflictException`: a job with this name exists (a start that was applied but whose
    /// answer was lost).
    #[error("a transcription job named {job_name} already exists")]
    JobAlreadyExists { job_name: String },
    #[error("no transcription job named {job_name}")]
    JobNotFound { job_name: String },
    /// `BadRequestException` and other refusals.
    #[error("Amazon Transcribe refused the request: {message}")]
    Rejected { message: String },
}

impl TranscriberError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

#[async_trait]
pub trait Transcriber: Send + Sync {
    async fn start_job(
        &self,
        request: &TranscriptionJobRequest,
    ) -> Result<TranscriptionJob, TranscriberError>;
    async fn get_job(&self, job_name: &str) -> Result<TranscriptionJob, TranscriberError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_key_has_a_known_extension_should_give_its_media_format() {
        assert_eq!(
            MediaFormat::from_key("a/b/c_14:19_UTC.WAV"),
            Some(MediaFormat::Wav)
        );
        assert_eq!(MediaFormat::from_key("x.flac"), Some(MediaFormat::Flac));
        assert_eq!(MediaFormat::from_key("x.webm"), Some(MediaFormat::Webm));
        assert_eq!(MediaFormat::from_key("x.amr"), Some(MediaFormat::Amr));
        assert_eq!(MediaFormat::from_key("dir.wav/file"), None);
        assert_eq!(MediaFormat::from_key("x.txt"), None);
    }
}
