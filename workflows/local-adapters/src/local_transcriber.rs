//! A local Amazon Transcribe over an [`ObjectStore`]: jobs finish after a set number of
//! status checks and write Transcribe's output format to the output bucket.
//!
//! The transcript is `<recording key>.transcript.json` beside the recording when present
//! (Transcribe's output format, e.g. a real job's output kept for demos), otherwise a sample
//! two-channel transcript embedded in the crate. Job state lives in the store too (bucket
//! [`LocalTranscriber::STATE_BUCKET`]), so separate processes sharing a directory see the same
//! jobs.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use post_call::ports::{
    JobStatus, ObjectLocation, ObjectStore, StoreError, Transcriber, TranscriberError,
    TranscriptionJob, TranscriptionJobRequest,
};

/// Transcribe output of a two-channel call (customer on `ch_0`, agent on `ch_1`).
const SAMPLE_TRANSCRIPT: &str = include_str!("../assets/sample-transcript-two-channel.json");
/// Transcribe's reason when the media object is missing.
const MEDIA_NOT_FOUND: &str = "The URI that you provided doesn't point to an S3 object. Make sure that the object exists and try your request again.";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JobRecord {
    request: TranscriptionJobRequest,
    polls: u32,
    status: JobStatus,
    failure_reason: Option<String>,
    transcript_uri: Option<String>,
}

pub struct LocalTranscriber<S> {
    store: S,
    polls_until_complete: u32,
    fail_when_media_missing: bool,
}

impl<S: ObjectStore> LocalTranscriber<S> {
    /// Where job records are kept in the store.
    pub const STATE_BUCKET: &'static str = "local-transcribe";

    /// Jobs complete on the first status check; a missing recording is not an error (laptop
    /// runs rarely have the audio).
    pub fn new(store: S) -> Self {
        Self {
            store,
            polls_until_complete: 1,
            fail_when_media_missing: false,
        }
    }

    /// Jobs stay IN_PROGRESS for `polls - 1` checks and complete on the `polls`-th (0: done
    /// when started).
    pub fn completing_after(mut self, polls: u32) -> Self {
        self.polls_until_complete = polls;
        self
    }

    /// Jobs whose recording object is missing FAIL with Transcribe's reason.
    pub fn failing_when_media_missing(mut self) -> Self {
        self.fail_when_media_missing = true;
        self
    }

    fn record_location(job_name: &str) -> ObjectLocation {
        ObjectLocation::new(Self::STATE_BUCKET, format!("jobs/{job_name}.json"))
    }

    async fn save(&self, record: &JobRecord) -> Result<(), TranscriberError> {
        let bytes = serde_json::to_vec(record).map_err(|error| TranscriberError::Rejected {
            message: error.to_string(),
        })?;
        self.store
            .put(&Self::record_location(&record.request.job_name), &bytes)
            .await
            .map_err(store_error)
    }

    /// Ends the job: writes the output document or marks it FAILED.
    async fn finish(&self, record: &mut JobRecord) -> Result<(), TranscriberError> {
        let name = record.request.job_name.clone();
        let Some(media) = ObjectLocation::from_uri(&record.request.media_uri) else {
            record.status = JobStatus::Failed;
            record.failure_reason = Some(MEDIA_NOT_FOUND.into());
            return Ok(());
        };
        let sidecar = ObjectLocation::new(
            media.bucket.clone(),
            format!("{}.transcript.json", media.key),
        );
        let document = match self.store.get(&sidecar).await.map_err(store_error)? {
            Some(bytes) => match serde_json::from_slice::<Value>(&bytes) {
                Ok(document) => document,
                Err(_) => {
                    record.status = JobStatus::Failed;
                    record.failure_reason =
                        Some(format!("{sidecar} is not Transcribe output JSON"));
                    return Ok(());
                }
            },
            None => {
                let media_exists = self.store.get(&media).await.map_err(store_error)?.is_some();
                if self.fail_when_media_missing && !media_exists {
                    record.status = JobStatus::Failed;
                    record.failure_reason = Some(MEDIA_NOT_FOUND.into());
                    return Ok(());
                }
                serde_json::from_str(SAMPLE_TRANSCRIPT).map_err(|error| {
                    TranscriberError::Rejected {
                        message: format!("the embedded sample transcript is invalid: {error}"),
                    }
                })?
            }
        };
        let mut document = document;
        if let Some(object) = document.as_object_mut() {
            object.insert("jobName".into(), Value::String(name.clone()));
            object.insert("status".into(), Value::String("COMPLETED".into()));
        }
        let output =
            ObjectLocation::new(record.request.output_bucket.clone(), format!("{name}.json"));
        let bytes = serde_json::to_vec(&document).map_err(|error| TranscriberError::Rejected {
            message: error.to_string(),
        })?;
        self.store.put(&output, &bytes).await.map_err(store_error)?;
        record.status = JobStatus::Completed;
        record.transcript_uri = Some(format!(
            "https://s3.amazonaws.com/{}/{}",
            output.bucket, output.key
        ));
        Ok(())
    }
}

fn store_error(error: StoreError) -> TranscriberError {
    if error.is_retryable() {
        TranscriberError::Unavailable {
            message: error.to_string(),
        }
    } else {
        TranscriberError::Rejected {
            message: error.to_string(),
        }
    }
}

fn job_of(record: &JobRecord) -> TranscriptionJob {
    TranscriptionJob {
        job_name: record.request.job_name.clone(),
        status: record.status,
        failure_reason: record.failure_reason.clone(),
        transcript_uri: record.transcript_uri.clone(),
        language_code: Some(record.request.language_code.clone()),
    }
}

#[async_trait]
impl<S: ObjectStore> Transcriber for LocalTranscriber<S> {
    async fn start_job(
        &self,
        request: &TranscriptionJobRequest,
    ) -> Result<TranscriptionJob, TranscriberError> {
        let name = &request.job_name;
        let valid = !name.is_empty()
            && name.len() <= post_call::transcription::MAX_JOB_NAME_LENGTH
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !valid {
            return Err(TranscriberError::Rejected {
                message: format!("BadRequestException: invalid TranscriptionJobName {name:?}"),
            });
        }
        let mut record = JobRecord {
            request: request.clone(),
            polls: 0,
            status: JobStatus::InProgress,
            failure_reason: None,
            transcript_uri: None,
        };
        let bytes = serde_json::to_vec(&record).map_err(|error| TranscriberError::Rejected {
            message: error.to_string(),
        })?;
        if !self
            .store
            .put_if_absent(&Self::record_location(name), &bytes)
            .await
            .map_err(store_error)?
        {
            return Err(TranscriberError::JobAlreadyExists {
                job_name: name.clone(),
            });
        }
        if self.polls_until_complete == 0 {
            self.finish(&mut record).await?;
            self.save(&record).await?;
        }
        Ok(job_of(&record))
    }

    async fn get_job(&self, job_name: &str) -> Result<TranscriptionJob, TranscriberError> {
        let bytes = self
            .store
            .get(&Self::record_location(job_name))
            .await
            .map_err(store_error)?
            .ok_or_else(|| TranscriberError::JobNotFound {
                job_name: job_name.to_string(),
            })?;
        let mut record: JobRecord =
            serde_json::from_slice(&bytes).map_err(|error| TranscriberError::Rejected {
                message: format!("the local job record is unreadable: {error}"),
            })?;
        if matches!(record.status, JobStatus::Queued | JobStatus::InProgress) {
            record.polls += 1;
            if record.polls >= self.polls_until_complete {
                self.finish(&mut record).await?;
            }
            self.save(&record).await?;
        }
        Ok(job_of(&record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use post_call::ports::MediaFormat;
    use post_call::testing::MemoryObjectStore;
    use post_call::transcript::TranscribeOutput;
    use std::sync::Arc;

    fn request(name: &str) -> TranscriptionJobRequest {
        TranscriptionJobRequest {
            job_name: name.into(),
            media_uri: "s3://recordings/calls/c-1.wav".into(),
            media_format: MediaFormat::Wav,
            language_code: "en-US".into(),
            output_bucket: "transcripts".into(),
            channel_identification: true,
        }
    }

    #[tokio::test]
    async fn when_polled_enough_should_complete_with_the_sample_transcript() {
        let store = Arc::new(MemoryObjectStore::new());
        let transcriber = LocalTranscriber::new(store.clone()).completing_after(2);
        let started = transcriber.start_job(&request("c-1_a")).await.unwrap();
        assert_eq!(started.status, JobStatus::InProgress);
        assert_eq!(
            transcriber.get_job("c-1_a").await.unwrap().status,
            JobStatus::InProgress
        );
        let done = transcriber.get_job("c-1_a").await.unwrap();
        assert_eq!(done.status, JobStatus::Completed);
        let location = ObjectLocation::from_uri(done.transcript_uri.as_deref().unwrap()).unwrap();
        assert_eq!(location, ObjectLocation::new("transcripts", "c-1_a.json"));
        let output =
            TranscribeOutput::parse(&store.get(&location).await.unwrap().unwrap()).unwrap();
        assert_eq!(output.job_name.as_deref(), Some("c-1_a"));
        assert!(output.channel("ch_0").is_some());
    }

    #[tokio::test]
    async fn when_a_transcript_sits_beside_the_recording_should_use_it() {
        let store = Arc::new(MemoryObjectStore::new());
        let own = r#"{"results":{"transcripts":[{"transcript":"hello"}],"channel_labels":{"channels":[],"number_of_channels":2},"items":[]}}"#;
        store
            .put(
                &ObjectLocation::new("recordings", "calls/c-1.wav.transcript.json"),
                own.as_bytes(),
            )
            .await
            .unwrap();
        let transcriber = LocalTranscriber::new(store.clone()).completing_after(0);
        let job = transcriber.start_job(&request("c-1_b")).await.unwrap();
        assert_eq!(job.status, JobStatus::Completed);
        let written = store
            .get(&ObjectLocation::new("transcripts", "c-1_b.json"))
            .await
            .unwrap()
            .unwrap();
        assert!(String::from_utf8(written).unwrap().contains("hello"));
    }

    #[tokio::test]
    async fn when_started_twice_or_unknown_should_answer_like_transcribe() {
        let transcriber = LocalTranscriber::new(MemoryObjectStore::new());
        transcriber.start_job(&request("c-1_c")).await.unwrap();
        assert!(matches!(
            transcriber.start_job(&request("c-1_c")).await,
            Err(TranscriberError::JobAlreadyExists { .. })
        ));
        assert!(matches!(
            transcriber.get_job("nope").await,
            Err(TranscriberError::JobNotFound { .. })
        ));
        assert!(matches!(
            transcriber.start_job(&request("bad name")).await,
            Err(TranscriberError::Rejected { .. })
        ));
    }

    #[tokio::test]
    async fn when_media_is_missing_and_required_should_fail_with_transcribes_reason() {
        let transcriber =
            LocalTranscriber::new(MemoryObjectStore::new()).failing_when_media_missing();
        transcriber.start_job(&request("c-1_d")).await.unwrap();
        let job = transcriber.get_job("c-1_d").await.unwrap();
        assert_eq!(job.status, JobStatus::Failed);
        assert!(
            job.failure_reason
                .unwrap()
                .contains("doesn't point to an S3 object")
        );
    }
}
