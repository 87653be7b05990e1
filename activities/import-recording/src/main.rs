//! `ImportRecording` as a Lambda function: Salesforce, and S3 for the contact markers (and a
//! CTR passed by reference).

use std::sync::Arc;

use aws_adapters::S3ObjectStore;
use post_call::steps::{ImportRecording, ImportRecordingPorts};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let aws = lambda_glue::aws_config().await;
    let ports = ImportRecordingPorts {
        salesforce: Arc::new(aws_adapters::salesforce_client_from_env(&aws)?),
        store: Arc::new(S3ObjectStore::from_config(&aws)),
    };
    lambda_glue::serve_task::<ImportRecording>(ports).await
}
