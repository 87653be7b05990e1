//! Warm latency: one long-lived process serving every operation in turn, each invocation
//! timed from the event being handed out by `next` to its result arriving — what a contact
//! waits for on every Lambda block after the first. Beside it, the floor: the same emulator
//! answering a bare authenticated query over a keep-alive connection, i.e. the part of the
//! latency no activity code can remove.
//!
//! Data that operations change:
//! * reads run before writes (see `events::load_dir`), so created records never change reads;
//! * `delete` would fail from its second invocation (the record is gone). Rather than measure
//!   an error path, the deleted record is restored from the org snapshot with
//!   `EmulatorControl::load` before every invocation — outside the timed window, and not an HTTP
//!   call, so it adds no Salesforce request either;
//! * any error response is still counted per operation and reported, never fatal.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use salesforce_emulator::{EmulatorControl, demo};

use crate::{
    activity::ActivityProcess,
    environment::{BenchEnvironment, RequestMark, describe_request},
    events::Event,
    runtime_api::{Completion, RuntimeApi},
};

pub struct OperationResult {
    pub name: String,
    pub operation: String,
    /// Latencies of the invocations that succeeded.
    pub latencies: Vec<Duration>,
    pub errors: usize,
    /// The first error body, to say why.
    pub first_error: Option<String>,
    /// Salesforce requests per measured invocation.
    pub salesforce_requests: Vec<usize>,
    /// The requests of the first measured invocation (`GET /services/data/v60.0/query → 200`).
    pub example_requests: Vec<String>,
    /// Whether a deleted record was restored before each invocation.
    pub reseeded: bool,
}

pub struct WarmResult {
    pub operations: Vec<OperationResult>,
    /// `VmHWM` of the process after every operation ran.
    pub peak_memory_kib: u64,
}

pub async fn measure(
    binary: &Path,
    environment: &BenchEnvironment,
    events: &[Event],
    runs: usize,
) -> anyhow::Result<WarmResult> {
    let control = environment.control();
    let runtime_api = RuntimeApi::start().await?;
    let log = environment.log_dir.join("warm.log");
    let mut process = ActivityProcess::spawn(
        binary,
        &environment.activity_environment(),
        &runtime_api.address(),
        &log,
    )?;

    let mut operations = Vec::with_capacity(events.len());
    for event in events {
        let restore = Restore::for_event(event, &environment.org_snapshot)?;
        let mut result = OperationResult {
            name: event.name.clone(),
            operation: event.operation().to_owned(),
            latencies: Vec::with_capacity(runs),
            errors: 0,
            first_error: None,
            salesforce_requests: Vec::with_capacity(runs),
            example_requests: Vec::new(),
            reseeded: restore.is_some(),
        };
        // Warm-up: the first invocation of the process also fetches the secret and the token,
        // and each operation's first may fill a describe cache; neither is steady state.
        for iteration in 0..=runs {
            if let Some(restore) = &restore {
                restore.apply(&control)?;
            }
            let mark = RequestMark::now(&control);
            let pending = runtime_api.queue(event.body.clone());
            let outcome = process
                .finish(&runtime_api, pending)
                .await
                .with_context(|| format!("warm {} invocation {iteration}", event.name))?;
            if iteration == 0 {
                continue;
            }
            let requests = mark.since(&control);
            if result.example_requests.is_empty() {
                result.example_requests = requests.iter().map(describe_request).collect();
            }
            result.salesforce_requests.push(requests.len());
            match outcome.completion {
                Completion::Response => result.latencies.push(outcome.latency()),
                Completion::Error => {
                    result.errors += 1;
                    result.first_error.get_or_insert(outcome.body);
                }
            }
        }
        eprintln!(
            "  warm {:<28} {} ok, {} errors",
            result.name,
            result.latencies.len(),
            result.errors
        );
        operations.push(result);
    }
    let peak_memory_kib = process.peak_memory_kib()?;
    process.stop().await?;
    Ok(WarmResult {
        operations,
        peak_memory_kib,
    })
}

/// Puts a record a `delete` event removes back as it was in the demo org.
struct Restore {
    records: serde_json::Value,
}

impl Restore {
    fn for_event(event: &Event, snapshot: &serde_json::Value) -> anyhow::Result<Option<Restore>> {
        if event.operation() != "delete" {
            return Ok(None);
        }
        let Some(id) = event.parameter("sf_id") else {
            return Ok(None);
        };
        // Salesforce ids compare on their first 15 characters (the rest is a checksum).
        let key = id.get(..15).unwrap_or(id);
        let Some(objects) = snapshot.as_object() else {
            bail!("the org snapshot is not a JSON object");
        };
        for (object, records) in objects {
            let found = records.as_array().into_iter().flatten().find(|record| {
                record
                    .get("Id")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|candidate| candidate.get(..15) == Some(key))
            });
            if let Some(record) = found {
                return Ok(Some(Restore {
                    records: serde_json::json!({ object: [record] }),
                }));
            }
        }
        // Not in the demo org: the deletes fail, and are reported as errors.
        Ok(None)
    }

    fn apply(&self, control: &EmulatorControl) -> anyhow::Result<()> {
        control
            .load(&self.records)
            .context("restoring the record the delete event removes")?;
        Ok(())
    }
}

/// The floor: bare authenticated `GET .../query` round trips to the same emulator (reqwest,
/// keep-alive, one warm-up), timed the same way as the activity.
pub async fn floor(environment: &BenchEnvironment, runs: usize) -> anyhow::Result<Vec<Duration>> {
    let base = environment.emulator_url();
    let http = reqwest::Client::new();
    let password = format!("{}{}", demo::PASSWORD, demo::SECURITY_TOKEN);
    let token: serde_json::Value = http
        .post(format!("{base}/services/oauth2/token"))
        .form(&[
            ("grant_type", "password"),
            ("client_id", demo::CONSUMER_KEY),
            ("client_secret", demo::CONSUMER_SECRET),
            ("username", demo::USERNAME),
            ("password", password.as_str()),
        ])
        .send()
        .await
        .context("floor: token request")?
        .error_for_status()
        .context("floor: token request refused")?
        .json()
        .await
        .context("floor: token response")?;
    let access_token = token
        .get("access_token")
        .and_then(serde_json::Value::as_str)
        .context("floor: no access_token in the token response")?;
    let url = format!(
        "{base}/services/data/{}/query?q=SELECT+Id+FROM+Contact+LIMIT+1",
        test_harness::API_VERSION
    );

    let mut latencies = Vec::with_capacity(runs);
    for iteration in 0..=runs {
        let started = Instant::now();
        let body = http
            .get(&url)
            .bearer_auth(access_token)
            .send()
            .await
            .context("floor: query")?
            .error_for_status()
            .context("floor: query refused")?
            .bytes()
            .await
            .context("floor: query body")?;
        let elapsed = started.elapsed();
        drop(body);
        if iteration > 0 {
            latencies.push(elapsed);
        }
    }
    Ok(latencies)
}
