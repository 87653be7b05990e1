//! The `import-contact-lens-file` Lambda binary as Step Functions invokes it: the checked file
//! and the contact markers in S3 and the Salesforce secret in Secrets Manager (moto), the org the
//! Salesforce emulator serves. It never calls Amazon Connect.

use std::path::Path;

use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, salesforce_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
    password_secret_json, repo_root, start_demo_emulator,
};

const BINARY: &str = env!("CARGO_BIN_EXE_import-contact-lens-file");
const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const TRANSCRIPTS: &str = "northwind-transcripts";
const CONTACT: &str = "3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97";
const KEY: &str = "Analysis/Chat/2024/03/05/3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97_analysis_2024-03-05T15:03:39Z.json";
const CCA: &str = "amazonconnect__AC_ContactChannelAnalytics__c";

#[tokio::test]
async fn the_binary_imports_a_chat_analysis_once_onto_one_cca() -> anyhow::Result<()> {
    let emulator = start_demo_emulator().await;
    let moto = MotoServer::start().await?;
    let secret_arn = moto
        .create_secret(
            "import-contact-lens-file-credentials",
            &password_secret_json(),
        )
        .await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[BUCKET, TRANSCRIPTS]).await?;
    let analysis =
        std::fs::read(repo_root().join("workflows/contact-lens/fixtures/analysis-chat.json"))?;
    s3.put_object()
        .bucket(BUCKET)
        .key(KEY)
        .body(analysis.into())
        .send()
        .await?;

    let mut environment = salesforce_environment(&emulator.base_url(), &secret_arn);
    environment.extend(lambda_environment("importContactLensFile", moto.endpoint()));
    environment.extend(
        [
            (
                "AMAZON_CONNECT_INSTANCE_ID",
                "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35",
            ),
            ("TRANSCRIBE_OUTPUT_S3_BUCKET", TRANSCRIPTS),
            ("SF_ADAPTER_NAMESPACE", "amazonconnect"),
        ]
        .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    assert!(
        environment
            .iter()
            .all(|(name, _)| !name.contains("CONNECT_URL"))
    );
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "import-contact-lens-file")
            .await?;

    let checked = json!({"import": true, "bucket": BUCKET, "key": KEY,
        "file": {"kind": "chatAnalysis", "redacted": false, "contactId": CONTACT,
                 "datePath": "2024/03/05", "timestamp": "2024-03-05T15:03:39Z"},
        "contactId": CONTACT, "instanceId": "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35",
        "redactedRecordingImport": false, "outageToleranceMinutes": 60});
    let state_input = |execution: &str| {
        json!({"input": checked, "context": {"executionName": execution,
        "stateEnteredTime": "2026-12-01T09:00:00Z", "retryCount": 0}})
    };
    let outcome = process
        .finish(
            &runtime_api,
            runtime_api.queue(state_input("contact-lens-1")),
        )
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let report: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(report["ccaCreated"], true, "{report}");
    assert_eq!(
        report["attachmentsCreated"],
        json!(["ContactLensTranscripts.json"])
    );

    let dump = emulator.control().dump();
    let records: Vec<&Value> = dump[CCA]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|record| record["amazonconnect__ContactId__c"] == CONTACT)
        .collect();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["amazonconnect__ContactLensCustomerSentiment__c"],
        0.6
    );
    assert_eq!(records[0]["amazonconnect__DataSource__c"], "Contact_Lens");
    assert!(records[0]["amazonconnect__ContactLensTalkTimeTotal__c"].is_null());

    // The same file again (a redelivery, a console re-run): nothing new.
    let outcome = process
        .finish(
            &runtime_api,
            runtime_api.queue(state_input("contact-lens-2")),
        )
        .await?;
    let report: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(report["alreadyImported"], true, "{report}");
    let marker = s3
        .get_object()
        .bucket(TRANSCRIPTS)
        .key(format!("locks/{CONTACT}.lock"))
        .send()
        .await;
    assert!(
        marker.is_ok(),
        "the CCA id is in the contact's marker for post-call"
    );
    process.stop().await?;
    Ok(())
}
