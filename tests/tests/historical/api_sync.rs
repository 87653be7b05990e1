//! The historical metrics sync from GetMetricDataV2 end to end: the real state machine
//! (`statemachines/historical-metrics.asl.json`) on the engine with virtual time, the Connect
//! emulator through `aws-sdk-connect` (its clock following the engine's), the Salesforce
//! emulator through the Salesforce client, the sync state in a local directory store.

use std::{path::PathBuf, sync::Arc};

use aws_adapters::ConnectMetricsClient;
use aws_config::{BehaviorVersion, Region, retry::RetryConfig};
use aws_sdk_s3::config::Credentials;
use chrono::{DateTime, Duration, TimeZone, Utc};
use connect_emulator::{
    Fault, FaultKind, FaultSchedule, MetricDataV2, MetricInterval, MetricResultV2, MetricV2, Seed,
    UserSummary,
};
use embedded::{task_handlers, template_wiring};
use historical_metrics::api_sync::{
    ApiSyncSettings,
    metrics::{ApiMetric, metrics_for},
};
use historical_metrics::objects::HistoricalObject;
use historical_metrics::settings::HistoricalSettings;
use local_adapters::DirectoryObjectStore;
use salesforce_client::namespace::Namespace;
use salesforce_emulator::{EmulatorConfig, RunningEmulator, demo};
use serde_json::{Map, Value, json};
use step_functions_engine::{
    Clock, Engine, EventType, ExecutionOptions, ExecutionResult, ExecutionStatus, StateMachine,
    VirtualClock,
};
use test_harness::{client_config, client_with_secret, password_secret_json, repo_root};

pub const QUEUE_OBJECT: &str = "amazonconnect__AC_HistoricalQueueMetrics__c";
pub const AGENT_OBJECT: &str = "amazonconnect__AC_AgentPerformance__c";
const MACHINE: &str = "historical-metrics";
const STATE_BUCKET: &str = "sync-state";

/// 2026-12-01 at `h:m` UTC.
pub fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
        .single()
        .expect("time")
}

/// One V2 metric as the seed gives it: the request's name with its threshold or metric filter,
/// so the emulator tells `CONTACTS_HANDLED` incoming, outbound and agent-disconnected apart.
fn seed_metric(metric: &ApiMetric, value: f64) -> MetricDataV2 {
    let mut details = Map::new();
    if let Some(threshold) = metric.threshold {
        details.insert(
            "Threshold".into(),
            json!([{"Comparison": threshold.comparison, "ThresholdValue": threshold.seconds}]),
        );
    }
    if let Some(filter) = metric.filter {
        details.insert(
            "MetricFilters".into(),
            json!([{"MetricFilterKey": filter.key, "MetricFilterValues": [filter.value]}]),
        );
    }
    MetricDataV2 {
        metric: MetricV2 {
            name: metric.name.to_string(),
            details,
        },
        value: Some(value),
    }
}

/// The V2 result of one queue (`QUEUE`) or agent (`AGENT`) for the interval at `start`, each
/// report column's metric with `value(column)` (none where it answers `None`).
pub fn interval_result(
    object: HistoricalObject,
    resource_id: &str,
    start: DateTime<Utc>,
    value: impl Fn(&str) -> Option<f64>,
) -> MetricResultV2 {
    let key = match object {
        HistoricalObject::Queue => "QUEUE",
        HistoricalObject::Agent => "AGENT",
    };
    MetricResultV2 {
        dimensions: [(key.to_string(), resource_id.to_string())].into(),
        metric_interval: Some(MetricInterval {
            interval: Some("THIRTY_MIN".into()),
            start_time: Some(start.timestamp() as f64),
            end_time: Some((start + Duration::minutes(30)).timestamp() as f64),
        }),
        collections: metrics_for(object)
            .iter()
            .filter_map(|metric| Some(seed_metric(metric, value(metric.column)?)))
            .collect(),
    }
}

/// `queues` generated queues and `agents` generated users (`agent.0001`…), every one with a
/// result for each interval in `starts`: "Contacts handled" = `handled(interval index)`, every
/// other column its position in the report.
pub fn seed_with_activity(
    queues: usize,
    agents: usize,
    starts: &[DateTime<Utc>],
    handled: impl Fn(usize) -> f64,
) -> Seed {
    let mut seed = Seed::with_queues(queues);
    seed.current_metrics.clear();
    seed.users = (1..=agents)
        .map(|i| UserSummary::new(&seed, format!("user-{i:04}"), format!("agent.{i:04}")))
        .collect();
    let mut results = Vec::new();
    for (index, start) in starts.iter().enumerate() {
        let value = |object: HistoricalObject| {
            let handled = handled(index);
            move |column: &str| {
                if column == "Contacts handled" {
                    return Some(handled);
                }
                metrics_for(object)
                    .iter()
                    .position(|metric| metric.column == column)
                    .map(|position| position as f64 + 0.25)
            }
        };
        for queue in &seed.queues {
            results.push(interval_result(
                HistoricalObject::Queue,
                &queue.id,
                *start,
                value(HistoricalObject::Queue),
            ));
        }
        for user in &seed.users {
            results.push(interval_result(
                HistoricalObject::Agent,
                &user.id,
                *start,
                value(HistoricalObject::Agent),
            ));
        }
    }
    seed.metric_data_v2 = results;
    seed
}

pub struct ApiSyncWorld {
    pub salesforce: RunningEmulator,
    pub connect: connect_emulator::RunningEmulator,
    pub engine: Engine,
    pub machine: StateMachine,
    pub clock: Arc<VirtualClock>,
    pub storage: PathBuf,
    connect_client: Arc<ConnectMetricsClient>,
    settings: Arc<ApiSyncSettings>,
}

/// The engine wired as `template.yaml` wires the Lambdas, with these ports.
fn engine_with(ports: &task_handlers::HistoricalApiPorts, clock: Arc<VirtualClock>) -> Engine {
    let substitutions = template_wiring::substitutions_for(
        &repo_root().join("template.yaml"),
        "historical-metrics.asl.json",
    )
    .expect("template")
    .expect("template.yaml deploys historical-metrics.asl.json");
    let mut builder = Engine::builder().clock(clock).substitutions(substitutions);
    for (name, handler) in task_handlers::historical_api_handlers(ports) {
        builder = builder.handler(name, handler);
    }
    builder.build()
}

impl Drop for ApiSyncWorld {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.storage);
    }
}

impl ApiSyncWorld {
    /// Both emulators, the clock at `now` (the Connect emulator's too), the production
    /// adapters (the SDK's own retries off, so every Connect call is counted where it is made),
    /// and the engine wired as `template.yaml` wires the Lambdas.
    pub async fn start(seed: Seed, now: DateTime<Utc>) -> Self {
        let salesforce = test_harness::start_emulator(EmulatorConfig {
            seed: Some(demo::seed_data()),
            ..EmulatorConfig::default()
        })
        .await;
        let clock = Arc::new(VirtualClock::starting_at(now));
        let settings = Arc::new(ApiSyncSettings {
            instance_id: seed.instance_id.clone(),
            queue_page_size: 100,
            state_bucket: STATE_BUCKET.into(),
            historical: HistoricalSettings {
                namespace: Namespace::parse("amazonconnect").expect("namespace"),
                region: "us-west-2".into(),
                global_analytics: false,
            },
            api_budget_percent: 90,
        });
        let connect = connect_emulator::start_local(seed)
            .await
            .expect("the Connect emulator starts");
        let emulator_clock = clock.clone();
        connect.control().follow_clock(move || emulator_clock.now());
        let aws = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-west-2"))
            .endpoint_url(connect.base_url())
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .retry_config(RetryConfig::disabled())
            .load()
            .await;
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let storage =
            std::env::temp_dir().join(format!("historical-api-world-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&storage).expect("storage");
        let connect_client = Arc::new(ConnectMetricsClient::from_config(&aws));
        let ports = task_handlers::HistoricalApiPorts {
            connect: connect_client.clone(),
            salesforce: Arc::new(client_with_secret(
                client_config(&salesforce),
                &password_secret_json(),
            )),
            store: Arc::new(DirectoryObjectStore::new(&storage)),
            settings: settings.clone(),
        };
        let engine = engine_with(&ports, clock.clone());
        let text =
            std::fs::read_to_string(repo_root().join("statemachines/historical-metrics.asl.json"))
                .expect("definition");
        Self {
            salesforce,
            connect,
            engine,
            machine: text.parse().expect("valid definition"),
            clock,
            storage,
            connect_client,
            settings,
        }
    }

    /// The next runs in new Lambda containers: a new Salesforce client, so nothing it cached
    /// (the describes, the API usage the last response reported) carries over.
    pub fn new_containers(&mut self) {
        let ports = task_handlers::HistoricalApiPorts {
            connect: self.connect_client.clone(),
            salesforce: Arc::new(client_with_secret(
                client_config(&self.salesforce),
                &password_secret_json(),
            )),
            store: Arc::new(DirectoryObjectStore::new(&self.storage)),
            settings: self.settings.clone(),
        };
        self.engine = engine_with(&ports, self.clock.clone());
    }

    /// The clock moves to `now` (between scheduled runs).
    pub fn set_time(&self, now: DateTime<Utc>) {
        let seconds = (now - self.clock.now()).num_milliseconds() as f64 / 1000.0;
        assert!(seconds >= 0.0, "time only moves forward");
        self.clock.advance(seconds);
    }

    /// One run, as the schedule starts it (input `{}`) or with `input`.
    pub async fn run(&self, name: &str, input: Value) -> ExecutionResult {
        let result = self
            .engine
            .run(
                &self.machine,
                input,
                ExecutionOptions {
                    name: Some(name.to_string()),
                    state_machine_name: Some(MACHINE.into()),
                    ..ExecutionOptions::default()
                },
            )
            .await
            .expect("the historical machine runs on the engine");
        assert_eq!(
            result.status,
            ExecutionStatus::Succeeded,
            "{name}: {:?} {:?}",
            result.error,
            result.cause
        );
        result
    }

    /// Every record of `object` in the org, by `AC_Record_Id__c`.
    pub fn records(&self, object: &str) -> std::collections::BTreeMap<String, Value> {
        records_of(&self.salesforce, object)
    }

    /// The checkpoint object as the sync keeps it in the state bucket.
    pub fn checkpoint(&self) -> Value {
        let path = self
            .storage
            .join(STATE_BUCKET)
            .join("historical-metrics/checkpoint.json");
        serde_json::from_slice(&std::fs::read(&path).expect("the checkpoint is stored"))
            .expect("JSON")
    }

    pub fn connect_calls(&self, operation: &str) -> u64 {
        self.connect
            .control()
            .request_counts()
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    pub fn salesforce_api_calls(&self) -> u64 {
        self.salesforce.control().api_usage().0
    }
}

/// Every record of `object` in `org`, by `AC_Record_Id__c`.
pub fn records_of(
    org: &RunningEmulator,
    object: &str,
) -> std::collections::BTreeMap<String, Value> {
    org.control().dump()[object]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|record| {
            (
                record["amazonconnect__AC_Record_Id__c"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                record,
            )
        })
        .collect()
}

fn synced_intervals(result: &ExecutionResult) -> Vec<String> {
    result.output.as_ref().map_or_else(Vec::new, |output| {
        output["synced"]
            .as_array()
            .map(|synced| {
                synced
                    .iter()
                    .filter_map(|report| report["startInterval"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    })
}

#[tokio::test]
async fn the_checkpoint_makes_the_next_run_backfill_three_missed_intervals() {
    let starts = [at(8, 30), at(9, 0), at(9, 30), at(10, 0), at(10, 30)];
    let seed = seed_with_activity(3, 2, &starts, |index| 10.0 + index as f64);
    let queue = seed.queues[0].name.clone().expect("named");
    let world = ApiSyncWorld::start(seed, at(9, 5)).await;

    let first = world.run("run-0905", json!({})).await;
    assert_eq!(synced_intervals(&first), ["2026-12-01T08:30:00Z"]);
    assert_eq!(world.checkpoint()["lastSynced"], "2026-12-01T08:30:00Z");
    assert_eq!(world.records(QUEUE_OBJECT).len(), 3);
    assert_eq!(world.records(AGENT_OBJECT).len(), 2);

    // The runs at 09:35, 10:05 and 10:35 never started; the one at 11:05 catches up, oldest first.
    world.set_time(at(11, 5));
    let next = world.run("run-1105", json!({})).await;
    assert_eq!(
        synced_intervals(&next),
        [
            "2026-12-01T09:00:00Z",
            "2026-12-01T09:30:00Z",
            "2026-12-01T10:00:00Z",
            "2026-12-01T10:30:00Z"
        ]
    );
    assert_eq!(world.checkpoint()["lastSynced"], "2026-12-01T10:30:00Z");
    assert_eq!(world.checkpoint()["execution"], "run-1105");
    let queues = world.records(QUEUE_OBJECT);
    assert_eq!(queues.len(), 3 * 5, "one record per queue and interval");
    assert_eq!(world.records(AGENT_OBJECT).len(), 2 * 5);
    let id = queue.replace(' ', "");
    for (index, start) in starts.iter().enumerate() {
        let text = start.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let record = &queues[&format!("{id}{text}")];
        assert_eq!(
            record["amazonconnect__Contacts_handled__c"].as_f64(),
            Some(10.0 + index as f64),
            "{text}"
        );
        // The org keeps a datetime as Salesforce writes it back (`…T08:30:00.000+0000`).
        let stored: DateTime<Utc> = record["amazonconnect__StartInterval__c"]
            .as_str()
            .and_then(|text| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z").ok())
            .map(|time| time.with_timezone(&Utc))
            .expect("a datetime");
        assert_eq!(stored, *start);
    }

    // Nothing completed since: the next run at 11:06 plans nothing and calls Connect not at all.
    let calls = world.connect.control().request_counts();
    world.set_time(at(11, 6));
    let idle = world.run("run-1106", json!({})).await;
    assert!(synced_intervals(&idle).is_empty());
    assert_eq!(world.connect.control().request_counts(), calls);
}

#[tokio::test]
async fn re_running_an_interval_rewrites_the_same_records() {
    let starts = [at(8, 0), at(8, 30)];
    let seed = seed_with_activity(2, 2, &starts, |index| 5.0 + index as f64);
    let world = ApiSyncWorld::start(seed, at(8, 35)).await;
    world.run("run-0835", json!({})).await;
    world.set_time(at(9, 5));
    world.run("run-0905", json!({})).await;
    let before = world.records(QUEUE_OBJECT);
    let agents_before = world.records(AGENT_OBJECT);
    assert_eq!((before.len(), agents_before.len()), (4, 4));

    // Connect recounts 08:00; an operator writes it (and what follows) again.
    let recounted = seed_with_activity(2, 2, &starts, |index| 50.0 + index as f64);
    world
        .connect
        .control()
        .update_seed(|seed| seed.metric_data_v2 = recounted.metric_data_v2)
        .expect("seed");
    world.set_time(at(9, 10));
    let rerun = world
        .run("resync-0800", json!({"resyncFrom": "2026-12-01T08:00:00Z"}))
        .await;
    assert_eq!(
        synced_intervals(&rerun),
        ["2026-12-01T08:00:00Z", "2026-12-01T08:30:00Z"]
    );
    let after = world.records(QUEUE_OBJECT);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "the same records, none added"
    );
    for (id, record) in &after {
        assert_eq!(record["Id"], before[id]["Id"], "{id} is the same record");
        let handled = record["amazonconnect__Contacts_handled__c"]
            .as_f64()
            .unwrap_or_default();
        assert!(handled >= 50.0, "{id} rewritten: {handled}");
    }
    assert_eq!(world.records(AGENT_OBJECT).len(), 4);
    assert_eq!(
        world.checkpoint()["lastSynced"],
        "2026-12-01T08:30:00Z",
        "not moved back"
    );
}

#[tokio::test]
async fn connect_throttling_is_retried_inside_the_call_and_by_the_state_machine() {
    let seed = seed_with_activity(2, 2, &[at(8, 30)], |_| 7.0);
    let world = ApiSyncWorld::start(seed, at(9, 5)).await;
    let control = world.connect.control();
    control.inject_fault(Fault {
        kind: FaultKind::Throttle {},
        schedule: FaultSchedule::Times(2),
        operation: Some("ListUsers".into()),
    });
    // Five in a row outlast the four attempts inside the call: the Task fails Connect.Throttled
    // and the state machine's Retry runs it again.
    control.inject_fault(Fault {
        kind: FaultKind::Throttle {},
        schedule: FaultSchedule::Times(5),
        operation: Some("GetMetricDataV2".into()),
    });
    let result = world.run("run-0905", json!({})).await;
    assert_eq!(synced_intervals(&result), ["2026-12-01T08:30:00Z"]);
    assert_eq!(world.records(QUEUE_OBJECT).len(), 2);
    assert_eq!(world.records(AGENT_OBJECT).len(), 2);
    assert_eq!(
        world.connect_calls("ListUsers"),
        3,
        "two throttled, then answered"
    );
    assert_eq!(
        world.connect_calls("GetMetricDataV2"),
        7,
        "4 throttled attempts, the Task retried: 1 more throttled, then queues and agents"
    );
    let failed = result
        .history
        .iter()
        .filter(|event| event.event_type == EventType::TaskFailed)
        .count();
    assert_eq!(failed, 1, "one failed attempt of SyncHistoricalInterval");
}

#[tokio::test]
async fn a_half_hour_of_100_queues_and_500_agents_costs_8_connect_and_6_salesforce_calls() {
    let seed = seed_with_activity(100, 500, &[at(8, 30), at(9, 0)], |_| 3.0);
    let world = ApiSyncWorld::start(seed, at(9, 5)).await;
    let salesforce_before = world.salesforce_api_calls();
    let started = std::time::Instant::now();
    world.run("run-0905", json!({})).await;
    let wall = started.elapsed();
    let counts = world.connect.control().request_counts();
    assert_eq!(counts.get("ListQueues"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("ListUsers"), Some(&1), "{counts:?}");
    assert_eq!(
        counts.get("GetMetricDataV2"),
        Some(&6),
        "100 queues in one call, 500 agents in five: {counts:?}"
    );
    // Two describes (cached per container) and ⌈100/200⌉ + ⌈500/200⌉ = 4 collection calls.
    let salesforce = world.salesforce_api_calls() - salesforce_before;
    assert_eq!(salesforce, 6);
    assert_eq!(world.records(QUEUE_OBJECT).len(), 100);
    assert_eq!(world.records(AGENT_OBJECT).len(), 500);

    // The next half hour in the same container: the describes are still cached.
    world.set_time(at(9, 35));
    world.run("run-0935", json!({})).await;
    assert_eq!(
        world.salesforce_api_calls() - salesforce_before - salesforce,
        4
    );
    let total: u64 = world.connect.control().request_counts().values().sum();
    assert_eq!(total, 16);
    println!(
        "historical API sync, 100 queues and 500 agents, one half hour: Connect 8 calls \
         (ListQueues 1, ListUsers 1, GetMetricDataV2 6), Salesforce 6 (2 describes + 4 \
         collection upserts; 4 with the describes cached); first run {wall:?}"
    );
}

/// A shipped report's rows as `(name, StartInterval, column → cell)`, read the simple way (the
/// fixtures have no quoted cells).
fn report_rows(file: &str) -> Vec<(String, String, Vec<(String, String)>)> {
    let text = std::fs::read_to_string(
        test_harness::shared_dir()
            .join("fixtures/reports")
            .join(file),
    )
    .expect("the shipped report");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header: Vec<String> = lines
        .next()
        .expect("a header")
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
            let named: Vec<(String, String)> = header
                .iter()
                .cloned()
                .zip(cells.iter().map(|cell| cell.to_string()))
                .collect();
            (cells[0].to_string(), cells[1].to_string(), named)
        })
        .collect()
}

/// The demo instance answering GetMetricDataV2 with exactly the shipped reports' figures: each
/// row becomes its queue's or agent's result for its interval (`%` stripped, empty = no value).
fn seed_from_reports() -> Seed {
    let mut seed = Seed::demo();
    let mut results = Vec::new();
    for (file, object) in [
        ("queue-interval.csv", HistoricalObject::Queue),
        ("agent-interval.csv", HistoricalObject::Agent),
    ] {
        for (name, start, cells) in report_rows(file) {
            let id = match object {
                HistoricalObject::Queue => seed
                    .queues
                    .iter()
                    .find(|queue| queue.name.as_deref() == Some(name.as_str()))
                    .map(|queue| queue.id.clone()),
                HistoricalObject::Agent => seed
                    .users
                    .iter()
                    .find(|user| user.username.as_deref() == Some(name.as_str()))
                    .map(|user| user.id.clone()),
            }
            .unwrap_or_else(|| panic!("the demo instance has {name}"));
            let start: DateTime<Utc> = start.parse().expect("StartInterval");
            results.push(interval_result(object, &id, start, |column| {
                let cell = cells
                    .iter()
                    .find(|(header, _)| header == column)?
                    .1
                    .replace('%', "");
                cell.trim().parse().ok()
            }));
        }
    }
    seed.metric_data_v2 = results;
    seed
}

/// What a record says, the import time aside: every custom field.
fn figures(record: &Value) -> Map<String, Value> {
    record
        .as_object()
        .expect("a record")
        .iter()
        .filter(|(field, _)| field.ends_with("__c") && !field.ends_with("Created_Date__c"))
        .map(|(field, value)| (field.clone(), value.clone()))
        .collect()
}

/// The shipped reports through the report import (its real Task, the shipped S3 events, the
/// reports in a local S3 directory) into `org`.
async fn import_shipped_reports(org: &RunningEmulator) {
    use activity_contract::run_task;
    use historical_metrics::steps::{ImportHistoricalReport, ImportHistoricalReportPorts};
    let storage = std::env::temp_dir().join(format!("historical-csv-{}", std::process::id()));
    let bucket = storage.join("amazon-connect-3e91c4d7a2b8");
    for (file, folder, key) in [
        (
            "queue-interval.csv",
            "Queue",
            "Queue Interval 30m-2024-03-05T15:15:37Z.csv",
        ),
        (
            "agent-interval.csv",
            "Agent",
            "Agent Interval 30m-2024-03-05T15:15:41Z.csv",
        ),
    ] {
        let folder = bucket.join(format!("connect/northwind-care/Reports/SFDC/{folder}"));
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::copy(
            test_harness::shared_dir()
                .join("fixtures/reports")
                .join(file),
            folder.join(key),
        )
        .expect("report copied");
    }
    let ports = ImportHistoricalReportPorts {
        salesforce: Arc::new(test_harness::demo_client(org)),
        store: Arc::new(DirectoryObjectStore::new(&storage)),
        settings: Arc::new(HistoricalSettings {
            namespace: Namespace::parse("amazonconnect").expect("namespace"),
            region: "us-west-2".into(),
            global_analytics: false,
        }),
    };
    for event in [
        "event-historical-queue-report.json",
        "event-historical-agent-report.json",
    ] {
        let event: Value = serde_json::from_slice(
            &std::fs::read(test_harness::shared_dir().join("fixtures/s3").join(event))
                .expect("the shipped event"),
        )
        .expect("JSON");
        run_task::<ImportHistoricalReport>(&ports, event, Utc::now())
            .await
            .expect("the report imports");
    }
    let _ = std::fs::remove_dir_all(&storage);
}

#[tokio::test]
async fn both_sources_write_identical_records_for_the_same_intervals() {
    // The API sync of the shipped reports' intervals, from the same figures.
    let at_2024 = |h: u32, m: u32| {
        Utc.with_ymd_and_hms(2024, 3, 5, h, m, 0)
            .single()
            .expect("time")
    };
    let world = ApiSyncWorld::start(seed_from_reports(), at_2024(14, 35)).await;
    world.run("run-1435", json!({})).await;
    world.set_time(at_2024(15, 35));
    let caught_up = world.run("run-1535", json!({})).await;
    assert_eq!(
        synced_intervals(&caught_up),
        ["2024-03-05T14:30:00Z", "2024-03-05T15:00:00Z"]
    );
    let api_queues = world.records(QUEUE_OBJECT);
    let api_agents = world.records(AGENT_OBJECT);

    // The report import of the shipped reports, into an org of its own.
    let csv_org = test_harness::start_demo_emulator().await;
    import_shipped_reports(&csv_org).await;
    let csv_queues = records_of(&csv_org, QUEUE_OBJECT);
    let csv_agents = records_of(&csv_org, AGENT_OBJECT);
    assert_eq!(csv_queues.len(), 6);
    assert_eq!(csv_agents.len(), 4);

    for (object, api, csv) in [
        ("queue", &api_queues, &csv_queues),
        ("agent", &api_agents, &csv_agents),
    ] {
        assert_eq!(
            api.keys().collect::<Vec<_>>(),
            csv.keys().collect::<Vec<_>>(),
            "{object}: the same AC_Record_Id__c values"
        );
        for (id, record) in api {
            assert_eq!(
                figures(record),
                figures(&csv[id]),
                "{object} {id}: the same fields and values"
            );
        }
    }
    assert!(api_queues.contains_key("TechnicalSupport2024-03-05T14:30:00Z"));
    assert!(api_agents.contains_key("priya.raman2024-03-05T14:00:00Z"));

    // Switching sources: the reports imported after the API sync update its records.
    import_shipped_reports(&world.salesforce).await;
    let after = world.records(QUEUE_OBJECT);
    assert_eq!(after.len(), api_queues.len(), "no second record");
    for (id, record) in &after {
        assert_eq!(record["Id"], api_queues[id]["Id"], "{id}");
        assert_eq!(figures(record), figures(&api_queues[id]), "{id}");
    }
    assert_eq!(world.records(AGENT_OBJECT).len(), api_agents.len());
}

/// The `Intervals` Map's Catch of the budget pause, as the definition has it.
fn definition() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("statemachines/historical-metrics.asl.json"))
            .expect("definition"),
    )
    .expect("JSON")
}

#[test]
fn only_the_budget_pause_is_caught_and_it_is_never_retried() {
    use activity_contract::Task;
    use historical_metrics::api_sync::steps::SyncHistoricalInterval;
    let definition = definition();
    let map = &definition["States"]["Intervals"];
    assert_eq!(
        map["Catch"],
        json!([{"ErrorEquals": ["HistoricalSync.ApiBudgetExceeded"], "ResultPath": "$.paused", "Next": "PausedForApiBudget"}])
    );
    assert_eq!(
        definition["States"]["PausedForApiBudget"]["Type"],
        "Succeed"
    );
    // The name is one SyncHistoricalInterval returns, and only when retrying cannot help.
    let declared = SyncHistoricalInterval::error_names();
    let name = declared
        .iter()
        .find(|name| name.name == "HistoricalSync.ApiBudgetExceeded")
        .expect("SyncHistoricalInterval declares the budget pause");
    assert!(!name.retryable);
    let task = &map["ItemProcessor"]["States"]["SyncHistoricalInterval"];
    let retried: Vec<&str> = task["Retry"]
        .as_array()
        .expect("Retry")
        .iter()
        .flat_map(|rule| rule["ErrorEquals"].as_array().expect("names"))
        .filter_map(Value::as_str)
        .collect();
    assert!(
        !retried.contains(&"HistoricalSync.ApiBudgetExceeded")
            && !retried.contains(&"States.ALL")
            && !retried.contains(&"States.TaskFailed"),
        "{retried:?}"
    );
}

/// The states the execution entered, in order.
fn entered(result: &ExecutionResult) -> Vec<String> {
    result
        .history
        .iter()
        .filter(|event| event.event_type.is_state_entered())
        .filter_map(|event| event.details.name.clone())
        .collect()
}

#[tokio::test]
async fn over_the_api_budget_a_run_pauses_and_the_next_one_backfills() {
    let starts = [at(8, 30), at(9, 0), at(9, 30), at(10, 0)];
    let seed = seed_with_activity(3, 2, &starts, |index| 20.0 + index as f64);
    let mut world = ApiSyncWorld::start(seed, at(9, 5)).await;
    world.run("run-0905", json!({})).await;
    assert_eq!(world.checkpoint()["lastSynced"], "2026-12-01T08:30:00Z");
    assert_eq!(world.records(QUEUE_OBJECT).len(), 3);

    // The org reaches 95 % of its allowance; the 09:35 run never started, the 10:05 one starts
    // in a new container and pauses before its first upsert.
    let (_, max) = world.salesforce.control().api_usage();
    world.salesforce.control().set_api_usage(max * 95 / 100);
    world.new_containers();
    world.set_time(at(10, 5));
    let before = world.salesforce_api_calls();
    let paused = world.run("run-1005", json!({})).await;
    assert_eq!(paused.status, ExecutionStatus::Succeeded);
    let states = entered(&paused);
    assert_eq!(
        states.last().map(String::as_str),
        Some("PausedForApiBudget"),
        "{states:?}"
    );
    let output = paused.output.clone().expect("output");
    assert_eq!(
        output["paused"]["Error"], "HistoricalSync.ApiBudgetExceeded",
        "{output:#}"
    );
    let cause: Value = serde_json::from_str(output["paused"]["Cause"].as_str().expect("cause"))
        .expect("the Lambda error body");
    assert_eq!(cause["errorType"], "HistoricalSync.ApiBudgetExceeded");
    let message = cause["errorMessage"].as_str().expect("the message");
    // Used as the limits request's response reported it: the describes and the request itself.
    let used = max * 95 / 100 + 3;
    for part in [
        format!("has used {used} of its {max} daily API requests"),
        "90 % budget".to_string(),
        "2026-12-01T09:00:00Z".to_string(),
    ] {
        assert!(message.contains(&part), "{part}: {message}");
    }
    assert!(output.get("synced").is_none(), "{output:#}");
    assert_eq!(
        world.salesforce_api_calls() - before,
        3,
        "the two describes (this container's first) and one limits request; no upsert"
    );
    assert_eq!(world.records(QUEUE_OBJECT).len(), 3);
    assert_eq!(world.records(AGENT_OBJECT).len(), 2);
    assert_eq!(
        world.checkpoint()["lastSynced"],
        "2026-12-01T08:30:00Z",
        "the checkpoint did not move"
    );

    // Usage comes down; the 10:35 run (same container: its describes cached, its last figure
    // the paused run's) looks again, finds the org under and backfills every missed interval.
    world.salesforce.control().set_api_usage(100);
    world.set_time(at(10, 35));
    let next = world.run("run-1035", json!({})).await;
    assert_eq!(
        synced_intervals(&next),
        [
            "2026-12-01T09:00:00Z",
            "2026-12-01T09:30:00Z",
            "2026-12-01T10:00:00Z"
        ]
    );
    assert!(!entered(&next).contains(&"PausedForApiBudget".to_string()));
    assert_eq!(world.checkpoint()["lastSynced"], "2026-12-01T10:00:00Z");
    let queues = world.records(QUEUE_OBJECT);
    assert_eq!(queues.len(), 3 * 4, "one record per queue and interval");
    assert_eq!(world.records(AGENT_OBJECT).len(), 2 * 4);
    assert_eq!(
        world.salesforce_api_calls(),
        100 + 1 + 3 * 2,
        "one limits request, then one collection call per object and interval"
    );
    for (index, start) in starts.iter().enumerate() {
        let text = start.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let id = world.connect.control().seed().queues[0]
            .name
            .clone()
            .expect("named")
            .replace(' ', "");
        assert_eq!(
            queues[&format!("{id}{text}")]["amazonconnect__Contacts_handled__c"].as_f64(),
            Some(20.0 + index as f64),
            "{text}"
        );
    }
}
