//! The `sync-queue-metrics` Lambda binary as Step Functions invokes it: one tick against Amazon
//! Connect (the Connect emulator, `AWS_ENDPOINT_URL_CONNECT`), the sync state in S3 and the
//! Salesforce secret in Secrets Manager (moto), and the org the Salesforce emulator serves.

use std::path::Path;

use connect_emulator::Seed;
use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, salesforce_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
    password_secret_json, start_demo_emulator,
};

const BINARY: &str = env!("CARGO_BIN_EXE_sync-queue-metrics");
const STATE_BUCKET: &str = "northwind-care-sync-state";
const QUEUE_METRICS: &str = "amazonconnect__AC_QueueMetrics__c";

fn context(entered: &str) -> Value {
    json!({ "executionName": "minute-0900", "stateEnteredTime": entered, "retryCount": 0 })
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

    // Before ListQueues stored a list, the tick's error is the name the state machine sees.
    let tick = json!({"index": 0, "at": "2026-12-01T09:00:00Z"});
    let outcome = process
        .finish(
            &runtime_api,
            runtime_api.queue(
                json!({"input": {"tick": tick}, "context": context("2026-12-01T09:00:00Z")}),
            ),
        )
        .await?;
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
    let outcome = process
        .finish(
            &runtime_api,
            runtime_api.queue(
                json!({"input": {"tick": tick}, "context": context("2026-12-01T09:00:00Z")}),
            ),
        )
        .await?;
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
    let next = json!({"index": 1, "at": "2026-12-01T09:00:15Z"});
    let outcome = process
        .finish(
            &runtime_api,
            runtime_api.queue(
                json!({"input": {"tick": next}, "context": context("2026-12-01T09:00:15Z")}),
            ),
        )
        .await?;
    let report: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(
        (report["written"].as_u64(), report["upsertCalls"].as_u64()),
        (Some(0), Some(0)),
        "{report}"
    );
    process.stop().await?;
    Ok(())
}
