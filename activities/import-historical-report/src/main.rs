//! `ImportHistoricalReport` as a Lambda function: S3 (ranged reads of the report) and
//! Salesforce (describe and sObject Collections upserts).

use std::sync::Arc;

use aws_adapters::S3ObjectStore;
use historical_metrics::{
    HistoricalSettings,
    steps::{ImportHistoricalReport, ImportHistoricalReportPorts},
};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = HistoricalSettings::from_env(&env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let ports = ImportHistoricalReportPorts {
        salesforce: Arc::new(aws_adapters::salesforce_client_from_env(&aws)?),
        store: Arc::new(S3ObjectStore::from_config(&aws)),
        settings: Arc::new(settings),
    };
    lambda_glue::serve_task::<ImportHistoricalReport>(ports).await
}
