//! The `plan-contact` Lambda binary as Step Functions invokes it. The step calls no
//! Salesforce, so the function starts with no `SF_*` setting at all: a bad Salesforce setting
//! can never stop it. With the CTR in its input it calls nothing at all (S3 only for a CTR
//! passed by reference).

use std::path::Path;

use serde_json::json;
use test_harness::{
    fixtures::{all_switches, voice_ctr},
    lambda_process::{lambda_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
};

const BINARY: &str = env!("CARGO_BIN_EXE_plan-contact");

#[tokio::test]
async fn the_binary_plans_a_contact_with_no_salesforce_settings() -> anyhow::Result<()> {
    // Nothing listens there: the step must not call AWS either.
    let environment = lambda_environment("planContact", "http://127.0.0.1:9");
    assert!(environment.iter().all(|(name, _)| !name.starts_with("SF_")));
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "plan-contact").await?;

    let state_input = json!({ "ctr": voice_ctr(), "switches": all_switches() });
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let plan: serde_json::Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(plan["contactId"], "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08");
    assert_eq!(plan["ctrImport"], true);
    process.stop().await?;
    Ok(())
}
