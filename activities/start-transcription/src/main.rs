//! `StartTranscription` as a Lambda function: S3 for the contact markers (and a CTR passed by
//! reference), and Transcribe. No Salesforce client, so no `SF_*` setting is read.

use std::sync::Arc;

use aws_adapters::{S3ObjectStore, TranscribeJobs};
use post_call::steps::{StartTranscription, StartTranscriptionPorts};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let aws = lambda_glue::aws_config().await;
    let ports = StartTranscriptionPorts {
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        transcriber: Arc::new(TranscribeJobs::from_config(&aws)),
    };
    lambda_glue::serve_task::<StartTranscription>(ports).await
}
