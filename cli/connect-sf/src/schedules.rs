//! `connect-sf schedules`: what EventBridge Scheduler would do with `schedules/*.json`, on the
//! embedded default: each enabled schedule starts its state machine with its input when its
//! expression fires (`--once`: every enabled schedule once, now; `--firings N`: stop after N).
//! Every firing runs on the same runtime, as every execution of a deployed stack shares one org
//! and one sync-state bucket: the real-time sync's second minute writes only what changed, and
//! the historical sync's checkpoint carries from one firing to the next.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use chrono::{DateTime, Utc};
use schedule_expressions::{ScheduleDefinition, ScheduleExpression, load_dir};
use step_functions_engine::{ExecutionOptions, ExecutionStatus, StateMachine};

use crate::{
    local_connect::EmbeddedConnect,
    local_runtime::{ClockChoice, EmbeddedOrg, LocalRuntime, LocalStorage},
    project::{Project, read_json},
    run::summary,
};

pub struct SchedulesOptions {
    pub once: bool,
    /// Stop after this many firings (continuous mode only).
    pub firings: Option<u32>,
    /// Only the schedules with these names (every enabled one when empty).
    pub only: Vec<String>,
    pub clock: ClockChoice,
    pub seed: Option<PathBuf>,
    /// The local Amazon Connect's instance for the workflows that call Connect.
    pub connect: EmbeddedConnect,
}

struct Loaded {
    schedule: ScheduleDefinition,
    expression: ScheduleExpression,
    definition_path: PathBuf,
    machine: StateMachine,
}

pub async fn run(options: SchedulesOptions) -> anyhow::Result<ExitCode> {
    let project = Project::locate()?;
    let dir = project.schedules_dir();
    let mut loaded = Vec::new();
    let all = load_dir(&dir)?;
    for wanted in &options.only {
        if !all.iter().any(|(_, schedule)| &schedule.name == wanted) {
            anyhow::bail!(
                "--schedule {wanted}: no schedule of that name in {} (there are: {})",
                dir.display(),
                all.iter()
                    .map(|(_, schedule)| schedule.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    for (path, schedule) in all {
        if !options.only.is_empty() && !options.only.contains(&schedule.name) {
            continue;
        }
        if !schedule.is_enabled() {
            println!("- {} is DISABLED, skipped", schedule.name);
            continue;
        }
        let expression = schedule.expression()?;
        let (_, definition_path) = project
            .resolve_workflow(&schedule.target.state_machine)
            .with_context(|| format!("{}: Target.StateMachine", path.display()))?;
        let machine = StateMachine::from_json(&read_json(&definition_path)?)
            .map_err(|error| anyhow::anyhow!("{}: {error}", definition_path.display()))?;
        loaded.push(Loaded {
            schedule,
            expression,
            definition_path,
            machine,
        });
    }
    if loaded.is_empty() {
        println!("no enabled schedules in {}", dir.display());
        return Ok(ExitCode::SUCCESS);
    }

    let definitions: Vec<&std::path::Path> = loaded
        .iter()
        .map(|entry| entry.definition_path.as_path())
        .collect();
    let runtime = LocalRuntime::start(
        &project,
        &definitions,
        options.clock,
        &EmbeddedOrg {
            seed: options.seed.clone(),
            faults: None,
        },
        &options.connect,
        &LocalStorage::default(),
        None,
    )
    .await?;
    let outcome = fire(&runtime, &loaded, &options).await;
    runtime.shutdown().await;
    outcome
}

/// `--once`, or every firing until Ctrl-C, `--firings` or no schedule fires again.
async fn fire(
    runtime: &LocalRuntime,
    loaded: &[Loaded],
    options: &SchedulesOptions,
) -> anyhow::Result<ExitCode> {
    if options.once {
        let mut all_succeeded = true;
        for entry in loaded {
            all_succeeded &= start_execution(runtime, entry).await?;
        }
        return Ok(if all_succeeded {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }

    // The engine's clock: Wait states and the schedules move on the same time.
    let clock = &runtime.clock;
    let started = clock.now();
    let mut last_fired: Vec<DateTime<Utc>> = vec![started; loaded.len()];
    let mut firings = 0;
    println!("running {} schedule(s); Ctrl-C to stop", loaded.len());
    loop {
        if options.firings.is_some_and(|limit| firings >= limit) {
            return Ok(ExitCode::SUCCESS);
        }
        let next = loaded
            .iter()
            .zip(&last_fired)
            .enumerate()
            .filter_map(|(index, (entry, after))| {
                entry
                    .expression
                    .next_after(started, *after)
                    .map(|time| (time, index))
            })
            .min();
        let Some((time, index)) = next else {
            println!("no schedule fires again");
            return Ok(ExitCode::SUCCESS);
        };
        tokio::select! {
            _ = clock.sleep_until(time) => {}
            _ = tokio::signal::ctrl_c() => return Ok(ExitCode::SUCCESS),
        }
        last_fired[index] = time;
        firings += 1;
        start_execution(runtime, &loaded[index]).await?;
    }
}

/// One scheduled execution; true when it succeeded.
async fn start_execution(runtime: &LocalRuntime, entry: &Loaded) -> anyhow::Result<bool> {
    let calls_before = runtime.api_calls();
    let result = runtime
        .engine
        .run(
            &entry.machine,
            entry.schedule.target.input.clone(),
            ExecutionOptions {
                state_machine_name: Some(entry.schedule.target.state_machine.clone()),
                ..ExecutionOptions::default()
            },
        )
        .await;
    let api_calls = runtime.api_calls().since(&calls_before);
    let result = result.map_err(|error| anyhow::anyhow!("{}: {error}", entry.schedule.name))?;
    println!(
        "{} ({}) → {}: {}",
        entry.schedule.name,
        entry.expression,
        entry.schedule.target.state_machine,
        summary(&result)
    );
    println!("  {}", api_calls.line());
    Ok(result.status == ExecutionStatus::Succeeded)
}
