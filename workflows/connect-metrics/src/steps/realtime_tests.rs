//! The real-time sync's behaviour with in-memory Connect, org and state: what each tick
//! writes, what it skips, and what it reports.

use std::sync::Arc;

use activity_contract::{Task, TaskContext};
use chrono::{DateTime, Duration, TimeZone, Utc};
use object_storage::testing::MemoryObjectStore;
use salesforce_client::namespace::Namespace;

use super::*;
use crate::settings::RealtimeSettings;
use crate::testing::{MemoryConnect, MemoryMetricsWrites};

struct World {
    connect: Arc<MemoryConnect>,
    org: Arc<MemoryMetricsWrites>,
    store: Arc<MemoryObjectStore>,
    settings: Arc<RealtimeSettings>,
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
        .single()
        .expect("time")
}

impl World {
    fn new(queues: usize, with_region: bool) -> Self {
        Self {
            connect: Arc::new(MemoryConnect::with_queues(queues)),
            org: Arc::new(MemoryMetricsWrites::new(with_region)),
            store: Arc::new(MemoryObjectStore::new()),
            settings: Arc::new(RealtimeSettings {
                instance_id: "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35".into(),
                queue_page_size: 100,
                metrics_page_size: 100,
                state_bucket: "sync-state".into(),
                region: "us-west-2".into(),
                global_analytics: false,
                namespace: Namespace::parse("amazonconnect").expect("ns"),
                refresh_minutes: 5,
                api_budget_percent: 90,
            }),
        }
    }

    async fn list(&self, now: DateTime<Utc>) -> ListQueuesOutput {
        let ports = ListQueuesPorts {
            connect: self.connect.clone(),
            store: self.store.clone(),
            settings: self.settings.clone(),
        };
        ListQueues::run(&ports, ListQueuesInput {}, &context(now, 0))
            .await
            .expect("listed")
    }

    async fn tick(&self, tick: Tick, now: DateTime<Utc>, retry_count: u32) -> TickReport {
        let ports = SyncQueueMetricsPorts {
            connect: self.connect.clone(),
            salesforce: self.org.clone(),
            store: self.store.clone(),
            settings: self.settings.clone(),
        };
        SyncQueueMetrics::run(
            &ports,
            SyncQueueMetricsInput { tick },
            &context(now, retry_count),
        )
        .await
        .expect("tick")
    }
}

fn context(now: DateTime<Utc>, retry_count: u32) -> TaskContext {
    TaskContext {
        now,
        execution_name: Some("minute-0900".into()),
        state_entered_time: Some(now),
        retry_count,
    }
}

#[tokio::test]
async fn only_changed_queues_are_written_and_every_queue_is_refreshed_after_the_interval() {
    let world = World::new(450, false);
    for i in 1..=450 {
        world
            .connect
            .set_value(&format!("q-{i:04}"), "CONTACTS_IN_QUEUE", f64::from(i % 7));
    }
    let listing = world.list(start()).await;
    assert_eq!(listing.queue_count, 450);
    assert_eq!(listing.connect_calls, 5, "450 queues at 100 a page");
    assert_eq!(listing.ticks.len(), 4);
    assert_eq!(listing.ticks[3].at, start() + Duration::seconds(45));

    let first = world.tick(listing.ticks[0], start(), 0).await;
    assert_eq!(
        (first.written, first.upsert_calls),
        (450, 3),
        "⌈450/200⌉ calls"
    );
    assert_eq!(
        first.connect_calls, 5,
        "100 queues per GetCurrentMetricData call"
    );
    let record = world.org.record("q-0003").expect("written");
    assert_eq!(record["amazonconnect__Contacts_In_Queue__c"], 3.0);
    assert_eq!(
        record["amazonconnect__Agents_Online__c"], 0.0,
        "missing metric is 0"
    );

    let unchanged = world
        .tick(listing.ticks[1], start() + Duration::seconds(15), 0)
        .await;
    assert_eq!((unchanged.written, unchanged.upsert_calls), (0, 0));
    assert_eq!(
        world.org.upserts().0,
        3,
        "no Salesforce call for a tick where nothing changed"
    );

    world.connect.set_value("q-0010", "CONTACTS_IN_QUEUE", 99.0);
    let one = world
        .tick(listing.ticks[2], start() + Duration::seconds(30), 0)
        .await;
    assert_eq!((one.changed, one.written, one.upsert_calls), (1, 1, 1));
    assert_eq!(
        world.org.record("q-0010").expect("q-0010")["amazonconnect__Contacts_In_Queue__c"],
        99.0
    );

    // Five minutes later nothing changed, but every record is rewritten to stay fresh.
    let later = start() + Duration::minutes(5);
    let listing = world.list(later).await;
    let refresh = world.tick(listing.ticks[0], later, 0).await;
    assert_eq!(refresh.changed, 0);
    assert_eq!(
        refresh.written, 449,
        "all but q-0010, written 4.5 minutes ago"
    );
}

#[tokio::test]
async fn the_region_suffix_and_field_follow_the_orgs_object() {
    let world = World::new(3, true);
    let listing = world.list(start()).await;
    world.tick(listing.ticks[0], start(), 0).await;
    let record = world.org.record("q-0001-us-west-2").expect("regional id");
    assert_eq!(record["amazonconnect__Region__c"], "us-west-2");
    assert_eq!(record["Name"], "Queue 0001");
}

#[tokio::test]
async fn a_late_tick_skips_itself_but_a_retry_or_the_first_tick_carries_on() {
    let world = World::new(2, false);
    let listing = world.list(start()).await;
    let late_by = Duration::seconds(LATE_GRACE_SECONDS + 1);
    let skipped = world
        .tick(listing.ticks[1], listing.ticks[1].at + late_by, 0)
        .await;
    assert_eq!(skipped.skipped, Some(SkipReason::Late));
    assert_eq!(world.org.upserts().0, 0);
    let retried = world
        .tick(listing.ticks[1], listing.ticks[1].at + late_by, 1)
        .await;
    assert_eq!(retried.skipped, None);
    let first = world
        .tick(listing.ticks[0], start() + Duration::seconds(20), 0)
        .await;
    assert_eq!(
        first.skipped, None,
        "tick 0 is never late: it starts when the list is done"
    );
}

#[tokio::test]
async fn the_budget_guard_pauses_over_the_threshold_and_resumes_once_usage_is_down() {
    let world = World::new(5, false);
    let listing = world.list(start()).await;
    world.org.set_usage(13_600, 15_000);
    let first = world.tick(listing.ticks[0], start(), 0).await;
    assert_eq!(first.written, 5, "usage is only known after a response");

    world.connect.set_value("q-0001", "AGENTS_ONLINE", 4.0);
    let paused = world.tick(listing.ticks[1], listing.ticks[1].at, 0).await;
    assert_eq!(paused.skipped, Some(SkipReason::ApiBudget));
    assert_eq!(world.org.upserts().0, 1, "nothing sent while over budget");

    // Still over after the probe interval: one limits request, still paused.
    let probe_at = start() + Duration::minutes(6);
    let listing = world.list(probe_at).await;
    let still = world.tick(listing.ticks[0], probe_at, 0).await;
    assert_eq!(still.skipped, Some(SkipReason::ApiBudget));
    assert_eq!(world.org.limits_calls(), 1);

    // The org's usage came down: the next probe resumes the sync and sends the change.
    world.org.set_usage(2_000, 15_000);
    let resume_at = probe_at + Duration::minutes(6);
    let listing = world.list(resume_at).await;
    let resumed = world.tick(listing.ticks[0], resume_at, 0).await;
    assert_eq!(resumed.skipped, None);
    assert!(resumed.written >= 1);
    assert_eq!(
        world.org.record("q-0001").expect("q-0001")["amazonconnect__Agents_Online__c"],
        4.0
    );
}

#[tokio::test]
async fn a_refused_record_is_retried_when_transient_and_otherwise_reported_and_sent_again() {
    let world = World::new(3, false);
    world.org.refuse("q-0001", "UNABLE_TO_LOCK_ROW", 1);
    world.org.refuse("q-0002", "STRING_TOO_LONG", 1);
    let listing = world.list(start()).await;
    let report = world.tick(listing.ticks[0], start(), 0).await;
    assert_eq!(report.written, 2, "q-0001 on its second attempt, q-0003");
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].queue_id, "q-0002");
    assert_eq!(report.failed[0].error_code, "STRING_TOO_LONG");

    // Not marked written: the next tick sends it again, and only it.
    let next = world.tick(listing.ticks[1], listing.ticks[1].at, 0).await;
    assert_eq!((next.written, next.failed.len()), (1, 0));
    assert!(world.org.record("q-0002").is_some());
}

#[tokio::test]
async fn connect_throttling_is_ridden_out_and_a_removed_queue_is_forgotten() {
    let world = World::new(4, false);
    world.connect.throttle(2);
    let listing = world.list(start()).await;
    assert_eq!(listing.queue_count, 4);
    assert_eq!(
        listing.connect_calls, 3,
        "two throttled answers, then the page"
    );
    world.tick(listing.ticks[0], start(), 0).await;

    world.connect.remove_queue("q-0004");
    let later = start() + Duration::minutes(1);
    let listing = world.list(later).await;
    let report = world.tick(listing.ticks[0], later, 0).await;
    assert_eq!(report.queues, 3);
    let state = crate::sync_state::StoredSyncState {
        store: world.store.as_ref(),
        location: world.settings.state_location(),
    }
    .load()
    .await
    .expect("state");
    assert!(!state.written.contains_key("q-0004"));
}
