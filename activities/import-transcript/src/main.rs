//! `ImportTranscript` as a Lambda function: Salesforce, S3 (markers, Transcribe output, a CTR
//! passed by reference) and Comprehend.

use std::sync::Arc;

use aws_adapters::{ComprehendAnalysis, S3ObjectStore};
use post_call::steps::{ImportTranscript, ImportTranscriptPorts};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let aws = lambda_glue::aws_config().await;
    let ports = ImportTranscriptPorts {
        salesforce: Arc::new(aws_adapters::salesforce_client_from_env(&aws)?),
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        analysis: Arc::new(ComprehendAnalysis::from_config(&aws)),
    };
    lambda_glue::serve_task::<ImportTranscript>(ports).await
}
