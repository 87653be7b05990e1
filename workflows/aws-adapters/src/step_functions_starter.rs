//! [`ExecutionStarter`] on AWS Step Functions: one StartExecution per contact.

use async_trait::async_trait;
use aws_sdk_sfn::Client;
use post_call_trigger::{ExecutionStarter, StartError, StartErrorKind, StartOutcome};

use crate::SdkFailure;

pub struct StepFunctionsStarter {
    client: Client,
    state_machine_arn: String,
}

impl StepFunctionsStarter {
    pub fn new(client: Client, state_machine_arn: impl Into<String>) -> Self {
        Self {
            client,
            state_machine_arn: state_machine_arn.into(),
        }
    }

    /// From the Lambda's shared SDK configuration.
    pub fn from_config(
        config: &aws_config::SdkConfig,
        state_machine_arn: impl Into<String>,
    ) -> Self {
        Self::new(Client::new(config), state_machine_arn)
    }
}

#[async_trait]
impl ExecutionStarter for StepFunctionsStarter {
    /// Step Functions answers a repeated name with the running execution's ARN (same input)
    /// or `ExecutionAlreadyExists` (finished, or different input): both mean the contact was
    /// started before, so nothing new runs.
    async fn start_execution(
        &self,
        name: &str,
        input: &serde_json::Value,
    ) -> Result<StartOutcome, StartError> {
        let response = self
            .client
            .start_execution()
            .state_machine_arn(&self.state_machine_arn)
            .name(name)
            .input(input.to_string())
            .send()
            .await;
        match response {
            Ok(output) => Ok(StartOutcome::Started {
                execution_arn: output.execution_arn().to_string(),
            }),
            Err(error) => {
                let failure = SdkFailure::from_sdk(&error);
                if failure.is_code("ExecutionAlreadyExists") {
                    Ok(StartOutcome::AlreadyStarted)
                } else {
                    Err(StartError::new(classify(&failure), failure.to_string()))
                }
            }
        }
    }
}

/// Service errors that mean the deployment is wrong, not the record: retried until fixed.
const MISCONFIGURED_CODES: &[&str] = &[
    "StateMachineDoesNotExist",
    "StateMachineDeleting",
    "InvalidArn",
    "AccessDeniedException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ExpiredTokenException",
    "KmsAccessDeniedException",
    "KmsInvalidStateException",
    "ExecutionLimitExceeded",
];

/// What a failed StartExecution means for the record.
///
/// - Throttling, 5xx, timeouts, network failures: `Unavailable` (the record is retried).
/// - `InvalidExecutionInput`, or a `ValidationException` about the `input` (over 262144
///   characters): `InputRefused` (the CTR is then passed by reference).
/// - `InvalidName` and any other validation error: `Refused` (the record is quarantined).
/// - A missing state machine, denied access, bad credentials, KMS trouble, too many open
///   executions: `Misconfigured` (retried: every record would fail alike until it is fixed).
/// - A request the SDK could not build: `Misconfigured` too (the client is set up wrong).
fn classify(failure: &SdkFailure) -> StartErrorKind {
    let code = failure.code.as_deref().unwrap_or_default();
    if code.contains("Throttl") {
        return StartErrorKind::Unavailable;
    }
    if MISCONFIGURED_CODES.contains(&code) {
        return StartErrorKind::Misconfigured;
    }
    if failure.retryable {
        return StartErrorKind::Unavailable;
    }
    let about_the_input = failure.message.to_ascii_lowercase().contains("input");
    match code {
        "InvalidExecutionInput" => StartErrorKind::InputRefused,
        "ValidationException" if about_the_input => StartErrorKind::InputRefused,
        "InvalidName" | "ValidationException" | "InvalidParameterValue" => StartErrorKind::Refused,
        _ if failure.status == Some(413) => StartErrorKind::InputRefused,
        _ if failure
            .status
            .is_some_and(|status| (400..500).contains(&status)) =>
        {
            StartErrorKind::Refused
        }
        _ => StartErrorKind::Misconfigured,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(
        retryable: bool,
        status: Option<u16>,
        code: Option<&str>,
        message: &str,
    ) -> SdkFailure {
        SdkFailure {
            retryable,
            status,
            code: code.map(str::to_string),
            message: message.to_string(),
        }
    }

    #[test]
    fn step_functions_errors_are_classified_for_the_record() {
        use StartErrorKind as Kind;
        for (failure, kind) in [
            (
                failure(
                    true,
                    Some(400),
                    Some("ThrottlingException"),
                    "Rate exceeded",
                ),
                Kind::Unavailable,
            ),
            (
                failure(true, Some(500), Some("InternalFailure"), "x"),
                Kind::Unavailable,
            ),
            (
                failure(true, None, None, "dispatch failure: connection refused"),
                Kind::Unavailable,
            ),
            (
                failure(
                    false,
                    Some(400),
                    Some("InvalidExecutionInput"),
                    "Invalid State Machine Execution Input",
                ),
                Kind::InputRefused,
            ),
            (
                failure(
                    false,
                    Some(400),
                    Some("ValidationException"),
                    "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
                ),
                Kind::InputRefused,
            ),
            (
                failure(false, Some(413), None, "Request Entity Too Large"),
                Kind::InputRefused,
            ),
            (
                failure(false, Some(400), Some("InvalidName"), "Invalid Name: 'a?b'"),
                Kind::Refused,
            ),
            (
                failure(
                    false,
                    Some(400),
                    Some("ValidationException"),
                    "1 validation error detected: Value at 'name' failed to satisfy constraint",
                ),
                Kind::Refused,
            ),
            (
                failure(
                    false,
                    Some(400),
                    Some("StateMachineDoesNotExist"),
                    "State Machine Does Not Exist",
                ),
                Kind::Misconfigured,
            ),
            (
                failure(
                    false,
                    Some(400),
                    Some("AccessDeniedException"),
                    "not authorized",
                ),
                Kind::Misconfigured,
            ),
            (
                failure(false, Some(400), Some("ExecutionLimitExceeded"), "too many"),
                Kind::Misconfigured,
            ),
            (
                failure(false, None, None, "failed to construct request"),
                Kind::Misconfigured,
            ),
            (
                failure(
                    false,
                    Some(400),
                    Some("KmsThrottlingException"),
                    "slow down",
                ),
                Kind::Unavailable,
            ),
        ] {
            assert_eq!(classify(&failure), kind, "{failure}");
        }
    }
}
