//! The `list-queues` Lambda binary as Step Functions invokes it: Amazon Connect (the Connect
//! emulator, through the service-specific endpoint `AWS_ENDPOINT_URL_CONNECT`) and the sync
//! state in S3 (moto). The step never calls Salesforce, so the function starts with no `SF_*`
//! setting at all.

use std::path::Path;

use connect_emulator::Seed;
use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
};

const BINARY: &str = env!("CARGO_BIN_EXE_list-queues");
const STATE_BUCKET: &str = "northwind-care-sync-state";

#[tokio::test]
async fn the_binary_lists_every_queue_into_the_sync_state_and_plans_four_ticks()
-> anyhow::Result<()> {
    let moto = MotoServer::start().await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[STATE_BUCKET]).await?;
    let seed = Seed::with_queues(250);
    let instance_id = seed.instance_id.clone();
    let connect = connect_emulator::start_local(seed).await?;
    let mut environment = lambda_environment("listQueues", moto.endpoint());
    environment.extend(
        [
            ("AWS_ENDPOINT_URL_CONNECT", connect.base_url()),
            ("AMAZON_CONNECT_INSTANCE_ID", instance_id),
            ("SYNC_STATE_S3_BUCKET", STATE_BUCKET.to_string()),
        ]
        .map(|(name, value)| (name.to_string(), value)),
    );
    assert!(environment.iter().all(|(name, _)| !name.starts_with("SF_")));
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "list-queues").await?;

    let state_input = json!({
        "input": {},
        "context": {
            "executionName": "minute-0900",
            "stateEnteredTime": "2026-12-01T09:00:00Z",
            "retryCount": 0
        }
    });
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let listing: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(listing["queueCount"], 250);
    assert_eq!(listing["connectCalls"], 3, "250 queues at 100 a page");
    assert_eq!(listing["ticks"].as_array().map(Vec::len), Some(4));

    let stored = s3
        .get_object()
        .bucket(STATE_BUCKET)
        .key("realtime-queue-metrics/state.json")
        .send()
        .await?
        .body
        .collect()
        .await?
        .into_bytes();
    let state: Value = serde_json::from_slice(&stored)?;
    assert_eq!(state["queueList"]["execution"], "minute-0900");
    assert_eq!(
        state["queueList"]["queues"].as_array().map(Vec::len),
        Some(250)
    );

    // Without the instance the function refuses to start and says which variable is missing.
    process.stop().await?;
    let mut without_instance = environment.clone();
    without_instance.retain(|(name, _)| name != "AMAZON_CONNECT_INSTANCE_ID");
    let (_runtime_api, process) = start_under_runtime_api(
        Path::new(BINARY),
        &without_instance,
        "list-queues-no-instance",
    )
    .await?;
    let (status, log) = process.exited(std::time::Duration::from_secs(20)).await?;
    assert!(!status.success());
    assert!(log.contains("AMAZON_CONNECT_INSTANCE_ID"), "{log}");
    Ok(())
}
