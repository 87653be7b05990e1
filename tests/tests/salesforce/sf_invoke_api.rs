//! sfInvokeAPI end to end: the shipped contact-flow events go through the real handler
//! (`contact_flow::handle_invocation`, exactly what the Lambda binary runs) and the real Salesforce client
//! over HTTP to the emulator loaded with the demo org.

use std::{collections::BTreeMap, path::PathBuf, time::Duration};

use activity_contract::NamedError;
use chrono::Utc;
use contact_flow::{
    InvocationError as HandlerError, InvocationSettings as Settings, handle_invocation as handle,
};
use salesforce_client::SalesforceClient;
use salesforce_emulator::{Fault, FaultKind, FaultSchedule};
use serde_json::{Value, json};
use test_harness::*;

pub(crate) type FlowResult = BTreeMap<String, String>;

fn events_dir() -> PathBuf {
    repo_root().join("activities/sf-invoke-api/events")
}

/// A shipped event, e.g. `event("phoneLookup")` reads `events/event-phoneLookup.json`.
pub(crate) fn event(name: &str) -> Value {
    let path = events_dir().join(format!("event-{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// A Connect event carrying exactly these parameters.
fn event_with(parameters: &[(&str, &str)]) -> Value {
    let mut event = event("lookup");
    let map: serde_json::Map<String, Value> = parameters
        .iter()
        .map(|(key, value)| ((*key).to_string(), json!(value)))
        .collect();
    event["Details"]["Parameters"] = Value::Object(map);
    event
}

pub(crate) async fn invoke(
    client: &SalesforceClient,
    event: Value,
) -> Result<FlowResult, HandlerError> {
    handle(client, event, &Settings::default(), None, Utc::now()).await
}

async fn invoke_ok(client: &SalesforceClient, event: Value) -> FlowResult {
    let description = event["Details"]["Parameters"].to_string();
    invoke(client, event)
        .await
        .unwrap_or_else(|error| panic!("{description} failed: {error}"))
}

fn pairs(result: &FlowResult) -> Vec<(&str, &str)> {
    result
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect()
}

pub(crate) async fn start() -> (salesforce_emulator::RunningEmulator, SalesforceClient) {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    (emulator, client)
}

// ---------------------------------------------------------------------------------------------
// Every operation, through the shipped events
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn lookup_returns_the_first_matching_record_with_sf_count() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("lookup")).await;
    assert_eq!(
        pairs(&result),
        vec![
            ("CaseNumber", "00001847"),
            ("Id", "5005e00001Hn2WQAAZ"),
            ("Status", "New"),
            ("Subject", "Duplicate February gas charge"),
            ("sf_count", "1"),
        ]
    );
}

#[tokio::test]
async fn lookup_by_homephone_matches_the_number_however_it_is_formatted() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("lookup-homephone")).await;
    assert_eq!(result["Id"], "0035e00000Xk9QmAAJ");
    assert_eq!(result["sf_count"], "1");
}

#[tokio::test]
async fn lookup_all_returns_every_record_as_numbered_keys() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("lookup_all")).await;
    assert_eq!(result["sf_count"], "1");
    assert_eq!(result["sf_records_0_CaseNumber"], "00001847");

    let all_cases = invoke_ok(
        &client,
        event_with(&[
            ("sf_operation", "lookup_all"),
            ("sf_object", "Case"),
            ("sf_fields", "Id, CaseNumber"),
            ("ContactId", "0035e00000Xk9QmAAJ"),
        ]),
    )
    .await;
    assert_eq!(all_cases["sf_count"], "3");
    assert!(all_cases.contains_key("sf_records_2_CaseNumber"));
}

#[tokio::test]
async fn lookup_with_no_match_returns_sf_count_zero_only() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(
        &client,
        event_with(&[
            ("sf_operation", "lookup"),
            ("sf_object", "Case"),
            ("sf_fields", "Id"),
            ("CaseNumber", "99999999"),
        ]),
    )
    .await;
    assert_eq!(pairs(&result), vec![("sf_count", "0")]);
}

#[tokio::test]
async fn lookup_related_fields_are_joined_with_dots_and_nulls_dropped() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(
        &client,
        event_with(&[
            ("sf_operation", "lookup"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id, Account.Name, MobilePhone"),
            ("Id", "0035e00000Xk9QmAAJ"),
        ]),
    )
    .await;
    assert_eq!(result["Account.Name"], "Whitfield Household");
    for (key, value) in &result {
        assert!(
            !key.contains("attributes"),
            "{key} leaked Salesforce metadata"
        );
        assert_ne!(value, "null", "{key} carried a null");
    }
}

#[tokio::test]
async fn phone_lookup_finds_the_contact_by_national_number() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("phoneLookup")).await;
    assert_eq!(
        pairs(&result),
        vec![
            ("AccountId", "0015e00000QbT4rAAF"),
            ("Email", "dana.whitfield@example.net"),
            ("Id", "0035e00000Xk9QmAAJ"),
            ("Name", "Dana Whitfield"),
            ("sf_count", "1"),
        ]
    );
}

#[tokio::test]
async fn phone_lookup_can_be_widened_to_other_objects() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(
        &client,
        event_with(&[
            ("sf_operation", "phoneLookup"),
            ("sf_phone", "+12065550143"),
            ("sf_fields", "Id, Name"),
            ("sf_objects", "Contact, Lead"),
        ]),
    )
    .await;
    // Dana is both a Contact and a Lead: like the old package, the first match (objects in
    // the order asked) is returned and sf_count tells the flow there were more.
    assert_eq!(
        pairs(&result),
        vec![
            ("Id", "0035e00000Xk9QmAAJ"),
            ("Name", "Dana Whitfield"),
            ("sf_count", "2")
        ]
    );
}

#[tokio::test]
async fn phone_lookup_of_an_anonymous_or_unknown_caller_returns_sf_count_zero() {
    let (_emulator, client) = start().await;
    for phone in ["anonymous", "+14155550100"] {
        let result = invoke_ok(
            &client,
            event_with(&[
                ("sf_operation", "phoneLookup"),
                ("sf_phone", phone),
                ("sf_fields", "Id, Name"),
            ]),
        )
        .await;
        assert_eq!(pairs(&result), vec![("sf_count", "0")], "{phone}");
    }
}

#[tokio::test]
async fn phone_lookup_of_an_unparsable_number_is_a_clear_error() {
    let (_emulator, client) = start().await;
    let error = invoke(
        &client,
        event_with(&[
            ("sf_operation", "phoneLookup"),
            ("sf_phone", "not a number"),
            ("sf_fields", "Id"),
        ]),
    )
    .await
    .expect_err("unparsable number");
    assert_eq!(error.error_name(), "InvalidParameter");
    assert!(error.to_string().contains("sf_phone"), "{error}");
}

#[tokio::test]
async fn create_returns_the_new_id_and_writes_the_record() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("create-case")).await;
    let id = &result["Id"];
    assert_eq!(result.len(), 1);
    let case = client
        .get("Case", id, &["Subject", "Priority", "ContactId", "Origin"])
        .await
        .expect("created case");
    assert_eq!(case["Subject"], "Duplicate February gas charge");
    assert_eq!(case["Priority"], "Medium");
    assert_eq!(case["ContactId"], "0035e00000Xk9QmAAJ");
    assert_eq!(case["Origin"], "Phone");
}

#[tokio::test]
async fn create_evaluates_date_formulas_at_call_time_in_utc() {
    let (_emulator, client) = start().await;
    let before = Utc::now().date_naive();
    let result = invoke_ok(&client, event("create-task-relative-date")).await;
    let after = Utc::now().date_naive();
    let task = client
        .get("Task", &result["Id"], &["ActivityDate", "Subject"])
        .await
        .expect("created task");
    let due = task["ActivityDate"].as_str().expect("ActivityDate");
    let expected = [before, after].map(|day| (day + chrono::Days::new(5)).to_string());
    assert!(expected.contains(&due.to_string()), "{due} vs {expected:?}");
}

#[tokio::test]
async fn update_returns_204_and_changes_the_record() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("update")).await;
    assert_eq!(pairs(&result), vec![("Status", "204")]);
    let case = client
        .get("Case", "5005e00001Hn2WQAAZ", &["Status"])
        .await
        .expect("case");
    assert_eq!(case["Status"], "Closed");
}

#[tokio::test]
async fn delete_returns_204_and_removes_the_record() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("delete")).await;
    assert_eq!(pairs(&result), vec![("Response", "204")]);
    let gone = client.get("Task", "00T5e00000Ux3LdEAJ", &["Id"]).await;
    assert!(gone.is_err(), "the task is still there: {gone:?}");

    let again = invoke(&client, event("delete"))
        .await
        .expect_err("deleting twice");
    assert_eq!(again.error_name(), "Salesforce.NotFound");
}

#[tokio::test]
async fn query_fills_placeholders_and_returns_every_record() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("query")).await;
    assert_eq!(result["sf_count"], "2");
    assert_eq!(result["sf_records_0_CaseNumber"], "00001847");
    assert_eq!(result["sf_records_1_CaseNumber"], "00001848");
}

#[tokio::test]
async fn query_one_returns_the_single_match_flat() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("queryOne")).await;
    assert_eq!(result["Id"], "0035e00000Xk9QmAAJ");
    assert_eq!(result["sf_count"], "1");
    assert!(!result.keys().any(|key| key.starts_with("sf_records_")));
}

#[tokio::test]
async fn search_uses_parameterized_search_with_where_and_limit() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("search")).await;
    assert_eq!(
        pairs(&result),
        vec![
            ("sf_count", "1"),
            ("sf_records_0_AccountNumber", "NWC-4719208"),
            ("sf_records_0_Id", "0015e00000QbT4rAAF"),
            ("sf_records_0_Name", "Whitfield Household"),
        ]
    );
}

#[tokio::test]
async fn search_one_returns_the_single_match_flat() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("searchOne")).await;
    assert_eq!(result["Id"], "0035e00000Xk9QmAAJ");
    assert_eq!(result["Phone"], "+12065550143");
    assert_eq!(result["sf_count"], "1");
}

#[tokio::test]
async fn search_sosl_returns_records_of_every_returned_object() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("searchSOSL")).await;
    assert_eq!(result["sf_count"], "2");
    assert_eq!(result["sf_records_0_Id"], "0035e00000Xk9QmAAJ");
    assert_eq!(result["sf_records_1_Id"], "00Q5e00000Lz4PnEAJ");
}

#[tokio::test]
async fn search_one_sosl_runs_sosl_and_returns_the_single_match() {
    let (emulator, client) = start().await;
    emulator.control().clear_requests();
    let result = invoke_ok(&client, event("searchOneSOSL")).await;
    assert_eq!(result["Id"], "0035e00000Xk9QmAAJ");
    assert_eq!(result["sf_count"], "1");
    let requests = emulator.control().requests();
    assert!(
        requests.iter().any(|r| r.path.ends_with("/search")),
        "searchOneSOSL did not call the SOSL endpoint: {requests:?}"
    );
}

#[tokio::test]
async fn chatter_post_fills_the_template_and_mentions_the_user() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("createChatterPost")).await;
    let post = client
        .get("FeedItem", &result["Id"], &["Body", "ParentId"])
        .await
        .expect("feed item");
    assert_eq!(post["ParentId"], "5005e00001Hn2WQAAZ");
    let body = post["Body"].as_str().expect("body");
    assert!(
        body.contains("about case 00001847: duplicate charge of $84.00 refunded by Priya Raman."),
        "{body}"
    );
    assert!(!body.contains("{{"), "unfilled placeholder in {body}");
}

#[tokio::test]
async fn chatter_comment_is_added_to_the_feed_element() {
    let (_emulator, client) = start().await;
    let result = invoke_ok(&client, event("createChatterComment")).await;
    let comment = client
        .get("FeedComment", &result["Id"], &["CommentBody", "FeedItemId"])
        .await
        .expect("feed comment");
    assert_eq!(comment["FeedItemId"], "0D55e00008ZfR7cCAF");
    assert_eq!(
        comment["CommentBody"],
        "Refund confirmation emailed during contact 8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08."
    );
}

#[tokio::test]
async fn chatter_message_with_a_missing_key_is_a_clear_error() {
    let (_emulator, client) = start().await;
    let error = invoke(
        &client,
        event_with(&[
            ("sf_operation", "createChatterPost"),
            ("sf_feedElementType", "FeedItem"),
            ("sf_subjectId", "5005e00001Hn2WQAAZ"),
            ("sf_messageType", "Text"),
            ("sf_message", "Refund of {{amount}} approved"),
        ]),
    )
    .await
    .expect_err("missing template key");
    assert_eq!(error.error_name(), "MissingTemplateKey");
    assert!(error.to_string().contains("amount"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// The install guide's "Validate the core functionality" sequence
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn install_guide_validation_sequence_phone_lookup_create_case_close_it() {
    let (_emulator, client) = start().await;

    let contact = invoke_ok(&client, event("phoneLookup")).await;
    assert_eq!(contact["sf_count"], "1");
    let contact_id = contact["Id"].clone();

    let mut create = event("create");
    create["Details"]["Parameters"]["ContactId"] = json!(contact_id);
    let created = invoke_ok(&client, create).await;
    let case_id = created["Id"].clone();

    let mut update = event("update");
    update["Details"]["Parameters"]["sf_id"] = json!(case_id);
    let updated = invoke_ok(&client, update).await;
    assert_eq!(pairs(&updated), vec![("Status", "204")]);

    let case = client
        .get(
            "Case",
            &case_id,
            &["Status", "Subject", "ContactId", "Origin"],
        )
        .await
        .expect("the case");
    assert_eq!(case["Status"], "Closed");
    assert_eq!(case["Subject"], "Amazon Connect Case");
    assert_eq!(case["ContactId"], contact_id.as_str());
    assert_eq!(case["Origin"], "Phone");
}

// ---------------------------------------------------------------------------------------------
// Caller-supplied values cannot change a query's meaning
// ---------------------------------------------------------------------------------------------

const DECOY: &str = "Qqqq Wwww";

fn hostile_values() -> Vec<&'static str> {
    vec![
        "O'Brien",
        "' OR LastName != '",
        r"\' OR LastName != \'",
        r"trailing backslash \",
        r#"say "cheese""#,
        "under_score",
        "line\nbreak\ttab",
        "} RETURNING User(Id, Username)",
        "a OR b",
        "x AND NOT y",
        r#"?&|!{}[]()^~*:\"'+-"#,
        "Zoë 'single' \"double\" \\back",
    ]
}

async fn seed_hostile_contacts(client: &SalesforceClient) -> Vec<(&'static str, String)> {
    let decoy = json!({ "LastName": DECOY });
    client
        .create("Contact", decoy.as_object().expect("object"))
        .await
        .expect("decoy");
    let mut seeded = Vec::new();
    for value in hostile_values() {
        let fields = json!({ "LastName": value, "Title": "hostile" });
        let id = client
            .create("Contact", fields.as_object().expect("object"))
            .await
            .expect("hostile contact");
        seeded.push((value, id));
    }
    seeded
}

#[tokio::test]
async fn lookup_values_are_matched_literally() {
    let (_emulator, client) = start().await;
    for (value, id) in seed_hostile_contacts(&client).await {
        for operation in ["lookup", "lookup_all"] {
            let result = invoke_ok(
                &client,
                event_with(&[
                    ("sf_operation", operation),
                    ("sf_object", "Contact"),
                    ("sf_fields", "Id, LastName"),
                    ("LastName", value),
                ]),
            )
            .await;
            assert_eq!(result["sf_count"], "1", "{operation} {value:?}: {result:?}");
            let key = if operation == "lookup" {
                "Id"
            } else {
                "sf_records_0_Id"
            };
            assert_eq!(result[key], id, "{operation} {value:?}");
        }
    }
}

#[tokio::test]
async fn lookup_wildcards_apply_only_to_the_fields_named_in_sf_like() {
    let (_emulator, client) = start().await;
    seed_hostile_contacts(&client).await;
    // By default a `%` is a character like any other: nothing is named `under_%`.
    let literal = invoke_ok(
        &client,
        event_with(&[
            ("sf_operation", "lookup_all"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id, LastName"),
            ("LastName", "under_%"),
        ]),
    )
    .await;
    assert_eq!(pairs(&literal), vec![("sf_count", "0")]);
    // Named in sf_like, `%` and `_` are wildcards; quotes stay literal.
    let result = invoke_ok(
        &client,
        event_with(&[
            ("sf_operation", "lookup_all"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id, LastName"),
            ("sf_like", "LastName"),
            ("LastName", "under_%"),
        ]),
    )
    .await;
    assert_eq!(result["sf_count"], "1", "{result:?}");
    assert_eq!(result["sf_records_0_LastName"], "under_score");

    let none = invoke_ok(
        &client,
        event_with(&[
            ("sf_operation", "lookup_all"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id"),
            ("sf_like", "LastName"),
            ("LastName", "under%' OR LastName != '%"),
        ]),
    )
    .await;
    assert_eq!(pairs(&none), vec![("sf_count", "0")]);
}

#[tokio::test]
async fn query_placeholder_values_inside_literals_are_escaped() {
    let (_emulator, client) = start().await;
    for (value, id) in seed_hostile_contacts(&client).await {
        let result = invoke_ok(
            &client,
            event_with(&[
                ("sf_operation", "query"),
                (
                    "query",
                    "SELECT Id, LastName FROM Contact WHERE LastName = '{{name}}'",
                ),
                ("{{name}}", value),
            ]),
        )
        .await;
        assert_eq!(result["sf_count"], "1", "{value:?}: {result:?}");
        assert_eq!(result["sf_records_0_Id"], id, "{value:?}");

        let like = invoke_ok(
            &client,
            event_with(&[
                ("sf_operation", "queryOne"),
                (
                    "query",
                    "SELECT Id FROM Contact WHERE LastName LIKE '{{name}}'",
                ),
                ("{{name}}", value),
            ]),
        )
        .await;
        assert_eq!(like["Id"], id, "LIKE {value:?}");
    }
}

#[tokio::test]
async fn query_placeholder_outside_a_literal_accepts_only_inert_values() {
    let (_emulator, client) = start().await;
    let template = "SELECT Id FROM Case WHERE ContactId = '0035e00000Xk9QmAAJ' LIMIT {{n}}";
    let ok = invoke_ok(
        &client,
        event_with(&[
            ("sf_operation", "query"),
            ("query", template),
            ("{{n}}", "1"),
        ]),
    )
    .await;
    assert_eq!(ok["sf_count"], "1");

    for value in [
        "1 OR Id != null",
        "1; DELETE",
        "(SELECT Id FROM User)",
        "'x'",
    ] {
        let error = invoke(
            &client,
            event_with(&[
                ("sf_operation", "query"),
                ("query", template),
                ("{{n}}", value),
            ]),
        )
        .await
        .expect_err("unsafe placeholder");
        assert_eq!(error.error_name(), "UnsafePlaceholder", "{value:?}");
        assert!(error.to_string().contains("{{n}}"), "{error}");
    }
}

#[tokio::test]
async fn sosl_placeholder_and_search_terms_cannot_widen_or_redirect_the_search() {
    let (_emulator, client) = start().await;
    seed_hostile_contacts(&client).await;
    for value in hostile_values() {
        let events = [
            event_with(&[
                ("sf_operation", "searchSOSL"),
                (
                    "query",
                    "FIND {{{term}}} IN NAME FIELDS RETURNING Contact(Id, LastName)",
                ),
                ("{{term}}", value),
            ]),
            event_with(&[
                ("sf_operation", "search"),
                ("q", value),
                ("sf_object", "Contact"),
                ("sf_fields", "Id, LastName"),
            ]),
        ];
        for event in events {
            let operation = event["Details"]["Parameters"]["sf_operation"].clone();
            let result = invoke_ok(&client, event).await;
            for (key, found) in &result {
                assert_ne!(found, DECOY, "{operation} {value:?} widened the search");
                assert!(
                    !key.contains("Username"),
                    "{operation} {value:?} redirected the search to User: {key}"
                );
            }
        }
    }
}

#[tokio::test]
async fn object_and_field_names_are_validated_not_spliced() {
    let (_emulator, client) = start().await;
    let cases = [
        ("sf_object", "Contact WHERE Id != null"),
        ("sf_fields", "Id FROM User --"),
    ];
    for (name, value) in cases {
        let mut parameters = vec![
            ("sf_operation", "lookup"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id"),
            ("LastName", "Whitfield"),
        ];
        parameters.retain(|(key, _)| *key != name);
        parameters.push((name, value));
        let error = invoke(&client, event_with(&parameters))
            .await
            .expect_err("invalid name");
        assert_eq!(error.error_name(), "InvalidParameter", "{name}={value:?}");
        assert!(error.to_string().contains(name), "{error}");
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed events and Salesforce failures: typed errors that say what was wrong
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn missing_sf_operation_is_a_typed_error_listing_the_valid_ones() {
    let (_emulator, client) = start().await;
    let error = invoke(&client, event_with(&[("sf_object", "Case")]))
        .await
        .expect_err("no operation");
    assert_eq!(error.error_name(), "MissingOperation");
    let message = error.to_string();
    assert!(message.contains("sf_operation is missing"), "{message}");
    assert!(message.contains("phoneLookup"), "{message}");
}

#[tokio::test]
async fn unknown_sf_operation_is_named_in_the_error() {
    let (_emulator, client) = start().await;
    let error = invoke(&client, event_with(&[("sf_operation", "lookupp")]))
        .await
        .expect_err("unknown operation");
    assert_eq!(error.error_name(), "UnknownOperation");
    assert!(error.to_string().contains("\"lookupp\""), "{error}");
}

#[tokio::test]
async fn missing_required_parameter_names_the_operation_and_the_parameter() {
    let (_emulator, client) = start().await;
    let cases = [
        (
            vec![("sf_operation", "lookup"), ("sf_object", "Case")],
            "sf_fields",
        ),
        (vec![("sf_operation", "create")], "sf_object"),
        (
            vec![("sf_operation", "update"), ("sf_object", "Case")],
            "sf_id",
        ),
        (
            vec![("sf_operation", "phoneLookup"), ("sf_fields", "Id")],
            "sf_phone",
        ),
        (vec![("sf_operation", "query")], "query"),
        (vec![("sf_operation", "search"), ("sf_fields", "Id")], "q"),
    ];
    for (parameters, missing) in cases {
        let error = invoke(&client, event_with(&parameters))
            .await
            .expect_err("missing parameter");
        assert_eq!(error.error_name(), "MissingParameter", "{parameters:?}");
        let message = error.to_string();
        assert!(
            message.contains(&format!("parameter {missing}")),
            "{message}"
        );
        assert!(message.contains(parameters[0].1), "{message}");
    }
}

#[tokio::test]
async fn events_that_are_not_contact_flow_events_are_rejected_clearly() {
    let (_emulator, client) = start().await;
    let not_connect = [
        json!({}),
        json!({"Records": [{"eventSource": "aws:kinesis"}]}),
        json!({"Details": {"Parameters": "sf_operation=lookup"}}),
        json!("lookup"),
    ];
    for payload in not_connect {
        let error = invoke(&client, payload.clone())
            .await
            .expect_err("not a Connect event");
        assert_eq!(error.error_name(), "MalformedEvent", "{payload}");
        assert!(
            error
                .to_string()
                .starts_with("the event is not an Amazon Connect contact-flow event"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn salesforce_errors_carry_their_error_code() {
    let (_emulator, client) = start().await;
    let error = invoke(
        &client,
        event_with(&[
            ("sf_operation", "lookup"),
            ("sf_object", "Case"),
            ("sf_fields", "Id, NoSuchField__c"),
            ("CaseNumber", "00001847"),
        ]),
    )
    .await
    .expect_err("invalid field");
    assert_eq!(error.error_name(), "Salesforce.InvalidField");
    assert!(error.to_string().contains("INVALID_FIELD"), "{error}");
}

#[tokio::test]
async fn error_messages_never_carry_the_full_caller_number() {
    let (_emulator, client) = start().await;
    let error = invoke(
        &client,
        event_with(&[
            ("sf_operation", "lookup"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id, NoSuchField__c"),
            ("Phone", "+12065550143"),
        ]),
    )
    .await
    .expect_err("invalid field");
    assert!(
        !error.to_string().contains("2065550143"),
        "phone number in {error}"
    );
}

#[tokio::test]
async fn a_slow_salesforce_hits_the_deadline_before_connect_gives_up() {
    let (emulator, client) = start().await;
    // Sign in first so only the query is slow.
    invoke_ok(&client, event("lookup")).await;
    emulator.control().inject_fault(Fault {
        kind: FaultKind::Latency(Duration::from_millis(1500)),
        schedule: FaultSchedule::Always,
        path_contains: Some("/query".into()),
        method: None,
    });
    let settings = Settings::from_lookup(&|name: &str| {
        (name == "SF_INVOKE_DEADLINE_MS").then(|| "300".to_string())
    })
    .expect("settings");
    let started = std::time::Instant::now();
    let error = handle(&client, event("lookup"), &settings, None, Utc::now())
        .await
        .expect_err("deadline");
    let elapsed = started.elapsed();
    assert_eq!(error.error_name(), "DeadlineExceeded");
    assert!(error.to_string().contains("300 ms"), "{error}");
    assert!(elapsed < Duration::from_millis(1200), "took {elapsed:?}");

    // The time Lambda has left wins when it is shorter than the configured deadline.
    let error = handle(
        &client,
        event("lookup"),
        &Settings::default(),
        Some(Duration::from_millis(200)),
        Utc::now(),
    )
    .await
    .expect_err("deadline from Lambda's remaining time");
    assert!(error.to_string().contains("200 ms"), "{error}");
}

#[tokio::test]
async fn the_deadline_covers_signing_in() {
    let (emulator, client) = start().await;
    emulator.control().inject_fault(Fault {
        kind: FaultKind::Latency(Duration::from_millis(1500)),
        schedule: FaultSchedule::Always,
        path_contains: Some("/oauth2/token".into()),
        method: None,
    });
    let settings = Settings::from_lookup(&|name: &str| {
        (name == "SF_INVOKE_DEADLINE_MS").then(|| "300".to_string())
    })
    .expect("settings");
    let error = handle(&client, event("lookup"), &settings, None, Utc::now())
        .await
        .expect_err("deadline");
    assert_eq!(error.error_name(), "DeadlineExceeded");
}

#[tokio::test]
async fn one_salesforce_call_per_warm_invocation() {
    let (emulator, client) = start().await;
    invoke_ok(&client, event("lookup")).await;
    emulator.control().clear_requests();
    for name in ["lookup", "phoneLookup", "query", "searchOneSOSL", "update"] {
        invoke_ok(&client, event(name)).await;
    }
    let requests = emulator.control().requests();
    assert_eq!(requests.len(), 5, "{requests:?}");
    assert_eq!(client.logins(), 1, "the token was not reused");
}

#[tokio::test]
async fn result_over_connects_limit_is_an_error_not_a_truncation() {
    let (_emulator, client) = start().await;
    let long = "x".repeat(2000);
    for i in 0..20 {
        let fields =
            json!({ "LastName": format!("Bulk{i}"), "Description": long, "Title": "bulk" });
        client
            .create("Contact", fields.as_object().expect("object"))
            .await
            .expect("bulk contact");
    }
    let error = invoke(
        &client,
        event_with(&[
            ("sf_operation", "lookup_all"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id, Description"),
            ("Title", "bulk"),
        ]),
    )
    .await
    .expect_err("too large");
    assert_eq!(error.error_name(), "ResultTooLarge");
    assert!(error.to_string().contains("32768") || error.to_string().contains("limit"));
}
