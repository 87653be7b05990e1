//! `connect-sf invoke historical-report-import` on the shipped reports and S3 events: the real
//! binary, the historical report import workflow on the embedded default, the report in a local
//! S3 directory, the embedded org carried from one invocation to the next.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;

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
    assert_eq!(report["unknownColumns"], serde_json::json!([]));
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
