//! The real-time queue metrics workflow end to end: the real state machine on the engine (virtual
//! time), the Connect emulator through `aws-sdk-connect`, the Salesforce emulator through the
//! Salesforce client, both over HTTP.

use connect_emulator::{CurrentMetricResult, Fault, QueueSummary, Seed};
use serde_json::Value;
use step_functions_engine::ExecutionStatus;
use tests::realtime_world::*;

fn tick_reports(result: &step_functions_engine::ExecutionResult) -> Vec<Value> {
    result
        .output
        .as_ref()
        .and_then(|output| output["ticks"].as_array().cloned())
        .unwrap_or_default()
}

fn assert_succeeded(result: &step_functions_engine::ExecutionResult) {
    assert_eq!(
        result.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        result.cause
    );
}

fn written(result: &step_functions_engine::ExecutionResult) -> Vec<u64> {
    tick_reports(result)
        .iter()
        .map(|tick| tick["written"].as_u64().unwrap_or(0))
        .collect()
}

#[tokio::test]
async fn four_fifty_queues_page_on_both_sides_and_unchanged_ticks_cost_nothing() {
    let seed = Seed::with_queues(450);
    let seeded = seed.snapshots()[0].clone();
    let world = RealtimeWorld::start(seed, false).await;
    let calls_before = world.salesforce_api_calls();

    let result = world.run_execution("minute-1").await;
    assert_succeeded(&result);
    assert_eq!(written(&result), vec![450, 0, 0, 0], "{:?}", result.output);
    assert_eq!(world.records().len(), 450);
    for expected in seeded.iter().step_by(97) {
        let queue_id = expected.queue_id().expect("queue id");
        let record = world.record(queue_id).expect("written");
        assert_eq!(
            record["amazonconnect__Agents_Online__c"].as_f64(),
            expected.value("AGENTS_ONLINE").or(Some(0.0)),
            "{queue_id}"
        );
        assert_eq!(
            record["amazonconnect__Oldest_Contact_Age__c"].as_f64(),
            expected.value("OLDEST_CONTACT_AGE").or(Some(0.0))
        );
    }
    let counts = world.connect.control().request_counts();
    assert_eq!(
        counts.get("ListQueues"),
        Some(&5),
        "450 queues, 100 a page: {counts:?}"
    );
    assert_eq!(
        counts.get("GetCurrentMetricData"),
        Some(&20),
        "100 queues a call, four ticks: {counts:?}"
    );
    // One describe and ⌈450/200⌉ = 3 collection calls; the three unchanged ticks call nothing.
    assert_eq!(world.salesforce_api_calls() - calls_before, 4);
}

#[tokio::test]
async fn the_external_id_carries_the_region_when_the_org_has_region_fields() {
    let world = RealtimeWorld::start(Seed::with_queues(3), true).await;
    let result = world.run_execution("minute-1").await;
    assert_succeeded(&result);
    let queue_id = world.connect.control().seed().queue_ids()[0].clone();
    let record = world
        .record(&format!("{queue_id}-us-west-2"))
        .expect("regional id");
    assert_eq!(record["amazonconnect__Region__c"], "us-west-2");
}

#[tokio::test]
async fn only_queues_whose_values_changed_are_written_on_the_next_tick() {
    let seed = Seed::with_queues(50);
    let first = seed.snapshots()[0].clone();
    let mut second = first.clone();
    for result in second.iter_mut().take(7) {
        result.set_value("CONTACTS_IN_QUEUE", "COUNT", 42.0);
    }
    let world = RealtimeWorld::start(seed, false).await;
    // One GetCurrentMetricData call per tick at 50 queues: tick 0 sees the first snapshot,
    // the others the second.
    world
        .connect
        .control()
        .set_current_metric_snapshots(vec![first, second])
        .expect("snapshots");
    let result = world.run_execution("minute-1").await;
    assert_succeeded(&result);
    assert_eq!(written(&result), vec![50, 7, 0, 0]);
    let changed: Vec<Value> = world
        .records()
        .into_iter()
        .filter(|record| record["amazonconnect__Contacts_In_Queue__c"] == 42.0)
        .collect();
    assert_eq!(changed.len(), 7);
}

#[tokio::test]
async fn connect_throttling_and_server_errors_are_ridden_out() {
    let world = RealtimeWorld::start(Seed::with_queues(120), false).await;
    let control = world.connect.control();
    control.inject_fault(Fault::throttle().on_operation("ListQueues"));
    control.inject_fault(Fault::server_error(500).on_operation("GetCurrentMetricData"));
    control.inject_fault(Fault::throttle().on_operation("GetCurrentMetricData"));
    let result = world.run_execution("minute-1").await;
    assert_succeeded(&result);
    assert_eq!(written(&result)[0], 120, "{:?}", result.output);
    assert_eq!(world.records().len(), 120);
    let answered_with_errors: Vec<(String, u16)> = control
        .requests()
        .into_iter()
        .filter(|request| request.status >= 400)
        .map(|request| (request.operation, request.status))
        .collect();
    assert_eq!(
        answered_with_errors,
        [
            ("ListQueues".to_string(), 429),
            ("GetCurrentMetricData".to_string(), 500),
            ("GetCurrentMetricData".to_string(), 429),
        ],
        "each injected fault was served once, then retried"
    );
}

#[tokio::test]
async fn the_budget_guard_pauses_the_sync_and_it_resumes_when_usage_is_down() {
    let world = RealtimeWorld::start(Seed::with_queues(10), false).await;
    let (_, max) = world.salesforce.control().api_usage();
    world.salesforce.control().set_api_usage(max * 95 / 100);

    let result = world.run_execution("minute-1").await;
    assert_succeeded(&result);
    let ticks = tick_reports(&result);
    assert_eq!(
        ticks[0]["written"], 10,
        "usage is only seen on the first tick's responses"
    );
    for tick in &ticks[1..] {
        assert_eq!(tick["skipped"], "apiBudget", "{tick}");
    }
    assert_eq!(
        world.salesforce_api_calls(),
        max * 95 / 100 + 2,
        "the describe and one collection call, then nothing while paused"
    );

    // Usage comes down (the rolling 24 h moved on); after the probe interval the sync resumes.
    world.salesforce.control().set_api_usage(100);
    world.advance_minutes(6);
    world
        .connect
        .control()
        .set_current_metrics(changed_metrics(&world, 99.0));
    let result = world.run_execution("minute-7").await;
    let ticks = tick_reports(&result);
    assert!(ticks[0].get("skipped").is_none(), "{:?}", ticks[0]);
    assert_eq!(ticks[0]["written"], 10);
    let queue_id = world.connect.control().seed().queue_ids()[0].clone();
    assert_eq!(
        world.record(&queue_id).expect("record")["amazonconnect__Agents_Staffed__c"],
        99.0
    );
    // The limits request, the describe (cached in this container) and one collection call.
    assert_eq!(world.salesforce_api_calls(), 100 + 2);
}

fn changed_metrics(world: &RealtimeWorld, value: f64) -> Vec<CurrentMetricResult> {
    let seed = world.connect.control().seed();
    seed.snapshots()[0]
        .iter()
        .cloned()
        .map(|mut result| {
            result.set_value("AGENTS_STAFFED", "COUNT", value);
            result
        })
        .collect()
}

#[tokio::test]
async fn a_queue_added_and_one_removed_between_executions() {
    let world = RealtimeWorld::start(Seed::with_queues(5), false).await;
    let result = world.run_execution("minute-1").await;
    assert_succeeded(&result);
    let control = world.connect.control();
    let removed = control.seed().queue_ids()[0].clone();
    assert!(control.remove_queue(&removed));
    let seed = control.seed();
    control
        .add_queue(QueueSummary::standard(
            &seed,
            "0d5e9a3c-0000-4000-8000-000000000099",
            "Escalations",
        ))
        .expect("added");

    world.advance_minutes(1);
    let result = world.run_execution("minute-2").await;
    assert_succeeded(&result);
    assert_eq!(written(&result), vec![1, 0, 0, 0], "only the new queue");
    let added = world
        .record("0d5e9a3c-0000-4000-8000-000000000099")
        .expect("new queue");
    assert_eq!(added["Name"], "Escalations");
    assert_eq!(tick_reports(&result)[0]["queues"], 5);
}

#[tokio::test]
async fn a_minute_that_lost_its_ticks_fails_and_the_next_minute_catches_up() {
    use salesforce_emulator::{Fault as SalesforceFault, FaultKind, FaultSchedule};
    let world = RealtimeWorld::start(Seed::with_queues(12), false).await;
    world.salesforce.control().inject_fault(
        SalesforceFault::once(FaultKind::RequestLimitExceeded)
            .on_path("/composite/sobjects")
            .with_schedule(FaultSchedule::Always),
    );
    let result = world.run_execution("minute-1").await;
    assert_eq!(
        result.status,
        ExecutionStatus::Failed,
        "{:?}",
        result.output
    );
    assert_eq!(result.error.as_deref(), Some("TicksFailed"));
    let failed: Vec<Value> =
        serde_json::from_str(result.cause.as_deref().expect("a cause")).expect("JSON ticks");
    assert_eq!(failed.len(), 4, "every tick ran and failed: {failed:?}");
    for tick in &failed {
        assert_eq!(tick["error"], "Salesforce.ApiLimitExceeded", "{tick}");
    }
    assert!(world.records().is_empty());

    world.salesforce.control().clear_faults();
    world.advance_minutes(1);
    let result = world.run_execution("minute-2").await;
    assert_succeeded(&result);
    assert_eq!(
        written(&result)[0],
        12,
        "nothing was written before, so all queues are sent"
    );
    assert_eq!(world.records().len(), 12);
}

#[tokio::test]
async fn metric_results_over_several_pages_are_all_read() {
    // 120 queues: each tick asks for the first 100 and then the last 20 (Connect's filter
    // limit), and at 40 results a page the first call pages three times.
    let seed = Seed::with_queues(120);
    let seeded = seed.snapshots()[0].clone();
    let mut settings = default_settings(&seed);
    settings.metrics_page_size = 40;
    let world = RealtimeWorld::start_with(seed, false, settings).await;
    let result = world.run_execution("minute-1").await;
    assert_succeeded(&result);
    assert_eq!(written(&result), vec![120, 0, 0, 0], "{:?}", result.output);
    let counts = world.connect.control().request_counts();
    assert_eq!(
        counts.get("GetCurrentMetricData"),
        Some(&16),
        "(3 pages for 100 queues + 1 for 20) × 4 ticks: {counts:?}"
    );
    // The queues on the last page of each call got their own values, not zeros.
    for expected in seeded.iter().skip(80) {
        let queue_id = expected.queue_id().expect("queue id");
        let record = world.record(queue_id).expect("written");
        assert_eq!(
            record["amazonconnect__Agents_Online__c"].as_f64(),
            expected.value("AGENTS_ONLINE").or(Some(0.0)),
            "{queue_id}"
        );
    }
}

#[tokio::test]
async fn a_salesforce_outage_inside_a_tick_is_retried_and_nothing_is_lost() {
    use salesforce_emulator::{Fault as SalesforceFault, FaultKind, FaultSchedule};
    let world = RealtimeWorld::start(Seed::with_queues(30), false).await;
    // The org answers 503 twice to the collection upsert, then recovers.
    world.salesforce.control().inject_fault(
        SalesforceFault::once(FaultKind::ServerError(503))
            .on_path("/composite/sobjects")
            .with_schedule(FaultSchedule::Times(2)),
    );
    let result = world.run_execution("minute-1").await;
    assert_succeeded(&result);
    assert_eq!(written(&result), vec![30, 0, 0, 0], "{:?}", result.output);
    assert_eq!(world.records().len(), 30);
    let faulted = world
        .salesforce
        .control()
        .requests()
        .iter()
        .filter(|request| request.fault.is_some())
        .count();
    assert_eq!(faulted, 2, "both injected outages were served");
}
