//! What `connect-sf invoke` does for a workflow an S3 event starts (the historical report
//! import, the Contact Lens import): the workflow on the local engine with that event as its
//! input, the embedded org, the local Amazon Connect and S3; prints the execution's summary with
//! the API calls it made, and fails when the execution did not succeed.

use std::process::ExitCode;

use crate::invoke::InvokeOptions;
use crate::local_connect::EmbeddedConnect;
use crate::local_runtime::{ClockChoice, LocalRuntime, LocalStorage};
use crate::project::{Project, read_json};
use crate::run::summary;

pub async fn run_on_event(
    workflow: &str,
    event: serde_json::Value,
    options: &InvokeOptions,
    connect: &EmbeddedConnect,
    storage: &LocalStorage,
) -> anyhow::Result<ExitCode> {
    let project = Project::locate()?;
    let (name, definition) = project.resolve_workflow(workflow)?;
    let runtime = LocalRuntime::start(
        &project,
        &[definition.as_path()],
        ClockChoice::Virtual,
        &options.org,
        connect,
        storage,
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
