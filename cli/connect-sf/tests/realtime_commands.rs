//! `connect-sf run realtime-queue-metrics` and `connect-sf schedules` (`--once`, `--firings`)
//! on the embedded default: the real binary, the local Amazon Connect (the Connect emulator, called over HTTP
//! by the production `aws-sdk-connect` adapter), the embedded org, virtual time.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use connect_emulator::Seed;
use serde_json::Value;

/// The queue metrics object in the embedded org (the managed package's namespace).
const QUEUE_METRICS: &str = "amazonconnect__AC_QueueMetrics__c";

/// Each real-time metric and the field the old package writes it to.
const METRIC_FIELDS: [(&str, &str); 10] = [
    ("AGENTS_ONLINE", "amazonconnect__Agents_Online__c"),
    ("AGENTS_AVAILABLE", "amazonconnect__Agents_Available__c"),
    ("AGENTS_ON_CONTACT", "amazonconnect__Agents_On_Call__c"),
    ("AGENTS_STAFFED", "amazonconnect__Agents_Staffed__c"),
    (
        "AGENTS_AFTER_CONTACT_WORK",
        "amazonconnect__Agents_After_Contact_Work__c",
    ),
    (
        "AGENTS_NON_PRODUCTIVE",
        "amazonconnect__Agents_Non_Productive__c",
    ),
    ("AGENTS_ERROR", "amazonconnect__Agents_Error__c"),
    ("CONTACTS_IN_QUEUE", "amazonconnect__Contacts_In_Queue__c"),
    ("OLDEST_CONTACT_AGE", "amazonconnect__Oldest_Contact_Age__c"),
    ("CONTACTS_SCHEDULED", "amazonconnect__Contacts_Scheduled__c"),
];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn connect_sf_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connect-sf"))
        .args(args)
        .current_dir(dir)
        .env_remove("SF_HOST")
        .env_remove("RUST_LOG")
        // The local defaults, whatever the shell running the tests has set.
        .env_remove("QUEUE_METRICS_REFRESH_MINUTES")
        .env_remove("SALESFORCE_API_BUDGET_PERCENT")
        .env_remove("AMAZON_CONNECT_QUEUE_MAX_RECORDS")
        .env_remove("AMAZON_CONNECT_QUEUE_METRICS_MAX_RECORDS")
        .env_remove("SF_ADAPTER_NAMESPACE")
        .output()
        .expect("run connect-sf")
}

fn connect_sf(args: &[&str]) -> Output {
    connect_sf_in(&repo_root(), args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("realtime-commands")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn path(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

#[test]
fn run_realtime_queue_metrics_syncs_450_queues_and_counts_the_api_calls() {
    let dir = scratch_dir("450-queues");
    let seed = Seed::with_queues(450);
    let seed_file = dir.join("connect-seed.json");
    std::fs::write(
        &seed_file,
        serde_json::to_string_pretty(&seed).expect("the seed serialises"),
    )
    .expect("write the seed");
    let dump = dir.join("salesforce.json");

    let output = connect_sf(&[
        "run",
        "realtime-queue-metrics",
        "--connect-seed",
        path(&seed_file),
        "--virtual-time",
        "--json",
        "--salesforce-dump",
        path(&dump),
    ]);
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON only");
    assert_eq!(result["status"], "SUCCEEDED", "{result:#}");
    assert_eq!(result["output"]["listing"]["queueCount"], 450);

    // Connect: ListQueues pages through 450 queues 100 at a time (5 pages); each of the four
    // ticks asks GetCurrentMetricData for 100 queues a call (Connect's limit), 5 calls, each
    // answered in one page (100 results grouped by queue, the default page size): 5 + 4 × 5.
    assert_eq!(result["connectApiCalls"], 25, "{result:#}");
    // Salesforce: the first tick describes AC_QueueMetrics__c once (does it have Region__c?)
    // and upserts the 450 new records in 3 sObject Collections calls (200 + 200 + 50); the
    // three later ticks read the same figures (the seed has no snapshots, so every read
    // answers the same values), find no queue changed and none due for its 5-minute refresh
    // (they run within 45 s), and call Salesforce not at all. The budget guard spends no
    // request either: the usage comes with every response (Sforce-Limit-Info), the org is far
    // under 90 %, and the OAuth token request is not an API call the org counts. 1 + 3.
    assert_eq!(result["salesforceApiCalls"], 4, "{result:#}");
    let ticks = result["output"]["ticks"].as_array().expect("ticks");
    assert_eq!(ticks.len(), 4);
    assert_eq!(ticks[0]["written"], 450);
    assert_eq!(ticks[0]["upsertCalls"], 3);
    for tick in &ticks[1..] {
        assert_eq!(tick["changed"], 0, "{tick}");
        assert_eq!(tick["written"], 0, "{tick}");
        assert_eq!(tick["connectCalls"], 5, "{tick}");
    }

    let dump: Value =
        serde_json::from_str(&std::fs::read_to_string(&dump).expect("the dump")).expect("JSON");
    let records = dump[QUEUE_METRICS]
        .as_array()
        .expect("queue metrics records");
    assert_eq!(records.len(), 450);
    for index in [0, 1, 199, 200, 321, 449] {
        let queue = &seed.queues[index];
        let seeded = seed
            .current_metrics
            .iter()
            .find(|result| result.queue_id() == Some(queue.id.as_str()))
            .expect("the seed has the queue's metrics");
        let record = records
            .iter()
            .find(|record| record["amazonconnect__Queue_Id__c"] == queue.id.as_str())
            .unwrap_or_else(|| panic!("no record for queue {}", queue.id));
        assert_eq!(record["Name"], format!("Queue {:04}", index + 1));
        assert_eq!(record["amazonconnect__Queue_ARN__c"], queue.arn.as_str());
        for (metric, field) in METRIC_FIELDS {
            let expected = seeded.value(metric).expect("seeded value");
            assert_eq!(
                record[field].as_f64(),
                Some(expected),
                "queue {index} {field}: {record}"
            );
        }
    }
    // Not every figure is 0: the comparison above would hold for records written empty.
    let nonzero = records
        .iter()
        .filter(|record| record["amazonconnect__Agents_Staffed__c"].as_f64() > Some(0.0))
        .count();
    assert!(nonzero > 300, "{nonzero} queues with agents staffed");
}

#[test]
fn run_prints_the_api_calls_and_connect_starts_only_for_a_workflow_that_calls_it() {
    // The demo instance: three queues, all on one ListQueues page and one metrics call a tick.
    let output = connect_sf(&["run", "realtime-queue-metrics", "--virtual-time"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("created amazonconnect__AC_QueueMetrics__c"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "API calls: Salesforce 2, Amazon Connect 5 (GetCurrentMetricData 4, ListQueues 1)"
        ),
        "{stdout}"
    );

    let input = repo_root().join("statemachines/inputs/post-call-voice.json");
    let output = connect_sf(&[
        "run",
        "post-call",
        "--input",
        path(&input),
        "--virtual-time",
        "--json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["connectApiCalls"], 0);
    assert!(
        result["salesforceApiCalls"].as_u64() > Some(0),
        "{}",
        result["salesforceApiCalls"]
    );
    assert!(
        !text(&output.stderr).contains("local Amazon Connect"),
        "post-call started Connect: {}",
        text(&output.stderr)
    );
}

#[test]
fn a_connect_seed_that_is_not_a_seed_is_refused_naming_the_file() {
    let dir = scratch_dir("bad-seed");
    let seed_file = dir.join("not-a-seed.json");
    std::fs::write(&seed_file, r#"{"instanceId": "i", "queue": []}"#).expect("write");
    let output = connect_sf(&[
        "run",
        "realtime-queue-metrics",
        "--connect-seed",
        path(&seed_file),
        "--virtual-time",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("not-a-seed.json") && stderr.contains("unknown field `queue`"),
        "{stderr}"
    );
    assert!(!stderr.contains("answers"), "started something: {stderr}");
}

#[test]
fn schedules_once_runs_the_realtime_schedule_against_the_local_connect() {
    let output = connect_sf(&["schedules", "--once", "--virtual-time"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    let line = stdout
        .lines()
        .find(|line| {
            line.starts_with("realtime-queue-metrics (every 60 s) → realtime-queue-metrics: ")
        })
        .unwrap_or_else(|| panic!("no realtime-queue-metrics execution in:\n{stdout}"));
    assert!(line.contains(r#""status":"SUCCEEDED""#), "{line}");
    assert!(line.contains(r#""queueCount":3"#), "{line}");
    assert!(
        stdout.contains("API calls: Salesforce 2, Amazon Connect 5"),
        "{stdout}"
    );
}

#[test]
fn schedules_keep_one_org_and_sync_state_across_firings() {
    // Two minutes of the every-minute schedule, as a deployed stack runs them: the first
    // writes the three demo queues (a describe and one collection upsert); the second finds
    // the values unchanged in the state the first left and spends no Salesforce call.
    // Only the real-time schedule: the historical one (:05 and :35) could fire in between.
    let output = connect_sf(&[
        "schedules",
        "--virtual-time",
        "--firings",
        "2",
        "--schedule",
        "realtime-queue-metrics",
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    let firings: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("realtime-queue-metrics (every 60 s) → "))
        .collect();
    assert_eq!(firings.len(), 2, "{stdout}");
    for firing in &firings {
        assert!(firing.contains(r#""status":"SUCCEEDED""#), "{firing}");
    }
    assert!(firings[0].contains(r#""tick":0,"#), "{}", firings[0]);
    assert!(firings[0].contains(r#""written":3"#), "{}", firings[0]);
    assert!(!firings[1].contains(r#""written":3"#), "{}", firings[1]);
    let calls: Vec<&str> = stdout
        .lines()
        .filter(|line| line.trim_start().starts_with("API calls: "))
        .collect();
    assert_eq!(
        calls,
        [
            "  API calls: Salesforce 2, Amazon Connect 5 (GetCurrentMetricData 4, ListQueues 1)",
            "  API calls: Salesforce 0, Amazon Connect 5 (GetCurrentMetricData 4, ListQueues 1)",
        ],
        "{stdout}"
    );
}

#[test]
fn schedules_run_only_the_named_schedule_and_refuse_an_unknown_name() {
    let output = connect_sf(&[
        "schedules",
        "--once",
        "--virtual-time",
        "--schedule",
        "realtime-queue-metrics",
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("realtime-queue-metrics (every 60 s) → "),
        "{stdout}"
    );
    assert!(!stdout.contains("historical-metrics"), "{stdout}");

    let output = connect_sf(&["schedules", "--once", "--schedule", "realtime"]);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--schedule realtime: no schedule of that name")
            && stderr.contains("historical-metrics, realtime-queue-metrics"),
        "{stderr}"
    );
}
