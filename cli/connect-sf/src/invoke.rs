//! `connect-sf invoke sf-invoke-api`: the real handler, in-process.

use std::{path::PathBuf, process::ExitCode};

use activity_contract::ErrorBody;
use anyhow::{Context, bail};
use contact_flow::{InvocationSettings, handle_invocation};

use crate::{
    local_runtime::EmbeddedOrg,
    salesforce_target::{Target, connect},
};

pub struct InvokeOptions {
    pub event: PathBuf,
    pub params: Vec<String>,
    pub org: EmbeddedOrg,
    pub salesforce_dump: Option<PathBuf>,
    pub credentials: Option<PathBuf>,
}

pub async fn sf_invoke_api(options: InvokeOptions) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&options.event)
        .with_context(|| format!("cannot read event file {}", options.event.display()))?;
    let mut event: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("event file {} is not valid JSON", options.event.display()))?;
    apply_params(&mut event, &options.params)?;

    let (target, client) = connect(
        options.org.seed.as_deref(),
        options.credentials.as_deref(),
        options.org.faults.as_ref(),
    )
    .await?;
    let settings = InvocationSettings::from_lookup(&env_config::from_process)?;
    let outcome = handle_invocation(&client, event, &settings, None, chrono::Utc::now()).await;

    if let Some(path) = &options.salesforce_dump {
        match &target {
            Target::Embedded(emulator) => {
                let dump = serde_json::to_string_pretty(&emulator.control().dump())?;
                std::fs::write(path, dump + "\n")
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            Target::RealOrg => bail!("--salesforce-dump only applies to the embedded org"),
        }
    }
    if let Some(summary) = target.fault_summary(options.org.faults.as_ref()) {
        eprintln!("connect-sf: {summary}");
    }
    if let Target::Embedded(emulator) = target {
        emulator.shutdown().await;
    }

    match outcome {
        Ok(result) => {
            println!("{}", serde_json::to_string_pretty(&result)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("{}", serde_json::to_string_pretty(&ErrorBody::of(&error))?);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `--param key=value` sets `Details.Parameters.key`, as the install guide has users edit the
/// sample events (e.g. the ContactId of the case to create).
fn apply_params(event: &mut serde_json::Value, params: &[String]) -> anyhow::Result<()> {
    if params.is_empty() {
        return Ok(());
    }
    let parameters = event
        .pointer_mut("/Details/Parameters")
        .and_then(serde_json::Value::as_object_mut)
        .context("the event has no Details.Parameters object to set --param values in")?;
    for param in params {
        let (key, value) = param
            .split_once('=')
            .with_context(|| format!("--param {param:?} is not of the form key=value"))?;
        parameters.insert(
            key.to_string(),
            serde_json::Value::String(value.to_string()),
        );
    }
    Ok(())
}

/// `connect-sf invoke ctr-trigger`: the trigger on a Kinesis event, then on the embedded
/// default every execution it started, to completion on virtual time.
pub async fn ctr_trigger(options: InvokeOptions) -> anyhow::Result<ExitCode> {
    use embedded::post_call_runner::{local_switches, trigger_and_run_keeping};
    use local_adapters::QueueingStarter;

    use crate::{
        local_connect::EmbeddedConnect,
        local_runtime::{ClockChoice, LocalRuntime, LocalStorage},
        project::{Project, read_json},
        run::summary,
    };

    if !options.params.is_empty() {
        bail!("--param applies to contact-flow events (sf-invoke-api) only");
    }
    let event = read_json(&options.event)?;
    NotAKinesisEvent::check(&options.event, &event)?;
    let project = Project::locate()?;
    let (_, post_call) = project.resolve_workflow("post-call")?;
    let runtime = LocalRuntime::start(
        &project,
        &[post_call.as_path()],
        ClockChoice::Virtual,
        &options.org,
        &EmbeddedConnect::default(),
        &LocalStorage::default(),
        None,
    )
    .await?;
    let machine = step_functions_engine::StateMachine::from_json(&read_json(&post_call)?)
        .map_err(|error| anyhow::anyhow!("{}: {error}", post_call.display()))?;
    let starter = QueueingStarter::default();
    let run = trigger_and_run_keeping(
        &runtime.engine,
        &machine,
        &starter,
        &runtime.records,
        event,
        &local_switches()?,
    )
    .await;
    if let Some(path) = &options.salesforce_dump {
        runtime.dump_salesforce(path)?;
    }
    if let Some(summary) = runtime.fault_summary() {
        eprintln!("connect-sf: {summary}");
    }
    runtime.shutdown().await;
    let run = match run {
        Ok(run) => run,
        Err(error) => {
            if let Some(malformed) = error.downcast_ref::<post_call_trigger::MalformedEvent>() {
                eprintln!(
                    "{}",
                    serde_json::to_string_pretty(&ErrorBody::of(malformed))?
                );
                return Ok(ExitCode::FAILURE);
            }
            return Err(error);
        }
    };
    let executions: Vec<serde_json::Value> = run
        .executions
        .iter()
        .map(|execution| {
            let mut result = summary(execution);
            result["name"] = serde_json::Value::String(execution.name.clone());
            result
        })
        .collect();
    // A record the trigger skipped (not base64, not a CTR) is logged and dropped in Lambda;
    // here it is the rehearsal's input that is wrong, so the command fails.
    for skipped in &run.report.skipped {
        eprintln!(
            "connect-sf: record {} skipped: {}",
            skipped.sequence_number, skipped.reason
        );
    }
    let all_succeeded = run.report.skipped.is_empty()
        && run
            .executions
            .iter()
            .all(|execution| execution.status == step_functions_engine::ExecutionStatus::Succeeded);
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({
            "response": run.response,
            "skipped": run.report.skipped,
            "executions": executions,
        }))?
    );
    Ok(if all_succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// An event file `invoke ctr-trigger` cannot feed to the trigger: the trigger itself reads a
/// missing `Records` as an empty batch and starts nothing, which would look like success.
#[derive(Debug, thiserror::Error)]
#[error(
    "{} is not a Kinesis event: {problem}; expected a Kinesis stream event {{\"Records\": [{{\"kinesis\": {{\"data\": \"<base64 of a CTR>\", \"sequenceNumber\": \"...\"}}}}, ...]}} (e.g. activities/ctr-trigger/events/kinesis-ctr-event.json)",
    file.display()
)]
pub struct NotAKinesisEvent {
    file: PathBuf,
    problem: String,
}

impl NotAKinesisEvent {
    /// `Ok` when `event` (read from `file`) has what the trigger reads.
    pub fn check(file: &std::path::Path, event: &serde_json::Value) -> Result<(), Self> {
        check_kinesis_event(event).map_err(|problem| Self {
            file: file.to_path_buf(),
            problem,
        })
    }
}

/// What is wrong with `event` as a Kinesis event of CTRs, if anything: the fields the trigger
/// needs (`Records`, each record's `kinesis.data` and `kinesis.sequenceNumber`).
fn check_kinesis_event(event: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value;

    let Value::Object(fields) = event else {
        return Err(format!("it is {}", json_kind(event)));
    };
    let Some(records) = fields.get("Records") else {
        let hint = if fields.contains_key("Details") {
            " (it looks like a contact-flow event: use `connect-sf invoke sf-invoke-api`)"
        } else if fields.contains_key("ContactId") {
            " (it looks like a contact trace record: use `connect-sf run post-call --ctr FILE`)"
        } else if fields.contains_key("ctr") {
            " (it looks like a post-call execution input: use `connect-sf run post-call --input FILE`)"
        } else {
            ""
        };
        let mut keys: Vec<&str> = fields.keys().map(String::as_str).take(6).collect();
        if fields.len() > keys.len() {
            keys.push("...");
        }
        return Err(format!(
            "it has no \"Records\" (its keys: {}){hint}",
            if keys.is_empty() {
                "none".to_string()
            } else {
                keys.join(", ")
            }
        ));
    };
    let Value::Array(records) = records else {
        return Err(format!("\"Records\" is {}, not a list", json_kind(records)));
    };
    if records.is_empty() {
        return Err("\"Records\" is empty, so the trigger would start nothing".to_string());
    }
    for (index, record) in records.iter().enumerate() {
        let number = index + 1;
        let Some(kinesis) = record.get("kinesis").filter(|k| k.is_object()) else {
            let source = record
                .get("eventSource")
                .and_then(Value::as_str)
                .map(|source| format!(" (its eventSource is {source})"))
                .unwrap_or_default();
            return Err(format!("record {number} has no \"kinesis\" object{source}"));
        };
        for field in ["data", "sequenceNumber"] {
            if !kinesis.get(field).is_some_and(Value::is_string) {
                return Err(format!("record {number} has no kinesis.{field} string"));
            }
        }
    }
    Ok(())
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match value {
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
        Value::String(_) => "a string",
        Value::Number(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null => "null",
    }
}

/// `connect-sf invoke contact-lens-import`: what the deployed trigger runs for one created file
/// (an S3 notification or an EventBridge `Object Created` event of a Contact Lens analysis or a
/// chat transcript): the Contact Lens state machine on the embedded default, with the local
/// Amazon Connect (the demo instance or `--connect-seed`, whose `contactAttributes` are the
/// contacts' attributes) and the local S3 (`--storage DIR`: `<DIR>/<bucket>/<key>`).
pub async fn contact_lens_import(
    options: InvokeOptions,
    connect: crate::local_connect::EmbeddedConnect,
    storage: crate::local_runtime::LocalStorage,
) -> anyhow::Result<ExitCode> {
    use crate::project::read_json;

    if !options.params.is_empty() {
        bail!("--param applies to contact-flow events (sf-invoke-api) only");
    }
    let event = read_json(&options.event)?;
    if let Err(error) = contact_lens::object_event::created_object(&event) {
        eprintln!("{}", serde_json::to_string_pretty(&ErrorBody::of(&error))?);
        return Ok(ExitCode::FAILURE);
    }
    crate::event_workflow::run_on_event("contact-lens", event, &options, &connect, &storage).await
}
