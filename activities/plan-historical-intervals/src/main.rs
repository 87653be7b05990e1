//! `PlanHistoricalIntervals` as a Lambda function: Amazon Connect (ListQueues, ListUsers) and S3
//! (the checkpoint and the run's queues and agents). It needs no `SF_*` setting.

use std::sync::Arc;

use aws_adapters::{ConnectMetricsClient, S3ObjectStore};
use historical_metrics::api_sync::{
    ApiSyncSettings,
    steps::{PlanHistoricalIntervals, PlanHistoricalIntervalsPorts},
};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = ApiSyncSettings::from_env(&env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let ports = PlanHistoricalIntervalsPorts {
        connect: Arc::new(ConnectMetricsClient::from_config(&aws)),
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        settings: Arc::new(settings),
    };
    lambda_glue::serve_task::<PlanHistoricalIntervals>(ports).await
}
