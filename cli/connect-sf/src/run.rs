//! `connect-sf run`: one execution of a workflow on the embedded default (or, with `--ctr`, the
//! post-call execution ctr-trigger starts for a CTR), traced state by state (`trace`), then the
//! Salesforce records it created and updated.

use std::{path::PathBuf, process::ExitCode};

use serde_json::{Value, json};
use step_functions_engine::{
    EventType, ExecutionOptions, ExecutionResult, ExecutionStatus, Observer, StateMachine,
};

use anyhow::bail;
use embedded::post_call_runner::{local_switches, trigger_and_run_keeping};
use local_adapters::QueueingStarter;

use crate::{
    ctr_start::CtrEvent,
    local_connect::EmbeddedConnect,
    local_runtime::{ClockChoice, EmbeddedOrg, LocalRuntime},
    project::{Project, read_json},
    salesforce_records::{describe, new_records, org_records, updated_records},
    salesforce_target::Target,
};

pub struct RunOptions {
    pub workflow: String,
    pub input: Option<PathBuf>,
    /// A plain CTR to start post-call with, as ctr-trigger would (instead of `input`).
    pub ctr: Option<PathBuf>,
    pub clock: ClockChoice,
    pub json: bool,
    pub org: EmbeddedOrg,
    /// The local Amazon Connect's instance (`--connect-seed`).
    pub connect: EmbeddedConnect,
    pub salesforce_dump: Option<PathBuf>,
    pub name: Option<String>,
    pub storage: crate::local_runtime::LocalStorage,
}

pub async fn run(options: RunOptions) -> anyhow::Result<ExitCode> {
    let project = Project::locate()?;
    let (name, path) = project.resolve_workflow(&options.workflow)?;
    let (definition, case_input) = definition_and_input(read_json(&path)?);
    let start = match &options.ctr {
        Some(file) => {
            if name != POST_CALL {
                bail!(
                    "--ctr starts the post-call workflow as ctr-trigger does, not {name}: run `connect-sf run post-call --ctr {}`",
                    file.display()
                );
            }
            Start::Trigger {
                ctr: CtrEvent::read(file)?,
                switches: local_switches()?,
            }
        }
        None => Start::Input(match &options.input {
            Some(file) => read_json(file)?,
            None => case_input.unwrap_or_else(|| json!({})),
        }),
    };
    let machine = StateMachine::from_json(&definition)
        .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;

    let observer: Option<Observer> = if options.json {
        None
    } else {
        Some(crate::trace::printing_observer())
    };
    let runtime = LocalRuntime::start(
        &project,
        &[path.as_path()],
        options.clock,
        &options.org,
        &options.connect,
        &options.storage,
        observer,
    )
    .await?;
    let before = org_records(&runtime.salesforce);
    let outcome = match start {
        Start::Input(input) => runtime
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
            .await
            .map_err(|error| anyhow::anyhow!("{}: {error}", path.display())),
        Start::Trigger { ctr, switches } => {
            if !options.json {
                println!(
                    "ctr-trigger: contact {} with switches {}",
                    ctr.contact_id,
                    serde_json::to_string(&switches).unwrap_or_default()
                );
            }
            triggered(&runtime, &machine, ctr, &switches).await
        }
    };
    let written = Written::between(&before, &org_records(&runtime.salesforce));
    let api_calls = runtime.api_calls();
    if let Some(dump) = &options.salesforce_dump {
        runtime.dump_salesforce(dump)?;
    }
    let embedded = matches!(runtime.salesforce, Target::Embedded(_));
    let fault_summary = runtime.fault_summary();
    runtime.shutdown().await;
    let result = outcome?;

    if options.json {
        let mut summary = summary(&result);
        if options.ctr.is_some() {
            // What the trigger started, reusable as `--input`.
            summary["name"] = Value::String(result.name.clone());
            summary["input"] = execution_input(&result).cloned().unwrap_or(Value::Null);
        }
        for (key, value) in api_calls.json_fields() {
            summary[key] = value;
        }
        println!("{}", serde_json::to_string_pretty(&summary)?);
        if let Some(fault_summary) = fault_summary {
            eprintln!("connect-sf: {fault_summary}");
        }
    } else {
        print_result(&result);
        if embedded {
            written.print();
        }
        println!("{}", api_calls.line());
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

/// The records the run created and updated in the embedded org.
struct Written {
    created: Vec<(String, Value)>,
    updated: Vec<(String, Value)>,
}

impl Written {
    fn between(before: &[(String, Value)], after: &[(String, Value)]) -> Self {
        Self {
            created: new_records(before, after),
            updated: updated_records(before, after),
        }
    }

    fn print(&self) {
        if self.created.is_empty() && self.updated.is_empty() {
            println!("Salesforce: nothing written");
            return;
        }
        println!(
            "Salesforce records written ({} created, {} updated):",
            self.created.len(),
            self.updated.len()
        );
        for (change, records) in [("created", &self.created), ("updated", &self.updated)] {
            for (object, record) in records {
                println!("  {change} {object} {}", describe(record));
            }
        }
    }
}

/// The workflow `--ctr` starts.
const POST_CALL: &str = "post-call";

/// How the execution starts: with an input file, or through ctr-trigger.
enum Start {
    Input(Value),
    Trigger {
        ctr: CtrEvent,
        switches: post_call::PackageSwitches,
    },
}

/// The CTR through the trigger's `handle_batch`, then the one execution it started.
async fn triggered(
    runtime: &LocalRuntime,
    machine: &StateMachine,
    ctr: CtrEvent,
    switches: &post_call::PackageSwitches,
) -> anyhow::Result<ExecutionResult> {
    let starter = QueueingStarter::default();
    let mut run = trigger_and_run_keeping(
        &runtime.engine,
        machine,
        &starter,
        &runtime.records,
        ctr.event,
        switches,
    )
    .await?;
    if let Some(skipped) = run.report.skipped.first() {
        bail!("ctr-trigger skipped the record: {}", skipped.reason);
    }
    match run.executions.pop() {
        Some(execution) if run.executions.is_empty() => {
            if !run.report.batch_item_failures.is_empty() {
                bail!("ctr-trigger could not start the execution");
            }
            Ok(execution)
        }
        _ => bail!(
            "ctr-trigger started {} executions for contact {}, expected one",
            run.executions.len() + 1,
            ctr.contact_id
        ),
    }
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

/// The execution's input (its `ExecutionStarted` event).
fn execution_input(result: &ExecutionResult) -> Option<&Value> {
    result
        .history
        .iter()
        .find(|event| matches!(event.event_type, EventType::ExecutionStarted))
        .and_then(|started| started.details.input.as_ref())
}

pub fn summary(result: &ExecutionResult) -> Value {
    json!({
        "status": result.status,
        "output": result.output,
        "error": result.error,
        "cause": result.cause,
    })
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
