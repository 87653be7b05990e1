//! The post-call workflow's AWS services on moto's server: the buckets and state machine a
//! deployment has, the SDK adapters the Lambdas run with, and Step Functions' part (the
//! execution held by name and input) played by moto while the engine runs the execution.

use std::sync::Arc;

use async_trait::async_trait;
use aws_adapters::{ComprehendAnalysis, S3ObjectStore, TranscribeJobs};
use embedded::ports::EmbeddedPorts;
use post_call::ports::{
    JobStatus, ObjectLocation, ObjectStore, Transcriber, TranscriberError, TranscriptionJob,
    TranscriptionJobRequest,
};
use salesforce_client::SalesforceClient;

use test_harness::shared_dir;

/// Amazon Transcribe on moto tracks a job's lifecycle but writes no output; this writes the
/// recorded two-channel transcript where Transcribe reports it once the job completes, as the
/// real service does.
pub struct TranscribeWritingOutput {
    jobs: TranscribeJobs,
    store: Arc<dyn ObjectStore>,
}

impl TranscribeWritingOutput {
    pub fn new(jobs: TranscribeJobs, store: Arc<dyn ObjectStore>) -> Self {
        Self { jobs, store }
    }
}

#[async_trait]
impl Transcriber for TranscribeWritingOutput {
    async fn start_job(
        &self,
        request: &TranscriptionJobRequest,
    ) -> Result<TranscriptionJob, TranscriberError> {
        self.jobs.start_job(request).await
    }

    async fn get_job(&self, job_name: &str) -> Result<TranscriptionJob, TranscriberError> {
        let job = self.jobs.get_job(job_name).await?;
        if job.status == JobStatus::Completed {
            let location = job
                .transcript_uri
                .as_deref()
                .and_then(ObjectLocation::from_uri)
                .ok_or_else(|| TranscriberError::Rejected {
                    message: format!("completed job {job_name} reports no S3 transcript URI"),
                })?;
            let transcript =
                std::fs::read(shared_dir().join("fixtures/transcribe/transcript-two-channel.json"))
                    .map_err(|error| TranscriberError::Rejected {
                        message: format!("the transcript fixture is unreadable: {error}"),
                    })?;
            self.store
                .put(&location, &transcript)
                .await
                .map_err(|error| TranscriberError::Unavailable {
                    message: error.to_string(),
                })?;
        }
        Ok(job)
    }
}

/// The ports the Lambdas' `main`s build (each takes its own share), with S3
/// (`s3`, see [`s3_client`]), Transcribe and Comprehend on moto (`aws`).
pub fn moto_post_call_ports(
    aws: &aws_config::SdkConfig,
    s3: aws_sdk_s3::Client,
    salesforce: Arc<SalesforceClient>,
) -> EmbeddedPorts {
    let store: Arc<dyn ObjectStore> = Arc::new(S3ObjectStore::new(s3));
    EmbeddedPorts {
        salesforce,
        store: store.clone(),
        transcriber: Arc::new(TranscribeWritingOutput::new(
            TranscribeJobs::from_config(aws),
            store,
        )),
        analysis: Arc::new(ComprehendAnalysis::from_config(aws)),
    }
}
