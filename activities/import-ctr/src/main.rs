//! `ImportCtr` as a Lambda function: Salesforce only.

use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let aws = lambda_glue::aws_config().await;
    let salesforce = aws_adapters::salesforce_client_from_env(&aws)?;
    lambda_glue::serve_task::<post_call::steps::ImportCtr>(Arc::new(salesforce)).await
}
