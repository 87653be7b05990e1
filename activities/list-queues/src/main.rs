//! `ListQueues` as a Lambda function: Amazon Connect (ListQueues) and S3 (the sync state). It
//! needs no `SF_*` setting.

use std::sync::Arc;

use aws_adapters::{ConnectMetricsClient, S3ObjectStore};
use connect_metrics::{
    RealtimeSettings,
    steps::{ListQueues, ListQueuesPorts},
};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = RealtimeSettings::from_env(&env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let ports = ListQueuesPorts {
        connect: Arc::new(ConnectMetricsClient::from_config(&aws)),
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        settings: Arc::new(settings),
    };
    lambda_glue::serve_task::<ListQueues>(ports).await
}
