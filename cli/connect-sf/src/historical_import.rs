//! `connect-sf invoke historical-report-import`: the historical report import workflow
//! (`statemachines/historical-report-import.asl.json`) on one S3 notification or EventBridge
//! `Object Created` event, against the report in the local S3 directory (`DIR/<bucket>/<key>`)
//! and the embedded org.

use std::process::ExitCode;

use activity_contract::ErrorBody;
use anyhow::bail;

use crate::invoke::InvokeOptions;
use crate::local_connect::EmbeddedConnect;
use crate::local_runtime::{ClockChoice, LocalRuntime, LocalStorage};
use crate::project::{Project, read_json};
use crate::run::summary;

pub async fn historical_report_import(
    options: InvokeOptions,
    storage: LocalStorage,
) -> anyhow::Result<ExitCode> {
    if !options.params.is_empty() {
        bail!("--param applies to contact-flow events (sf-invoke-api) only");
    }
    let event = read_json(&options.event)?;
    // An event that names no report is the rehearsal's mistake: say what was expected.
    if let Err(error) = historical_metrics::report::event::reports_of(&event) {
        eprintln!("{}", serde_json::to_string_pretty(&ErrorBody::of(&error))?);
        return Ok(ExitCode::FAILURE);
    }
    if storage.directory.is_none() {
        eprintln!(
            "connect-sf: no --storage DIR: the local S3 is an empty temporary directory, so the report the event names is not there"
        );
    }
    let project = Project::locate()?;
    let (name, definition) = project.resolve_workflow("historical-report-import")?;
    let runtime = LocalRuntime::start(
        &project,
        &definition,
        ClockChoice::Virtual,
        &options.org,
        &EmbeddedConnect::default(),
        &storage,
        None,
    )
    .await?;
    let machine = step_functions_engine::StateMachine::from_json(&read_json(&definition)?)
        .map_err(|error| anyhow::anyhow!("{}: {error}", definition.display()))?;
    let outcome = runtime
        .engine
        .run(
            &machine,
            event,
            step_functions_engine::ExecutionOptions {
                state_machine_name: Some(name),
                ..step_functions_engine::ExecutionOptions::default()
            },
        )
        .await
        .map_err(|error| anyhow::anyhow!("{}: {error}", definition.display()));
    let api_calls = runtime.api_calls();
    if let Some(path) = &options.salesforce_dump {
        runtime.dump_salesforce(path)?;
    }
    if let Some(summary) = runtime.fault_summary() {
        eprintln!("connect-sf: {summary}");
    }
    runtime.shutdown().await;
    let result = outcome?;
    let mut printed = summary(&result);
    printed["name"] = serde_json::Value::String(result.name.clone());
    for (key, value) in api_calls.json_fields() {
        printed[key] = value;
    }
    println!("{}", serde_json::to_string_pretty(&printed)?);
    Ok(
        if result.status == step_functions_engine::ExecutionStatus::Succeeded {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        },
    )
}
