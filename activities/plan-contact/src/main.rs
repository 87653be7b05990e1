//! `PlanContact` as a Lambda function: S3 only, to read a CTR the trigger passed by reference
//! (an inline CTR calls nothing). It needs no `SF_*` setting.

use std::sync::Arc;

use aws_adapters::S3ObjectStore;

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let aws = lambda_glue::aws_config().await;
    lambda_glue::serve_task::<post_call::steps::PlanContact>(Arc::new(S3ObjectStore::from_config(
        &aws,
    )))
    .await
}
