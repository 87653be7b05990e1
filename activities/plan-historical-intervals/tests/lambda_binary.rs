//! The `plan-historical-intervals` Lambda binary as Step Functions invokes it: Amazon Connect
//! (the Connect emulator, through `AWS_ENDPOINT_URL_CONNECT`) and the sync state in S3 (moto).
//! The step never calls Salesforce, so the function starts with no `SF_*` setting at all.

use std::path::Path;

use connect_emulator::{Seed, UserSummary};
use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
};

const BINARY: &str = env!("CARGO_BIN_EXE_plan-historical-intervals");
const STATE_BUCKET: &str = "northwind-care-sync-state";

async fn object(s3: &aws_sdk_s3::Client, key: &str) -> anyhow::Result<Value> {
    let bytes = s3
        .get_object()
        .bucket(STATE_BUCKET)
        .key(key)
        .send()
        .await?
        .body
        .collect()
        .await?
        .into_bytes();
    Ok(serde_json::from_slice(&bytes)?)
}

#[tokio::test]
async fn the_binary_plans_from_the_checkpoint_and_stores_every_queue_and_agent()
-> anyhow::Result<()> {
    let moto = MotoServer::start().await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[STATE_BUCKET]).await?;
    let mut seed = Seed::with_queues(150);
    seed.users = (0..1_200)
        .map(|i| UserSummary::new(&seed, format!("user-{i:04}"), format!("agent.{i:04}")))
        .collect();
    let instance_id = seed.instance_id.clone();
    let instance_arn = seed.instance_arn();
    let connect = connect_emulator::start_local(seed).await?;
    let mut environment = lambda_environment("planHistoricalIntervals", moto.endpoint());
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
        start_under_runtime_api(Path::new(BINARY), &environment, "plan-historical-intervals")
            .await?;
    let state_input = json!({
        "input": {},
        "context": {"executionName": "run-1", "stateEnteredTime": "2026-12-01T09:05:00Z", "retryCount": 0}
    });

    // The first run: only the latest completed interval.
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input.clone()))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let plan: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(
        plan["intervals"].as_array().map(Vec::len),
        Some(1),
        "{plan}"
    );
    assert_eq!(
        (plan["queues"].as_u64(), plan["agents"].as_u64()),
        (Some(150), Some(1_200))
    );
    assert_eq!(
        plan["connectCalls"], 4,
        "150 queues at 100 a page, 1,200 users at 1,000 a page"
    );
    let listed = object(&s3, "historical-metrics/resources.json").await?;
    assert_eq!(listed["execution"], "run-1");
    assert_eq!(listed["instanceArn"], instance_arn.as_str());
    assert_eq!(listed["agents"][0]["username"], "agent.0000");

    // A checkpoint two hours back: the four intervals since, oldest first.
    let latest: chrono::DateTime<chrono::Utc> = plan["intervals"][0]["start"]
        .as_str()
        .unwrap_or_default()
        .parse()?;
    let checkpoint = latest - chrono::Duration::hours(2);
    s3.put_object()
        .bucket(STATE_BUCKET)
        .key("historical-metrics/checkpoint.json")
        .body(
            json!({"lastSynced": checkpoint, "syncedAt": checkpoint})
                .to_string()
                .into_bytes()
                .into(),
        )
        .send()
        .await?;
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input))
        .await?;
    let plan: Value = serde_json::from_str(&outcome.body)?;
    let starts: Vec<&str> = plan["intervals"]
        .as_array()
        .map(|intervals| {
            intervals
                .iter()
                .filter_map(|i| i["start"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(starts.len(), 4, "{plan}");
    assert_eq!(
        starts[3].parse::<chrono::DateTime<chrono::Utc>>()?,
        latest,
        "{plan}"
    );

    // Connect refuses an unknown instance: the typed name the state machine sees.
    process.stop().await?;
    let mut other = environment.clone();
    for (name, value) in &mut other {
        if name == "AMAZON_CONNECT_INSTANCE_ID" {
            *value = "00000000-0000-4000-8000-000000000000".to_string();
        }
    }
    s3.delete_object()
        .bucket(STATE_BUCKET)
        .key("historical-metrics/checkpoint.json")
        .send()
        .await?;
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &other, "plan-historical-intervals").await?;
    let outcome = process
        .finish(
            &runtime_api,
            runtime_api.queue(json!({"input": {}, "context": {"executionName": "run-2", "stateEnteredTime": "2026-12-01T09:35:00Z", "retryCount": 0}})),
        )
        .await?;
    assert_eq!(outcome.completion, Completion::Error, "{}", outcome.body);
    let error: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(error["errorType"], "Connect.Rejected", "{error}");
    process.stop().await?;
    Ok(())
}
