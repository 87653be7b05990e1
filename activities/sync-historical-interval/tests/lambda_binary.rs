//! The `sync-historical-interval` Lambda binary as Step Functions invokes it: one interval
//! against Amazon Connect (the Connect emulator, `AWS_ENDPOINT_URL_CONNECT`), the sync state in
//! S3 and the Salesforce secret in Secrets Manager (moto), and the org the Salesforce emulator
//! serves.

use std::path::Path;

use chrono::{DurationRound, Utc};
use connect_emulator::{Fault, FaultKind, FaultSchedule, Seed};
use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, salesforce_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
    password_secret_json, start_demo_emulator,
};

const BINARY: &str = env!("CARGO_BIN_EXE_sync-historical-interval");
const STATE_BUCKET: &str = "northwind-care-sync-state";
const QUEUE_OBJECT: &str = "amazonconnect__AC_HistoricalQueueMetrics__c";
const AGENT_OBJECT: &str = "amazonconnect__AC_AgentPerformance__c";

fn records(emulator: &salesforce_emulator::RunningEmulator, object: &str) -> Vec<Value> {
    emulator.control().dump()[object]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_binary_writes_an_intervals_queues_and_agents_then_checkpoints_it() -> anyhow::Result<()>
{
    let emulator = start_demo_emulator().await;
    let moto = MotoServer::start().await?;
    let secret_arn = moto
        .create_secret(
            "sync-historical-interval-credentials",
            &password_secret_json(),
        )
        .await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[STATE_BUCKET]).await?;
    // The demo instance: three queues, three agents, V2 results for any interval.
    let seed = Seed::demo();
    let listed = json!({
        "execution": "run-1",
        "listedAt": "2026-12-01T09:05:00Z",
        "instanceArn": seed.instance_arn(),
        "queues": seed.queues.iter().map(|q| json!({"id": q.id, "arn": q.arn, "name": q.name})).collect::<Vec<_>>(),
        "agents": seed.users.iter().map(|u| json!({"id": u.id, "arn": u.arn, "username": u.username})).collect::<Vec<_>>(),
    });
    let instance_id = seed.instance_id.clone();
    let connect = connect_emulator::start_local(seed).await?;
    let mut environment = salesforce_environment(&emulator.base_url(), &secret_arn);
    environment.extend(lambda_environment(
        "syncHistoricalInterval",
        moto.endpoint(),
    ));
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
        start_under_runtime_api(Path::new(BINARY), &environment, "sync-historical-interval")
            .await?;
    let start =
        (Utc::now() - chrono::Duration::hours(1)).duration_trunc(chrono::Duration::minutes(30))?;
    let end = start + chrono::Duration::minutes(30);
    let start_text = start.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let state_input = json!({
        "input": {"interval": {"start": start, "end": end}},
        "context": {"executionName": "run-1", "stateEnteredTime": end, "retryCount": 0}
    });

    // Before PlanHistoricalIntervals stored the queues and agents: the name the machine sees.
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input.clone()))
        .await?;
    assert_eq!(outcome.completion, Completion::Error, "{}", outcome.body);
    let error: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(error["errorType"], "HistoricalSync.NotListed", "{error}");

    s3.put_object()
        .bucket(STATE_BUCKET)
        .key("historical-metrics/resources.json")
        .body(listed.to_string().into_bytes().into())
        .send()
        .await?;
    // Connect throttles the first GetMetricDataV2 twice: ridden out inside the call.
    connect.control().inject_fault(Fault {
        kind: FaultKind::Throttle {},
        schedule: FaultSchedule::Times(2),
        operation: Some("GetMetricDataV2".to_string()),
    });
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let report: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(report["startInterval"], start_text.as_str(), "{report}");
    assert_eq!(
        (
            report["queues"]["written"].as_u64(),
            report["agents"]["written"].as_u64()
        ),
        (Some(3), Some(3)),
        "{report}"
    );
    assert_eq!(report["checkpoint"], start_text.as_str());
    let queues = records(&emulator, QUEUE_OBJECT);
    let billing = queues
        .iter()
        .find(|record| record["amazonconnect__AC_Record_Id__c"] == format!("Billing{start_text}"))
        .unwrap_or_else(|| panic!("Billing's record: {queues:?}"));
    assert_eq!(billing["amazonconnect__Contacts_handled__c"], 42.0);
    let agents = records(&emulator, AGENT_OBJECT);
    assert!(
        agents
            .iter()
            .any(|record| record["amazonconnect__AC_Record_Id__c"]
                == format!("priya.raman{start_text}")),
        "{agents:?}"
    );
    let checkpoint = s3
        .get_object()
        .bucket(STATE_BUCKET)
        .key("historical-metrics/checkpoint.json")
        .send()
        .await?
        .body
        .collect()
        .await?
        .into_bytes();
    let checkpoint: Value = serde_json::from_slice(&checkpoint)?;
    assert_eq!(checkpoint["lastSynced"], start_text.as_str());
    assert_eq!(
        connect.control().request_counts().get("GetMetricDataV2"),
        Some(&4),
        "two throttled, then one call for the queues and one for the agents"
    );
    process.stop().await?;
    Ok(())
}
