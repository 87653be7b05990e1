//! `connect-sf invoke historical-report-import` on the shipped reports and S3 events: the real
//! binary, the historical report import workflow on the embedded default, the report in a local
//! S3 directory, the embedded org carried from one invocation to the next. `connect-sf run
//! historical-metrics` on a Connect seed file: the API sync against the local Amazon Connect.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use connect_emulator::Seed;
use serde_json::{Value, json};

const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const QUEUE_OBJECT: &str = "amazonconnect__AC_HistoricalQueueMetrics__c";
const AGENT_OBJECT: &str = "amazonconnect__AC_AgentPerformance__c";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared_dir() -> PathBuf {
    std::env::var_os("CONNECT_SF_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
}

fn connect_sf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connect-sf"))
        .args(args)
        .current_dir(repo_root())
        .env_remove("SF_HOST")
        .env_remove("RUST_LOG")
        .env_remove("SF_ADAPTER_NAMESPACE")
        // The local defaults of the API sync, whatever the shell running the tests has set.
        .env_remove("SALESFORCE_API_BUDGET_PERCENT")
        .env_remove("AMAZON_CONNECT_QUEUE_MAX_RECORDS")
        .env_remove("SYNC_STATE_S3_BUCKET")
        .output()
        .expect("run connect-sf")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The pretty-printed JSON document on stdout (after any metric lines).
fn printed(output: &Output) -> Value {
    let stdout = text(&output.stdout);
    let start = stdout
        .find("{\n")
        .unwrap_or_else(|| panic!("no JSON document on stdout: {stdout}"));
    serde_json::from_str(&stdout[start..]).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}

/// A local S3 directory with both shipped reports at the keys the shipped events name.
fn storage_with_reports(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("connect-sf-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (object, file, stamp) in [
        ("Queue", "queue-interval.csv", "15:15:37Z"),
        ("Agent", "agent-interval.csv", "15:15:41Z"),
    ] {
        let folder = dir.join(format!(
            "{BUCKET}/connect/northwind-care/Reports/SFDC/{object}"
        ));
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::copy(
            shared_dir().join("fixtures/reports").join(file),
            folder.join(format!("{object} Interval 30m-2024-03-05T{stamp}.csv")),
        )
        .expect("shipped report");
    }
    dir
}

fn records(dump: &Path, object: &str) -> Vec<Value> {
    let dump: Value =
        serde_json::from_str(&std::fs::read_to_string(dump).expect("dump")).expect("dump JSON");
    dump[object].as_array().cloned().unwrap_or_default()
}

#[test]
fn the_shipped_reports_and_s3_events_import_through_connect_sf() {
    let storage = storage_with_reports("historical");
    let storage_arg = storage.to_string_lossy().into_owned();
    let first = storage.join("org-1.json");
    let second = storage.join("org-2.json");
    let queue_event = shared_dir().join("fixtures/s3/event-historical-queue-report.json");
    let agent_event = shared_dir().join("fixtures/s3/event-historical-agent-report.json");

    let output = connect_sf(&[
        "invoke",
        "historical-report-import",
        "--event",
        &queue_event.to_string_lossy(),
        "--storage",
        &storage_arg,
        "--salesforce-dump",
        &first.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result = printed(&output);
    assert_eq!(result["status"], "SUCCEEDED", "{result}");
    let report = &result["output"]["reports"][0];
    assert_eq!(
        (report["rows"].as_u64(), report["written"].as_u64()),
        (Some(6), Some(6)),
        "{result}"
    );
    assert_eq!(report["unknownColumns"], json!([]));
    // The describe and one collection call.
    assert_eq!(result["salesforceApiCalls"], 2, "{result}");

    let output = connect_sf(&[
        "invoke",
        "historical-report-import",
        "--event",
        &agent_event.to_string_lossy(),
        "--storage",
        &storage_arg,
        "--seed",
        &first.to_string_lossy(),
        "--salesforce-dump",
        &second.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(printed(&output)["output"]["reports"][0]["written"], 4);

    let queues = records(&second, QUEUE_OBJECT);
    let agents = records(&second, AGENT_OBJECT);
    assert_eq!((queues.len(), agents.len()), (6, 4));
    let ids: Vec<&str> = queues
        .iter()
        .filter_map(|record| record["amazonconnect__AC_Record_Id__c"].as_str())
        .collect();
    assert!(
        ids.contains(&"TechnicalSupport2024-03-05T15:00:00Z"),
        "{ids:?}"
    );
    assert!(agents.iter().any(|record| {
        record["amazonconnect__AC_Record_Id__c"] == "jwu2024-03-05T14:30:00Z"
            && record["amazonconnect__Occupancy__c"] == 82.06
    }));

    // The queue report again, as an EventBridge event: the same six records.
    let output = connect_sf(&[
        "invoke",
        "historical-report-import",
        "--event",
        "activities/import-historical-report/events/eventbridge-queue-report.json",
        "--storage",
        &storage_arg,
        "--seed",
        &second.to_string_lossy(),
        "--salesforce-dump",
        &first.to_string_lossy(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(printed(&output)["output"]["reports"][0]["updated"], 6);
    assert_eq!(records(&first, QUEUE_OBJECT).len(), 6);
    let _ = std::fs::remove_dir_all(&storage);
}

#[test]
fn an_event_that_names_no_report_is_refused_with_what_was_expected() {
    let output = connect_sf(&[
        "invoke",
        "historical-report-import",
        "--event",
        &shared_dir()
            .join("fixtures/s3/event-contact-lens.json")
            .to_string_lossy(),
    ]);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("HistoricalReport.NotAReport"), "{stderr}");
    assert!(stderr.contains("SFDC/Queue/"), "{stderr}");
}

/// The demo instance with a fourth queue (its V2 result in the seed) and without the agent
/// `marcus.oyelaran`: three queues' and two agents' worth only if the run reads this file.
fn historical_seed_file(dir: &Path) -> PathBuf {
    let mut seed: Value = serde_json::from_str(Seed::demo_json()).expect("the demo seed");
    let instance = seed["queues"][0]["Arn"]
        .as_str()
        .and_then(|arn| arn.split("/queue/").next())
        .expect("a queue ARN")
        .to_string();
    let returns = "9d3f2a61-5b8e-4c17-a0d4-e6b2c19f7a08";
    seed["queues"].as_array_mut().expect("queues").push(json!({
        "Id": returns,
        "Arn": format!("{instance}/queue/{returns}"),
        "Name": "Returns & Exchanges",
        "QueueType": "STANDARD",
        "LastModifiedTime": 1_706_019_839.0,
        "LastModifiedRegion": "us-west-2"
    }));
    seed["metricDataV2"]
        .as_array_mut()
        .expect("metricDataV2")
        .push(json!({
            "Dimensions": {"QUEUE": returns},
            "Collections": [
                {"Metric": {"Name": "CONTACTS_QUEUED"}, "Value": 23},
                {"Metric": {"Name": "CONTACTS_ABANDONED"}, "Value": 2},
                {"Metric": {"Name": "AVG_HANDLE_TIME"}, "Value": 401.5}
            ]
        }));
    seed["users"]
        .as_array_mut()
        .expect("users")
        .retain(|user| user["Username"] != "marcus.oyelaran");
    Seed::from_value(seed.clone()).expect("still a valid seed");
    let file = dir.join("connect-seed.json");
    std::fs::write(&file, serde_json::to_string_pretty(&seed).expect("JSON")).expect("seed");
    file
}

#[test]
fn run_historical_metrics_syncs_the_seeded_instance_and_counts_the_api_calls() {
    let dir =
        std::env::temp_dir().join(format!("connect-sf-historical-run-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let seed = historical_seed_file(&dir);
    let storage = dir.join("storage");
    let dump = dir.join("salesforce.json");
    let run = |dump: &Path| {
        connect_sf(&[
            "run",
            "historical-metrics",
            "--connect-seed",
            &seed.to_string_lossy(),
            "--storage",
            &storage.to_string_lossy(),
            "--virtual-time",
            "--json",
            "--salesforce-dump",
            &dump.to_string_lossy(),
        ])
    };

    let output = run(&dump);
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON only");
    assert_eq!(result["status"], "SUCCEEDED", "{result:#}");
    let plan = &result["output"]["plan"];
    // No checkpoint yet: the one interval completed last, with the seed's queues and agents.
    assert_eq!(plan["checkpoint"], Value::Null, "{result:#}");
    assert_eq!(
        (plan["queues"].as_u64(), plan["agents"].as_u64()),
        (Some(4), Some(2))
    );
    let intervals = plan["intervals"].as_array().expect("intervals");
    assert_eq!(intervals.len(), 1, "{result:#}");
    let start = intervals[0]["start"].as_str().expect("start").to_string();
    let synced = result["output"]["synced"].as_array().expect("synced");
    assert_eq!(synced.len(), 1, "{result:#}");
    let interval = &synced[0];
    assert_eq!(interval["startInterval"], start.as_str());
    assert_eq!(interval["checkpoint"], start.as_str());
    assert_eq!(
        (
            interval["queues"]["records"].as_u64(),
            interval["queues"]["written"].as_u64(),
            interval["queues"]["upsertCalls"].as_u64()
        ),
        (Some(4), Some(4), Some(1)),
        "{interval}"
    );
    assert_eq!(
        (
            interval["agents"]["records"].as_u64(),
            interval["agents"]["written"].as_u64(),
            interval["agents"]["upsertCalls"].as_u64()
        ),
        (Some(2), Some(2), Some(1)),
        "{interval}"
    );
    // Connect: ListQueues and ListUsers (one page each), then one GetMetricDataV2 call for the
    // queues and one for the agents: 2 + 2.
    assert_eq!(result["connectApiCalls"], 4, "{result:#}");
    assert_eq!(interval["connectCalls"], 2);
    // Salesforce: one describe and one sObject Collections upsert per object. The API budget
    // guard spends nothing: the describe's response reported the usage, far under 90 %.
    assert_eq!(result["salesforceApiCalls"], 4, "{result:#}");

    let queues = records(&dump, QUEUE_OBJECT);
    let agents = records(&dump, AGENT_OBJECT);
    assert_eq!((queues.len(), agents.len()), (4, 2));
    let returns = queues
        .iter()
        .find(|record| {
            record["amazonconnect__AC_Record_Id__c"] == format!("ReturnsExchanges{start}").as_str()
        })
        .unwrap_or_else(|| panic!("no record of the seeded queue: {queues:?}"));
    assert_eq!(
        returns["amazonconnect__AC_Object_Name__c"],
        "Returns & Exchanges"
    );
    assert_eq!(returns["amazonconnect__Contacts_queued__c"], 23.0);
    assert_eq!(returns["amazonconnect__Contacts_abandoned__c"], 2.0);
    assert_eq!(returns["amazonconnect__Average_handle_time__c"], 401.5);
    let mut agent_ids: Vec<&str> = agents
        .iter()
        .filter_map(|record| record["amazonconnect__AC_Record_Id__c"].as_str())
        .collect();
    agent_ids.sort_unstable();
    assert_eq!(
        agent_ids,
        vec![format!("jwu{start}"), format!("priya.raman{start}")]
    );

    // Again on the same storage: the checkpoint is kept, so the interval is not synced twice
    // (a run later than the next boundary syncs only what completed since).
    let output = run(&dir.join("salesforce-2.json"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON only");
    assert_eq!(result["status"], "SUCCEEDED", "{result:#}");
    assert_eq!(
        result["output"]["plan"]["checkpoint"],
        start.as_str(),
        "{result:#}"
    );
    for later in result["output"]["plan"]["intervals"]
        .as_array()
        .expect("intervals")
    {
        assert!(
            later["start"].as_str() > Some(start.as_str()),
            "{later} is not after the checkpoint {start}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
