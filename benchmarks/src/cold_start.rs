//! Cold start: a fresh process per run, one event already queued, timed from spawn to the
//! response being posted. That covers exec, the function's init, the secret fetch (moto), the
//! token (emulator) and the Salesforce call(s) of one invocation — what the first caller after
//! a deployment or scale-out waits for. The emulator and moto stay up between runs, as
//! Salesforce and Secrets Manager would.

use std::{path::Path, time::Duration};

use anyhow::Context;

use crate::{
    activity::ActivityProcess,
    environment::{BenchEnvironment, RequestMark, describe_request},
    events::Event,
    runtime_api::{Completion, RuntimeApi},
};

#[derive(Debug, Clone)]
pub struct ColdRun {
    /// Spawn → response (or error) received.
    pub total: Duration,
    /// Spawn → first `next` call (the function's init phase).
    pub init: Duration,
    pub completion: Completion,
    pub body: String,
    /// Salesforce requests during the run (token and data).
    pub salesforce_requests: Vec<String>,
    pub peak_memory_kib: u64,
}

pub struct ColdStartResult {
    pub event: String,
    pub runs: Vec<ColdRun>,
}

pub async fn measure(
    binary: &Path,
    environment: &BenchEnvironment,
    event: &Event,
    runs: usize,
) -> anyhow::Result<ColdStartResult> {
    let variables = environment.activity_environment();
    let control = environment.control();
    let mut results = Vec::with_capacity(runs);
    for run in 1..=runs {
        // A fresh runtime API per process: "first next" then means this process's init.
        let runtime_api = RuntimeApi::start().await?;
        let pending = runtime_api.queue(event.body.clone());
        let mark = RequestMark::now(&control);
        let log = environment.log_dir.join(format!("cold-{run:02}.log"));
        let mut process = ActivityProcess::spawn(binary, &variables, &runtime_api.address(), &log)?;
        let outcome = process
            .finish(&runtime_api, pending)
            .await
            .with_context(|| format!("cold start {run}/{runs}"))?;
        let peak_memory_kib = process.peak_memory_kib()?;
        let first_next = runtime_api
            .first_next()
            .context("the function answered without calling next (impossible)")?;
        let spawned_at = process.spawned_at();
        process.stop().await?;

        let run_result = ColdRun {
            total: outcome.completed.saturating_duration_since(spawned_at),
            init: first_next.saturating_duration_since(spawned_at),
            completion: outcome.completion,
            body: outcome.body,
            salesforce_requests: mark.since(&control).iter().map(describe_request).collect(),
            peak_memory_kib,
        };
        eprintln!(
            "  cold {run:>2}/{runs}: {:>7.1} ms (init {:.1} ms){}",
            millis(run_result.total),
            millis(run_result.init),
            if run_result.completion == Completion::Error {
                "  ERROR response"
            } else {
                ""
            }
        );
        results.push(run_result);
    }
    Ok(ColdStartResult {
        event: event.name.clone(),
        runs: results,
    })
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
