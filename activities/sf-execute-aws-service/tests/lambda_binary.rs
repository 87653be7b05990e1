//! The `sf-execute-aws-service` Lambda binary as the Salesforce setup wizard invokes it, with the
//! shipped event files. Kinesis, S3 and CreateInstance run on moto; the instance's storage
//! associations and approved origins on the Connect emulator (moto has no such operations),
//! through the service-specific endpoint `AWS_ENDPOINT_URL_CONNECT`. One Connect endpoint per
//! function, so the two halves are two test cases. The function never calls Salesforce, so it
//! starts with no `SF_*` setting; every answer is a response, never a Lambda error.

use std::path::{Path, PathBuf};

use connect_emulator::Seed;
use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{ActivityProcess, lambda_environment, start_under_runtime_api},
    lambda_runtime_api::{Completion, RuntimeApi},
    moto_resources::s3_client,
};

const BINARY: &str = env!("CARGO_BIN_EXE_sf-execute-aws-service");
const STACK_ID: &str = "arn:aws:cloudformation:us-west-2:482915370164:stack/connect-sf/0f8e1c20-9a2b-11ef-8d71-0a1b2c3d4e5f";

fn event(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("events")
        .join(format!("event-{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!("{}: {error}", path.display());
    });
    serde_json::from_str(&text).expect("an event file is JSON")
}

/// `{success, body}` of one invocation (a Lambda error fails the test).
async fn invoke(
    runtime_api: &RuntimeApi,
    process: &mut ActivityProcess,
    event: Value,
) -> (bool, String) {
    let outcome = process
        .finish(runtime_api, runtime_api.queue(event))
        .await
        .expect("the function answers");
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let answer: Value = serde_json::from_str(&outcome.body).expect("the answer is JSON");
    let success = answer["success"].as_bool().expect("success is a boolean");
    let body = answer["body"].as_str().expect("body is text").to_string();
    (success, body)
}

async fn succeeds(runtime_api: &RuntimeApi, process: &mut ActivityProcess, event: Value) -> Value {
    let (success, body) = invoke(runtime_api, process, event).await;
    assert!(success, "{body}");
    serde_json::from_str(&body).expect("the body is JSON text")
}

async fn fails(runtime_api: &RuntimeApi, process: &mut ActivityProcess, event: Value) -> String {
    let (success, body) = invoke(runtime_api, process, event).await;
    assert!(!success, "expected a refusal: {body}");
    body
}

#[tokio::test]
async fn on_moto_the_binary_creates_the_instance_the_ctr_stream_and_a_bucket() -> anyhow::Result<()>
{
    let moto = MotoServer::start().await?;
    let mut environment = lambda_environment("sfExecuteAWSService", moto.endpoint());
    environment.push(("CLOUDFORMATION_STACK_ID".to_string(), STACK_ID.to_string()));
    assert!(environment.iter().all(|(name, _)| !name.starts_with("SF_")));
    let (runtime_api, mut owned_process) = start_under_runtime_api(
        Path::new(BINARY),
        &environment,
        "sf-execute-aws-service-moto",
    )
    .await?;
    let api = &runtime_api;
    let process = &mut owned_process;

    // moto lists no instance with the alias, so the instance is created.
    let created = succeeds(api, process, event("connect_create_instance")).await;
    let id = created["Id"].as_str().expect("an Id");
    assert_eq!(
        created["Arn"],
        json!(format!(
            "arn:aws:connect:us-west-2:123456789012:instance/{id}"
        ))
    );
    assert_eq!(created["ResponseMetadata"]["HTTPStatusCode"], 200);

    let stream = succeeds(api, process, event("kinesis_create_stream")).await;
    assert!(stream["ResponseMetadata"].is_object(), "{stream}");
    let again = succeeds(api, process, event("kinesis_create_stream")).await;
    assert_eq!(again, json!("Stream already created."));
    let described = succeeds(api, process, event("kinesis_describe_stream")).await;
    let description = &described["StreamDescription"];
    assert_eq!(description["StreamName"], "northwind-care-ctr");
    assert_eq!(
        description["StreamARN"],
        "arn:aws:kinesis:us-west-2:123456789012:stream/northwind-care-ctr"
    );
    assert_eq!(description["Shards"].as_array().map(Vec::len), Some(1));
    // Python's str(datetime): "2026-12-01 18:14:19.682000+00:00".
    let created_at = description["StreamCreationTimestamp"]
        .as_str()
        .expect("text");
    assert!(
        created_at.len() >= 25 && &created_at[10..11] == " " && created_at.ends_with("+00:00"),
        "{created_at}"
    );
    let missing = fails(
        api,
        process,
        json!({"method": "kinesis_describe_stream", "params": {"StreamName": "no-such-stream"}}),
    )
    .await;
    assert!(
        missing.starts_with("An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: "),
        "{missing}"
    );

    let bucket = succeeds(api, process, event("s3_create_bucket")).await;
    assert!(bucket["ResponseMetadata"].is_object(), "{bucket}");
    let buckets = s3_client(&moto).await.list_buckets().send().await?;
    assert!(
        buckets
            .buckets()
            .iter()
            .any(|bucket| bucket.name() == Some("northwind-care-recordings"))
    );
    let duplicate = fails(api, process, event("s3_create_bucket")).await;
    assert!(
        duplicate.starts_with(
            "An error occurred (BucketAlreadyOwnedByYou) when calling the CreateBucket operation: "
        ),
        "{duplicate}"
    );

    let (success, region) = invoke(api, process, event("get_aws_region")).await;
    assert!(success);
    assert_eq!(region, "\"us-west-2\"");

    let unknown = fails(
        api,
        process,
        json!({"method": "s3_delete_bucket", "params": {"Bucket": "x"}}),
    )
    .await;
    assert!(
        unknown.starts_with("Invalid method: s3_delete_bucket"),
        "{unknown}"
    );
    let bad = fails(
        api,
        process,
        json!({"method": "kinesis_create_stream", "params": {"StreamName": "s", "ShardCount": "many"}}),
    )
    .await;
    assert!(
        bad.contains("kinesis_create_stream") && bad.contains("ShardCount"),
        "{bad}"
    );
    let not_an_event = fails(api, process, json!("connect_create_instance")).await;
    assert!(not_an_event.starts_with("Invalid event"), "{not_an_event}");

    // Without a region the function refuses to start and names the variable.
    owned_process.stop().await?;
    let mut without_region = environment.clone();
    without_region.retain(|(name, _)| name != "AWS_REGION" && name != "AWS_DEFAULT_REGION");
    let (_runtime_api, process) = start_under_runtime_api(
        Path::new(BINARY),
        &without_region,
        "sf-execute-aws-service-no-region",
    )
    .await?;
    let (status, log) = process.exited(std::time::Duration::from_secs(20)).await?;
    assert!(!status.success());
    assert!(log.contains("AWS_REGION"), "{log}");
    Ok(())
}

#[tokio::test]
async fn on_the_connect_emulator_the_binary_associates_storage_and_origins_and_reports_the_parameters()
-> anyhow::Result<()> {
    let moto = MotoServer::start().await?;
    let connect = connect_emulator::start_local(Seed::demo()).await?;
    let instance_id = connect.control().seed().instance_id;
    let mut environment = lambda_environment("sfExecuteAWSService", moto.endpoint());
    environment.extend(
        [
            ("AWS_ENDPOINT_URL_CONNECT", connect.base_url()),
            ("CLOUDFORMATION_STACK_ID", STACK_ID.to_string()),
        ]
        .map(|(name, value)| (name.to_string(), value)),
    );
    let (runtime_api, mut owned_process) = start_under_runtime_api(
        Path::new(BINARY),
        &environment,
        "sf-execute-aws-service-connect",
    )
    .await?;
    let api = &runtime_api;
    let process = &mut owned_process;

    // The instance with the alias exists: its id, and no CreateInstance.
    let existing = succeeds(api, process, event("connect_create_instance")).await;
    assert_eq!(existing, json!({"Id": instance_id}));

    let recordings = succeeds(
        api,
        process,
        event("connect_associate_instance_storage_config-call-recordings"),
    )
    .await;
    let association = recordings["AssociationId"]
        .as_str()
        .expect("an id")
        .to_string();
    let ctr = succeeds(
        api,
        process,
        event("connect_associate_instance_storage_config-ctr-stream"),
    )
    .await;
    assert!(ctr["AssociationId"].is_string(), "{ctr}");
    // The wizard run again: the one association of the type is updated, not duplicated.
    let repeated = succeeds(
        api,
        process,
        event("connect_associate_instance_storage_config-call-recordings"),
    )
    .await;
    assert!(repeated.get("AssociationId").is_none(), "{repeated}");
    let seed = connect.control().seed();
    let recordings: Vec<_> = seed
        .storage_configs
        .iter()
        .filter(|stored| stored.resource_type == "CALL_RECORDINGS")
        .collect();
    assert_eq!(recordings.len(), 1);
    assert_eq!(recordings[0].association_id, association);
    assert_eq!(
        recordings[0].s3_config,
        Some(json!({"BucketName": "northwind-care-recordings",
                    "BucketPrefix": "connect/northwind-care/CallRecordings"}))
    );

    let origin = succeeds(api, process, event("connect_associate_approved_origin")).await;
    assert_eq!(origin["ResponseMetadata"]["HTTPStatusCode"], 200);
    assert_eq!(
        connect.control().seed().approved_origins,
        ["https://northwind.lightning.force.com"]
    );

    let parameters = succeeds(api, process, event("retrieve_lambda_parameters")).await;
    assert_eq!(
        parameters,
        json!({
            "connectInstanceId": instance_id,
            "connectRecordingS3BucketName": "northwind-care-recordings",
            "transcribeOutputS3BucketName": "",
            "connectReportingS3BucketName": "",
            "ctrKinesisARN": "arn:aws:kinesis:us-west-2:482915370164:stream/northwind-care-ctr",
            "cloudFormationStackId": STACK_ID,
        })
    );

    // Connect's refusals reach the wizard as its message.
    let mut bad_stream = event("connect_associate_instance_storage_config-ctr-stream");
    bad_stream["params"]["ResourceType"] = json!("AGENT_EVENTS");
    bad_stream["params"]["StreamArn"] = json!("northwind-care-agent-events");
    let refused = fails(api, process, bad_stream).await;
    assert!(
        refused.starts_with("An error occurred (InvalidParameterException) when calling the AssociateInstanceStorageConfig operation: "),
        "{refused}"
    );
    let mut unknown_alias = event("connect_associate_approved_origin");
    unknown_alias["params"]["ConnectInstanceAlias"] = json!("southwind");
    let missing = fails(api, process, unknown_alias).await;
    assert_eq!(missing, "ERROR: Could not find Connect instance southwind");
    owned_process.stop().await?;
    Ok(())
}
