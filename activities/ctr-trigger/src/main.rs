//! Lambda entry point for the CTR stream consumer: wiring only.

use aws_adapters::StepFunctionsStarter;
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    // Level and format come from the function's logging configuration (LambdaLoggingLevel).
    lambda_runtime::tracing::init_default_subscriber();

    // Read once per container: a bad setting fails the cold start with the variable's name
    // instead of failing every record.
    let switches = ctr_trigger::switches_from_env()?;
    let state_machine_arn = std::env::var("POST_CALL_STATE_MACHINE_ARN")
        .map_err(|_| "environment variable POST_CALL_STATE_MACHINE_ARN is required but not set")?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let starter = StepFunctionsStarter::new(aws_sdk_sfn::Client::new(&aws), state_machine_arn);

    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| {
        let starter = &starter;
        let switches = &switches;
        async move {
            let (_report, response) = ctr_trigger::handle(starter, switches, event.payload)
                .await
                .map_err(|error| Diagnostic {
                    error_type: error.error_type().to_string(),
                    error_message: error.to_string(),
                })?;
            Ok::<Value, Diagnostic>(response)
        }
    }))
    .await
}
