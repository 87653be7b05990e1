//! `post-call-soak`: many CTRs through the CTR trigger and the real post-call workflow on the
//! embedded default, every branch on, while the Salesforce emulator misbehaves for the whole
//! run (5xx, a REQUEST_LIMIT_EXCEEDED burst, expired sessions, creates that commit after the
//! client gave up), with duplicate CTRs, redelivered batches and malformed records. Counts what
//! reached the org and fails (exit code 1) unless every valid contact was written exactly once.
//! Writes benchmarks/results/post-call-soak.md.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, VecDeque},
    fmt::Write as _,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::Context;
use clap::Parser;
use salesforce_emulator::{Fault, FaultKind, FaultSchedule};
use serde_json::{Value, json};
use step_functions_engine::{ExecutionResult, ExecutionStatus};
use test_harness::{
    fixtures::{all_switches, ctr_as_contact, kinesis_record, voice_ctr},
    repo_root,
};
use tests::post_call_world::{CCA_OBJECT, CONTACT_FIELD, CTR_OBJECT, PostCallWorld};

#[derive(Parser)]
#[command(about = "Soak test of the post-call workflow under Salesforce faults")]
struct Args {
    /// Distinct CTRs (contacts) to deliver.
    #[arg(long, default_value_t = 1000)]
    ctrs: usize,
    /// Kinesis records per batch.
    #[arg(long, default_value_t = 100)]
    batch_size: usize,
    /// Batches delivered at once (each batch runs its executions one after the other).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Kinesis shards: contacts are partitioned by ContactId, and each shard has its own
    /// world (emulated org, engine and virtual clock), as executions do not share a clock.
    #[arg(long, default_value_t = 4)]
    shards: usize,
    /// Where the report goes (`post-call-soak.md`).
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

const VOICE_ID_TAIL: &str = "-91e4-4b57-a0d2-6f1e73c94b08";

fn contact_id(n: usize) -> String {
    format!("{n:08x}{VOICE_ID_TAIL}")
}

/// The shipped voice CTR as contact `n`: its own ContactId and recording object.
fn ctr(n: usize, template: &Value) -> Value {
    ctr_as_contact(template, &contact_id(n))
}

/// A record the trigger must skip: not base64, not JSON, JSON but not a CTR, a CTR without id.
fn garbage(n: usize, sequence_number: &str) -> Value {
    match n % 4 {
        0 => {
            let mut record = kinesis_record(sequence_number, "");
            record["kinesis"]["data"] = json!("%%% not base64 %%%");
            record
        }
        1 => kinesis_record(sequence_number, "{\"ContactId\": \"truncated"),
        2 => kinesis_record(sequence_number, "[1, 2, 3]"),
        _ => kinesis_record(sequence_number, "{\"Channel\": \"VOICE\"}"),
    }
}

#[derive(Default)]
struct Tally {
    executions: Vec<ExecutionResult>,
    started: usize,
    already_started: usize,
    skipped: Vec<(String, String)>,
    batch_item_failures: usize,
}

fn count<'a>(records: impl Iterator<Item = &'a Value>) -> HashMap<String, Vec<&'a Value>> {
    let mut by_contact: HashMap<String, Vec<&Value>> = HashMap::new();
    for record in records {
        if let Some(id) = record[CONTACT_FIELD].as_str() {
            by_contact.entry(id.to_string()).or_default().push(record);
        }
    }
    by_contact
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let template = voice_ctr();
    let switches = all_switches();

    let shards = args.shards.clamp(1, args.ctrs.max(1));

    // Per shard, the Kinesis stream: every CTR once, every 10th twice (a producer duplicate,
    // new sequence number), every 50th record garbage.
    let mut garbage_records = BTreeSet::new();
    let mut sequence = 0usize;
    let (mut duplicates, mut redelivered, mut record_count, mut batch_count, mut deliveries) =
        (0, 0, 0, 0, 0);
    let mut queues = Vec::new();
    for shard in 0..shards {
        let mut records = Vec::new();
        let mut next_sequence = || {
            sequence += 1;
            format!("4959{sequence:08}")
        };
        let mut push = |records: &mut Vec<Value>, ctr: &Value| {
            if records.len() % 50 == 49 {
                let number = next_sequence();
                records.push(garbage(garbage_records.len(), &number));
                garbage_records.insert(number);
            }
            records.push(kinesis_record(&next_sequence(), &ctr.to_string()));
        };
        for n in (shard..args.ctrs).step_by(shards) {
            let ctr = ctr(n, &template);
            push(&mut records, &ctr);
            if n % 10 == 9 {
                push(&mut records, &ctr);
                duplicates += 1;
            }
        }
        let batches: Vec<Value> = records
            .chunks(args.batch_size.max(1))
            .map(|chunk| json!({ "Records": chunk }))
            .collect();
        // Lambda retries a batch whose invocation it thinks failed: every 3rd batch again, two
        // batches later (possibly while the first delivery still runs).
        let mut queue = VecDeque::new();
        for (index, batch) in batches.iter().enumerate() {
            queue.push_back(batch.clone());
            if index >= 2 && (index - 2) % 3 == 0 {
                queue.push_back(batches[index - 2].clone());
                redelivered += 1;
            }
        }
        record_count += records.len();
        batch_count += batches.len();
        deliveries += queue.len();
        queues.push(queue);
    }

    let faults = [
        Fault {
            kind: FaultKind::ServerError(503),
            schedule: FaultSchedule::EveryNth(7),
            path_contains: None,
            method: None,
        },
        Fault {
            kind: FaultKind::RequestLimitExceeded,
            schedule: FaultSchedule::Times(20),
            path_contains: None,
            method: None,
        },
        Fault {
            kind: FaultKind::ExpiredSession,
            schedule: FaultSchedule::EveryNth(50),
            path_contains: Some("/query".into()),
            method: None,
        },
        Fault {
            kind: FaultKind::Latency(Duration::from_millis(3000)),
            schedule: FaultSchedule::EveryNth(25),
            path_contains: Some("/sobjects/".into()),
            method: Some("POST".into()),
        },
    ];
    let mut worlds = Vec::new();
    let mut usage_before = 0;
    let mut usage_max = 0;
    for _ in 0..shards {
        let world = Arc::new(PostCallWorld::local(1).await);
        let control = world.emulator.control();
        for fault in &faults {
            control.inject_fault(fault.clone());
        }
        control.clear_requests();
        let (used, max) = control.api_usage();
        usage_before += used;
        usage_max = max;
        worlds.push(world);
    }

    let tally = Arc::new(Mutex::new(Tally::default()));
    let started_at = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for (world, queue) in worlds.iter().zip(queues) {
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..args.concurrency.max(1) {
            let (world, queue, tally, switches) = (
                world.clone(),
                queue.clone(),
                tally.clone(),
                switches.clone(),
            );
            workers.spawn(async move {
                loop {
                    let Some(event) = queue.lock().expect("queue").pop_front() else {
                        break;
                    };
                    let run = world.deliver_event(event, &switches).await;
                    let mut tally = tally.lock().expect("tally");
                    for started in &run.report.started {
                        if started.execution_arn.is_some() {
                            tally.started += 1;
                        } else {
                            tally.already_started += 1;
                        }
                    }
                    for skipped in run.report.skipped {
                        tally
                            .skipped
                            .push((skipped.sequence_number, skipped.reason));
                    }
                    tally.batch_item_failures += run.report.batch_item_failures.len();
                    tally.executions.extend(run.executions);
                }
            });
        }
    }
    while let Some(joined) = workers.join_next().await {
        joined.context("a delivery worker panicked")?;
    }
    let wall = started_at.elapsed();
    let tally = std::mem::take(&mut *tally.lock().expect("tally"));

    // What reached the orgs (record ids are per org: keyed by shard).
    let mut ctr_records = Vec::new();
    let mut cca_records = Vec::new();
    let mut attachments_by_parent: HashMap<String, Vec<String>> = HashMap::new();
    let mut requests = Vec::new();
    let mut usage_after = 0;
    let mut applied: BTreeMap<String, u64> = BTreeMap::new();
    for (shard, world) in worlds.iter().enumerate() {
        let control = world.emulator.control();
        let dump = control.dump();
        let tagged = |object: &str| -> Vec<Value> {
            dump[object]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut record| {
                    if let Some(id) = record["Id"].as_str() {
                        record["Id"] = json!(format!("{shard}/{id}"));
                    }
                    record
                })
                .collect()
        };
        ctr_records.extend(tagged(CTR_OBJECT));
        cca_records.extend(tagged(CCA_OBJECT));
        for attachment in dump["Attachment"].as_array().into_iter().flatten() {
            if let (Some(parent), Some(name)) =
                (attachment["ParentId"].as_str(), attachment["Name"].as_str())
            {
                attachments_by_parent
                    .entry(format!("{shard}/{parent}"))
                    .or_default()
                    .push(name.to_string());
            }
        }
        requests.extend(control.requests());
        usage_after += control.api_usage().0;
        for (label, times) in control.faults_applied() {
            *applied.entry(label).or_default() += times;
        }
    }
    let ctrs_by_contact = count(ctr_records.iter());
    let ccas_by_contact = count(cca_records.iter());
    let expected: BTreeSet<String> = (0..args.ctrs).map(contact_id).collect();
    let mut problems = Vec::new();
    let mut lost = 0;
    let (mut ctr_once, mut cca_once, mut transcripts_twice) = (0, 0, 0);
    for id in &expected {
        let ctrs = ctrs_by_contact.get(id).map_or(0, Vec::len);
        let ccas = ccas_by_contact.get(id).map(Vec::as_slice).unwrap_or(&[]);
        if ctrs == 0 && ccas.is_empty() {
            lost += 1;
        }
        if ctrs == 1 {
            ctr_once += 1;
        } else {
            problems.push(format!("{id}: {ctrs} CTR records"));
        }
        if ccas.len() == 1 {
            cca_once += 1;
            let mut names = ccas[0]["Id"]
                .as_str()
                .and_then(|parent| attachments_by_parent.get(parent))
                .map(|names| names.iter().map(String::as_str).collect::<Vec<_>>())
                .unwrap_or_default();
            names.sort_unstable();
            if names == ["AgentTranscripts.json", "CustomerTranscripts.json"] {
                transcripts_twice += 1;
            } else {
                problems.push(format!("{id}: attachments {names:?}"));
            }
        } else {
            problems.push(format!("{id}: {} CCA records", ccas.len()));
        }
    }
    let strangers = ctrs_by_contact
        .keys()
        .chain(ccas_by_contact.keys())
        .filter(|id| !expected.contains(*id))
        .collect::<BTreeSet<_>>();
    for id in &strangers {
        problems.push(format!("{id}: records for a contact never delivered"));
    }
    let succeeded = tally
        .executions
        .iter()
        .filter(|execution| execution.status == ExecutionStatus::Succeeded)
        .count();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    for execution in &tally.executions {
        if execution.status != ExecutionStatus::Succeeded {
            *failures
                .entry(format!(
                    "{:?} {}: {}",
                    execution.status,
                    execution.error.as_deref().unwrap_or("-"),
                    execution.cause.as_deref().unwrap_or("-")
                ))
                .or_default() += 1;
        }
    }
    for (failure, times) in &failures {
        problems.push(format!("{times} executions: {failure}"));
    }
    let skipped_sequences: BTreeSet<&String> = tally.skipped.iter().map(|(s, _)| s).collect();
    let skipped_garbage = garbage_records
        .iter()
        .filter(|number| skipped_sequences.contains(number))
        .count();
    if skipped_garbage != garbage_records.len() {
        problems.push(format!(
            "{} of {} malformed records skipped",
            skipped_garbage,
            garbage_records.len()
        ));
    }
    if tally.started != args.ctrs {
        problems.push(format!(
            "{} executions started for {} contacts",
            tally.started, args.ctrs
        ));
    }

    // Salesforce's side.
    let logins = requests
        .iter()
        .filter(|r| r.path.contains("/oauth2/token"))
        .count();
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for request in &requests {
        let kind = if request.path.contains("/oauth2/token") {
            "token".to_string()
        } else if request.path.contains("/query") {
            format!("{} query", request.method)
        } else if request.path.contains("/sobjects/Attachment") {
            format!("{} sobjects/Attachment", request.method)
        } else if request.path.contains("/sobjects/") {
            let object = request
                .path
                .split("/sobjects/")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .unwrap_or("?");
            let describe = if request.path.ends_with("/describe") {
                " describe"
            } else {
                ""
            };
            format!("{} sobjects/{object}{describe}", request.method)
        } else {
            format!("{} other", request.method)
        };
        *by_kind.entry(kind).or_default() += 1;
    }
    let contacts = expected.len().max(1) as f64;

    let mut report = String::new();
    writeln!(
        report,
        "# Soak: post-call workflow under Salesforce faults\n"
    )?;
    writeln!(
        report,
        "`target/bench-release/post-call-soak` (`scripts/bench` runs it): the shipped voice CTR as {} distinct contacts (own ContactId and recording object each) through the CTR trigger (`post_call_trigger::handle_batch`, Kinesis batches of {}) and the real `statemachines/post-call.asl.json` on the embedded default (`PostCallWorld::local(1)`: the engine on a **virtual clock**, every activity's real handler, local S3/Transcribe/Comprehend), all branches on (`all_switches()`, Comprehend `snt,kw`), against the Salesforce emulator over **real HTTP** on loopback. {} Kinesis shards, contacts partitioned by ContactId (redeliveries and duplicates stay in their shard, as Kinesis keeps a partition key on one shard); each shard is its own world (emulated org with the faults below, engine, virtual clock: the engine's virtual clock moves only when every execution on it is waiting, so one clock for all contacts would let one contact's 2-s timeout hold up every other contact's Wait), {} of its batches delivered at a time, each batch's executions one after the other. Wall time is real: Wait states and the workflow's retry intervals cost nothing (virtual time), the Salesforce client's own timeouts (2 s) and backoffs are real.\n",
        args.ctrs, args.batch_size, shards, args.concurrency
    )?;
    writeln!(
        report,
        "## Faults, for the whole run, in every shard's org\n"
    )?;
    writeln!(
        report,
        "| fault | schedule | requests it shaped (all orgs) |"
    )?;
    writeln!(report, "|---|---|---:|")?;
    for (label, schedule) in [
        ("server_error 503", "every 7th request"),
        (
            "request_limit_exceeded",
            "the first 20 requests of each org (a burst)",
        ),
        ("expired_session", "every 50th `/query`"),
        (
            "latency 3000ms",
            "every 25th POST `/sobjects/` (client timeout 2 s: it gives up, the create commits later)",
        ),
    ] {
        writeln!(
            report,
            "| {label} | {schedule} | {} |",
            applied.get(label).copied().unwrap_or(0)
        )?;
    }
    writeln!(
        report,
        "\nPlus the stream's own faults: {duplicates} CTRs delivered twice (a producer duplicate, new sequence number), {redelivered} of {batch_count} batches redelivered whole (Lambda's retry, sometimes while the first delivery still runs), {} malformed records (every 50th record of a shard: not base64, truncated JSON, a JSON array, a CTR without ContactId).\n",
        garbage_records.len()
    )?;
    writeln!(report, "## Throughput\n")?;
    writeln!(report, "| figure | value |")?;
    writeln!(report, "|---|---:|")?;
    writeln!(
        report,
        "| Kinesis records / deliveries | {record_count} records in {batch_count} batches, {deliveries} deliveries |"
    )?;
    writeln!(
        report,
        "| CTRs delivered (valid records, duplicates and redeliveries included) | {} |",
        tally.started + tally.already_started
    )?;
    writeln!(report, "| distinct contacts | {} |", expected.len())?;
    writeln!(
        report,
        "| executions started / refused as already started | {} / {} |",
        tally.started, tally.already_started
    )?;
    writeln!(
        report,
        "| executions succeeded / failed | {succeeded} / {} |",
        tally.executions.len() - succeeded
    )?;
    writeln!(
        report,
        "| batch item failures (records Lambda would retry) | {} |",
        tally.batch_item_failures
    )?;
    writeln!(report, "| wall time | {:.1} s |", wall.as_secs_f64())?;
    writeln!(
        report,
        "| contacts per second | {:.1} |",
        expected.len() as f64 / wall.as_secs_f64()
    )?;
    writeln!(report, "\n## Salesforce API calls\n")?;
    writeln!(report, "| figure | total | per contact |")?;
    writeln!(report, "|---|---:|---:|")?;
    writeln!(
        report,
        "| requests served (token requests included) | {} | {:.2} |",
        requests.len(),
        requests.len() as f64 / contacts
    )?;
    writeln!(
        report,
        "| of which token requests | {logins} | {:.3} |",
        logins as f64 / contacts
    )?;
    writeln!(
        report,
        "| of which shaped by a fault (logged; abandoned latency requests are not) | {faulted} | {:.2} |",
        faulted as f64 / contacts
    )?;
    writeln!(
        report,
        "| daily API allowance used (emulator's counter; max {usage_max}) | {} | {:.2} |",
        usage_after - usage_before,
        (usage_after - usage_before) as f64 / contacts
    )?;
    for (kind, times) in &by_kind {
        writeln!(
            report,
            "| `{kind}` | {times} | {:.2} |",
            *times as f64 / contacts
        )?;
    }
    writeln!(report, "\n## Exactly once\n")?;
    writeln!(report, "| check | expected | found |")?;
    writeln!(report, "|---|---:|---:|")?;
    writeln!(
        report,
        "| contacts with exactly one CTR record | {} | {ctr_once} |",
        expected.len()
    )?;
    writeln!(
        report,
        "| CTR records in the orgs | {} | {} |",
        expected.len(),
        ctr_records.len()
    )?;
    writeln!(
        report,
        "| contacts with exactly one CCA | {} | {cca_once} |",
        expected.len()
    )?;
    writeln!(
        report,
        "| CCA records in the orgs | {} | {} |",
        expected.len(),
        cca_records.len()
    )?;
    writeln!(
        report,
        "| contacts whose CCA holds exactly AgentTranscripts.json + CustomerTranscripts.json | {} | {transcripts_twice} |",
        expected.len()
    )?;
    writeln!(report, "| contacts lost (no record at all) | 0 | {lost} |")?;
    writeln!(
        report,
        "| records for contacts never delivered | 0 | {} |",
        strangers.len()
    )?;
    writeln!(
        report,
        "| malformed records skipped with a reason | {} | {skipped_garbage} |",
        garbage_records.len()
    )?;
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, reason) in &tally.skipped {
        *reasons.entry(reason.as_str()).or_default() += 1;
    }
    writeln!(
        report,
        "\nSkip reasons the trigger gave (a redelivered batch skips its malformed records again):\n"
    )?;
    for (reason, times) in &reasons {
        writeln!(report, "- {times} × {reason}")?;
    }
    writeln!(
        report,
        "\nVerdict: {}",
        if problems.is_empty() {
            "every valid contact written exactly once; nothing lost, nothing doubled.".to_string()
        } else {
            format!("**{} problems**:\n", problems.len())
        }
    )?;
    for problem in problems.iter().take(30) {
        writeln!(report, "- {problem}")?;
    }

    let path = args
        .out
        .unwrap_or_else(|| repo_root().join("benchmarks/results"))
        .join("post-call-soak.md");
    std::fs::write(&path, &report).with_context(|| format!("cannot write {}", path.display()))?;
    print!("{report}");
    eprintln!("post-call-soak: wrote {}", path.display());
    if !problems.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}
