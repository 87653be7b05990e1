//! Every client operation against the emulator over HTTP.

use base64::Engine;
use salesforce_client::{
    Attachment, FeedElement, MessageSegment, ParameterizedSearch, Record, SalesforceError,
    SearchObject, UpsertOutcome,
};
use serde_json::{Value, json};
use test_harness::*;

const CONTACT_ID: &str = "0035e00000Xk9QmAAJ";
const CASE_ID: &str = "5005e00001Hn2WQAAZ";
const CTR_OBJECT: &str = "amazonconnect__AC_ContactTraceRecord__c";
const CTR_KEY: &str = "amazonconnect__ContactId__c";
const CCA_OBJECT: &str = "amazonconnect__AC_ContactChannelAnalytics__c";
const CCA_KEY: &str = "amazonconnect__ContactId__c";

fn record(value: Value) -> Record {
    value.as_object().cloned().unwrap_or_default()
}

fn dumped<'a>(dump: &'a Value, object: &str) -> &'a [Value] {
    dump.get(object)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn calls_to(emulator: &salesforce_emulator::RunningEmulator, fragment: &str) -> usize {
    emulator
        .control()
        .requests()
        .iter()
        .filter(|r| r.path.contains(fragment))
        .count()
}

#[tokio::test]
async fn create_get_update_delete_round_trip() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);

    let id = client
        .create(
            "Case",
            &record(
                json!({"Subject": "Amazon Connect Case", "Status": "New", "Origin": "Phone",
                           "Priority": "Low", "ContactId": CONTACT_ID}),
            ),
        )
        .await
        .expect("create");
    assert_eq!(id.len(), 18);
    assert!(id.starts_with("500"));

    let fetched = client
        .get("Case", &id, &["Subject", "Status"])
        .await
        .expect("get");
    assert_eq!(fetched["Subject"], "Amazon Connect Case");

    let status = client
        .update("Case", &id, &record(json!({"Status": "Closed"})))
        .await
        .expect("update");
    assert_eq!(status, 204);
    let closed = client
        .query(&format!("SELECT Status FROM Case WHERE Id = '{id}'"))
        .await
        .expect("query");
    assert_eq!(closed[0]["Status"], "Closed");

    assert_eq!(client.delete("Case", &id).await.expect("delete"), 204);
    let error = client.get("Case", &id, &[]).await.unwrap_err();
    assert!(
        matches!(error, SalesforceError::NotFound { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn unknown_field_is_an_invalid_field_error_naming_the_field() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let error = client
        .create(
            "Contact",
            &record(json!({"LastName": "Doe", "Shoe_Size__c": "9"})),
        )
        .await
        .unwrap_err();
    match &error {
        SalesforceError::InvalidField {
            error_code,
            message,
            ..
        } => {
            assert_eq!(error_code, "INVALID_FIELD");
            assert!(message.contains("Shoe_Size__c"), "{message}");
        }
        other => panic!("expected INVALID_FIELD, got {other:?}"),
    }
}

#[tokio::test]
async fn missing_record_and_unknown_object_are_not_found() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let error = client
        .delete("Case", "500000000000001AAA")
        .await
        .unwrap_err();
    assert!(
        matches!(error, SalesforceError::NotFound { .. }),
        "{error:?}"
    );
    let error = client.describe("NoSuchObject__c").await.unwrap_err();
    assert!(
        matches!(error, SalesforceError::NotFound { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn malformed_query_keeps_salesforce_code_and_message() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let error = client
        .query("SELECT Id FROM Contact WHERE")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, SalesforceError::MalformedQuery { error_code, .. } if error_code == "MALFORMED_QUERY"),
        "{error:?}"
    );
}

#[tokio::test]
async fn upsert_by_external_id_creates_then_updates() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let contact_id = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
    let fields = record(json!({"amazonconnect__Channel__c": "VOICE"}));

    let first = client
        .upsert(CTR_OBJECT, CTR_KEY, contact_id, &fields)
        .await
        .expect("first upsert");
    let UpsertOutcome::Created(id) = first else {
        panic!("expected Created, got {first:?}")
    };
    let second = client
        .upsert(
            CTR_OBJECT,
            CTR_KEY,
            contact_id,
            &record(json!({"amazonconnect__Channel__c": "CHAT"})),
        )
        .await
        .expect("second upsert");
    assert_eq!(second, UpsertOutcome::Updated(id));

    let dump = emulator.control().dump();
    let ctrs = dumped(&dump, CTR_OBJECT);
    assert_eq!(ctrs.len(), 1, "one record however often it is upserted");
    assert_eq!(ctrs[0]["amazonconnect__Channel__c"], "CHAT");
}

#[tokio::test]
async fn upsert_matching_several_records_is_an_error_naming_them() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    // Two records sharing a non-unique external id, as an org can hold them.
    let duplicate = json!({ CCA_OBJECT: [
        { CCA_KEY: "dup-contact", "amazonconnect__DataSource__c": "Recording" },
        { CCA_KEY: "dup-contact", "amazonconnect__DataSource__c": "Contact_Lens" },
    ]});
    emulator
        .control()
        .load(&duplicate)
        .expect("seed two records with one key");
    let ids: Vec<String> = dumped(&emulator.control().dump(), CCA_OBJECT)
        .iter()
        .filter(|r| r[CCA_KEY] == "dup-contact")
        .filter_map(|r| r["Id"].as_str().map(str::to_string))
        .collect();

    let error = client
        .upsert(CCA_OBJECT, CCA_KEY, "dup-contact", &record(json!({})))
        .await
        .unwrap_err();
    match &error {
        SalesforceError::MultipleMatches { object, matches } => {
            assert_eq!(object, CCA_OBJECT);
            let mut matches = matches.clone();
            matches.sort();
            let mut expected = ids.clone();
            expected.sort();
            assert_eq!(matches, expected);
            for id in &ids {
                assert!(error.to_string().contains(id.as_str()), "{error}");
            }
        }
        other => panic!("expected MultipleMatches, got {other:?}"),
    }
}

#[tokio::test]
async fn describe_is_cached_per_client() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let describe = client.describe(CTR_OBJECT).await.expect("describe");
    assert!(describe.has_field(CTR_KEY));
    assert!(describe.field(CTR_KEY).expect("field").external_id);
    assert!(
        !describe.has_field("amazonconnect__Region__c"),
        "no Region__c unless configured"
    );
    client.describe(CTR_OBJECT).await.expect("cached describe");
    assert_eq!(calls_to(&emulator, "/describe"), 1);
}

#[tokio::test]
async fn query_follows_next_records_url_until_done() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.control().set_query_batch_size(200);
    let records: Vec<Record> = (0..450)
        .map(|i| {
            record(json!({ CTR_KEY: format!("page-{i:03}"), "amazonconnect__Channel__c": "VOICE" }))
        })
        .collect();
    client
        .upsert_collection(CTR_OBJECT, CTR_KEY, &records, false)
        .await
        .expect("seed via collections");
    emulator.control().clear_requests();

    let rows = client
        .query(&format!(
            "SELECT Id, {CTR_KEY} FROM {CTR_OBJECT} WHERE {CTR_KEY} LIKE 'page-%'"
        ))
        .await
        .expect("query");
    assert_eq!(rows.len(), 450);
    let pages = calls_to(&emulator, "/query");
    assert_eq!(pages, 3, "first page plus two nextRecordsUrl pages");
}

#[tokio::test]
async fn collections_upsert_sends_at_most_200_records_per_call_with_per_record_results() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let mut records: Vec<Record> = (0..450)
        .map(|i| {
            record(json!({ CTR_KEY: format!("bulk-{i}"), "amazonconnect__Channel__c": "VOICE" }))
        })
        .collect();
    // One bad record must fail alone.
    records[201].insert("amazonconnect__NoSuchField__c".into(), json!("x"));

    let results = client
        .upsert_collection(CTR_OBJECT, CTR_KEY, &records, false)
        .await
        .expect("upsert");
    assert_eq!(results.len(), 450);
    assert_eq!(results.iter().filter(|r| r.success).count(), 449);
    assert!(!results[201].success);
    assert!(!results[201].errors.is_empty());
    assert!(results[0].created == Some(true));
    assert_eq!(calls_to(&emulator, "/composite/sobjects"), 3);

    // Re-sending is an update, not a duplicate.
    let again = client
        .upsert_collection(CTR_OBJECT, CTR_KEY, &records[..10], false)
        .await
        .expect("again");
    assert!(again.iter().all(|r| r.created == Some(false)));
    let dump = emulator.control().dump();
    assert_eq!(dumped(&dump, CTR_OBJECT).len(), 449);
}

#[tokio::test]
async fn sosl_search_finds_phone_numbers_across_objects() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let records = client
        .search("FIND {2065550143} IN PHONE FIELDS RETURNING Contact(Id, Name, Phone), Lead(Id, Name, Phone)")
        .await
        .expect("search");
    let types: Vec<&str> = records
        .iter()
        .filter_map(|r| r["attributes"]["type"].as_str())
        .collect();
    assert!(types.contains(&"Contact"), "{types:?}");
    assert!(types.contains(&"Lead"), "{types:?}");
    assert!(records.iter().any(|r| r["Id"] == CONTACT_ID));
}

#[tokio::test]
async fn parameterized_search_scopes_fields_and_where() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let search = ParameterizedSearch {
        q: "2065550143".into(),
        scope: Some("PHONE".into()),
        sobjects: vec![SearchObject {
            name: "Contact".into(),
            fields: vec!["Id".into(), "Name".into(), "AccountId".into()],
            ..SearchObject::default()
        }],
        ..ParameterizedSearch::default()
    };
    let records = client.parameterized_search(&search).await.expect("search");
    assert!(records.iter().any(|r| r["Id"] == CONTACT_ID), "{records:?}");
    assert!(records.iter().all(|r| r["attributes"]["type"] == "Contact"));

    let narrowed = ParameterizedSearch {
        sobjects: vec![SearchObject {
            name: "Contact".into(),
            fields: vec!["Id".into()],
            where_clause: Some("LastName = 'Nobody'".into()),
            limit: Some(5),
        }],
        ..search
    };
    assert!(
        client
            .parameterized_search(&narrowed)
            .await
            .expect("search")
            .is_empty()
    );
}

#[tokio::test]
async fn chatter_post_and_comment_are_stored() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let post_id = client
        .post_feed_element(&FeedElement {
            feed_element_type: "FeedItem".into(),
            subject_id: CASE_ID.into(),
            segments: vec![
                MessageSegment::Text {
                    text: "Refund issued by ".into(),
                },
                MessageSegment::Mention {
                    id: "0055e000007xKp2AAE".into(),
                },
            ],
        })
        .await
        .expect("post");
    let comment_id = client
        .post_comment(
            &post_id,
            &[MessageSegment::Text {
                text: "Customer confirmed.".into(),
            }],
        )
        .await
        .expect("comment");

    let dump = emulator.control().dump();
    let post = dumped(&dump, "FeedItem")
        .iter()
        .find(|r| r["Id"] == post_id.as_str())
        .expect("post stored");
    assert_eq!(post["ParentId"], CASE_ID);
    assert!(
        post["Body"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Refund issued by")
    );
    let comment = dumped(&dump, "FeedComment")
        .iter()
        .find(|r| r["Id"] == comment_id.as_str())
        .expect("comment stored");
    assert_eq!(comment["FeedItemId"], post_id.as_str());
    assert_eq!(comment["CommentBody"], "Customer confirmed.");
}

#[tokio::test]
async fn attachment_body_arrives_intact() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let body = br#"{"transcript":"Hello, \"quoted\" and unicode \u00e9"}"#.to_vec();
    let id = client
        .create_attachment(&Attachment {
            parent_id: CASE_ID.into(),
            name: "CustomerTranscripts.json".into(),
            content_type: "application/json".into(),
            description: Some("Call Recording Transcription - Customer Side".into()),
            body: body.clone(),
        })
        .await
        .expect("attachment");
    let dump = emulator.control().dump();
    let stored = dumped(&dump, "Attachment")
        .iter()
        .find(|r| r["Id"] == id.as_str())
        .expect("stored");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(stored["Body"].as_str().expect("base64 body"))
        .expect("valid base64");
    assert_eq!(decoded, body);
    assert_eq!(stored["ParentId"], CASE_ID);
}

#[tokio::test]
async fn invalid_object_names_never_reach_salesforce() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let error = client
        .create("Contact/../../limits", &record(json!({})))
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), "INVALID_API_NAME");
    assert_eq!(calls_to(&emulator, "/limits"), 0);
}
