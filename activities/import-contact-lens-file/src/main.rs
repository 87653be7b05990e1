//! `ImportContactLensFile` as a Lambda function: Salesforce, and S3 for the file, the contact
//! markers and the import claims. It never calls Amazon Connect.

use std::sync::Arc;

use aws_adapters::S3ObjectStore;
use contact_lens::{
    ContactLensSettings,
    steps::{ImportContactLensFile, ImportContactLensFilePorts},
};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = ContactLensSettings::from_env(&env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let ports = ImportContactLensFilePorts {
        salesforce: Arc::new(aws_adapters::salesforce_client_from_env(&aws)?),
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        settings: Arc::new(settings),
    };
    lambda_glue::serve_task::<ImportContactLensFile>(ports).await
}
