//! `PlanContact` as a Lambda function. The step is pure: it builds no client, so it needs no
//! `SF_*` setting and no AWS permission.

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    lambda_glue::serve_task::<post_call::steps::PlanContact>(()).await
}
