//! sfInvokeAPI for every channel and every caller, through the real handler and client against
//! the emulator: chat, task and e-mail contacts, parameters as they arrive, wildcards only where
//! the flow asks for them, and lookups that read no more than they can answer with.

use crate::sf_invoke_api::{FlowResult, event, invoke, start};
use activity_contract::NamedError;
use chrono::Utc;
use contact_flow::{InvocationError, InvocationSettings, InvokeOptions, handle_invocation};
use salesforce_client::{Record, SalesforceClient};
use serde_json::{Value, json};

/// [`invoke`] with the deployment's settings.
async fn invoke_with(
    client: &SalesforceClient,
    event: Value,
    settings: &InvocationSettings,
) -> Result<FlowResult, InvocationError> {
    handle_invocation(client, event, settings, None, Utc::now()).await
}

/// A lookup of `Account` by `AccountNumber`, as an account-number check does.
fn account_lookup(value: Value) -> Value {
    let mut event = event("lookup-chat");
    event["Details"]["Parameters"] = json!({
        "sf_operation": "lookup",
        "sf_object": "Account",
        "sf_fields": "Id, Name",
        "AccountNumber": value,
    });
    event
}

#[tokio::test]
async fn chat_and_task_contacts_with_null_endpoints_are_served() {
    let (_emulator, client) = start().await;
    let chat = invoke(&client, event("lookup-chat"))
        .await
        .expect("chat lookup");
    assert_eq!(chat.get("CaseNumber").map(String::as_str), Some("00001847"));
    assert_eq!(chat.get("sf_count").map(String::as_str), Some("1"));

    let task = invoke(&client, event("queryOne-task"))
        .await
        .expect("task queryOne");
    assert_eq!(task.get("Name").map(String::as_str), Some("Dana Whitfield"));
}

#[tokio::test]
async fn an_email_contact_and_unknown_new_fields_are_served() {
    let (_emulator, client) = start().await;
    let mut email = event("lookup-chat");
    let contact = &mut email["Details"]["ContactData"];
    contact["Channel"] = json!("EMAIL");
    contact["CustomerEndpoint"] =
        json!({"Address": "dana.whitfield@example.net", "Type": "EMAIL_ADDRESS"});
    contact["SystemEndpoint"] = json!({"Address": "support@example.com", "Type": "EMAIL_ADDRESS"});
    contact["SegmentAttributes"] = json!({"connect:Subtype": {"ValueString": "connect:Email"}});
    contact["AdditionalEmailRecipients"] = json!({"ToList": [], "CcList": []});
    contact["ANewFieldConnectAddsNextYear"] = json!({"nested": [1, 2, 3]});
    email["Details"]["ContactData"]
        .as_object_mut()
        .expect("object")
        .remove("Queue");
    let result = invoke(&client, email).await.expect("e-mail lookup");
    assert_eq!(
        result.get("CaseNumber").map(String::as_str),
        Some("00001847")
    );
}

#[tokio::test]
async fn numbers_and_booleans_become_text_null_is_absent_and_objects_are_named() {
    let (_emulator, client) = start().await;
    // A Lambda console test event: the limit as a number, an unset attribute as null.
    let mut numbers = event("search");
    numbers["Details"]["Parameters"]["overallLimit"] = json!(10);
    numbers["Details"]["Parameters"]["unusedAttribute"] = Value::Null;
    let result = invoke(&client, numbers).await.expect("a number as text");
    assert_eq!(
        result.get("sf_count").map(String::as_str),
        Some("1"),
        "{result:?}"
    );
    // A boolean is its JSON text: no case is numbered "true", an answer, not an error.
    let mut flag = event("lookup-chat");
    flag["Details"]["Parameters"]["CaseNumber"] = json!(true);
    let result = invoke(&client, flag).await.expect("a boolean as text");
    assert_eq!(
        result.get("sf_count").map(String::as_str),
        Some("0"),
        "{result:?}"
    );

    let mut nested = event("lookup-chat");
    nested["Details"]["Parameters"]["Status"] = json!({"in": ["New"]});
    let error = invoke(&client, nested)
        .await
        .expect_err("an object parameter");
    assert_eq!(error.error_name(), "InvalidParameter");
    assert!(error.to_string().contains("Status"), "{error}");
}

#[tokio::test]
async fn a_percent_typed_by_a_caller_matches_literally_by_default() {
    let (_emulator, client) = start().await;
    let result = invoke(&client, account_lookup(json!("%")))
        .await
        .expect("lookup");
    assert_eq!(
        result.get("sf_count").map(String::as_str),
        Some("0"),
        "{result:?}"
    );
    let result = invoke(&client, account_lookup(json!("NWC-47192%")))
        .await
        .expect("lookup");
    assert_eq!(
        result.get("sf_count").map(String::as_str),
        Some("0"),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_flow_opts_fields_into_patterns_with_sf_like() {
    let (_emulator, client) = start().await;
    let mut event = account_lookup(json!("NWC-47192%"));
    event["Details"]["Parameters"]["sf_like"] = json!("AccountNumber");
    let result = invoke(&client, event).await.expect("lookup");
    assert_eq!(
        result.get("sf_count").map(String::as_str),
        Some("1"),
        "{result:?}"
    );
    assert_eq!(
        result.get("Name").map(String::as_str),
        Some("Whitfield Household")
    );
    // `_` is a wildcard too, for the fields the flow names.
    let mut event = account_lookup(json!("NWC-4719_08"));
    event["Details"]["Parameters"]["sf_like"] = json!("AccountNumber");
    let result = invoke(&client, event).await.expect("lookup");
    assert_eq!(
        result.get("Name").map(String::as_str),
        Some("Whitfield Household")
    );
}

#[tokio::test]
async fn the_legacy_setting_restores_the_old_percent_rule() {
    let (_emulator, client) = start().await;
    let settings = InvocationSettings {
        options: InvokeOptions {
            legacy_wildcards: true,
        },
        ..InvocationSettings::default()
    };
    let result = invoke_with(&client, account_lookup(json!("NWC-47192%")), &settings)
        .await
        .expect("lookup");
    assert_eq!(
        result.get("sf_count").map(String::as_str),
        Some("1"),
        "{result:?}"
    );
    let from_environment = InvocationSettings::from_lookup(&|name: &str| {
        (name == "SF_INVOKE_LEGACY_WILDCARDS").then(|| "True".to_string())
    })
    .expect("settings");
    assert!(from_environment.options.legacy_wildcards);
}

async fn seed_cases(client: &SalesforceClient, count: usize) {
    for n in 0..count {
        let mut record = Record::new();
        record.insert(
            "Subject".into(),
            json!(format!("Paging case {n:04} {}", "x".repeat(180))),
        );
        record.insert("Status".into(), json!("Escalated"));
        client.create("Case", &record).await.expect("case created");
    }
}

fn paging_lookup(operation: &str) -> Value {
    let mut event = event("lookup-chat");
    event["Details"]["Parameters"] = json!({
        "sf_operation": operation,
        "sf_object": "Case",
        "sf_fields": "Id, Subject",
        "Status": "Escalated",
    });
    event
}

#[tokio::test]
async fn lookup_reads_one_page_and_lookup_all_stops_once_the_result_cannot_fit() {
    let (emulator, client) = start().await;
    seed_cases(&client, 400).await;
    emulator.control().set_query_batch_size(50);

    emulator.control().clear_requests();
    let first = invoke(&client, paging_lookup("lookup"))
        .await
        .expect("lookup");
    assert!(
        first
            .get("Subject")
            .is_some_and(|s| s.starts_with("Paging case"))
    );
    let pages = emulator
        .control()
        .requests()
        .iter()
        .filter(|request| request.path.contains("/query"))
        .count();
    assert_eq!(pages, 1, "lookup reads one page");

    emulator.control().clear_requests();
    let error = invoke(&client, paging_lookup("lookup_all"))
        .await
        .expect_err("400 cases of 200 bytes are over 32 KB");
    assert_eq!(error.error_name(), "ResultTooLarge");
    let pages = emulator
        .control()
        .requests()
        .iter()
        .filter(|request| request.path.contains("/query"))
        .count();
    assert!(
        pages < 8,
        "lookup_all read {pages} of 8 pages after it could no longer fit"
    );
}
