//! The CTR trigger and the post-call workflow on the embedded default: the trigger's
//! StartExecution is a local starter that queues executions, which then run to completion on
//! the engine, one after the other, like Step Functions would run them. What the trigger keeps
//! (a CTR passed by reference, a quarantined record) goes to a [`RecordStore`] on the local
//! object store, in [`LOCAL_RECORDS_BUCKET`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use local_adapters::{DirectoryObjectStore, QueueingStarter};
use post_call::PackageSwitches;
use post_call::ports::ObjectStore;
use post_call_trigger::{RecordStore, TriggerReport};
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

/// The bucket of the local trigger's records, unless `CTR_RECORDS_S3_BUCKET` says otherwise
/// (template.yaml's `CtrRecordsBucket`).
pub const LOCAL_RECORDS_BUCKET: &str = "connect-sf-ctr-records";

/// The trigger's records on `store`, the one the local steps read a CTR reference from.
pub fn local_records(store: Arc<dyn ObjectStore>) -> RecordStore {
    let bucket = std::env::var(post_call_trigger::RECORDS_BUCKET_VARIABLE)
        .ok()
        .filter(|bucket| !bucket.trim().is_empty())
        .unwrap_or_else(|| LOCAL_RECORDS_BUCKET.to_string());
    RecordStore::new(store, bucket)
}

/// The trigger's records in a directory of their own (under `std::env::temp_dir()`), for a
/// trigger run whose executions never read them back: a quarantined record stays there for
/// inspection, but an execution started by reference cannot read its CTR from it. Pass the
/// engine's store to [`trigger_and_run_keeping`] instead wherever a CTR may be large.
pub fn scratch_records() -> (RecordStore, PathBuf) {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let directory = std::env::temp_dir().join(format!(
        "ctr-trigger-records-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    (
        local_records(Arc::new(DirectoryObjectStore::new(directory.clone()))),
        directory,
    )
}

pub struct TriggerRun {
    pub report: TriggerReport,
    pub response: Value,
    pub executions: Vec<ExecutionResult>,
}

/// Runs the trigger on a Kinesis event, then every execution it started on `engine`.
/// `starter` keeps the names already started (pass the same one to see redeliveries refused).
/// The trigger keeps its records in [`scratch_records`]: a CTR too large to travel inline
/// cannot be read back by `engine`'s steps, so use [`trigger_and_run_keeping`] with the
/// engine's store wherever that may happen.
pub async fn trigger_and_run(
    engine: &Engine,
    post_call: &StateMachine,
    starter: &QueueingStarter,
    event: Value,
    switches: &PackageSwitches,
) -> anyhow::Result<TriggerRun> {
    let (records, _directory) = scratch_records();
    trigger_and_run_keeping(engine, post_call, starter, &records, event, switches).await
}

/// [`trigger_and_run`] with the trigger's records in `records` (the engine's store, so a CTR
/// passed by reference is read back by the steps).
pub async fn trigger_and_run_keeping(
    engine: &Engine,
    post_call: &StateMachine,
    starter: &QueueingStarter,
    records: &RecordStore,
    event: Value,
    switches: &PackageSwitches,
) -> anyhow::Result<TriggerRun> {
    let (report, response) =
        post_call_trigger::handle_batch(starter, records, switches, event).await?;
    let executions = run_queued(engine, post_call, starter).await?;
    Ok(TriggerRun {
        report,
        response,
        executions,
    })
}

/// Runs every execution `starter` queued, in order, to its end.
pub async fn run_queued(
    engine: &Engine,
    post_call: &StateMachine,
    starter: &QueueingStarter,
) -> anyhow::Result<Vec<ExecutionResult>> {
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
    Ok(executions)
}
