//! sfExecuteAWSService as a Lambda function: Amazon Connect (instance administration), Kinesis
//! and S3, no Salesforce. Every invocation is answered `{success, body}`; the wizard never gets
//! a Lambda error, whatever it sends.

use std::sync::Arc;

use aws_adapters::{ConnectInstanceAdminClient, KinesisStreamsClient, S3BucketsClient};
use setup_helper::{SetupError, SetupHelper, SetupSettings};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = SetupSettings::from_env(&env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let helper = SetupHelper {
        connect: Arc::new(ConnectInstanceAdminClient::from_config(&aws)),
        kinesis: Arc::new(KinesisStreamsClient::from_config(&aws)),
        s3: Arc::new(S3BucketsClient::from_config(&aws)),
        settings,
    };
    let helper = &helper;
    lambda_glue::serve(|event, _remaining| async move {
        Ok::<_, SetupError>(helper.handle(&event).await)
    })
    .await
}
