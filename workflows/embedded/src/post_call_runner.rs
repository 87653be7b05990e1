//! The CTR trigger and the post-call workflow on the embedded default: the trigger's
//! StartExecution is a local starter that queues executions, which then run to completion on
//! the engine, one after the other, like Step Functions would run them.

use local_adapters::QueueingStarter;
use post_call::PackageSwitches;
use post_call_trigger::TriggerReport;
use serde_json::Value;
use step_functions_engine::{Engine, ExecutionOptions, ExecutionResult, StateMachine};

/// The switches the trigger puts into each execution locally: every feature on, the demo
/// buckets and the emulator's namespace, unless the environment (as in Lambda) says otherwise.
pub fn local_switches() -> anyhow::Result<PackageSwitches> {
    const LOCAL_DEFAULTS: [(&str, &str); 4] = [
        ("CONNECT_RECORDING_S3_BUCKET", "amazon-connect-recordings"),
        ("TRANSCRIBE_OUTPUT_S3_BUCKET", "amazon-connect-transcripts"),
        ("AWS_REGION", "us-west-2"),
        ("SF_ADAPTER_NAMESPACE", "amazonconnect"),
    ];
    Ok(post_call_trigger::switches_from_lookup(|name| {
        std::env::var(name).ok().or_else(|| {
            LOCAL_DEFAULTS
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_string())
        })
    })?)
}

pub struct TriggerRun {
    pub report: TriggerReport,
    pub response: Value,
    pub executions: Vec<ExecutionResult>,
}

/// Runs the trigger on a Kinesis event, then every execution it started on `engine`.
/// `starter` keeps the names already started (pass the same one to see redeliveries refused).
pub async fn trigger_and_run(
    engine: &Engine,
    post_call: &StateMachine,
    starter: &QueueingStarter,
    event: Value,
    switches: &PackageSwitches,
) -> anyhow::Result<TriggerRun> {
    let (report, response) = post_call_trigger::handle_batch(starter, switches, event).await?;
    let mut executions = Vec::new();
    for (name, input) in starter.take_queued() {
        let result = engine
            .run(
                post_call,
                input,
                ExecutionOptions {
                    name: Some(name),
                    state_machine_name: Some("post-call".into()),
                    ..ExecutionOptions::default()
                },
            )
            .await
            .map_err(|error| anyhow::anyhow!("post-call: {error}"))?;
        executions.push(result);
    }
    Ok(TriggerRun {
        report,
        response,
        executions,
    })
}
