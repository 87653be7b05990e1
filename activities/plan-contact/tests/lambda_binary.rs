//! The `plan-contact` Lambda binary as Step Functions invokes it. The step calls no
//! Salesforce, so the function starts with no `SF_*` setting at all: a bad Salesforce setting
//! can never stop it. With the CTR in its input it calls nothing at all (S3 only for a CTR
//! passed by reference).

use std::path::Path;

use serde_json::json;
use test_harness::{
    MotoServer,
    fixtures::{all_switches, voice_ctr},
    lambda_process::{lambda_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
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

#[tokio::test]
async fn the_binary_reads_a_ctr_passed_by_reference_from_s3() -> anyhow::Result<()> {
    let moto = MotoServer::start().await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &["northwind-care-ctr-records"]).await?;
    s3.put_object()
        .bucket("northwind-care-ctr-records")
        .key("ctr-inputs/contact-x.json")
        .body(voice_ctr().to_string().into_bytes().into())
        .send()
        .await?;
    let environment = lambda_environment("planContact", moto.endpoint());
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "plan-contact-reference").await?;

    let state_input = json!({
        "ctrReference": {"bucket": "northwind-care-ctr-records", "key": "ctr-inputs/contact-x.json"},
        "switches": all_switches()
    });
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(state_input))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let plan: serde_json::Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(plan["contactId"], "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08");
    assert_eq!(plan["transcribe"], true);

    // A reference to nothing is the step's own error, not a crash.
    let missing = json!({
        "ctrReference": {"bucket": "northwind-care-ctr-records", "key": "ctr-inputs/gone.json"},
        "switches": all_switches()
    });
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(missing))
        .await?;
    assert_eq!(outcome.completion, Completion::Error, "{}", outcome.body);
    assert!(
        outcome.body.contains("CtrReference.Invalid"),
        "{}",
        outcome.body
    );
    process.stop().await?;
    Ok(())
}
