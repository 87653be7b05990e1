//! `CheckTranscription` as a Lambda function: Transcribe only. No Salesforce client, so no
//! `SF_*` setting is read.

use std::sync::Arc;

use aws_adapters::TranscribeJobs;

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let aws = lambda_glue::aws_config().await;
    let transcriber = Arc::new(TranscribeJobs::from_config(&aws));
    lambda_glue::serve_task::<post_call::steps::CheckTranscription>(transcriber).await
}
