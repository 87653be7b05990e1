//! `connect-sf run`: one execution of a workflow on the embedded default.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use serde_json::{Value, json};
use step_functions_engine::{
    EventType, ExecutionOptions, ExecutionResult, ExecutionStatus, HistoryEvent, Observer,
    StateMachine,
};

use crate::{
    local_runtime::{ClockChoice, EmbeddedOrg, LocalRuntime},
    project::{Project, read_json},
};

pub struct RunOptions {
    pub workflow: String,
    pub input: Option<PathBuf>,
    pub clock: ClockChoice,
    pub json: bool,
    pub org: EmbeddedOrg,
    pub salesforce_dump: Option<PathBuf>,
    pub name: Option<String>,
    pub storage: crate::local_runtime::LocalStorage,
}

pub async fn run(options: RunOptions) -> anyhow::Result<ExitCode> {
    let project = Project::locate()?;
    let (name, path) = project.resolve_workflow(&options.workflow)?;
    let (definition, case_input) = definition_and_input(read_json(&path)?);
    let input = match &options.input {
        Some(file) => read_json(file)?,
        None => case_input.unwrap_or_else(|| json!({})),
    };
    let machine = StateMachine::from_json(&definition)
        .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;

    let observer: Option<Observer> = if options.json {
        None
    } else {
        Some(Arc::new(print_state_event))
    };
    let runtime = LocalRuntime::start(
        &project,
        &path,
        options.clock,
        &options.org,
        &options.storage,
        observer,
    )
    .await?;
    let outcome = runtime
        .engine
        .run(
            &machine,
            input,
            ExecutionOptions {
                name: options.name.clone(),
                state_machine_name: Some(name),
                ..ExecutionOptions::default()
            },
        )
        .await;
    if let Some(dump) = &options.salesforce_dump {
        runtime.dump_salesforce(dump)?;
    }
    let fault_summary = runtime.fault_summary();
    runtime.shutdown().await;
    let result = outcome.map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;

    if options.json {
        println!("{}", serde_json::to_string_pretty(&summary(&result))?);
        if let Some(fault_summary) = fault_summary {
            eprintln!("connect-sf: {fault_summary}");
        }
    } else {
        print_result(&result);
        if let Some(fault_summary) = fault_summary {
            println!("{fault_summary}");
        }
    }
    Ok(if result.status == ExecutionStatus::Succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A `.asl.json` is the definition itself; a conformance case file (`definition`, `input`,
/// `expected`) carries its definition and input.
fn definition_and_input(file: Value) -> (Value, Option<Value>) {
    if file.get("States").is_none()
        && let Some(definition) = file.get("definition")
    {
        return (definition.clone(), file.get("input").cloned());
    }
    (file, None)
}

pub fn summary(result: &ExecutionResult) -> Value {
    json!({
        "status": result.status,
        "output": result.output,
        "error": result.error,
        "cause": result.cause,
    })
}

fn print_state_event(event: &HistoryEvent) {
    let name = event.details.name.as_deref().unwrap_or_default();
    // One line per event: long documents (a whole CTR) are cut, `--json` or the history has them.
    let compact = |value: &Option<Value>| {
        let text = value.as_ref().map(Value::to_string).unwrap_or_default();
        match text.char_indices().nth(110) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        }
    };
    if event.event_type.is_state_entered() {
        let kind = format!("{:?}", event.event_type);
        let kind = kind.trim_end_matches("StateEntered");
        println!(
            "{}  → {name} ({kind})  input {}",
            event.timestamp.format("%H:%M:%S"),
            compact(&event.details.input)
        );
    } else if event.event_type.is_state_exited() {
        println!(
            "{}  ← {name}  output {}",
            event.timestamp.format("%H:%M:%S"),
            compact(&event.details.output)
        );
    } else if matches!(event.event_type, EventType::TaskFailed) {
        println!(
            "{}  ✗ task failed: {} {}",
            event.timestamp.format("%H:%M:%S"),
            event.details.error.as_deref().unwrap_or_default(),
            event.details.cause.as_deref().unwrap_or_default()
        );
    }
}

fn print_result(result: &ExecutionResult) {
    let status = serde_json::to_value(result.status)
        .ok()
        .and_then(|status| status.as_str().map(str::to_string))
        .unwrap_or_default();
    println!("{status}  ({} history events)", result.history.len());
    match result.status {
        ExecutionStatus::Succeeded => {
            let output = result.output.clone().unwrap_or(Value::Null);
            println!(
                "{}",
                serde_json::to_string_pretty(&output).unwrap_or_default()
            );
        }
        _ => println!(
            "error: {}\ncause: {}",
            result.error.as_deref().unwrap_or("(none)"),
            result.cause.as_deref().unwrap_or("(none)")
        ),
    }
}
