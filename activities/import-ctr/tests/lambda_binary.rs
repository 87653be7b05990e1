//! The `import-ctr` Lambda binary as Step Functions invokes it: the state input through a local
//! Runtime API, Salesforce credentials from Secrets Manager (moto), the org the emulator serves.
//! Every post-call activity's `main` is the same `lambda_glue::serve_task` wiring.

use std::path::Path;

use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    fixtures::{all_switches, voice_ctr},
    lambda_process::{lambda_environment, salesforce_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    password_secret_json, start_demo_emulator,
};

const BINARY: &str = env!("CARGO_BIN_EXE_import-ctr");
const VOICE_CONTACT: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
const CTR_OBJECT: &str = "amazonconnect__AC_ContactTraceRecord__c";

#[tokio::test]
async fn the_binary_imports_the_ctr_and_types_its_errors_for_the_state_machine()
-> anyhow::Result<()> {
    let emulator = start_demo_emulator().await;
    let moto = MotoServer::start().await?;
    let secret_arn = moto
        .create_secret("import-ctr-credentials", &password_secret_json())
        .await?;
    let mut environment = salesforce_environment(&emulator.base_url(), &secret_arn);
    environment.extend(lambda_environment("importCtr", moto.endpoint()));

    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "import-ctr").await?;

    let state_input = json!({ "ctr": voice_ctr(), "switches": all_switches() });
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let records = emulator.control().dump()[CTR_OBJECT]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        records
            .iter()
            .filter(|record| record["amazonconnect__ContactId__c"] == VOICE_CONTACT)
            .count(),
        1
    );

    // A state input without a CTR: the error type is what the state machine's Catch matches,
    // and the message says what was wrong.
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(json!({ "switches": {} })))
        .await?;
    assert_eq!(outcome.completion, Completion::Error);
    let error: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(error["errorType"], "InvalidInput");
    let message = error["errorMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains("import-ctr") && message.contains("ctr"),
        "{message}"
    );
    process.stop().await?;
    Ok(())
}
