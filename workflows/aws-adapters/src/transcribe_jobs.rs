//! [`Transcriber`] on Amazon Transcribe batch jobs.

use async_trait::async_trait;
use aws_sdk_transcribe::Client;
use aws_sdk_transcribe::types::{
    LanguageCode, Media, MediaFormat as SdkMediaFormat, Settings, TranscriptionJobStatus,
};
use post_call::ports::{
    JobStatus, Transcriber, TranscriberError, TranscriptionJob, TranscriptionJobRequest,
};

use crate::SdkFailure;

pub struct TranscribeJobs {
    client: Client,
}

impl TranscribeJobs {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// From the Lambda's shared SDK configuration (region, credentials, retry policy).
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(config))
    }
}

fn transcriber_error(failure: SdkFailure) -> TranscriberError {
    if failure.retryable {
        TranscriberError::Unavailable {
            message: failure.to_string(),
        }
    } else {
        TranscriberError::Rejected {
            message: failure.to_string(),
        }
    }
}

/// Transcribe's job description in the port's terms. A status the SDK does not know yet is
/// treated as still running, so the workflow polls again rather than failing the contact.
fn job_from_sdk(
    requested_name: &str,
    job: Option<&aws_sdk_transcribe::types::TranscriptionJob>,
) -> TranscriptionJob {
    let status = match job.and_then(|job| job.transcription_job_status()) {
        Some(TranscriptionJobStatus::Completed) => JobStatus::Completed,
        Some(TranscriptionJobStatus::Failed) => JobStatus::Failed,
        Some(TranscriptionJobStatus::Queued) => JobStatus::Queued,
        _ => JobStatus::InProgress,
    };
    TranscriptionJob {
        job_name: job
            .and_then(|job| job.transcription_job_name())
            .unwrap_or(requested_name)
            .to_string(),
        status,
        failure_reason: job.and_then(|job| job.failure_reason()).map(str::to_string),
        transcript_uri: job
            .and_then(|job| job.transcript())
            .and_then(|transcript| transcript.transcript_file_uri())
            .map(str::to_string),
        language_code: job
            .and_then(|job| job.language_code())
            .map(|code| code.as_str().to_string()),
    }
}

#[async_trait]
impl Transcriber for TranscribeJobs {
    async fn start_job(
        &self,
        request: &TranscriptionJobRequest,
    ) -> Result<TranscriptionJob, TranscriberError> {
        let response = self
            .client
            .start_transcription_job()
            .transcription_job_name(&request.job_name)
            .language_code(LanguageCode::from(request.language_code.as_str()))
            .media_format(SdkMediaFormat::from(request.media_format.as_str()))
            .media(Media::builder().media_file_uri(&request.media_uri).build())
            .output_bucket_name(&request.output_bucket)
            .settings(
                Settings::builder()
                    .channel_identification(request.channel_identification)
                    .build(),
            )
            .send()
            .await;
        match response {
            Ok(output) => Ok(job_from_sdk(&request.job_name, output.transcription_job())),
            Err(error) => {
                let failure = SdkFailure::from_sdk(&error);
                if failure.is_code("ConflictException") {
                    Err(TranscriberError::JobAlreadyExists {
                        job_name: request.job_name.clone(),
                    })
                } else {
                    Err(transcriber_error(failure))
                }
            }
        }
    }

    async fn get_job(&self, job_name: &str) -> Result<TranscriptionJob, TranscriberError> {
        let response = self
            .client
            .get_transcription_job()
            .transcription_job_name(job_name)
            .send()
            .await;
        match response {
            Ok(output) => Ok(job_from_sdk(job_name, output.transcription_job())),
            Err(error) => {
                let failure = SdkFailure::from_sdk(&error);
                // Transcribe answers an unknown job name with BadRequestException ("The
                // requested job couldn't be found"), not NotFoundException.
                if failure.is_code("NotFoundException")
                    || (failure.is_code("BadRequestException")
                        && failure.message.contains("couldn't be found"))
                {
                    Err(TranscriberError::JobNotFound {
                        job_name: job_name.to_string(),
                    })
                } else {
                    Err(transcriber_error(failure))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_transcribe::types::{Transcript, TranscriptionJob as SdkJob};

    use super::*;

    #[test]
    fn when_job_failed_should_keep_transcribes_reason() {
        let job = SdkJob::builder()
            .transcription_job_name("contact-1-a1")
            .transcription_job_status(TranscriptionJobStatus::Failed)
            .failure_reason("The media format provided does not match the detected media format.")
            .build();
        let job = job_from_sdk("contact-1-a1", Some(&job));
        assert_eq!(job.status, JobStatus::Failed);
        assert!(
            job.failure_reason
                .as_deref()
                .is_some_and(|reason| reason.contains("media format"))
        );
    }

    #[test]
    fn when_job_completed_should_give_the_transcript_uri() {
        let job = SdkJob::builder()
            .transcription_job_name("contact-1-a1")
            .transcription_job_status(TranscriptionJobStatus::Completed)
            .language_code(LanguageCode::EnUs)
            .transcript(
                Transcript::builder()
                    .transcript_file_uri("https://s3.us-west-2.amazonaws.com/out/contact-1-a1.json")
                    .build(),
            )
            .build();
        let job = job_from_sdk("contact-1-a1", Some(&job));
        assert_eq!(job.status, JobStatus::Completed);
        assert_eq!(job.language_code.as_deref(), Some("en-US"));
        assert!(job.transcript_uri.is_some());
    }

    #[test]
    fn when_status_is_unknown_should_keep_polling() {
        let job = job_from_sdk("contact-1-a1", None);
        assert_eq!(job.status, JobStatus::InProgress);
        assert_eq!(job.job_name, "contact-1-a1");
    }
}
