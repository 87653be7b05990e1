//! `connect-sf demo`: the main job on the embedded default. The shipped Kinesis event's CTRs go
//! through the CTR trigger and the post-call workflow (engine, Salesforce emulator, local S3,
//! Transcribe and Comprehend) on accelerated time; per contact it prints the states run and
//! the Salesforce records written.

use std::{collections::BTreeSet, process::ExitCode};

use serde_json::Value;
use step_functions_engine::{ExecutionResult, ExecutionStatus};

use embedded::post_call_runner::{local_switches, trigger_and_run_keeping};
use local_adapters::QueueingStarter;

use crate::{
    local_connect::EmbeddedConnect,
    local_runtime::{ClockChoice, EmbeddedOrg, LocalRuntime, LocalStorage},
    project::{Project, read_json},
    salesforce_records::{describe, new_records, org_records},
};

pub struct DemoOptions {
    pub clock: ClockChoice,
    pub event: Option<std::path::PathBuf>,
    pub org: EmbeddedOrg,
    pub salesforce_dump: Option<std::path::PathBuf>,
}

pub async fn run(options: DemoOptions) -> anyhow::Result<ExitCode> {
    let project = Project::locate()?;
    let (_, post_call) = project.resolve_workflow("post-call")?;
    let event_path = options.event.unwrap_or_else(|| {
        project
            .activities_dir()
            .join("ctr-trigger/events/kinesis-ctr-event.json")
    });
    let event = read_json(&event_path)?;
    crate::invoke::NotAKinesisEvent::check(&event_path, &event)?;
    let switches = local_switches()?;
    let runtime = LocalRuntime::start(
        &project,
        &[post_call.as_path()],
        options.clock,
        &options.org,
        &EmbeddedConnect::default(),
        &LocalStorage::default(),
        None,
    )
    .await?;
    let before = org_records(&runtime.salesforce);
    println!(
        "Feeding {} through ctr-trigger and the post-call workflow (Salesforce emulator, local S3/Transcribe/Comprehend)…\n",
        event_path.display()
    );
    let machine = step_functions_engine::StateMachine::from_json(&read_json(&post_call)?)
        .map_err(|error| anyhow::anyhow!("{}: {error}", post_call.display()))?;
    let starter = QueueingStarter::default();
    let run = trigger_and_run_keeping(
        &runtime.engine,
        &machine,
        &starter,
        &runtime.records,
        event,
        &switches,
    )
    .await;
    let after = org_records(&runtime.salesforce);
    let api_calls = runtime.api_calls();
    if let Some(path) = &options.salesforce_dump {
        runtime.dump_salesforce(path)?;
    }
    let fault_summary = runtime.fault_summary();
    runtime.shutdown().await;
    let run = run?;

    for skipped in &run.report.skipped {
        println!(
            "record {} skipped: {}",
            skipped.sequence_number, skipped.reason
        );
    }
    let written = new_records(&before, &after);
    let mut all_succeeded = run.report.batch_item_failures.is_empty();
    for execution in &run.executions {
        all_succeeded &= execution.status == ExecutionStatus::Succeeded;
        print_contact(execution, &written);
    }
    if let Some(summary) = fault_summary {
        println!("{summary}");
    }
    println!(
        "trigger response: {}",
        serde_json::to_string(&run.response).unwrap_or_default()
    );
    println!("{}", api_calls.line());
    Ok(if all_succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_contact(execution: &ExecutionResult, written: &[(String, Value)]) {
    let contact_id = execution
        .history
        .first()
        .and_then(|started| started.details.input.as_ref())
        .and_then(|input| input["ctr"]["ContactId"].as_str())
        .unwrap_or(&execution.name);
    let status = serde_json::to_value(execution.status)
        .ok()
        .and_then(|status| status.as_str().map(str::to_string))
        .unwrap_or_default();
    let seconds = (execution.stop_date - execution.start_date).num_seconds();
    println!("Contact {contact_id}: {status} after {seconds} s of workflow time");
    let states: Vec<&str> = execution
        .history
        .iter()
        .filter(|event| event.event_type.is_state_entered())
        .filter_map(|event| event.details.name.as_deref())
        .collect();
    println!("  states: {}", states.join(" → "));
    if let (Some(error), cause) = (&execution.error, &execution.cause) {
        println!("  error: {error}: {}", cause.as_deref().unwrap_or_default());
    }
    // A record is the contact's when a field holds its id, or its parent is one of the contact's.
    let mut mine: Vec<&(String, Value)> = written
        .iter()
        .filter(|(_, record)| {
            record
                .as_object()
                .is_some_and(|fields| fields.values().any(|value| value == contact_id))
        })
        .collect();
    let parents: BTreeSet<String> = mine
        .iter()
        .filter_map(|(_, record)| record["Id"].as_str().map(str::to_string))
        .collect();
    mine.extend(written.iter().filter(|(_, record)| {
        record["ParentId"]
            .as_str()
            .is_some_and(|parent| parents.contains(parent))
    }));
    if mine.is_empty() {
        println!("  Salesforce: nothing written");
    }
    for (object, record) in mine {
        println!("  Salesforce {object} {}", describe(record));
    }
    println!();
}
