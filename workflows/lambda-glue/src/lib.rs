//! What every activity's `main` does around its domain call: JSON logs at the function's
//! logging level, the AWS configuration, the Lambda runtime loop, and each error reported as
//! `{errorType, errorMessage}` with its [`NamedError`] name, so Step Functions' Retry and Catch
//! (or a contact flow's error branch) see exactly the names the activity declares.
//!
//! **Architecture invariant:** this is the only library that depends on `lambda_runtime`;
//! activities depend on it and on the domain crates, never on each other.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use activity_contract::{ErrorBody, NamedError, Task, run_task};
use chrono::Utc;
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde::Serialize;
use serde_json::Value;

pub use lambda_runtime::Error;

/// Level and format come from the function's logging configuration (`LambdaLoggingLevel`).
pub fn init_logging() {
    lambda_runtime::tracing::init_default_subscriber();
}

/// The AWS configuration of the function (region, credentials, `AWS_ENDPOINT_URL*`).
pub async fn aws_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .timeout_config(sdk_timeouts())
        .load()
        .await
}

/// Every AWS call is bounded: a stalled connection or a slow S3 answer fails the attempt (the
/// SDK retries it) and then the operation, well inside the function's own timeout, with an
/// error the step reports as retryable, instead of hanging until Lambda kills the sandbox.
pub fn sdk_timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(3))
        .operation_attempt_timeout(std::time::Duration::from_secs(10))
        .operation_timeout(std::time::Duration::from_secs(25))
        .build()
}

/// A Lambda error body from any activity error.
pub fn diagnostic(error: &dyn NamedError) -> Diagnostic {
    let body = ErrorBody::of(error);
    Diagnostic {
        error_type: body.error_type,
        error_message: body.error_message,
    }
}

/// Serves the post-call Task `T` with `ports` (built once per container by the `main`) until
/// the runtime stops the function.
pub async fn serve_task<T: Task>(ports: T::Ports) -> Result<(), Error> {
    let ports = &ports;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        run_task::<T>(ports, event.payload, Utc::now())
            .await
            .map_err(|error| diagnostic(&error))
    }))
    .await
}

/// Serves any activity: `handle` gets the event's payload and the time Lambda still allows.
pub async fn serve<H, F, O, E>(handle: H) -> Result<(), Error>
where
    H: Fn(Value, Option<Duration>) -> F,
    F: Future<Output = Result<O, E>>,
    O: Serialize,
    E: NamedError,
{
    let handle = &handle;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        let remaining = remaining_time(event.context.deadline);
        handle(event.payload, remaining)
            .await
            .map_err(|error| diagnostic(&error))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_aws_call_has_an_operation_and_an_attempt_timeout() {
        let config = aws_config().await;
        let timeouts = config.timeout_config().expect("timeouts are configured");
        assert_eq!(
            timeouts.operation_timeout(),
            Some(std::time::Duration::from_secs(25))
        );
        assert_eq!(
            timeouts.operation_attempt_timeout(),
            Some(std::time::Duration::from_secs(10))
        );
        assert_eq!(
            timeouts.connect_timeout(),
            Some(std::time::Duration::from_secs(3))
        );
    }
}
