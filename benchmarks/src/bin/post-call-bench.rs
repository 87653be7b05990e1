//! `post-call-bench`: what one contact costs in the post-call workflow, counted rather than
//! timed — Salesforce API calls per contact for each combination of branches, and Step
//! Functions state transitions (the unit Standard workflows are billed by) as a function of
//! how long Transcribe takes and of TranscriptionJobCheckWaitTime. Runs the real workflow on the
//! engine's virtual clock against the Salesforce emulator; writes
//! benchmarks/results/post-call.md.

use std::fmt::Write as _;

use anyhow::Context;
use serde_json::{Value, json};
use step_functions_engine::{ExecutionResult, ExecutionStatus};
use test_harness::{fixtures::*, repo_root};
use tests::post_call_world::*;

/// Standard workflows: USD per state transition (us-east-1 list price, 2026).
const PRICE_PER_TRANSITION: f64 = 0.000_025;

fn contact(n: usize, ctr_import: bool, recording: bool, transcribe: bool) -> Value {
    let mut ctr = voice_ctr();
    ctr["ContactId"] = json!(format!("{n:08}-91e4-4b57-a0d2-6f1e73c94b08"));
    let attributes = ctr["Attributes"].as_object_mut().map(|map| {
        map.insert(
            "postcallCTRImportEnabled".into(),
            json!(ctr_import.to_string()),
        );
        map.insert(
            "postcallRecordingImportEnabled".into(),
            json!(recording.to_string()),
        );
        map.insert(
            "postcallTranscribeEnabled".into(),
            json!(transcribe.to_string()),
        );
        map.remove("postcallRedactedRecordingImportEnabled");
    });
    debug_assert!(attributes.is_some());
    ctr
}

fn transitions(execution: &ExecutionResult) -> usize {
    execution
        .history
        .iter()
        .filter(|event| event.event_type.is_state_entered())
        .count()
}

/// Salesforce requests (token requests apart) made while `deliver` ran.
async fn salesforce_calls(
    world: &PostCallWorld,
    ctr: Value,
) -> anyhow::Result<(usize, usize, ExecutionResult)> {
    world.emulator.control().clear_requests();
    let mut run = world.deliver(&[ctr], &all_switches()).await;
    let execution = run.executions.pop().context("an execution")?;
    anyhow::ensure!(
        execution.status == ExecutionStatus::Succeeded,
        "{:?}: {:?}",
        execution.error,
        execution.cause
    );
    let requests = world.emulator.control().requests();
    let logins = requests
        .iter()
        .filter(|r| r.path.contains("/oauth2/token"))
        .count();
    Ok((requests.len() - logins, logins, execution))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut report = String::new();
    writeln!(report, "# Benchmark: post-call workflow, per contact\n")?;
    writeln!(
        report,
        "Counted, not timed: the real `statemachines/post-call.asl.json` on the engine's virtual clock, every activity's real handler, the Salesforce emulator over HTTP, local S3/Transcribe/Comprehend (`scripts/bench` runs `post-call-bench`). Contact: the shipped voice CTR, Comprehend `snt,kw` requested.\n"
    )?;

    writeln!(report, "## Salesforce API calls per contact\n")?;
    writeln!(
        report,
        "| CTR import | recording import | transcription | first contact of a container | every later contact | state transitions |"
    )?;
    writeln!(report, "|---|---|---|---:|---:|---:|")?;
    let mut n = 0;
    for combination in 0u8..8 {
        let (ctr, recording, transcribe) = (
            combination & 1 != 0,
            combination & 2 != 0,
            combination & 4 != 0,
        );
        let world = PostCallWorld::local(1).await;
        n += 1;
        let (cold, logins, _) =
            salesforce_calls(&world, contact(n, ctr, recording, transcribe)).await?;
        n += 1;
        let (warm, _, execution) =
            salesforce_calls(&world, contact(n, ctr, recording, transcribe)).await?;
        let yes = |on: bool| if on { "yes" } else { "—" };
        writeln!(
            report,
            "| {} | {} | {} | {cold} (+{logins} token) | {warm} | {} |",
            yes(ctr),
            yes(recording),
            yes(transcribe),
            transitions(&execution)
        )?;
    }
    writeln!(
        report,
        "\nThe first contact a container handles also reads the object's describe (cached afterwards, TTL `SF_DESCRIBE_TTL_SECONDS`); the old package read it for every CTR. Transcription counts one status check (the job done at the first check).\n"
    )?;

    writeln!(
        report,
        "## State transitions per contact (all branches on)\n"
    )?;
    writeln!(
        report,
        "Transcribe takes T seconds; the workflow checks every W = TranscriptionJobCheckWaitTime seconds, so it waits ⌈T/W⌉ times. Cost at {PRICE_PER_TRANSITION} USD per transition (Standard workflows).\n"
    )?;
    let waits = [5u32, 10, 20, 30, 60];
    write!(report, "| T \\ W |")?;
    for wait in waits {
        write!(report, " {wait} s |")?;
    }
    writeln!(report)?;
    writeln!(report, "|---|{}", "---:|".repeat(waits.len()))?;
    for transcription_seconds in [30u32, 60, 120, 300, 600] {
        write!(report, "| {transcription_seconds} s |")?;
        for wait in waits {
            let checks = transcription_seconds.div_ceil(wait).max(1);
            let world = PostCallWorld::local(checks).await;
            let mut switches = all_switches();
            switches.transcription_job_check_wait_time = wait;
            n += 1;
            let mut run = world
                .deliver(&[contact(n, true, true, true)], &switches)
                .await;
            let execution = run.executions.pop().context("an execution")?;
            anyhow::ensure!(
                execution.status == ExecutionStatus::Succeeded,
                "{:?}",
                execution.cause
            );
            let count = transitions(&execution);
            write!(
                report,
                " {count} (${:.5}) |",
                count as f64 * PRICE_PER_TRANSITION
            )?;
        }
        writeln!(report)?;
    }
    writeln!(
        report,
        "\nEach extra check costs 3 transitions (Wait, CheckTranscription, TranscriptionDone): a longer TranscriptionJobCheckWaitTime is cheaper but adds up to W seconds of latency before the transcript reaches Salesforce."
    )?;

    let path = repo_root().join("benchmarks/results/post-call.md");
    std::fs::write(&path, &report).with_context(|| format!("cannot write {}", path.display()))?;
    print!("{report}");
    eprintln!("post-call-bench: wrote {}", path.display());
    Ok(())
}
