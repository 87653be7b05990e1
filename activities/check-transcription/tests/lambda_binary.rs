//! The `check-transcription` Lambda binary as Step Functions invokes it, against Amazon
//! Transcribe on moto. The step calls Transcribe only, so the function starts with no `SF_*`
//! setting at all.

use std::path::Path;

use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
};

const BINARY: &str = env!("CARGO_BIN_EXE_check-transcription");

#[tokio::test]
async fn the_binary_asks_transcribe_with_no_salesforce_settings() -> anyhow::Result<()> {
    let moto = MotoServer::start().await?;
    let environment = lambda_environment("checkTranscription", moto.endpoint());
    assert!(environment.iter().all(|(name, _)| !name.starts_with("SF_")));
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "check-transcription").await?;

    // A job Transcribe does not know: the function started, asked Transcribe, and reports the
    // typed error the state machine's Catch matches.
    let state_input = json!({ "transcription": {
        "jobName": "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_0000",
        "status": "IN_PROGRESS",
        "complete": false,
        "polls": 0,
        "waitSeconds": 20,
        "languageCode": "en-US"
    }});
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input))
        .await?;
    assert_eq!(outcome.completion, Completion::Error, "{}", outcome.body);
    let error: Value = serde_json::from_str(&outcome.body)?;
    let error_type = error["errorType"].as_str().unwrap_or_default();
    assert_eq!(error_type, "Transcribe.Rejected", "{}", outcome.body);
    process.stop().await?;
    Ok(())
}
