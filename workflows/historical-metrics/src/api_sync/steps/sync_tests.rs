//! The API sync's steps against the in-memory Connect and org: the checkpoint, backfill,
//! re-runs, throttling, refusals.

use std::sync::Arc;

use activity_contract::{Task, TaskContext};
use chrono::{DateTime, Duration, TimeZone, Utc};
use object_storage::testing::MemoryObjectStore;
use salesforce_client::namespace::Namespace;

use super::*;
use crate::api_sync::intervals::Interval;
use crate::api_sync::settings::ApiSyncSettings;
use crate::api_sync::state::{Checkpoint, StoredJson};
use crate::api_sync::testing::MemoryConnectHistory;
use crate::objects::HistoricalObject;
use crate::settings::HistoricalSettings;
use crate::testing::MemoryHistoricalOrg;

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
        .single()
        .expect("time")
}

struct World {
    connect: Arc<MemoryConnectHistory>,
    org: Arc<MemoryHistoricalOrg>,
    store: Arc<MemoryObjectStore>,
    settings: Arc<ApiSyncSettings>,
}

impl World {
    fn new() -> Self {
        let connect = MemoryConnectHistory::new();
        connect.add_queue("q-billing", "Billing");
        connect.add_queue("q-support", "Technical Support");
        connect.add_user("u-priya", "priya.raman");
        Self {
            connect: Arc::new(connect),
            org: Arc::new(MemoryHistoricalOrg::cti("amazonconnect", false)),
            store: Arc::new(MemoryObjectStore::new()),
            settings: Arc::new(ApiSyncSettings {
                instance_id: "i-1".into(),
                queue_page_size: 100,
                state_bucket: "state".into(),
                historical: HistoricalSettings {
                    namespace: Namespace::parse("amazonconnect").expect("ns"),
                    region: "us-west-2".into(),
                    global_analytics: false,
                },
                api_budget_percent: 90,
            }),
        }
    }

    /// Every queue and agent handled `handled` contacts in the interval at `start`.
    fn activity(&self, start: DateTime<Utc>, handled: f64) {
        for id in ["q-billing", "q-support", "u-priya"] {
            self.connect
                .set_value(id, start, "Contacts handled", handled);
            self.connect
                .set_value(id, start, "Average handle time", 246.333);
        }
        self.connect
            .set_value("q-billing", start, "Service level 20 seconds", 57.14);
    }

    fn context(&self, now: DateTime<Utc>, execution: &str) -> TaskContext {
        TaskContext {
            execution_name: Some(execution.to_string()),
            ..TaskContext::at(now)
        }
    }

    /// One run as the state machine makes it: plan, then every interval in order.
    async fn run(&self, now: DateTime<Utc>, execution: &str) -> (Vec<String>, Vec<SyncReport>) {
        let context = self.context(now, execution);
        let plan = PlanHistoricalIntervals::run(
            &PlanHistoricalIntervalsPorts {
                connect: self.connect.clone(),
                store: self.store.clone(),
                settings: self.settings.clone(),
            },
            PlanHistoricalIntervalsInput::default(),
            &context,
        )
        .await
        .expect("planned");
        let mut reports = Vec::new();
        for interval in &plan.intervals {
            reports.push(self.sync(*interval, &context).await.expect("synced"));
        }
        (
            plan.intervals.iter().map(Interval::start_text).collect(),
            reports,
        )
    }

    async fn sync(
        &self,
        interval: Interval,
        context: &TaskContext,
    ) -> Result<SyncReport, crate::api_sync::ApiSyncError> {
        SyncHistoricalInterval::run(
            &SyncHistoricalIntervalPorts {
                connect: self.connect.clone(),
                salesforce: self.org.clone(),
                store: self.store.clone(),
                settings: self.settings.clone(),
            },
            SyncHistoricalIntervalInput { interval },
            context,
        )
        .await
    }

    async fn checkpoint(&self) -> Option<Checkpoint> {
        StoredJson {
            store: self.store.as_ref(),
            location: self.settings.checkpoint_location(),
        }
        .load()
        .await
        .expect("readable")
    }
}

#[tokio::test]
async fn the_first_run_writes_the_latest_interval_of_every_queue_and_agent_and_checkpoints_it() {
    let world = World::new();
    world.activity(at(8, 30), 12.0);
    let (intervals, reports) = world.run(at(9, 5), "run-0905").await;
    assert_eq!(intervals, ["2026-12-01T08:30:00Z"]);
    assert_eq!(
        (reports[0].queues.written, reports[0].agents.written),
        (2, 1)
    );

    let billing = world
        .org
        .record(HistoricalObject::Queue, "Billing2026-12-01T08:30:00Z")
        .expect("the queue record, with the report's id");
    assert_eq!(billing["amazonconnect__AC_Object_Name__c"], "Billing");
    assert_eq!(
        billing["amazonconnect__StartInterval__c"],
        "2026-12-01T08:30:00Z"
    );
    assert_eq!(
        billing["amazonconnect__EndInterval__c"],
        "2026-12-01T09:00:00Z"
    );
    assert_eq!(billing["amazonconnect__Contacts_handled__c"], 12.0);
    assert_eq!(
        billing["amazonconnect__Average_handle_time__c"], 246.33,
        "rounded as the report shows it"
    );
    assert_eq!(billing["amazonconnect__Service_level_20_seconds__c"], 57.14);
    assert!(
        billing["amazonconnect__Contacts_queued__c"].is_null(),
        "no value from Connect is null, as an empty report cell"
    );
    assert!(
        world
            .org
            .record(
                HistoricalObject::Queue,
                "TechnicalSupport2026-12-01T08:30:00Z"
            )
            .is_some()
    );
    assert!(
        world
            .org
            .record(HistoricalObject::Agent, "priya.raman2026-12-01T08:30:00Z")
            .is_some()
    );
    let checkpoint = world.checkpoint().await.expect("checkpointed");
    assert_eq!(checkpoint.last_synced, at(8, 30));
    assert_eq!(checkpoint.execution.as_deref(), Some("run-0905"));

    // Half an hour later only the new interval is due; an hour later nothing new but it.
    let (intervals, _) = world.run(at(9, 35), "run-0935").await;
    assert_eq!(intervals, ["2026-12-01T09:00:00Z"]);
    let (intervals, _) = world.run(at(9, 36), "run-0936").await;
    assert!(
        intervals.is_empty(),
        "nothing completed since: {intervals:?}"
    );
}

#[tokio::test]
async fn three_missed_runs_are_backfilled_in_order_by_the_next_run() {
    let world = World::new();
    world.run(at(8, 5), "run-0805").await;
    assert_eq!(
        world.checkpoint().await.map(|c| c.last_synced),
        Some(at(7, 30))
    );
    for (start, handled) in [(at(8, 0), 3.0), (at(8, 30), 5.0), (at(9, 0), 7.0)] {
        world.activity(start, handled);
    }
    // The runs at 08:35, 09:05 and 09:35 never happened.
    let (intervals, reports) = world.run(at(10, 5), "run-1005").await;
    assert_eq!(
        intervals,
        [
            "2026-12-01T08:00:00Z",
            "2026-12-01T08:30:00Z",
            "2026-12-01T09:00:00Z",
            "2026-12-01T09:30:00Z"
        ]
    );
    assert_eq!(
        reports
            .iter()
            .map(|report| report.checkpoint.as_str())
            .collect::<Vec<_>>(),
        [
            "2026-12-01T08:00:00Z",
            "2026-12-01T08:30:00Z",
            "2026-12-01T09:00:00Z",
            "2026-12-01T09:30:00Z"
        ],
        "the checkpoint follows each interval"
    );
    for (start, handled) in [("08:00", 3.0), ("08:30", 5.0), ("09:00", 7.0)] {
        let record = world
            .org
            .record(
                HistoricalObject::Queue,
                &format!("Billing2026-12-01T{start}:00Z"),
            )
            .expect("backfilled");
        assert_eq!(record["amazonconnect__Contacts_handled__c"], handled);
    }
}

#[tokio::test]
async fn re_running_an_interval_rewrites_the_same_records_and_keeps_a_newer_checkpoint() {
    let world = World::new();
    world.activity(at(8, 30), 12.0);
    world.run(at(9, 5), "run-0905").await;
    world.activity(at(9, 0), 4.0);
    world.run(at(9, 35), "run-0935").await;
    let before = world.org.records(HistoricalObject::Queue);
    assert_eq!(before.len(), 4);

    // A console re-run of 08:30, after Connect recounted it.
    world
        .connect
        .set_value("q-billing", at(8, 30), "Contacts handled", 13.0);
    let context = world.context(at(10, 0), "rerun");
    let report = world
        .sync(Interval::starting_at(at(8, 30)), &context)
        .await
        .expect("re-run");
    assert_eq!(report.queues.written, 2);
    let after = world.org.records(HistoricalObject::Queue);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "the same records, none added"
    );
    assert_eq!(
        after["Billing2026-12-01T08:30:00Z"]["amazonconnect__Contacts_handled__c"],
        13.0
    );
    assert_eq!(report.checkpoint, "2026-12-01T09:00:00Z", "not moved back");
}

#[tokio::test]
async fn throttling_is_retried_inside_the_call() {
    let world = World::new();
    world.activity(at(8, 30), 12.0);
    world.connect.throttle(2);
    let (intervals, reports) = world.run(at(9, 5), "run-0905").await;
    assert_eq!(intervals.len(), 1);
    assert_eq!(reports[0].queues.written, 2);
    assert_eq!(
        world.connect.calls("ListQueues"),
        3,
        "two throttled, then answered"
    );
}

#[tokio::test]
async fn a_record_locked_twice_fails_the_interval_retryably_and_leaves_the_checkpoint() {
    let world = World::new();
    world.run(at(8, 35), "run-0835").await;
    world.activity(at(8, 30), 12.0);
    world
        .org
        .refuse("Billing2026-12-01T08:30:00Z", "UNABLE_TO_LOCK_ROW", 2);
    let context = world.context(at(9, 5), "run-0905");
    let plan = PlanHistoricalIntervals::run(
        &PlanHistoricalIntervalsPorts {
            connect: world.connect.clone(),
            store: world.store.clone(),
            settings: world.settings.clone(),
        },
        PlanHistoricalIntervalsInput::default(),
        &context,
    )
    .await
    .expect("planned");
    let interval = plan.intervals[0];
    let error = world.sync(interval, &context).await.expect_err("locked");
    assert_eq!(
        activity_contract::NamedError::error_name(&error),
        "HistoricalSync.RecordsPending"
    );
    assert!(activity_contract::NamedError::is_retryable(&error));
    assert_eq!(
        world.checkpoint().await.map(|c| c.last_synced),
        Some(at(8, 0)),
        "not moved past the interval"
    );
    // The state machine's retry: the lock is gone.
    let report = world.sync(interval, &context).await.expect("retried");
    assert_eq!(report.queues.written, 2);
    assert_eq!(report.checkpoint, "2026-12-01T08:30:00Z");
}

#[tokio::test]
async fn a_record_refused_for_good_is_reported_and_the_interval_still_checkpoints() {
    let world = World::new();
    world.activity(at(8, 30), 12.0);
    world.org.refuse(
        "Billing2026-12-01T08:30:00Z",
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        1,
    );
    let (_, reports) = world.run(at(9, 5), "run-0905").await;
    assert_eq!(
        (reports[0].queues.written, reports[0].queues.refused),
        (1, 1)
    );
    assert_eq!(
        reports[0].queues.failed[0].error_code,
        "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    );
    assert_eq!(
        world.checkpoint().await.map(|c| c.last_synced),
        Some(at(8, 30))
    );
}

#[tokio::test]
async fn an_interval_before_plan_or_off_the_half_hour_is_a_typed_error() {
    let world = World::new();
    let context = world.context(at(9, 5), "run");
    let error = world
        .sync(Interval::starting_at(at(8, 30)), &context)
        .await
        .expect_err("not listed");
    assert_eq!(
        activity_contract::NamedError::error_name(&error),
        "HistoricalSync.NotListed"
    );
    let skewed = Interval {
        start: at(8, 31),
        end: at(8, 31) + Duration::minutes(30),
    };
    let error = world.sync(skewed, &context).await.expect_err("skewed");
    assert_eq!(
        activity_contract::NamedError::error_name(&error),
        "HistoricalSync.InvalidInterval"
    );
}

/// The plan of a run at `now` (the queues and agents stored, the intervals due).
async fn plan(world: &World, context: &TaskContext) -> Vec<Interval> {
    PlanHistoricalIntervals::run(
        &PlanHistoricalIntervalsPorts {
            connect: world.connect.clone(),
            store: world.store.clone(),
            settings: world.settings.clone(),
        },
        PlanHistoricalIntervalsInput::default(),
        context,
    )
    .await
    .expect("planned")
    .intervals
}

#[tokio::test]
async fn when_the_org_is_over_the_api_budget_should_write_nothing_keep_the_checkpoint_and_backfill_later()
 {
    let world = World::new();
    world.org.set_api_usage(1_000, 15_000);
    world.run(at(8, 35), "run-0835").await;
    assert_eq!(
        world.checkpoint().await.map(|c| c.last_synced),
        Some(at(8, 0))
    );
    assert_eq!(
        world.org.limits_calls(),
        0,
        "under the budget the describe's figure is enough"
    );
    let written = world.org.upserts();

    // 13,500 of 15,000 is the 90 % budget itself: the run pauses before its first upsert.
    world.org.set_api_usage(13_500, 15_000);
    world.activity(at(8, 30), 12.0);
    world.activity(at(9, 0), 14.0);
    let context = world.context(at(9, 35), "run-0935");
    let intervals = plan(&world, &context).await;
    assert_eq!(intervals.len(), 2);
    let error = world
        .sync(intervals[0], &context)
        .await
        .expect_err("over the budget");
    assert_eq!(
        error.kind().ok(),
        Some(crate::api_sync::error::ApiSyncErrorKind::ApiBudgetExceeded)
    );
    assert_eq!(
        activity_contract::NamedError::error_name(&error),
        "HistoricalSync.ApiBudgetExceeded"
    );
    assert!(
        !activity_contract::NamedError::is_retryable(&error),
        "a retry within minutes finds the org no further under"
    );
    let message = error.to_string();
    for part in ["13500", "15000", "90 %", "2026-12-01T08:30:00Z"] {
        assert!(message.contains(part), "{part}: {message}");
    }
    assert_eq!(world.org.upserts(), written, "no upsert");
    assert_eq!(
        world.checkpoint().await.map(|c| c.last_synced),
        Some(at(8, 0)),
        "the checkpoint is not moved"
    );
    assert_eq!(
        world.org.limits_calls(),
        1,
        "one limits request confirms the client's figure before pausing"
    );
    assert!(
        world
            .org
            .record(HistoricalObject::Queue, "Billing2026-12-01T08:30:00Z")
            .is_none()
    );

    // Usage comes down: the next run backfills both intervals from the checkpoint.
    world.org.set_api_usage(2_000, 15_000);
    let (intervals, reports) = world.run(at(10, 5), "run-1005").await;
    assert_eq!(
        intervals,
        [
            "2026-12-01T08:30:00Z",
            "2026-12-01T09:00:00Z",
            "2026-12-01T09:30:00Z"
        ]
    );
    let written: Vec<usize> = reports.iter().map(|report| report.queues.written).collect();
    assert_eq!(written, [2, 2, 0], "09:30 had no activity");
    assert_eq!(
        world
            .org
            .record(HistoricalObject::Queue, "Billing2026-12-01T08:30:00Z")
            .expect("backfilled")["amazonconnect__Contacts_handled__c"],
        12.0
    );
    assert_eq!(
        world.checkpoint().await.map(|c| c.last_synced),
        Some(at(9, 30))
    );
}

#[tokio::test]
async fn when_the_client_has_seen_no_usage_should_ask_once_and_sync_under_the_budget() {
    let world = World::new();
    // The in-memory org reports no usage until it is given one: the guard asks (`limits`).
    world.activity(at(8, 30), 12.0);
    let (_, reports) = world.run(at(9, 5), "run-0905").await;
    assert_eq!(reports[0].queues.written, 2);
    assert_eq!(world.org.limits_calls(), 1);

    // A threshold of its own (SALESFORCE_API_BUDGET_PERCENT=50): 8,000 of 15,000 is over it.
    let world = World::new();
    let settings = ApiSyncSettings {
        api_budget_percent: 50,
        ..(*world.settings).clone()
    };
    let world = World {
        settings: Arc::new(settings),
        ..world
    };
    world.org.set_api_usage(8_000, 15_000);
    world.activity(at(8, 30), 12.0);
    let context = world.context(at(9, 5), "run-0905");
    let intervals = plan(&world, &context).await;
    let error = world
        .sync(intervals[0], &context)
        .await
        .expect_err("over 50 %");
    assert!(error.to_string().contains("50 %"), "{error}");
    assert_eq!(world.org.upserts(), (0, 0));
    assert!(world.checkpoint().await.is_none());
}

#[tokio::test]
async fn an_interval_with_nothing_to_write_checkpoints_without_asking_for_the_usage() {
    let world = World::new();
    world.org.set_api_usage(14_900, 15_000);
    // No queue or agent had activity in the interval: no record, no upsert, no guard.
    let (intervals, reports) = world.run(at(9, 5), "run-0905").await;
    assert_eq!(intervals, ["2026-12-01T08:30:00Z"]);
    assert_eq!(reports[0].queues.records, 0);
    assert_eq!(world.org.limits_calls(), 0);
    assert_eq!(
        world.checkpoint().await.map(|c| c.last_synced),
        Some(at(8, 30))
    );
}
