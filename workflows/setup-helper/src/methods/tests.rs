//! Every method against the in-memory doubles: the bodies the wizard reads, repeated steps,
//! and every failure as `success: false` with its message.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::SetupHelper;
use crate::ports::StorageConfig;
use crate::settings::SetupSettings;
use crate::testing::{MemoryBuckets, MemoryConnect, MemoryKinesis, rejected};

const STACK_ID: &str = "arn:aws:cloudformation:us-west-2:123456789012:stack/connect-sf/0f8e1c20-9a2b-11ef-8d71-0a1b2c3d4e5f";

struct World {
    connect: Arc<MemoryConnect>,
    kinesis: Arc<MemoryKinesis>,
    s3: Arc<MemoryBuckets>,
    helper: SetupHelper,
}

fn world_in(region: &str, connect: MemoryConnect) -> World {
    let connect = Arc::new(connect);
    let kinesis = Arc::new(MemoryKinesis::default());
    let s3 = Arc::new(MemoryBuckets::default());
    let helper = SetupHelper {
        connect: connect.clone(),
        kinesis: kinesis.clone(),
        s3: s3.clone(),
        settings: SetupSettings {
            region: region.to_string(),
            stack_id: STACK_ID.to_string(),
            storage_config_attempts: 5,
            storage_config_retry_delay: Duration::from_secs(2),
        },
    };
    World {
        connect,
        kinesis,
        s3,
        helper,
    }
}

fn world() -> World {
    world_in("us-west-2", MemoryConnect::default())
}

impl World {
    /// The answer's body as JSON; panics (with the message) when the call failed.
    async fn ok(&self, method: &str, params: Value) -> Value {
        let answer = self
            .helper
            .handle(&json!({"method": method, "params": params}))
            .await;
        assert!(answer.success, "{method}: {}", answer.body);
        answer.body_json().expect("the body is JSON text")
    }

    /// The failure message.
    async fn refused(&self, event: Value) -> String {
        let answer = self.helper.handle(&event).await;
        assert!(!answer.success, "expected a refusal, got {}", answer.body);
        answer.body
    }
}

fn create_instance_params(alias: &str) -> Value {
    json!({"ConnectInstanceAlias": alias, "IdentityManagementType": "CONNECT_MANAGED",
           "InboundCallsEnabled": true, "OutboundCallsEnabled": true})
}

#[tokio::test]
async fn connect_create_instance_creates_once_and_then_answers_the_existing_id() {
    let world = world();
    let created = world
        .ok(
            "connect_create_instance",
            create_instance_params("acme-care"),
        )
        .await;
    let id = created["Id"].as_str().expect("an Id").to_string();
    assert!(
        created["Arn"]
            .as_str()
            .is_some_and(|arn| arn.ends_with(&id))
    );
    assert_eq!(created["ResponseMetadata"]["HTTPStatusCode"], 200);

    let again = world
        .ok(
            "connect_create_instance",
            create_instance_params("acme-care"),
        )
        .await;
    assert_eq!(again, json!({"Id": id}));
    assert_eq!(world.connect.instances().len(), 1);
}

#[tokio::test]
async fn an_alias_is_found_on_a_later_page_of_list_instances() {
    let world = world_in("us-west-2", MemoryConnect::with_page_size(2));
    for alias in ["one", "two", "three", "four"] {
        world.connect.add_instance(alias);
    }
    let found = world
        .ok("connect_create_instance", create_instance_params("four"))
        .await;
    assert_eq!(found["Id"], json!(world.connect.instances()[3].id));
    assert_eq!(
        world.connect.calls(),
        ["ListInstances", "ListInstances"],
        "two pages, no CreateInstance"
    );
}

#[tokio::test]
async fn kinesis_create_stream_then_describe_it_in_boto3_shape() {
    let world = world();
    let created = world
        .ok(
            "kinesis_create_stream",
            json!({"StreamName": "acme-ctr", "ShardCount": 2}),
        )
        .await;
    assert_eq!(
        created,
        json!({"ResponseMetadata": {"RequestId": "request-2", "HTTPStatusCode": 200}})
    );
    let again = world
        .ok(
            "kinesis_create_stream",
            json!({"StreamName": "acme-ctr", "ShardCount": 2}),
        )
        .await;
    assert_eq!(again, json!("Stream already created."));

    let described = world
        .ok("kinesis_describe_stream", json!({"StreamName": "acme-ctr"}))
        .await;
    let description = &described["StreamDescription"];
    assert_eq!(description["StreamName"], "acme-ctr");
    assert_eq!(
        description["StreamARN"],
        "arn:aws:kinesis:us-west-2:123456789012:stream/acme-ctr"
    );
    assert_eq!(description["StreamStatus"], "ACTIVE");
    assert_eq!(description["Shards"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        description["StreamCreationTimestamp"],
        "2026-12-01 09:30:00+00:00"
    );
    assert_eq!(description["RetentionPeriodHours"], 24);
    assert!(world.kinesis.stream("acme-ctr").is_some());
}

#[tokio::test]
async fn kinesis_describe_stream_of_a_missing_stream_is_refused_with_the_aws_message() {
    let world = world();
    let message = world
        .refused(json!({"method": "kinesis_describe_stream", "params": {"StreamName": "nope"}}))
        .await;
    assert_eq!(
        message,
        "An error occurred (ResourceNotFoundException) when calling the DescribeStream operation: Stream nope under account 123456789012 not found."
    );
}

#[tokio::test]
async fn kinesis_create_stream_reports_a_describe_failure_other_than_not_found() {
    let world = world();
    world.kinesis.fail_next(
        "DescribeStream",
        rejected("DescribeStream", "AccessDeniedException", "not authorized"),
    );
    let message = world
        .refused(json!({"method": "kinesis_create_stream", "params": {"StreamName": "s", "ShardCount": 1}}))
        .await;
    assert!(message.contains("AccessDeniedException"), "{message}");
    assert!(world.kinesis.stream("s").is_none());
}

#[tokio::test]
async fn s3_create_bucket_uses_the_region_and_refuses_a_bucket_that_exists() {
    let world = world();
    let created = world
        .ok("s3_create_bucket", json!({"Bucket": "acme-recordings"}))
        .await;
    assert_eq!(
        created["Location"],
        "http://acme-recordings.s3.amazonaws.com/"
    );
    assert_eq!(
        world.s3.buckets()["acme-recordings"].as_deref(),
        Some("us-west-2")
    );
    let message = world
        .refused(json!({"method": "s3_create_bucket", "params": {"Bucket": "acme-recordings"}}))
        .await;
    assert!(
        message.starts_with(
            "An error occurred (BucketAlreadyOwnedByYou) when calling the CreateBucket operation: "
        ),
        "{message}"
    );
}

#[tokio::test]
async fn s3_create_bucket_in_us_east_1_sends_no_location_constraint() {
    let world = world_in("us-east-1", MemoryConnect::default());
    let created = world
        .ok("s3_create_bucket", json!({"Bucket": "acme-reports"}))
        .await;
    assert_eq!(created["Location"], "/acme-reports");
    assert_eq!(world.s3.buckets()["acme-reports"], None);
}

#[tokio::test]
async fn storage_config_associates_then_updates_the_one_association() {
    let world = world();
    let id = world.connect.add_instance("acme-care");
    let params = json!({"ConnectInstanceId": id, "ResourceType": "CALL_RECORDINGS", "StorageType": "S3",
                        "BucketName": "acme-recordings", "BucketPrefix": "connect/acme-care/CallRecordings",
                        "s3KMSKeyARN": "arn:aws:kms:us-west-2:123456789012:key/k-1"});
    let associated = world
        .ok("connect_associate_instance_storage_config", params.clone())
        .await;
    let association = associated["AssociationId"]
        .as_str()
        .expect("an id")
        .to_string();

    let mut moved = params;
    moved["BucketName"] = json!("acme-recordings-2");
    let updated = world
        .ok("connect_associate_instance_storage_config", moved)
        .await;
    assert_eq!(updated.get("AssociationId"), None, "{updated}");
    let stored = world.connect.storage(&id, "CALL_RECORDINGS");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].association_id, association);
    assert_eq!(
        stored[0].config,
        Some(StorageConfig::S3 {
            bucket_name: "acme-recordings-2".to_string(),
            bucket_prefix: "connect/acme-care/CallRecordings".to_string(),
            kms_key_arn: Some("arn:aws:kms:us-west-2:123456789012:key/k-1".to_string()),
        })
    );
}

#[tokio::test(start_paused = true)]
async fn storage_config_waits_for_a_just_created_instance() {
    let world = world();
    let id = world.connect.add_instance("acme-care");
    world.connect.not_ready_for(3);
    let params = json!({"ConnectInstanceId": id, "ResourceType": "CONTACT_TRACE_RECORDS",
                        "StorageType": "KINESIS_STREAM",
                        "StreamArn": "arn:aws:kinesis:us-west-2:123456789012:stream/acme-ctr"});
    let started = tokio::time::Instant::now();
    let associated = world
        .ok("connect_associate_instance_storage_config", params)
        .await;
    assert!(associated["AssociationId"].is_string());
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(6),
        "three pauses of 2 s"
    );
}

#[tokio::test(start_paused = true)]
async fn storage_config_gives_up_after_five_attempts_with_the_aws_message() {
    let world = world();
    let message = world
        .refused(json!({"method": "connect_associate_instance_storage_config",
                        "params": {"ConnectInstanceId": "no-such-instance", "ResourceType": "CALL_RECORDINGS",
                                   "StorageType": "S3", "BucketName": "b"}}))
        .await;
    assert_eq!(
        message,
        "An error occurred (ResourceNotFoundException) when calling the ListInstanceStorageConfigs operation: Instance not found: no-such-instance (after 5 attempts)"
    );
}

#[tokio::test]
async fn storage_config_does_not_retry_a_refusal() {
    let world = world();
    let id = world.connect.add_instance("acme-care");
    world.connect.fail_next(
        "AssociateInstanceStorageConfig",
        rejected(
            "AssociateInstanceStorageConfig",
            "InvalidRequestException",
            "The bucket is in another region",
        ),
    );
    let message = world
        .refused(
            json!({"method": "connect_associate_instance_storage_config",
                        "params": {"ConnectInstanceId": id, "ResourceType": "CALL_RECORDINGS",
                                   "StorageType": "S3", "BucketName": "b"}}),
        )
        .await;
    assert!(message.contains("InvalidRequestException"), "{message}");
    assert!(!message.contains("attempts"), "{message}");
}

#[tokio::test]
async fn approved_origin_is_associated_on_the_instance_of_the_alias() {
    let world = world();
    world.connect.add_instance("other");
    let id = world.connect.add_instance("acme-care");
    let answer = world
        .ok(
            "connect_associate_approved_origin",
            json!({"ConnectInstanceAlias": "acme-care", "Origin": "https://acme.lightning.force.com"}),
        )
        .await;
    assert_eq!(answer["ResponseMetadata"]["HTTPStatusCode"], 200);
    assert_eq!(
        world.connect.origins(&id),
        ["https://acme.lightning.force.com"]
    );

    let message = world
        .refused(json!({"method": "connect_associate_approved_origin",
                        "params": {"ConnectInstanceAlias": "nobody", "Origin": "https://x.example"}}))
        .await;
    assert_eq!(message, "ERROR: Could not find Connect instance nobody");
}

#[tokio::test]
async fn retrieve_lambda_parameters_reads_the_instance_storage_and_the_stack_id() {
    let world = world();
    let id = world.connect.add_instance("acme-care");
    for (resource_type, bucket) in [
        ("CALL_RECORDINGS", "acme-recordings"),
        ("CHAT_TRANSCRIPTS", "acme-transcripts"),
    ] {
        world
            .ok(
                "connect_associate_instance_storage_config",
                json!({"ConnectInstanceId": id, "ResourceType": resource_type,
                       "StorageType": "S3", "BucketName": bucket, "BucketPrefix": "connect"}),
            )
            .await;
    }
    world
        .ok(
            "connect_associate_instance_storage_config",
            json!({"ConnectInstanceId": id, "ResourceType": "CONTACT_TRACE_RECORDS",
                   "StorageType": "KINESIS_STREAM",
                   "StreamArn": "arn:aws:kinesis:us-west-2:123456789012:stream/acme-ctr"}),
        )
        .await;
    let parameters = world
        .ok(
            "retrieve_lambda_parameters",
            json!({"ConnectInstanceAlias": "acme-care"}),
        )
        .await;
    assert_eq!(
        parameters,
        json!({
            "connectInstanceId": id,
            "connectRecordingS3BucketName": "acme-recordings",
            "transcribeOutputS3BucketName": "acme-transcripts",
            // No SCHEDULED_REPORTS storage yet.
            "connectReportingS3BucketName": "",
            "ctrKinesisARN": "arn:aws:kinesis:us-west-2:123456789012:stream/acme-ctr",
            "cloudFormationStackId": STACK_ID,
        })
    );
}

#[tokio::test]
async fn get_aws_region_answers_the_functions_region_as_json_text() {
    let world = world_in("eu-central-1", MemoryConnect::default());
    let answer = world
        .helper
        .handle(&json!({"method": "get_aws_region", "params": {}}))
        .await;
    assert!(answer.success);
    assert_eq!(answer.body, "\"eu-central-1\"");
}

#[tokio::test]
async fn unknown_methods_bad_params_and_bad_events_are_answers_not_errors() {
    let world = world();
    let message = world
        .refused(json!({"method": "setup_audio_recording", "params": {"CloudfrontPublicKey": "k"}}))
        .await;
    assert!(
        message.starts_with("Invalid method: setup_audio_recording"),
        "{message}"
    );
    let message = world
        .refused(json!({"method": "kinesis_create_stream", "params": {"StreamName": "s"}}))
        .await;
    assert!(message.contains("ShardCount"), "{message}");
    let message = world.refused(json!("connect_create_instance")).await;
    assert!(message.starts_with("Invalid event"), "{message}");
    assert!(world.connect.calls().is_empty(), "nothing reached AWS");
}
