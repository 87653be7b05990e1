//! What every post-call Lambda's `main` does: build the SDK-backed ports once per container,
//! then hand each invocation's state input to the activity's `handle`.

use std::future::Future;
use std::sync::Arc;

use aws_adapters::{ComprehendAnalysis, S3ObjectStore, TranscribeJobs};
use chrono::{DateTime, Utc};
use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

use crate::{ActivityError, PostCallPorts, salesforce_client_from_env};

/// The production ports: Salesforce (credentials from Secrets Manager, fetched on first use),
/// S3, Amazon Transcribe and Amazon Comprehend. Nothing is called until a step needs it, and
/// each function's IAM role grants only what its step uses.
pub fn sdk_post_call_ports(
    aws: &aws_config::SdkConfig,
) -> Result<PostCallPorts, lambda_runtime::Error> {
    Ok(PostCallPorts {
        salesforce: Arc::new(salesforce_client_from_env(aws)?),
        store: Arc::new(S3ObjectStore::from_config(aws)),
        transcriber: Arc::new(TranscribeJobs::from_config(aws)),
        analysis: Arc::new(ComprehendAnalysis::from_config(aws)),
    })
}

/// Runs a post-call activity as a Lambda function until the runtime stops it.
///
/// Logging follows the function's logging configuration (JSON at `LambdaLoggingLevel`); a
/// failed step returns its `ActivityError`, whose type is the error name the state machine's
/// Retry and Catch match.
pub async fn serve_post_call_activity<H, F>(handle: H) -> Result<(), lambda_runtime::Error>
where
    H: Fn(PostCallPorts, Value, DateTime<Utc>) -> F,
    F: Future<Output = Result<Value, ActivityError>>,
{
    lambda_runtime::tracing::init_default_subscriber();
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let ports = sdk_post_call_ports(&aws)?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        handle(ports.clone(), event.payload, Utc::now())
    }))
    .await
}
