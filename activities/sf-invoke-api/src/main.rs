//! Lambda entry point for sfInvokeAPI: wiring only.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_runtime::{LambdaEvent, service_fn};
use salesforce_client::{SalesforceClient, SalesforceConfig};
use sf_invoke_api::Settings;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    // Level and format come from the function's logging configuration (LambdaLoggingLevel).
    lambda_runtime::tracing::init_default_subscriber();

    let config = SalesforceConfig::from_env()?;
    let settings = Settings::from_env()?;
    let secret_arn = std::env::var("SF_CREDENTIALS_SECRETS_MANAGER_ARN").map_err(
        |_| "environment variable SF_CREDENTIALS_SECRETS_MANAGER_ARN is required but not set",
    )?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    // Nothing is fetched yet: the secret and the token are loaded on first use and then kept
    // for the life of the container.
    let salesforce = SalesforceClient::with_secrets_manager(
        config,
        aws_sdk_secretsmanager::Client::new(&aws),
        secret_arn,
    )?;

    lambda_runtime::run(service_fn(|event: LambdaEvent<serde_json::Value>| {
        let salesforce = &salesforce;
        let settings = &settings;
        async move {
            let remaining = remaining_time(event.context.deadline);
            sf_invoke_api::handle(
                salesforce,
                event.payload,
                settings,
                remaining,
                chrono::Utc::now(),
            )
            .await
        }
    }))
    .await
}

/// Time left before Lambda stops the invocation, keeping a margin to report our own error.
fn remaining_time(deadline_epoch_ms: u64) -> Option<Duration> {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_millis() as u64;
    deadline_epoch_ms
        .checked_sub(now_ms)
        .map(|left| Duration::from_millis(left.saturating_sub(250)))
}
