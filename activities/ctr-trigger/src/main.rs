//! The CTR stream consumer as a Lambda function: Step Functions, and S3 to keep what it cannot
//! start inline (a CTR passed by reference, a quarantined record).

use std::sync::Arc;

use aws_adapters::{S3ObjectStore, StepFunctionsStarter};
use post_call_trigger::{
    RecordStore, handle_batch, records_bucket_from_lookup, switches_from_lookup,
};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    // Read once per container: a bad setting fails the cold start with the variable's name
    // instead of failing every record.
    let switches = switches_from_lookup(env_config::from_process)?;
    let state_machine_arn =
        env_config::required(&env_config::from_process, "POST_CALL_STATE_MACHINE_ARN")?;
    let records_bucket = records_bucket_from_lookup(env_config::from_process)?;
    let aws = lambda_glue::aws_config().await;
    let starter = StepFunctionsStarter::from_config(&aws, state_machine_arn);
    let records = RecordStore::new(Arc::new(S3ObjectStore::from_config(&aws)), records_bucket);
    lambda_glue::serve(|event, _remaining| async {
        handle_batch(&starter, &records, &switches, event)
            .await
            .map(|(_report, response)| response)
    })
    .await
}
