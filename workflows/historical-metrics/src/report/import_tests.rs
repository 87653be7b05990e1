//! The report import against the in-memory org: every parsing and mapping rule, the unknown
//! column report, values that do not fit, chunking with per-record failures, re-import.

use activity_contract::NamedError;
use object_storage::testing::MemoryObjectStore;
use salesforce_client::SalesforceError;
use serde_json::json;

use super::event::ReportObject;
use super::import::{ImportPorts, ReportImport, import_report};
use crate::error::ImportError;
use crate::objects::HistoricalObject;
use crate::ports::{ObjectLocation, ObjectStore};
use crate::settings::HistoricalSettings;
use crate::testing::MemoryHistoricalOrg;

const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const EVENT_TIME: &str = "2024-03-05T15:15:38.221Z";

fn settings(namespace: &str) -> HistoricalSettings {
    HistoricalSettings {
        namespace: salesforce_client::namespace::Namespace::parse(namespace).expect("namespace"),
        region: "us-west-2".into(),
        global_analytics: false,
    }
}

fn key(object: HistoricalObject) -> String {
    format!(
        "connect/northwind-care/Reports/SFDC/{}/{} Interval 30m-2024-03-05T15:15:37Z.csv",
        object.name_column(),
        object.name_column()
    )
}

async fn import(
    org: &MemoryHistoricalOrg,
    store: &MemoryObjectStore,
    object: HistoricalObject,
    text: &str,
    chunk_bytes: u64,
) -> Result<ReportImport, ImportError> {
    let location = ObjectLocation::new(BUCKET, key(object));
    store.put(&location, text.as_bytes()).await.expect("put");
    let settings = settings("amazonconnect");
    let mut ports = ImportPorts::new(org, store, &settings);
    ports.chunk_bytes = chunk_bytes;
    import_report(
        &ports,
        &ReportObject {
            location,
            alternative_keys: Vec::new(),
            object,
            event_time: EVENT_TIME.into(),
        },
    )
    .await
}

fn queue_report(rows: usize) -> String {
    let mut text =
        String::from("Queue,StartInterval,EndInterval,Contacts queued,Service level 20 seconds\n");
    for row in 0..rows {
        text.push_str(&format!(
            "Queue {row},2024-03-05T14:30:00Z,2024-03-05T15:00:00Z,{row},50.00%\n"
        ));
    }
    text
}

#[tokio::test]
async fn when_a_report_has_every_quirk_should_read_it_as_the_old_package_did() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    // BOM, CRLF, a quoted name with a comma and doubled quotes, `-` and empty cells, `%`
    // values, Connect's parenthesised header, and no final newline.
    let text = "\u{feff}Queue,StartInterval,EndInterval,Contacts queued,Average queue abandon time,Service level 20 seconds,Contacts handled (connected to agent timestamp)\r\n\
                \"Billing, \"\"Tier 2\"\"\",2024-03-05T14:30:00Z,2024-03-05T15:00:00Z,14,-,57.14%,12\r\n\
                Technical Support,2024-03-05T14:30:00Z,2024-03-05T15:00:00Z,11,,100.00%,9";
    for chunk in [1, 7, 64, 1 << 20] {
        let result = import(&org, &store, HistoricalObject::Queue, text, chunk)
            .await
            .expect("import");
        assert_eq!((result.rows, result.written), (2, 2), "chunk {chunk}");
        assert!(
            result.unknown_columns.is_empty(),
            "{:?}",
            result.unknown_columns
        );
    }
    let records = org.records(HistoricalObject::Queue);
    assert_eq!(records.len(), 2);
    let billing = &records["BillingTier22024-03-05T14:30:00Z"];
    assert_eq!(
        serde_json::Value::Object(billing.clone()),
        json!({
            "amazonconnect__AC_Object_Name__c": "Billing, \"Tier 2\"",
            "amazonconnect__StartInterval__c": "2024-03-05T14:30:00Z",
            "amazonconnect__EndInterval__c": "2024-03-05T15:00:00Z",
            "amazonconnect__Contacts_queued__c": 14.0,
            "amazonconnect__Average_queue_abandon_time__c": null,
            "amazonconnect__Service_level_20_seconds__c": 57.14,
            "amazonconnect__Contacts_handled_conn_to_agent_timestamp__c": 12.0,
            "amazonconnect__Created_Date__c": EVENT_TIME,
            "amazonconnect__AC_Record_Id__c": "BillingTier22024-03-05T14:30:00Z"
        })
    );
    let support = &records["TechnicalSupport2024-03-05T14:30:00Z"];
    assert_eq!(
        support["amazonconnect__Average_queue_abandon_time__c"],
        json!(null)
    );
    assert_eq!(support["amazonconnect__Service_level_20_seconds__c"], 100.0);
}

#[tokio::test]
async fn when_an_agent_report_is_imported_should_keep_the_agent_name_and_fix_the_on_typo() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", true).with_field(
        HistoricalObject::Agent,
        "Contacts_handled_conn_to_agent_timestamp__c",
        "double",
    );
    let store = MemoryObjectStore::new();
    let text = "\u{feff}Agent,StartInterval,EndInterval,Non-Productive Time,Agent answer rate,Contacts handled (connected to agent timestamp),Average agent interaction and customer hold time\n\
                Jane Doe-Smith,2024-03-05T14:00:00Z,2024-03-05T14:30:00Z,124,80.00%,4,243\n";
    let result = import(&org, &store, HistoricalObject::Agent, text, 1 << 20)
        .await
        .expect("import");
    assert!(
        result.unknown_columns.is_empty(),
        "{:?}",
        result.unknown_columns
    );
    let record = org
        .record(
            HistoricalObject::Agent,
            "Jane Doe-Smith2024-03-05T14:00:00Zus-west-2",
        )
        .expect("the agent's record, region appended");
    assert_eq!(record["amazonconnect__Region__c"], "us-west-2");
    assert_eq!(record["amazonconnect__Nonproductive_time__c"], 124.0);
    assert_eq!(record["amazonconnect__Agent_answer_rate__c"], 80.0);
    assert_eq!(
        record["amazonconnect__Contacts_handled_conn_to_agent_timestamp__c"],
        4.0
    );
    assert_eq!(
        record["amazonconnect__Avg_agent_interaction_and_cust_hold_time__c"],
        243.0
    );
}

#[tokio::test]
async fn when_an_agent_name_has_leading_or_trailing_spaces_should_form_the_id_from_it_as_it_is() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    // Unquoted and quoted spaces both belong to the cell, as in the old package's csv reader.
    let text = "Agent,StartInterval,Contacts handled\n  jwu ,2024-03-05T14:30:00Z,4\n\" Jane Doe\",2024-03-05T14:30:00Z,2\n";
    let result = import(&org, &store, HistoricalObject::Agent, text, 1 << 20)
        .await
        .expect("import");
    assert_eq!((result.rows, result.written), (2, 2));
    let records = org.records(HistoricalObject::Agent);
    assert_eq!(
        records.keys().collect::<Vec<_>>(),
        vec![
            "  jwu 2024-03-05T14:30:00Z",
            " Jane Doe2024-03-05T14:30:00Z"
        ],
        "the record ids keep the name's spaces"
    );
    let jwu = &records["  jwu 2024-03-05T14:30:00Z"];
    assert_eq!(jwu["amazonconnect__AC_Object_Name__c"], "  jwu ");
    assert_eq!(
        jwu["amazonconnect__AC_Record_Id__c"],
        "  jwu 2024-03-05T14:30:00Z"
    );
    assert_eq!(jwu["amazonconnect__Contacts_handled__c"], 4.0);
    // A queue's id drops the spaces with every other non-word character.
    let text = "Queue,StartInterval,Contacts queued\n Sales ,2024-03-05T14:30:00Z,3\n";
    import(&org, &store, HistoricalObject::Queue, text, 1 << 20)
        .await
        .expect("import");
    let sales = org
        .record(HistoricalObject::Queue, "Sales2024-03-05T14:30:00Z")
        .expect("the queue's record");
    assert_eq!(sales["amazonconnect__AC_Object_Name__c"], " Sales ");
    // A name of spaces only is still no name.
    let text = "Agent,StartInterval,Contacts handled\n   ,2024-03-05T15:00:00Z,4\n";
    let error = import(&org, &store, HistoricalObject::Agent, text, 1 << 20)
        .await
        .expect_err("no name");
    assert!(error.to_string().contains("Agent is empty"), "{error}");
}

#[tokio::test]
async fn when_the_object_has_no_field_for_a_column_should_report_it_and_import_the_rest() {
    // An org on an older adapter: no Adherence__c, and Occupancy__c removed.
    let org = MemoryHistoricalOrg::cti("amazonconnect", false)
        .without_field(HistoricalObject::Agent, "Occupancy__c");
    let store = MemoryObjectStore::new();
    let text = "Agent,StartInterval,Adherence,Occupancy,Contacts handled\n\
                jwu,2024-03-05T14:30:00Z,98.5%,82.06%,4\n";
    let result = import(&org, &store, HistoricalObject::Agent, text, 1 << 20)
        .await
        .expect("the row is still imported");
    assert_eq!(result.unknown_columns, vec!["Adherence", "Occupancy"]);
    assert_eq!(result.written, 1);
    let record = org
        .record(HistoricalObject::Agent, "jwu2024-03-05T14:30:00Z")
        .expect("record");
    assert_eq!(record["amazonconnect__Contacts_handled__c"], 4.0);
    assert!(!record.keys().any(|field| field.contains("Adherence")));
    assert!(!record.keys().any(|field| field.contains("Occupancy")));
    // Matched case-insensitively: a differently cased header is no unknown column.
    let text = "AGENT,startinterval,CONTACTS HANDLED\njwu,2024-03-05T15:00:00Z,5\n";
    let result = import(&org, &store, HistoricalObject::Agent, text, 1 << 20)
        .await
        .expect("import");
    assert!(
        result.unknown_columns.is_empty(),
        "{:?}",
        result.unknown_columns
    );
}

#[tokio::test]
async fn when_a_value_does_not_fit_its_field_should_name_row_and_column_and_import_the_rest() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    let text = "Queue,StartInterval,Contacts queued\n\
                Billing,2024-03-05T14:30:00Z,14\n\
                Sales,2024-03-05T14:30:00Z,fourteen\n\
                Support,yesterday,3\n\
                ,2024-03-05T14:30:00Z,1\n\
                Voice,2024-03-05T14:30:00Z,7\n";
    let error = import(&org, &store, HistoricalObject::Queue, text, 1 << 20)
        .await
        .expect_err("three rows do not fit");
    assert_eq!(error.error_name(), "HistoricalReport.InvalidValues");
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains("2 of 5 rows imported"), "{message}");
    assert!(
        message.contains("row 2, column \"Contacts queued\""),
        "{message}"
    );
    assert!(
        message.contains("\"fourteen\" is not a valid number"),
        "{message}"
    );
    assert!(
        message.contains("row 3, column \"StartInterval\""),
        "{message}"
    );
    assert!(message.contains("row 4, column \"Queue\""), "{message}");
    let records = org.records(HistoricalObject::Queue);
    assert_eq!(
        records.keys().cloned().collect::<Vec<_>>(),
        vec!["Billing2024-03-05T14:30:00Z", "Voice2024-03-05T14:30:00Z"]
    );
}

#[tokio::test]
async fn when_a_report_has_more_than_200_rows_should_write_200_a_call_and_report_refusals() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    org.refuse(
        "Queue3172024-03-05T14:30:00Z",
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        u32::MAX,
    );
    let error = import(
        &org,
        &store,
        HistoricalObject::Queue,
        &queue_report(450),
        4096,
    )
    .await
    .expect_err("one record refused");
    assert_eq!(error.error_name(), "HistoricalReport.RecordsRefused");
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains("449 of 450 rows imported"), "{message}");
    assert!(
        message.contains("row 318 (Queue3172024-03-05T14:30:00Z): Salesforce refused it (FIELD_CUSTOM_VALIDATION_EXCEPTION)"),
        "{message}"
    );
    assert_eq!(org.upserts(), (3, 450), "200 + 200 + 50");
    assert_eq!(org.records(HistoricalObject::Queue).len(), 449);
    assert_eq!(org.describe_calls(), 1);
}

#[tokio::test]
async fn when_a_record_is_locked_once_should_send_it_again_and_write_everything() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    org.refuse("Queue52024-03-05T14:30:00Z", "UNABLE_TO_LOCK_ROW", 1);
    let result = import(
        &org,
        &store,
        HistoricalObject::Queue,
        &queue_report(250),
        1 << 20,
    )
    .await
    .expect("the locked record is written on the second try");
    assert_eq!(result.written, 250);
    assert_eq!(result.upsert_calls, 3, "200 + the locked one again + 50");
    // Locked every time: a retryable error, so the state machine imports the report again.
    org.refuse("Queue52024-03-05T14:30:00Z", "UNABLE_TO_LOCK_ROW", 2);
    let error = import(
        &org,
        &store,
        HistoricalObject::Queue,
        &queue_report(10),
        1 << 20,
    )
    .await
    .expect_err("still locked");
    assert_eq!(error.error_name(), "HistoricalReport.RecordsNotWritten");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn when_the_same_report_is_imported_twice_should_change_nothing() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    let first = import(
        &org,
        &store,
        HistoricalObject::Queue,
        &queue_report(30),
        1 << 20,
    )
    .await
    .expect("import");
    let before = org.records(HistoricalObject::Queue);
    let second = import(
        &org,
        &store,
        HistoricalObject::Queue,
        &queue_report(30),
        1 << 20,
    )
    .await
    .expect("again");
    assert_eq!((first.created, first.updated), (30, 0));
    assert_eq!((second.created, second.updated), (0, 30));
    assert_eq!(org.records(HistoricalObject::Queue), before);
}

#[tokio::test]
async fn when_salesforce_is_down_should_fail_retryably_and_import_everything_on_the_retry() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    org.fail_upserts(
        SalesforceError::Transient {
            error_code: "SERVER_UNAVAILABLE".into(),
            message: "down".into(),
        },
        1,
    );
    let error = import(
        &org,
        &store,
        HistoricalObject::Queue,
        &queue_report(5),
        1 << 20,
    )
    .await
    .expect_err("outage");
    assert_eq!(error.error_name(), "Salesforce.Transient");
    assert!(error.is_retryable());
    import(
        &org,
        &store,
        HistoricalObject::Queue,
        &queue_report(5),
        1 << 20,
    )
    .await
    .expect("retry");
    assert_eq!(org.records(HistoricalObject::Queue).len(), 5);
}

#[tokio::test]
async fn when_the_report_is_not_one_the_import_reads_should_say_what_is_wrong() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    for (text, expected) in [
        ("", "empty"),
        ("StartInterval,Contacts queued\nx,1\n", "no Queue column"),
        ("Queue,Contacts queued\nx,1\n", "no StartInterval column"),
        (
            "Queue,StartInterval,Agent non-response,Agent non response\n",
            "both go to Agent_non_response__c",
        ),
    ] {
        let error = import(&org, &store, HistoricalObject::Queue, text, 1 << 20)
            .await
            .expect_err(expected);
        assert_eq!(error.error_name(), "HistoricalReport.Malformed");
        assert!(error.to_string().contains(expected), "{error}");
    }
    let settings = settings("amazonconnect");
    let ports = ImportPorts::new(&org, &store, &settings);
    let missing = ReportObject {
        location: ObjectLocation::new(BUCKET, "connect/x/Reports/SFDC/Queue/gone.csv"),
        alternative_keys: Vec::new(),
        object: HistoricalObject::Queue,
        event_time: EVENT_TIME.into(),
    };
    let error = import_report(&ports, &missing).await.expect_err("missing");
    assert_eq!(error.error_name(), "HistoricalReport.Missing");
}

#[tokio::test]
async fn when_the_org_has_another_namespace_should_say_how_to_fix_the_configuration() {
    let org = MemoryHistoricalOrg::cti("", false);
    let store = MemoryObjectStore::new();
    let error = import(
        &org,
        &store,
        HistoricalObject::Queue,
        &queue_report(1),
        1 << 20,
    )
    .await
    .expect_err("no such object under the namespace");
    assert_eq!(error.error_name(), "Salesforce.UnknownObject");
}

#[tokio::test]
async fn when_a_row_appears_twice_should_write_its_record_once_with_the_last_values() {
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = MemoryObjectStore::new();
    let text = "Queue,StartInterval,Contacts queued\n\
                Sales-1,2024-03-05T14:30:00Z,1\n\
                Sales 1,2024-03-05T14:30:00Z,2\n";
    let result = import(&org, &store, HistoricalObject::Queue, text, 1 << 20)
        .await
        .expect("import");
    assert_eq!((result.rows, result.written), (2, 1));
    let record = org
        .record(HistoricalObject::Queue, "Sales12024-03-05T14:30:00Z")
        .expect("record");
    assert_eq!(record["amazonconnect__Contacts_queued__c"], 2.0);
}

#[tokio::test]
async fn when_s3_denies_the_decoded_key_should_read_the_key_as_the_event_sent_it() {
    // A report named with a literal "%41": EventBridge sent the key as stored, decoding made
    // it "A", and S3 answers the key that does not exist with 403, not 404.
    let org = MemoryHistoricalOrg::cti("amazonconnect", false);
    let store = object_storage::testing::ListlessStore::default();
    let stored = "connect/northwind-care/Reports/SFDC/Queue/Top%41 queues.csv";
    store
        .put(
            &ObjectLocation::new(BUCKET, stored),
            queue_report(3).as_bytes(),
        )
        .await
        .expect("put");
    let settings = settings("amazonconnect");
    let ports = ImportPorts::new(&org, &store, &settings);
    let report = ReportObject {
        location: ObjectLocation::new(
            BUCKET,
            "connect/northwind-care/Reports/SFDC/Queue/TopA queues.csv",
        ),
        alternative_keys: vec![stored.into()],
        object: HistoricalObject::Queue,
        event_time: EVENT_TIME.into(),
    };
    let imported = import_report(&ports, &report).await.expect("imported");
    assert_eq!(imported.written, 3);

    // No spelling exists: the denial is the answer, naming both of its causes.
    let missing = ReportObject {
        location: ObjectLocation::new(BUCKET, "SFDC/Queue/gone.csv"),
        alternative_keys: vec!["SFDC/Queue/gone%2E.csv".into()],
        ..report
    };
    let error = import_report(&ports, &missing).await.unwrap_err();
    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("SFDC/Queue/gone.csv")
            && error.to_string().contains("no longer exists"),
        "{error}"
    );
}
