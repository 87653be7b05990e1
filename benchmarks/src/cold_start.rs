//! Cold start: a fresh process per run, one event already queued, timed from spawn to the
//! response being posted. That covers exec, the function's init, the secret fetch (moto), the
//! token (emulator, unless the function keeps one) and the Salesforce call(s) of one
//! invocation — what the first caller after a deployment or scale-out waits for. The emulator
//! and moto stay up between runs, as Salesforce and Secrets Manager would.
//!
//! Runs are interleaved (run 1 of every function and event, then run 2, …) so that a slow
//! patch of the machine hits every figure alike. Each function first gets one unmeasured start:
//! it warms the page cache for its files, and lets the old package keep the token it stores in
//! the secret, as it would have in production long before any measured start.

use std::time::{Duration, Instant};

use anyhow::Context;

use crate::{
    environment::{BenchEnvironment, RequestMark, describe_request},
    events::Event,
    function::Function,
    runtime_api::{Completion, Outcome, RuntimeApi},
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

/// The cold starts of one function with one event.
pub struct ColdStartResult {
    pub function: &'static str,
    pub event: String,
    pub operation: String,
    pub runs: Vec<ColdRun>,
}

pub async fn measure(
    functions: &[Function],
    environment: &BenchEnvironment,
    events: &[Event],
    runs: usize,
) -> anyhow::Result<Vec<ColdStartResult>> {
    let mut results: Vec<ColdStartResult> = functions
        .iter()
        .flat_map(|function| {
            events.iter().map(|event| ColdStartResult {
                function: function.name,
                event: event.name.clone(),
                operation: event.operation().to_owned(),
                runs: Vec::with_capacity(runs),
            })
        })
        .collect();
    if let Some(event) = events.first() {
        for function in functions {
            cold_run(function, environment, event, "priming")
                .await
                .with_context(|| format!("{}: unmeasured first start", function.name))?;
        }
    }
    for run in 1..=runs {
        let mut slot = results.iter_mut();
        for function in functions {
            for event in events {
                let label = format!("{run:02}");
                let measured = cold_run(function, environment, event, &label)
                    .await
                    .with_context(|| {
                        format!("{} cold start {run}/{runs} ({})", function.name, event.name)
                    })?;
                eprintln!(
                    "  cold {run:>2}/{runs} {:<14} {:<12} {:>7.1} ms (init {:.1} ms){}",
                    function.name,
                    event.name,
                    millis(measured.total),
                    millis(measured.init),
                    if measured.completion == Completion::Error {
                        "  ERROR response"
                    } else {
                        ""
                    }
                );
                if let Some(result) = slot.next() {
                    result.runs.push(measured);
                }
            }
        }
    }
    Ok(results)
}

/// One fresh process serving one event.
async fn cold_run(
    function: &Function,
    environment: &BenchEnvironment,
    event: &Event,
    label: &str,
) -> anyhow::Result<ColdRun> {
    let control = environment.control();
    // A fresh runtime API per process: "first next" then means this process's init.
    let runtime_api = RuntimeApi::start().await?;
    let pending = runtime_api.queue(event.body.clone());
    let mark = RequestMark::now(&control);
    let log = environment
        .log_dir
        .join(format!("cold-{}-{}-{label}.log", function.name, event.name));
    let mut process = function.spawn(&runtime_api, &log)?;
    let outcome: Outcome = process.finish(&runtime_api, pending).await?;
    let peak_memory_kib = process.peak_memory_kib()?;
    let first_next: Instant = runtime_api
        .first_next()
        .context("the function answered without calling next (impossible)")?;
    let spawned_at = process.spawned_at();
    process.stop().await?;
    Ok(ColdRun {
        total: outcome.completed.saturating_duration_since(spawned_at),
        init: first_next.saturating_duration_since(spawned_at),
        completion: outcome.completion,
        body: outcome.body,
        salesforce_requests: mark.since(&control).iter().map(describe_request).collect(),
        peak_memory_kib,
    })
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
