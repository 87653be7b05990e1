//! `connect-sf invoke sf-execute-aws-service`: the real binary on the shipped wizard events,
//! Amazon Connect being the Connect emulator (`AWS_ENDPOINT_URL_CONNECT`); every other AWS
//! endpoint points at a closed local port, so nothing can reach a real account.

use std::{
    path::{Path, PathBuf},
    process::Output,
};

use connect_emulator::Seed;
use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn event(name: &str) -> String {
    repo_root()
        .join("activities/sf-execute-aws-service/events")
        .join(format!("event-{name}.json"))
        .display()
        .to_string()
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

async fn connect_sf(connect: &str, args: &[&str]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_connect-sf"));
    command
        .args(args)
        .current_dir(repo_root())
        .env("AWS_REGION", "us-west-2")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://127.0.0.1:{}", closed_port()),
        )
        .env("AWS_ENDPOINT_URL_CONNECT", connect)
        .env("CLOUDFORMATION_STACK_ID", "stack-id-for-the-test");
    command.output().await.expect("run connect-sf")
}

fn answer(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[tokio::test]
async fn invoke_answers_the_wizards_events_as_the_function_does() {
    let emulator = connect_emulator::start_local(Seed::demo())
        .await
        .expect("the Connect emulator starts");
    let connect = emulator.base_url();
    let instance_id = emulator.control().seed().instance_id;

    let origin = connect_sf(
        &connect,
        &[
            "invoke",
            "sf-execute-aws-service",
            "--event",
            &event("connect_associate_approved_origin"),
            "--param",
            "Origin=https://northwind--uat.sandbox.lightning.force.com",
        ],
    )
    .await;
    assert!(
        origin.status.success(),
        "{}",
        String::from_utf8_lossy(&origin.stderr)
    );
    assert_eq!(answer(&origin)["success"], true);
    assert_eq!(
        emulator.control().seed().approved_origins,
        ["https://northwind--uat.sandbox.lightning.force.com"]
    );

    let parameters = connect_sf(
        &connect,
        &[
            "invoke",
            "sf-execute-aws-service",
            "--event",
            &event("retrieve_lambda_parameters"),
        ],
    )
    .await;
    let body: Value = serde_json::from_str(answer(&parameters)["body"].as_str().expect("a body"))
        .expect("JSON text");
    assert_eq!(body["connectInstanceId"], instance_id.as_str());
    assert_eq!(body["cloudFormationStackId"], "stack-id-for-the-test");

    // An AWS call that cannot be made is a refusal with its reason, and the command fails.
    let bucket = connect_sf(
        &connect,
        &[
            "invoke",
            "sf-execute-aws-service",
            "--event",
            &event("s3_create_bucket"),
        ],
    )
    .await;
    assert!(!bucket.status.success());
    let refused = answer(&bucket);
    assert_eq!(refused["success"], false);
    assert!(
        refused["body"]
            .as_str()
            .is_some_and(|message| message.contains("CreateBucket")),
        "{refused}"
    );

    let salesforce_option = connect_sf(
        &connect,
        &[
            "invoke",
            "sf-execute-aws-service",
            "--event",
            &event("get_aws_region"),
            "--seed",
            "org.json",
        ],
    )
    .await;
    assert!(!salesforce_option.status.success());
    assert!(String::from_utf8_lossy(&salesforce_option.stderr).contains("calls no Salesforce"));
}
