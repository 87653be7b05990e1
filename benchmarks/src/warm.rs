//! Warm latency: one long-lived process per function serving every operation in turn, each invocation
//! timed from the event being handed out by `next` to its result arriving — what a contact
//! waits for on every Lambda block after the first. Beside it, the floors: the same emulator
//! answering a bare authenticated query over a keep-alive connection, i.e. the part of the
//! latency no activity code can remove, and moto answering a bare `GetSecretValue` (what the old
//! package adds to every invocation before its Salesforce call).
//!
//! Data that operations change:
//! * reads run before writes (see `events::load_dir`), so created records never change reads;
//! * `delete` would fail from its second invocation (the record is gone). Rather than measure
//!   an error path, the deleted record is restored from the org snapshot with
//!   `EmulatorControl::load` before every invocation — outside the timed window, and not an HTTP
//!   call, so it adds no Salesforce request either;
//! * any error response is still counted per operation and reported, never fatal.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use salesforce_emulator::{EmulatorControl, demo};

use crate::{
    activity::ActivityProcess,
    environment::{BenchEnvironment, RequestMark, describe_request},
    events::Event,
    function::Function,
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

/// One function's long-lived process.
pub struct WarmResult {
    pub function: &'static str,
    pub operations: Vec<OperationResult>,
    /// `VmHWM` of the process after every operation ran.
    pub peak_memory_kib: u64,
}

/// Every function gets its own process and runtime API; the events run in turn, each through
/// every function before the next event, so all functions see the org in the same state (reads
/// before any write) and the same moment of the machine.
pub async fn measure(
    functions: &[Function],
    environment: &BenchEnvironment,
    events: &[Event],
    runs: usize,
) -> anyhow::Result<Vec<WarmResult>> {
    let control = environment.control();
    let mut processes = Vec::with_capacity(functions.len());
    for function in functions {
        let runtime_api = RuntimeApi::start().await?;
        let log = environment
            .log_dir
            .join(format!("warm-{}.log", function.name));
        let process = function.spawn(&runtime_api, &log)?;
        processes.push((function.name, runtime_api, process));
    }
    let mut results: Vec<WarmResult> = functions
        .iter()
        .map(|function| WarmResult {
            function: function.name,
            operations: Vec::with_capacity(events.len()),
            peak_memory_kib: 0,
        })
        .collect();

    for event in events {
        let restore = Restore::for_event(event, &environment.org_snapshot)?;
        for ((name, runtime_api, process), result) in processes.iter_mut().zip(&mut results) {
            let operation = invoke_repeatedly(
                process,
                runtime_api,
                &control,
                event,
                restore.as_ref(),
                runs,
            )
            .await
            .with_context(|| format!("{name}: warm {}", event.name))?;
            eprintln!(
                "  warm {name:<14} {:<28} {} ok, {} errors",
                operation.name,
                operation.latencies.len(),
                operation.errors
            );
            result.operations.push(operation);
        }
    }
    for ((_, _, process), result) in processes.into_iter().zip(&mut results) {
        result.peak_memory_kib = process.peak_memory_kib()?;
        process.stop().await?;
    }
    Ok(results)
}

/// One warm-up, then `runs` timed invocations of `event`.
async fn invoke_repeatedly(
    process: &mut ActivityProcess,
    runtime_api: &RuntimeApi,
    control: &EmulatorControl,
    event: &Event,
    restore: Option<&Restore>,
    runs: usize,
) -> anyhow::Result<OperationResult> {
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
        if let Some(restore) = restore {
            restore.apply(control)?;
        }
        let mark = RequestMark::now(control);
        let pending = runtime_api.queue(event.body.clone());
        let outcome = process
            .finish(runtime_api, pending)
            .await
            .with_context(|| format!("invocation {iteration}"))?;
        if iteration == 0 {
            continue;
        }
        let requests = mark.since(control);
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
    Ok(result)
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

/// The floors: what no function code can remove from a warm invocation.
pub struct Floors {
    /// An authenticated `GET .../query` to the emulator.
    pub query: Vec<Duration>,
    /// A `GetSecretValue` to moto (the old package reads the secret on every invocation).
    pub secret: Vec<Duration>,
}

pub async fn floors(environment: &BenchEnvironment, runs: usize) -> anyhow::Result<Floors> {
    Ok(Floors {
        query: query_floor(environment, runs)
            .await
            .context("floor: Salesforce query")?,
        secret: secret_floor(environment, runs)
            .await
            .context("floor: GetSecretValue")?,
    })
}

/// Bare `GetSecretValue` round trips to moto (reqwest, keep-alive, one warm-up). moto checks no
/// signature; the header only names the service and region, as the SDK's would.
async fn secret_floor(
    environment: &BenchEnvironment,
    runs: usize,
) -> anyhow::Result<Vec<Duration>> {
    let http = reqwest::Client::new();
    let body = serde_json::json!({ "SecretId": environment.secret_arn() }).to_string();
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential=testing/20260101/{}/secretsmanager/aws4_request, \
         SignedHeaders=host, Signature=0",
        test_harness::REGION
    );
    let mut latencies = Vec::with_capacity(runs);
    for iteration in 0..=runs {
        let started = Instant::now();
        let response = http
            .post(environment.moto_endpoint())
            .header("X-Amz-Target", "secretsmanager.GetSecretValue")
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("Authorization", &authorization)
            .body(body.clone())
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let elapsed = started.elapsed();
        drop(response);
        if iteration > 0 {
            latencies.push(elapsed);
        }
    }
    Ok(latencies)
}

/// Bare authenticated `GET .../query` round trips to the same emulator (reqwest, keep-alive,
/// one warm-up), timed the same way as the activity.
async fn query_floor(environment: &BenchEnvironment, runs: usize) -> anyhow::Result<Vec<Duration>> {
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
