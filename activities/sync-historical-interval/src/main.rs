//! `SyncHistoricalInterval` as a Lambda function: Amazon Connect (GetMetricDataV2), Salesforce
//! (describe and sObject Collections upserts) and S3 (the run's queues and agents, the
//! checkpoint).

use std::sync::Arc;

use aws_adapters::{ConnectMetricsClient, S3ObjectStore};
use historical_metrics::api_sync::{
    ApiSyncSettings,
    steps::{SyncHistoricalInterval, SyncHistoricalIntervalPorts},
};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = ApiSyncSettings::from_env(&env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let ports = SyncHistoricalIntervalPorts {
        connect: Arc::new(ConnectMetricsClient::from_config(&aws)),
        salesforce: Arc::new(aws_adapters::salesforce_client_from_env(&aws)?),
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        settings: Arc::new(settings),
    };
    lambda_glue::serve_task::<SyncHistoricalInterval>(ports).await
}
