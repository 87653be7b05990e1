//! The `sync-queue-metrics` Lambda binary as Step Functions invokes it: one tick against Amazon
//! Connect (the Connect emulator, `AWS_ENDPOINT_URL_CONNECT`), the sync state in S3 and the
//! Salesforce secret in Secrets Manager (moto), and the org the Salesforce emulator serves; the
//! API budget guard's log line and metric as CloudWatch would receive them.

use std::path::Path;

use connect_emulator::Seed;
use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{
        ActivityProcess, FunctionLog, lambda_environment, salesforce_environment,
        start_under_runtime_api,
    },
    lambda_runtime_api::{Completion, Outcome, RuntimeApi},
    moto_resources::{create_buckets, s3_client},
    password_secret_json, start_demo_emulator,
};

const BINARY: &str = env!("CARGO_BIN_EXE_sync-queue-metrics");
const STATE_BUCKET: &str = "northwind-care-sync-state";
const QUEUE_METRICS: &str = "amazonconnect__AC_QueueMetrics__c";

/// Runs tick `index` of a minute that starts now: the binary compares a tick's time with the
/// wall clock, and a tick more than 3 s past its time skips itself as late.
async fn run_tick(
    process: &mut ActivityProcess,
    runtime_api: &RuntimeApi,
    index: u32,
) -> anyhow::Result<Outcome> {
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let input = json!({
        "input": {"tick": {"index": index, "at": at}},
        "context": {"executionName": "minute-0900", "stateEnteredTime": at, "retryCount": 0},
    });
    process.finish(runtime_api, runtime_api.queue(input)).await
}

#[tokio::test]
async fn the_binary_writes_a_ticks_changed_queues_and_types_its_errors() -> anyhow::Result<()> {
    let emulator = start_demo_emulator().await;
    let moto = MotoServer::start().await?;
    let secret_arn = moto
        .create_secret("sync-queue-metrics-credentials", &password_secret_json())
        .await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[STATE_BUCKET]).await?;
    let seed = Seed::with_queues(30);
    let queues: Vec<Value> = seed
        .queue_ids()
        .iter()
        .map(|id| json!({"id": id, "arn": seed.queue_arn(id), "name": format!("Queue {id}")}))
        .collect();
    let instance_id = seed.instance_id.clone();
    let connect = connect_emulator::start_local(seed).await?;

    let mut environment = salesforce_environment(&emulator.base_url(), &secret_arn);
    environment.extend(lambda_environment("syncQueueMetrics", moto.endpoint()));
    environment.extend(
        [
            ("AWS_ENDPOINT_URL_CONNECT", connect.base_url()),
            ("AMAZON_CONNECT_INSTANCE_ID", instance_id),
            ("SYNC_STATE_S3_BUCKET", STATE_BUCKET.to_string()),
            ("SF_ADAPTER_NAMESPACE", "amazonconnect".to_string()),
        ]
        .map(|(name, value)| (name.to_string(), value)),
    );
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "sync-queue-metrics").await?;
    let log_path =
        std::env::temp_dir().join(format!("sync-queue-metrics-{}.log", std::process::id()));

    // Before ListQueues stored a list, the tick's error is the name the state machine sees.
    let outcome = run_tick(&mut process, &runtime_api, 0).await?;
    assert_eq!(outcome.completion, Completion::Error, "{}", outcome.body);
    let error: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(error["errorType"], "Queues.NotListed", "{error}");

    // The queue list as ListQueues stores it; the tick writes every queue once.
    let state = json!({"queueList": {"execution": "minute-0900", "listedAt": "2026-12-01T09:00:00Z", "queues": queues}});
    s3.put_object()
        .bucket(STATE_BUCKET)
        .key("realtime-queue-metrics/state.json")
        .body(state.to_string().into_bytes().into())
        .send()
        .await?;
    let outcome = run_tick(&mut process, &runtime_api, 0).await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let report: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(report["written"], 30, "{report}");
    assert_eq!(report["upsertCalls"], 1);
    let records = emulator.control().dump()[QUEUE_METRICS]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(records.len(), 30);

    // The next tick, nothing changed: no record is sent.
    let outcome = run_tick(&mut process, &runtime_api, 1).await?;
    let report: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(report.get("skipped"), None, "the tick ran: {report}");
    assert_eq!(
        (
            report["queues"].as_u64(),
            report["written"].as_u64(),
            report["upsertCalls"].as_u64()
        ),
        (Some(30), Some(0), Some(0)),
        "{report}"
    );

    // The org passes the API budget (90 % by default): the tick whose write sees that usage
    // still writes, the next one pauses, says why in the log and counts it in the metric the
    // dashboard shows, and calls Salesforce no more.
    let (_, max) = emulator.control().api_usage();
    emulator.control().set_api_usage(max * 95 / 100);
    let changed: Vec<_> = connect.control().seed().snapshots()[0]
        .iter()
        .cloned()
        .map(|mut result| {
            result.set_value("AGENTS_STAFFED", "COUNT", 77.0);
            result
        })
        .collect();
    connect.control().set_current_metrics(changed);
    let outcome = run_tick(&mut process, &runtime_api, 2).await?;
    let report: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(report["written"], 30, "{report}");
    let usage_before_pause = emulator.control().api_usage().0;
    let outcome = run_tick(&mut process, &runtime_api, 3).await?;
    process.stop().await?;
    let report: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(report["skipped"], "apiBudget", "{report}");
    assert_eq!(emulator.control().api_usage().0, usage_before_pause);

    let log = FunctionLog::read(&log_path)?;
    let warning = log.message("over the API budget");
    assert_eq!(warning["level"], "WARN", "{warning}");
    assert_eq!(warning["fields"]["threshold_percent"], 90, "{warning}");
    assert_eq!(warning["fields"]["max"], max, "{warning}");
    let metric = log.metric("SyncPausedForApiBudget");
    let directive = &metric["_aws"]["CloudWatchMetrics"][0];
    assert_eq!(
        directive["Namespace"], "AmazonConnectSalesforce",
        "{metric}"
    );
    assert_eq!(metric["Workflow"], "realtime-queue-metrics", "{metric}");
    assert_eq!(metric["SyncPausedForApiBudget"], 1.0, "{metric}");
    let _ = std::fs::remove_file(&log_path);
    Ok(())
}
