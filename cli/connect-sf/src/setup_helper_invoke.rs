//! `connect-sf invoke sf-execute-aws-service`: the setup helper's real handler, in-process, on
//! one wizard event. It calls the AWS the environment names, as the function would: the account
//! of the default credentials and region, or moto and the Connect emulator through
//! `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_CONNECT`.

use std::{path::Path, process::ExitCode, sync::Arc};

use anyhow::{Context, bail};
use aws_adapters::{ConnectInstanceAdminClient, KinesisStreamsClient, S3BucketsClient};
use setup_helper::{SetupHelper, SetupSettings, settings::STACK_ID_VARIABLE};

/// `--param key=value` sets `params.key` (text; booleans and shard counts may be text).
fn apply_params(event: &mut serde_json::Value, params: &[String]) -> anyhow::Result<()> {
    if params.is_empty() {
        return Ok(());
    }
    let object = event
        .as_object_mut()
        .context("the event is not a {\"method\", \"params\"} object")?;
    let target = object
        .entry("params")
        .or_insert_with(|| serde_json::json!({}));
    let target = target
        .as_object_mut()
        .context("the event's params is not an object to set --param values in")?;
    for param in params {
        let (key, value) = param
            .split_once('=')
            .with_context(|| format!("--param {param:?} is not of the form key=value"))?;
        target.insert(
            key.to_string(),
            serde_json::Value::String(value.to_string()),
        );
    }
    Ok(())
}

pub async fn sf_execute_aws_service(
    event_file: &Path,
    params: &[String],
) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(event_file)
        .with_context(|| format!("cannot read event file {}", event_file.display()))?;
    let mut event: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("event file {} is not valid JSON", event_file.display()))?;
    apply_params(&mut event, params)?;

    let aws = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await;
    let Some(region) = aws.region().map(ToString::to_string) else {
        bail!(
            "no AWS region: set AWS_REGION (or a profile's region), as Lambda does for the function"
        );
    };
    let settings = SetupSettings::from_env(&|name| match name {
        setup_helper::settings::REGION_VARIABLE => Some(region.clone()),
        STACK_ID_VARIABLE => std::env::var(STACK_ID_VARIABLE).ok(),
        _ => None,
    })?;
    let helper = SetupHelper {
        connect: Arc::new(ConnectInstanceAdminClient::from_config(&aws)),
        kinesis: Arc::new(KinesisStreamsClient::from_config(&aws)),
        s3: Arc::new(S3BucketsClient::from_config(&aws)),
        settings,
    };
    let answer = helper.handle(&event).await;
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(if answer.success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
