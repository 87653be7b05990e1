//! The `start-transcription` Lambda binary as Step Functions invokes it, against S3 (the
//! contact marker) and Amazon Transcribe on moto. The step never calls Salesforce, so the
//! function starts with no `SF_*` setting at all.

use std::path::Path;

use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    fixtures::{all_switches, voice_ctr},
    lambda_process::{lambda_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
};

const BINARY: &str = env!("CARGO_BIN_EXE_start-transcription");

#[tokio::test]
async fn the_binary_submits_the_job_with_no_salesforce_settings() -> anyhow::Result<()> {
    let moto = MotoServer::start().await?;
    let switches = all_switches();
    create_buckets(
        &s3_client(&moto).await,
        &[&switches.recording_bucket, &switches.transcript_bucket],
    )
    .await?;
    let environment = lambda_environment("startTranscription", moto.endpoint());
    assert!(environment.iter().all(|(name, _)| !name.starts_with("SF_")));
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "start-transcription").await?;

    let state_input = json!({
        "ctr": voice_ctr(),
        "switches": switches,
        "executionName": "contact-8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08-20240305T142304Z"
    });
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let progress: Value = serde_json::from_str(&outcome.body)?;
    assert!(
        progress["jobName"]
            .as_str()
            .is_some_and(|name| name.starts_with("8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08")),
        "{progress}"
    );
    process.stop().await?;
    Ok(())
}
