//! The `check-contact-lens-file` Lambda binary as Step Functions invokes it: the analysis in S3
//! (moto), the contact's attributes from Amazon Connect (the Connect emulator, through
//! `AWS_ENDPOINT_URL_CONNECT`). It never calls Salesforce, so it starts with no `SF_*` setting.

use std::path::Path;

use connect_emulator::Seed;
use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
    repo_root,
};

const BINARY: &str = env!("CARGO_BIN_EXE_check-contact-lens-file");
const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const KEY: &str = "Analysis/Voice/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_2024-03-05T14:23:18Z.json";

fn fixture(name: &str) -> anyhow::Result<Vec<u8>> {
    Ok(std::fs::read(
        repo_root()
            .join("workflows/contact-lens/fixtures")
            .join(name),
    )?)
}

fn state_input(event: Value) -> Value {
    json!({"input": event, "context": {"executionName": "contact-lens-1",
        "stateEnteredTime": "2026-12-01T09:00:00Z", "retryCount": 0}})
}

#[tokio::test]
async fn the_binary_checks_the_file_the_s3_event_names_in_order() -> anyhow::Result<()> {
    let moto = MotoServer::start().await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[BUCKET]).await?;
    s3.put_object()
        .bucket(BUCKET)
        .key(KEY)
        .body(fixture("analysis-voice.json")?.into())
        .send()
        .await?;
    let seed = Seed::demo();
    let instance_id = seed.instance_id.clone();
    let connect = connect_emulator::start_local(seed).await?;
    let mut environment = lambda_environment("checkContactLensFile", moto.endpoint());
    environment.extend(
        [
            ("AWS_ENDPOINT_URL_CONNECT", connect.base_url()),
            ("AMAZON_CONNECT_INSTANCE_ID", instance_id),
            ("CONTACT_LENS_IMPORT_ENABLED", "true".to_string()),
        ]
        .map(|(name, value)| (name.to_string(), value)),
    );
    assert!(environment.iter().all(|(name, _)| !name.starts_with("SF_")));
    let event: Value = serde_json::from_slice(&fixture("s3-event-voice-analysis.json")?)?;

    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "check-contact-lens-file").await?;
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input(event.clone())))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let checked: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(checked["import"], true, "{checked}");
    assert_eq!(checked["key"], KEY, "the key's %3A decoded");
    assert_eq!(checked["contactId"], "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08");
    assert_eq!(
        connect
            .control()
            .request_counts()
            .get("GetContactAttributes"),
        Some(&1)
    );

    // Another instance's file is skipped before any Connect call.
    process.stop().await?;
    let mut foreign = environment.clone();
    foreign.retain(|(name, _)| name != "AMAZON_CONNECT_INSTANCE_ID");
    foreign.push((
        "AMAZON_CONNECT_INSTANCE_ID".to_string(),
        "0b4a7c1e-2f63-4d58-9e17-a3c6d9f2b840".to_string(),
    ));
    let (runtime_api, mut process) = start_under_runtime_api(
        Path::new(BINARY),
        &foreign,
        "check-contact-lens-file-foreign",
    )
    .await?;
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input(event)))
        .await?;
    let checked: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(checked["import"], false);
    assert_eq!(checked["skipped"], "foreignInstance");
    assert_eq!(
        connect
            .control()
            .request_counts()
            .get("GetContactAttributes"),
        Some(&1)
    );

    // A file that is gone is the typed error the state machine sees.
    let missing = json!({"detail-type": "Object Created", "detail": {"bucket": {"name": BUCKET},
        "object": {"key": KEY.replace("2024/03/05", "2024/03/06")}}});
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input(missing)))
        .await?;
    assert_eq!(outcome.completion, Completion::Error, "{}", outcome.body);
    let error: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(error["errorType"], "ContactLensFile.NotFound", "{error}");
    process.stop().await?;
    Ok(())
}
