//! `CheckContactLensFile` as a Lambda function: S3 (the file) and Amazon Connect
//! (GetContactAttributes). It needs no `SF_*` setting.

use std::sync::Arc;

use aws_adapters::{ConnectMetricsClient, S3ObjectStore};
use contact_lens::{
    ContactLensSettings,
    steps::{CheckContactLensFile, CheckContactLensFilePorts},
};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = ContactLensSettings::from_env(&env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let ports = CheckContactLensFilePorts {
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        connect: Arc::new(ConnectMetricsClient::from_config(&aws)),
        settings: Arc::new(settings),
    };
    lambda_glue::serve_task::<CheckContactLensFile>(ports).await
}
