//! The `ctr-trigger` Lambda binary as Lambda runs it: a local Runtime API hands it a Kinesis
//! event, and it starts the post-call execution on Step Functions (moto's server), keeping a
//! record it cannot decode in the records bucket (S3 on moto).

use std::{path::Path, time::Duration};

use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    fixtures::{kinesis_record, voice_ctr},
    lambda_process::{ActivityProcess, lambda_environment},
    lambda_runtime_api::{Completion, RuntimeApi},
    moto_resources::{create_buckets, create_post_call_state_machine, s3_client},
};

const BINARY: &str = env!("CARGO_BIN_EXE_ctr-trigger");
const VOICE_CONTACT: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
const RECORDS_BUCKET: &str = "northwind-care-ctr-records";

/// The function's configuration as template.yaml sets it, aimed at moto.
fn environment(moto: &MotoServer, state_machine_arn: Option<&str>) -> Vec<(String, String)> {
    let mut variables = lambda_environment("ctrTrigger", moto.endpoint());
    variables.extend(
        [
            ("POSTCALL_CTR_IMPORT_ENABLED", "true"),
            ("POSTCALL_RECORDING_IMPORT_ENABLED", "true"),
            ("POSTCALL_TRANSCRIBE_ENABLED", "false"),
            ("TRANSCRIPTION_JOB_CHECK_WAIT_TIME", "45"),
            ("SF_ADAPTER_NAMESPACE", "amazonconnect"),
            ("CONNECT_RECORDING_S3_BUCKET", "amazon-connect-3e91c4d7a2b8"),
            ("TRANSCRIBE_OUTPUT_S3_BUCKET", "northwind-care-transcripts"),
            ("CTR_RECORDS_S3_BUCKET", RECORDS_BUCKET),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    if let Some(arn) = state_machine_arn {
        variables.push(("POST_CALL_STATE_MACHINE_ARN".into(), arn.into()));
    }
    variables
}

fn log_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("ctr-trigger-{name}-{}.log", std::process::id()))
}

#[tokio::test]
async fn the_binary_starts_one_execution_per_contact_with_the_stack_settings() -> anyhow::Result<()>
{
    let moto = MotoServer::start().await?;
    let sfn = aws_sdk_sfn::Client::new(&moto.sdk_config().await);
    let machine_arn = create_post_call_state_machine(&sfn).await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[RECORDS_BUCKET]).await?;

    let runtime_api = RuntimeApi::start().await?;
    let mut process = ActivityProcess::spawn(
        Path::new(BINARY),
        &environment(&moto, Some(&machine_arn)),
        &runtime_api.address(),
        &log_path("starts"),
    )?;
    let event = json!({ "Records": [
        kinesis_record("49590001", &voice_ctr().to_string()),
        kinesis_record("49590002", "not a CTR"),
    ]});
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(event))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    // The malformed record is kept in the quarantine with its reason, not retried.
    let response: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(response, json!({ "batchItemFailures": [] }));
    let quarantined = s3
        .list_objects_v2()
        .bucket(RECORDS_BUCKET)
        .prefix("quarantine/ctr-trigger/")
        .send()
        .await?;
    let keys: Vec<&str> = quarantined
        .contents()
        .iter()
        .filter_map(|object| object.key())
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].ends_with("/49590002.json"), "{keys:?}");
    let kept = s3
        .get_object()
        .bucket(RECORDS_BUCKET)
        .key(keys[0])
        .send()
        .await?
        .body
        .collect()
        .await?
        .into_bytes();
    let kept: Value = serde_json::from_slice(&kept)?;
    assert_eq!(kept["reasonKind"], "MalformedRecord");
    assert!(
        kept["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("not UTF-8 JSON"),
        "{kept}"
    );

    let executions = sfn
        .list_executions()
        .state_machine_arn(&machine_arn)
        .send()
        .await?;
    let names: Vec<&str> = executions
        .executions()
        .iter()
        .map(|execution| execution.name())
        .collect();
    assert_eq!(
        names,
        vec![format!("contact-{VOICE_CONTACT}-20240305T142304Z")]
    );
    let described = sfn
        .describe_execution()
        .execution_arn(executions.executions()[0].execution_arn())
        .send()
        .await?;
    let input: Value = serde_json::from_str(described.input().unwrap_or("{}"))?;
    assert_eq!(input["ctr"]["ContactId"], VOICE_CONTACT);
    // The stack parameters, read from the environment, travel with the contact.
    assert_eq!(input["switches"]["transcriptionJobCheckWaitTime"], 45);
    assert_eq!(input["switches"]["postcallTranscribeEnabled"], false);
    process.stop().await?;
    Ok(())
}

#[tokio::test]
async fn without_the_state_machine_arn_the_binary_refuses_to_start_and_says_why()
-> anyhow::Result<()> {
    let moto = MotoServer::start().await?;
    let runtime_api = RuntimeApi::start().await?;
    let process = ActivityProcess::spawn(
        Path::new(BINARY),
        &environment(&moto, None),
        &runtime_api.address(),
        &log_path("no-arn"),
    )?;
    let (status, log) = process.exited(Duration::from_secs(20)).await?;
    assert!(!status.success());
    assert!(log.contains("POST_CALL_STATE_MACHINE_ARN"), "{log}");
    Ok(())
}

#[tokio::test]
async fn without_the_records_bucket_the_binary_refuses_to_start_and_says_why() -> anyhow::Result<()>
{
    let moto = MotoServer::start().await?;
    let runtime_api = RuntimeApi::start().await?;
    let mut variables = environment(&moto, Some("arn:aws:states:us-west-2:1:stateMachine:pc"));
    variables.retain(|(name, _)| name != "CTR_RECORDS_S3_BUCKET");
    let process = ActivityProcess::spawn(
        Path::new(BINARY),
        &variables,
        &runtime_api.address(),
        &log_path("no-bucket"),
    )?;
    let (status, log) = process.exited(Duration::from_secs(20)).await?;
    assert!(!status.success());
    assert!(log.contains("CTR_RECORDS_S3_BUCKET"), "{log}");
    Ok(())
}
