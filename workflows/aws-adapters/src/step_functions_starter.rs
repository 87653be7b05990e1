//! [`ExecutionStarter`] on AWS Step Functions: one StartExecution per contact.

use async_trait::async_trait;
use aws_sdk_sfn::Client;
use post_call_trigger::{ExecutionStarter, StartError, StartOutcome};

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
                    Err(StartError {
                        message: failure.to_string(),
                    })
                }
            }
        }
    }
}
