//! The scheduled reports import (`ImportHistoricalReport`) on moto S3 and the Salesforce
//! emulator: the shipped reports and events, chunking, a refused record, re-import.

use std::sync::Arc;

use activity_contract::{NamedError, run_task};
use aws_adapters::S3ObjectStore;
use historical_metrics::HistoricalSettings;
use historical_metrics::steps::{ImportHistoricalReport, ImportHistoricalReportPorts};
use salesforce_emulator::RunningEmulator;
use serde_json::{Value, json};
use test_harness::{MotoServer, demo_client, moto_resources, shared_dir, start_demo_emulator};

const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const QUEUE_OBJECT: &str = "amazonconnect__AC_HistoricalQueueMetrics__c";
const AGENT_OBJECT: &str = "amazonconnect__AC_AgentPerformance__c";
const QUEUE_KEY: &str =
    "connect/northwind-care/Reports/SFDC/Queue/Queue Interval 30m-2024-03-05T15:15:37Z.csv";
const AGENT_KEY: &str =
    "connect/northwind-care/Reports/SFDC/Agent/Agent Interval 30m-2024-03-05T15:15:41Z.csv";

struct World {
    emulator: RunningEmulator,
    _moto: MotoServer,
    s3: aws_sdk_s3::Client,
    ports: ImportHistoricalReportPorts,
}

impl World {
    async fn start() -> World {
        let emulator = start_demo_emulator().await;
        let moto = MotoServer::start().await.expect("moto");
        let s3 = moto_resources::s3_client(&moto).await;
        moto_resources::create_buckets(&s3, &[BUCKET])
            .await
            .expect("bucket");
        let store = S3ObjectStore::from_config(&moto.sdk_config().await);
        let ports = ImportHistoricalReportPorts {
            salesforce: Arc::new(demo_client(&emulator)),
            store: Arc::new(store),
            settings: Arc::new(HistoricalSettings {
                namespace: salesforce_client::namespace::Namespace::parse("amazonconnect")
                    .expect("namespace"),
                region: "us-west-2".into(),
                global_analytics: false,
            }),
        };
        World {
            emulator,
            _moto: moto,
            s3,
            ports,
        }
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) {
        self.s3
            .put_object()
            .bucket(BUCKET)
            .key(key)
            .body(bytes.into())
            .send()
            .await
            .expect("put report");
    }

    async fn import(&self, event: Value) -> Result<Value, (String, String)> {
        run_task::<ImportHistoricalReport>(&self.ports, event, chrono::Utc::now())
            .await
            .map_err(|error| (error.error_name().to_string(), error.to_string()))
    }

    fn records(&self, object: &str) -> Vec<Value> {
        self.emulator.control().dump()[object]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn record(&self, object: &str, record_id: &str) -> Value {
        self.records(object)
            .into_iter()
            .find(|record| record["amazonconnect__AC_Record_Id__c"] == record_id)
            .unwrap_or_else(|| panic!("no {object} record {record_id}"))
    }

    /// (describe calls, collection calls) the org has served so far.
    fn calls(&self) -> (usize, usize) {
        let requests = self.emulator.control().requests();
        (
            requests
                .iter()
                .filter(|request| request.path.ends_with("/describe"))
                .count(),
            requests
                .iter()
                .filter(|request| request.path.contains("/composite/sobjects/"))
                .count(),
        )
    }
}

fn shipped(path: &str) -> Vec<u8> {
    std::fs::read(shared_dir().join(path)).expect("shipped fixture")
}

fn shipped_event(name: &str) -> Value {
    serde_json::from_slice(&shipped(&format!("fixtures/s3/{name}"))).expect("event")
}

fn eventbridge(key: &str) -> Value {
    json!({
        "version": "0", "detail-type": "Object Created", "source": "aws.s3",
        "time": "2024-03-05T16:15:38Z", "region": "us-west-2",
        "detail": {"bucket": {"name": BUCKET}, "object": {"key": key}, "reason": "PutObject"}
    })
}

fn queue_report(rows: usize, long_name_at: Option<usize>) -> Vec<u8> {
    let mut text = String::from(
        "Queue,StartInterval,EndInterval,Contacts queued,Contacts handled,Service level 20 seconds\r\n",
    );
    for row in 0..rows {
        let name = if Some(row) == long_name_at {
            "L".repeat(300)
        } else {
            format!("Queue {row}")
        };
        text.push_str(&format!(
            "{name},2024-03-05T15:00:00Z,2024-03-05T15:30:00Z,{row},{row},{}.50%\r\n",
            row % 100
        ));
    }
    text.into_bytes()
}

#[tokio::test]
async fn the_shipped_reports_and_s3_events_import_as_the_old_package_wrote_them() {
    let world = World::start().await;
    world
        .put(QUEUE_KEY, shipped("fixtures/reports/queue-interval.csv"))
        .await;
    world
        .put(AGENT_KEY, shipped("fixtures/reports/agent-interval.csv"))
        .await;

    let output = world
        .import(shipped_event("event-historical-queue-report.json"))
        .await
        .expect("queue report");
    assert_eq!(output["reports"][0]["rows"], 6, "{output}");
    assert_eq!(
        output["reports"][0]["unknownColumns"],
        json!([]),
        "{output}"
    );
    let output = world
        .import(shipped_event("event-historical-agent-report.json"))
        .await
        .expect("agent report");
    assert_eq!(output["reports"][0]["written"], 4, "{output}");

    assert_eq!(world.records(QUEUE_OBJECT).len(), 6);
    let support = world.record(QUEUE_OBJECT, "TechnicalSupport2024-03-05T14:30:00Z");
    assert_eq!(
        support["amazonconnect__AC_Object_Name__c"],
        "Technical Support"
    );
    assert_eq!(support["amazonconnect__Contacts_queued__c"], 11.0);
    assert_eq!(support["amazonconnect__Service_level_20_seconds__c"], 27.27);
    assert_eq!(
        support["amazonconnect__Contacts_handled_conn_to_agent_timestamp__c"],
        9.0
    );
    assert_eq!(
        support["amazonconnect__Avg_agent_interaction_and_cust_hold_time__c"],
        425.0
    );
    assert_eq!(
        support["amazonconnect__Created_Date__c"],
        "2024-03-05T15:15:38.221+0000"
    );
    let sales = world.record(QUEUE_OBJECT, "Sales2024-03-05T14:30:00Z");
    assert_eq!(
        sales["amazonconnect__Average_queue_abandon_time__c"],
        Value::Null
    );

    assert_eq!(world.records(AGENT_OBJECT).len(), 4);
    let marcus = world.record(AGENT_OBJECT, "marcus.oyelaran2024-03-05T14:30:00Z");
    assert_eq!(marcus["amazonconnect__Nonproductive_time__c"], 1800.0);
    assert_eq!(marcus["amazonconnect__Occupancy__c"], Value::Null);
    let priya = world.record(AGENT_OBJECT, "priya.raman2024-03-05T14:00:00Z");
    assert_eq!(priya["amazonconnect__Agent_answer_rate__c"], 100.0);
    assert_eq!(priya["amazonconnect__Occupancy__c"], 76.61);

    // The same report again, as an EventBridge event: the same records, nothing added.
    let before = world.records(QUEUE_OBJECT);
    let output = world.import(eventbridge(QUEUE_KEY)).await.expect("again");
    assert_eq!(
        (
            output["reports"][0]["created"].as_u64(),
            output["reports"][0]["updated"].as_u64()
        ),
        (Some(0), Some(6)),
        "{output}"
    );
    let without_stamps = |records: Vec<Value>| -> Vec<Value> {
        records
            .into_iter()
            .map(|mut record| {
                let fields = record.as_object_mut().expect("record");
                fields.retain(|name, _| {
                    name.starts_with("amazonconnect__") && name != "amazonconnect__Created_Date__c"
                });
                record
            })
            .collect()
    };
    assert_eq!(
        without_stamps(world.records(QUEUE_OBJECT)),
        without_stamps(before)
    );
}

#[tokio::test]
async fn a_thousand_rows_cost_one_describe_and_five_collection_calls_read_in_ranges() {
    let world = World::start().await;
    let key =
        "connect/northwind-care/Reports/SFDC/Queue/Queue Interval 30m-2024-03-05T16:00:00Z.csv";
    world.put(key, queue_report(1_000, None)).await;
    let output = world.import(eventbridge(key)).await.expect("import");
    assert_eq!(output["reports"][0]["written"], 1_000, "{output}");
    assert_eq!(output["reports"][0]["upsertCalls"], 5);
    assert_eq!(world.calls(), (1, 5));
    assert_eq!(world.records(QUEUE_OBJECT).len(), 1_000);
    let record = world.record(QUEUE_OBJECT, "Queue9992024-03-05T15:00:00Z");
    assert_eq!(record["amazonconnect__Service_level_20_seconds__c"], 99.5);

    // The describe is cached per container: a second report costs its writes only.
    world.import(eventbridge(key)).await.expect("again");
    assert_eq!(world.calls(), (1, 10));
    assert_eq!(world.records(QUEUE_OBJECT).len(), 1_000);
}

#[tokio::test]
async fn a_record_salesforce_refuses_is_named_and_every_other_row_is_written() {
    let world = World::start().await;
    let key = "SFDC/Queue/Queue Interval 30m-2024-03-05T16:30:00Z.csv";
    world.put(key, queue_report(450, Some(317))).await;
    let (name, message) = world
        .import(eventbridge(key))
        .await
        .expect_err("a name longer than the field");
    assert_eq!(name, "HistoricalReport.RecordsRefused");
    assert!(message.contains("449 of 450 rows imported"), "{message}");
    assert!(message.contains("row 318"), "{message}");
    assert!(message.contains("STRING_TOO_LONG"), "{message}");
    assert_eq!(world.records(QUEUE_OBJECT).len(), 449);
    assert_eq!(world.calls(), (1, 3), "200 + 200 + 50 records");
}

#[tokio::test]
async fn an_event_naming_no_report_or_a_missing_one_is_a_typed_error() {
    let world = World::start().await;
    let (name, _) = world
        .import(eventbridge("connect/northwind-care/CallRecordings/x.wav"))
        .await
        .expect_err("not a report");
    assert_eq!(name, "HistoricalReport.NotAReport");
    let (name, message) = world
        .import(eventbridge("connect/x/Reports/SFDC/Agent/gone.csv"))
        .await
        .expect_err("missing");
    assert_eq!(name, "HistoricalReport.Missing", "{message}");
}

/// The object store's ranged reads, which keep a large report out of memory, on both adapters:
/// S3 (moto) and the local directory.
#[tokio::test]
async fn both_object_store_adapters_read_ranges_past_the_end_and_empty_reports() {
    use historical_metrics::ports::{ObjectLocation, ObjectStore};
    use historical_metrics::report::reader::ReportReader;

    let world = World::start().await;
    let directory = std::env::temp_dir().join(format!("historical-ranges-{}", std::process::id()));
    let local = local_adapters::DirectoryObjectStore::new(&directory);
    let report = "\u{feff}Queue,StartInterval\r\n\"Billing, EMEA\",2024-03-05T14:30:00Z\r\nSales,2024-03-05T15:00:00Z";
    let location = ObjectLocation::new(BUCKET, "SFDC/Queue/ranges.csv");
    let empty = ObjectLocation::new(BUCKET, "SFDC/Queue/empty.csv");
    world.put(&location.key, report.as_bytes().to_vec()).await;
    world.put(&empty.key, Vec::new()).await;
    local.put(&location, report.as_bytes()).await.expect("put");
    local.put(&empty, b"").await.expect("put");
    let stores: [(&str, &dyn ObjectStore); 2] =
        [("s3", world.ports.store.as_ref()), ("directory", &local)];
    let size = report.len() as u64;
    for (name, store) in stores {
        let head = store
            .get_range(&location, 0, 10)
            .await
            .expect("range")
            .expect("exists");
        assert_eq!(
            (head.bytes.as_slice(), head.total_size),
            (&report.as_bytes()[..10], size),
            "{name}"
        );
        let tail = store
            .get_range(&location, size - 4, 100)
            .await
            .expect("range")
            .expect("exists");
        assert_eq!(
            tail.bytes,
            report.as_bytes()[report.len() - 4..].to_vec(),
            "{name}"
        );
        let past = store
            .get_range(&location, size, 100)
            .await
            .expect("range past the end")
            .expect("exists");
        assert_eq!((past.bytes.len(), past.total_size), (0, size), "{name}");
        let nothing = store
            .get_range(&empty, 0, 100)
            .await
            .expect("empty object")
            .expect("exists");
        assert_eq!((nothing.bytes.len(), nothing.total_size), (0, 0), "{name}");
        assert!(
            store
                .get_range(&ObjectLocation::new(BUCKET, "SFDC/Queue/none.csv"), 0, 10)
                .await
                .expect("missing")
                .is_none(),
            "{name}"
        );
        // The report read 5 bytes a time: the same rows as in one read.
        let mut reader = ReportReader::with_chunk_bytes(store, location.clone(), 5);
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row().await.expect("row") {
            rows.push(row.cells);
        }
        assert_eq!(
            rows,
            vec![
                vec!["Queue", "StartInterval"],
                vec!["Billing, EMEA", "2024-03-05T14:30:00Z"],
                vec!["Sales", "2024-03-05T15:00:00Z"],
            ],
            "{name}"
        );
        assert_eq!(reader.reads() as u64, size.div_ceil(5), "{name}");
    }
    let _ = std::fs::remove_dir_all(&directory);
}
