//! `realtime-bench`: what one minute of the real-time queue metrics sync costs, for 100, 1,000
//! and 5,000 queues, with every value changing on every tick and with nothing changing: Salesforce
//! API calls (as the org counts them), Amazon Connect calls, and the execution's wall time on the
//! embedded default (the real state machine on the engine with virtual time, both emulators over
//! HTTP through the production adapters); next to the old package's count for the same queues.
//! Writes `benchmarks/results/realtime-queue-metrics.md` (or `--out DIR`); `--queues N` runs one
//! size only.

use std::sync::Arc;
use std::time::Instant;

use connect_emulator::{CurrentMetricResult, Seed};
use step_functions_engine::{EventType, ExecutionStatus, HistoryEvent};
use tests::realtime_world::RealtimeWorld;

struct Minute {
    salesforce_calls: u64,
    connect_calls: u64,
    written: u64,
    wall_ms: f64,
}

/// The old package's calls per minute (`anchor-behaviour.md`, "Real-time queue metrics"): four
/// runs, each one describe and one PATCH per queue, and ListQueues plus GetCurrentMetricData
/// per page of 100.
fn old_package(queues: u64) -> (u64, u64) {
    let pages = queues.div_ceil(100);
    (4 * 2 * queues, 4 * 2 * pages)
}

async fn minute(
    world: &RealtimeWorld,
    name: &str,
    change_every_tick: bool,
) -> anyhow::Result<Minute> {
    let base: Vec<CurrentMetricResult> = world.connect.control().seed().snapshots()[0].clone();
    let control = world.connect.control();
    let round = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let observer: Option<step_functions_engine::Observer> = change_every_tick.then(|| {
        let round = round.clone();
        Arc::new(move |event: &HistoryEvent| {
            if event.event_type == EventType::TaskStateEntered
                && event.details.name.as_deref() == Some("SyncQueueMetrics")
            {
                let n = round.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let changed: Vec<CurrentMetricResult> = base
                    .iter()
                    .cloned()
                    .map(|mut result| {
                        result.set_value("AGENTS_STAFFED", "COUNT", 1000.0 + n as f64);
                        result
                    })
                    .collect();
                control.set_current_metrics(changed);
            }
        }) as step_functions_engine::Observer
    });
    let salesforce_before = world.salesforce_api_calls();
    let connect_before = world.connect_calls();
    let started = Instant::now();
    let result = world.run_observed(name, observer).await;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        result.status == ExecutionStatus::Succeeded,
        "{name}: {:?} {:?}",
        result.error,
        result.cause
    );
    let ticks = result
        .output
        .as_ref()
        .and_then(|output| output["ticks"].as_array().cloned())
        .unwrap_or_default();
    for tick in ticks.iter().filter(|tick| tick["failed"] == true) {
        let cause: String = tick["cause"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect();
        eprintln!(
            "  {name}: tick {} failed: {} {cause}",
            tick["tick"], tick["error"]
        );
    }
    let written = ticks
        .iter()
        .map(|tick| tick["written"].as_u64().unwrap_or(0))
        .sum();
    Ok(Minute {
        salesforce_calls: world.salesforce_api_calls() - salesforce_before,
        connect_calls: world.connect_calls() - connect_before,
        written,
        wall_ms,
    })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let out = std::env::args()
        .skip_while(|argument| argument != "--out")
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| test_harness::repo_root().join("benchmarks/results"));
    // `--queues N`: only that size (e.g. to profile one).
    let sizes: Vec<u64> = match std::env::args()
        .skip_while(|argument| argument != "--queues")
        .nth(1)
    {
        Some(n) => vec![n.parse()?],
        None => vec![100, 1_000, 5_000],
    };
    let mut rows = Vec::new();
    for queues in sizes {
        eprintln!("realtime-bench: {queues} queues…");
        let world = RealtimeWorld::start(Seed::with_queues(queues as usize), false).await;
        // The first minute after deployment writes every queue once; measured minutes follow.
        minute(&world, "minute-0", false).await?;
        world.advance_minutes(1);
        let unchanged = minute(&world, "minute-1", false).await?;
        world.advance_minutes(1);
        let changing = minute(&world, "minute-2", true).await?;
        rows.push((queues, changing, unchanged));
    }

    let mut md = String::from("# Real-time queue metrics: one minute's cost\n\n");
    md.push_str(&format!(
        "{} · `realtime-bench` (`scripts/bench` runs it) · the real `statemachines/realtime-queue-metrics.asl.json` on the engine (virtual time: the 15-s Waits cost nothing), the Connect emulator through `aws-sdk-connect` and the Salesforce emulator through the Salesforce client, both over loopback HTTP; page sizes 100 (the stack's defaults). Salesforce calls are the org's own API usage count (the token is not counted; the describe is cached per container, so it is counted once per container, before these minutes). \"All changing\": every queue's values change before every tick. Old package: its formula from the anchor behaviour (four runs a minute, one describe and one PATCH per queue per run; ListQueues and GetCurrentMetricData per page of 100 per run).\n\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    ));
    md.push_str("| queues | values | Salesforce calls / minute | old package | Connect calls / minute | old package | records written | execution wall time |\n|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (queues, changing, unchanged) in &rows {
        let (old_salesforce, old_connect) = old_package(*queues);
        for (label, figures) in [("all changing", changing), ("none changing", unchanged)] {
            md.push_str(&format!(
                "| {queues} | {label} | **{}** | {old_salesforce} | {} | {old_connect} | {} | {:.0} ms |\n",
                figures.salesforce_calls, figures.connect_calls, figures.written, figures.wall_ms
            ));
        }
    }
    md.push_str("\nGoal: at most ⌈Q/200⌉ Salesforce calls per tick (4·⌈Q/200⌉ a minute when every value changes), none for a tick where nothing changed. Connect: ListQueues once per execution (⌈Q/100⌉ pages), GetCurrentMetricData ⌈Q/100⌉ calls per tick.\n");
    std::fs::create_dir_all(&out)?;
    let path = out.join("realtime-queue-metrics.md");
    std::fs::write(&path, &md)?;
    println!("{md}");
    eprintln!("realtime-bench: wrote {}", path.display());
    Ok(())
}
