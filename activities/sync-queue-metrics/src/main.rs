//! `SyncQueueMetrics` as a Lambda function: Amazon Connect (GetCurrentMetricData), Salesforce
//! (describe and sObject Collections upserts) and S3 (the sync state).

use std::sync::Arc;

use aws_adapters::{ConnectMetricsClient, S3ObjectStore};
use connect_metrics::{
    RealtimeSettings,
    steps::{SyncQueueMetrics, SyncQueueMetricsPorts},
};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = RealtimeSettings::from_env(&env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let ports = SyncQueueMetricsPorts {
        connect: Arc::new(ConnectMetricsClient::from_config(&aws)),
        salesforce: Arc::new(aws_adapters::salesforce_client_from_env(&aws)?),
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        settings: Arc::new(settings),
    };
    lambda_glue::serve_task::<SyncQueueMetrics>(ports).await
}
