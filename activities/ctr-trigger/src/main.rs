//! The CTR stream consumer as a Lambda function: Step Functions only.

use aws_adapters::StepFunctionsStarter;
use post_call_trigger::{handle_batch, switches_from_lookup};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    // Read once per container: a bad setting fails the cold start with the variable's name
    // instead of failing every record.
    let switches = switches_from_lookup(env_config::from_process)?;
    let state_machine_arn =
        env_config::required(&env_config::from_process, "POST_CALL_STATE_MACHINE_ARN")?;
    let aws = lambda_glue::aws_config().await;
    let starter = StepFunctionsStarter::from_config(&aws, state_machine_arn);
    lambda_glue::serve(|event, _remaining| async {
        handle_batch(&starter, &switches, event)
            .await
            .map(|(_report, response)| response)
    })
    .await
}
