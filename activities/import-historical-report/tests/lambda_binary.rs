//! The `import-historical-report` Lambda binary as Step Functions invokes it: the shipped queue
//! report in S3 and the Salesforce secret in Secrets Manager (moto), the org the Salesforce
//! emulator serves; only the S3 and Salesforce settings in its environment.

use std::path::Path;

use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{
        ActivityProcess, FunctionLog, lambda_environment, salesforce_environment,
        start_under_runtime_api,
    },
    lambda_runtime_api::{Completion, RuntimeApi},
    moto_resources::{create_buckets, s3_client},
    password_secret_json, shared_dir, start_demo_emulator,
};

const BINARY: &str = env!("CARGO_BIN_EXE_import-historical-report");
const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const QUEUE_KEY: &str =
    "connect/northwind-care/Reports/SFDC/Queue/Queue Interval 30m-2024-03-05T15:15:37Z.csv";
const QUEUE_OBJECT: &str = "amazonconnect__AC_HistoricalQueueMetrics__c";

fn envelope(event: Value) -> Value {
    json!({"input": event, "context": {"executionName": "report-1", "stateEnteredTime": "2024-03-05T15:15:40Z", "retryCount": 0}})
}

#[tokio::test]
async fn the_binary_imports_the_shipped_report_and_types_its_errors() -> anyhow::Result<()> {
    let emulator = start_demo_emulator().await;
    let moto = MotoServer::start().await?;
    let secret_arn = moto
        .create_secret(
            "import-historical-report-credentials",
            &password_secret_json(),
        )
        .await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[BUCKET]).await?;
    let report = std::fs::read(shared_dir().join("fixtures/reports/queue-interval.csv"))?;
    s3.put_object()
        .bucket(BUCKET)
        .key(QUEUE_KEY)
        .body(report.into())
        .send()
        .await?;
    let event: Value =
        serde_json::from_str(include_str!("../events/event-historical-queue-report.json"))?;

    let mut environment = salesforce_environment(&emulator.base_url(), &secret_arn);
    environment.extend(lambda_environment(
        "importHistoricalReport",
        moto.endpoint(),
    ));
    environment.push((
        "SF_ADAPTER_NAMESPACE".to_string(),
        "amazonconnect".to_string(),
    ));
    let (runtime_api, mut process) =
        start_under_runtime_api(Path::new(BINARY), &environment, "import-historical-report")
            .await?;

    let outcome = process
        .finish(&runtime_api, runtime_api.queue(envelope(event.clone())))
        .await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let output: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(output["reports"][0]["written"], 6, "{output}");
    assert_eq!(output["reports"][0]["upsertCalls"], 1);
    let records = emulator.control().dump()[QUEUE_OBJECT]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(records.len(), 6);
    assert!(
        records
            .iter()
            .any(|record| record["amazonconnect__AC_Record_Id__c"] == "Billing2024-03-05T15:00:00Z")
    );

    // The same event again (a redrive): the same six records.
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(envelope(event)))
        .await?;
    let output: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(output["reports"][0]["updated"], 6, "{output}");
    assert_eq!(
        emulator.control().dump()[QUEUE_OBJECT]
            .as_array()
            .map(Vec::len),
        Some(6)
    );

    // A report the event names but the bucket no longer has: the name the state machine sees.
    let missing = json!({"detail-type": "Object Created", "time": "2024-03-05T16:00:00Z",
        "detail": {"bucket": {"name": BUCKET}, "object": {"key": "connect/northwind-care/Reports/SFDC/Agent/gone.csv"}}});
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(envelope(missing)))
        .await?;
    assert_eq!(outcome.completion, Completion::Error, "{}", outcome.body);
    let error: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(error["errorType"], "HistoricalReport.Missing", "{error}");
    process.stop().await?;
    Ok(())
}

/// A report with columns the org's object has no field for: the rest is imported, and the
/// function's log says which columns were left out, as a warning line and as the metric
/// `HistoricalReportUnknownColumns` (an embedded-metric line CloudWatch Logs turns into data).
#[tokio::test]
async fn the_binary_logs_and_counts_the_columns_the_org_has_no_field_for() -> anyhow::Result<()> {
    let emulator = start_demo_emulator().await;
    let moto = MotoServer::start().await?;
    let secret_arn = moto
        .create_secret("import-historical-report-unknown", &password_secret_json())
        .await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[BUCKET]).await?;
    let report = "Queue,StartInterval,EndInterval,Contacts queued,Adherence,Agent idle time\n\
                  Billing,2024-03-05T14:30:00Z,2024-03-05T15:00:00Z,14,98.5%,120\n";
    s3.put_object()
        .bucket(BUCKET)
        .key(QUEUE_KEY)
        .body(report.as_bytes().to_vec().into())
        .send()
        .await?;
    let event: Value =
        serde_json::from_str(include_str!("../events/event-historical-queue-report.json"))?;

    let mut environment = salesforce_environment(&emulator.base_url(), &secret_arn);
    environment.extend(lambda_environment(
        "importHistoricalReport",
        moto.endpoint(),
    ));
    environment.push((
        "SF_ADAPTER_NAMESPACE".to_string(),
        "amazonconnect".to_string(),
    ));
    let log_path = std::env::temp_dir().join(format!(
        "import-historical-report-unknown-columns-{}.log",
        std::process::id()
    ));
    let runtime_api = RuntimeApi::start().await?;
    let mut process = ActivityProcess::spawn(
        Path::new(BINARY),
        &environment,
        &runtime_api.address(),
        &log_path,
    )?;
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(envelope(event)))
        .await?;
    process.stop().await?;
    assert_eq!(outcome.completion, Completion::Response, "{}", outcome.body);
    let output: Value = serde_json::from_str(&outcome.body)?;
    assert_eq!(
        output["reports"][0]["unknownColumns"],
        json!(["Adherence", "Agent idle time"]),
        "{output}"
    );
    assert_eq!(output["reports"][0]["written"], 1, "{output}");
    let record = emulator.control().dump()[QUEUE_OBJECT][0].clone();
    assert_eq!(
        record["amazonconnect__Contacts_queued__c"], 14.0,
        "{record}"
    );

    let log = FunctionLog::read(&log_path)?;
    let warning = log.message("no field for these report columns");
    assert_eq!(warning["level"], "WARN", "{warning}");
    assert_eq!(
        warning["fields"]["workflow"], "historical-report-import",
        "{warning}"
    );
    assert_eq!(warning["fields"]["object"], QUEUE_OBJECT, "{warning}");
    let columns = warning["fields"]["unknown_columns"]
        .as_str()
        .unwrap_or_default();
    assert!(
        columns.contains("Adherence") && columns.contains("Agent idle time"),
        "{warning}"
    );
    assert!(
        warning["fields"]["report"]
            .as_str()
            .is_some_and(|report| report.contains("SFDC/Queue")),
        "{warning}"
    );

    let metric = log.metric("HistoricalReportUnknownColumns");
    let directive = &metric["_aws"]["CloudWatchMetrics"][0];
    assert_eq!(
        directive["Namespace"], "AmazonConnectSalesforce",
        "{metric}"
    );
    assert_eq!(
        directive["Metrics"],
        json!([{"Name": "HistoricalReportUnknownColumns", "Unit": "Count"}]),
        "{metric}"
    );
    assert_eq!(
        directive["Dimensions"],
        json!([["Workflow", "Object"]]),
        "{metric}"
    );
    assert_eq!(metric["Workflow"], "historical-report-import", "{metric}");
    assert_eq!(metric["Object"], "queue", "{metric}");
    assert_eq!(metric["HistoricalReportUnknownColumns"], 2.0, "{metric}");
    let _ = std::fs::remove_file(&log_path);
    Ok(())
}
