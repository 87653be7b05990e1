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
    use embedded::post_call_runner::{local_switches, trigger_and_run};
    use local_adapters::QueueingStarter;

    use crate::{
        local_runtime::{ClockChoice, LocalRuntime, LocalStorage},
        project::{Project, read_json},
        run::summary,
    };

    if !options.params.is_empty() {
        bail!("--param applies to contact-flow events (sf-invoke-api) only");
    }
    let event = read_json(&options.event)?;
    let project = Project::locate()?;
    let (_, post_call) = project.resolve_workflow("post-call")?;
    let runtime = LocalRuntime::start(
        &project,
        &post_call,
        ClockChoice::Virtual,
        &options.org,
        &LocalStorage::default(),
        None,
    )
    .await?;
    let machine = step_functions_engine::StateMachine::from_json(&read_json(&post_call)?)
        .map_err(|error| anyhow::anyhow!("{}: {error}", post_call.display()))?;
    let starter = QueueingStarter::default();
    let run = trigger_and_run(
        &runtime.engine,
        &machine,
        &starter,
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
    let all_succeeded = run
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
