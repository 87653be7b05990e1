//! Timeouts, retries with backoff for transient failures of idempotent calls only, the API
//! limit, and the Sforce-Limit-Info header.

use std::time::Duration;

use salesforce_client::{Record, SalesforceError};
use salesforce_emulator::{Fault, FaultKind, FaultSchedule};
use serde_json::json;
use test_harness::*;

const QUERY: &str = "SELECT Id FROM Contact LIMIT 1";

fn fault(kind: FaultKind, schedule: FaultSchedule, path: &str) -> Fault {
    Fault {
        kind,
        schedule,
        path_contains: Some(path.into()),
        method: None,
    }
}

fn calls_to(emulator: &salesforce_emulator::RunningEmulator, path_end: &str) -> Vec<u16> {
    emulator
        .control()
        .requests()
        .iter()
        .filter(|r| r.path.ends_with(path_end))
        .map(|r| r.status)
        .collect()
}

fn case(subject: &str) -> Record {
    json!({"Subject": subject, "Status": "New", "Origin": "Phone"})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn transient_5xx_on_a_read_is_retried_until_it_succeeds() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.control().inject_fault(fault(
        FaultKind::ServerError(503),
        FaultSchedule::Once,
        "/query",
    ));
    let records = client.query(QUERY).await.expect("query succeeds on retry");
    assert_eq!(records.len(), 1);
    assert_eq!(calls_to(&emulator, "/query"), vec![503, 200]);
}

#[tokio::test]
async fn persistent_5xx_gives_up_after_the_retry_budget_with_a_transient_error() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.control().inject_fault(fault(
        FaultKind::ServerError(500),
        FaultSchedule::Always,
        "/query",
    ));
    let error = client.query(QUERY).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    assert_eq!(
        calls_to(&emulator, "/query"),
        vec![500, 500, 500],
        "1 attempt + 2 retries"
    );
}

#[tokio::test]
async fn a_create_is_never_retried_because_it_may_have_been_applied() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.control().inject_fault(fault(
        FaultKind::ServerError(503),
        FaultSchedule::Once,
        "/sobjects/Case",
    ));
    let error = client.create("Case", &case("retry?")).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    assert_eq!(calls_to(&emulator, "/sobjects/Case"), vec![503]);
}

#[tokio::test]
async fn an_update_is_retried_because_it_is_idempotent() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.control().inject_fault(fault(
        FaultKind::ServerError(503),
        FaultSchedule::Once,
        "/sobjects/Case/5005e00001Hn2WQAAZ",
    ));
    let status = client
        .update("Case", "5005e00001Hn2WQAAZ", &case("updated"))
        .await
        .expect("update succeeds on retry");
    assert_eq!(status, 204);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let error = client
        .query("SELECT Nope__c FROM Contact")
        .await
        .unwrap_err();
    assert!(
        matches!(error, SalesforceError::InvalidField { .. }),
        "{error:?}"
    );
    assert_eq!(calls_to(&emulator, "/query"), vec![400]);
}

#[tokio::test]
async fn request_limit_exceeded_is_typed_and_not_retried() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.control().inject_fault(fault(
        FaultKind::RequestLimitExceeded,
        FaultSchedule::Once,
        "/query",
    ));
    let error = client.query(QUERY).await.unwrap_err();
    assert!(
        matches!(&error, SalesforceError::ApiLimitExceeded { error_code, .. } if error_code == "REQUEST_LIMIT_EXCEEDED"),
        "{error:?}"
    );
    assert!(error.is_retryable_later());
    assert_eq!(calls_to(&emulator, "/query"), vec![403]);
}

#[tokio::test]
async fn every_nth_request_failing_is_absorbed_by_retries() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.control().inject_fault(fault(
        FaultKind::ServerError(502),
        FaultSchedule::EveryNth(3),
        "/query",
    ));
    for _ in 0..9 {
        client.query(QUERY).await.expect("query");
    }
    let statuses = calls_to(&emulator, "/query");
    assert_eq!(
        statuses.iter().filter(|s| **s == 502).count(),
        4,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_slow_response_times_out_as_a_transient_error() {
    let emulator = start_demo_emulator().await;
    let mut config = client_config(&emulator);
    config.request_timeout = Duration::from_millis(300);
    config.retry.max_retries = 0;
    let client = client_with_secret(config, &password_secret_json());
    client.query(QUERY).await.expect("login and first query");
    emulator.control().inject_fault(fault(
        FaultKind::Latency(Duration::from_millis(1500)),
        FaultSchedule::Once,
        "/query",
    ));
    let error = client.query(QUERY).await.unwrap_err();
    assert!(
        matches!(&error, SalesforceError::Transient { error_code, .. } if error_code == "TIMEOUT"),
        "{error:?}"
    );
}

#[tokio::test]
async fn limit_info_header_is_parsed_and_tracks_usage() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    assert!(client.api_usage().is_none());
    client.query(QUERY).await.expect("query");
    let first = client.api_usage().expect("usage after one call");
    client.query(QUERY).await.expect("query");
    let second = client.api_usage().expect("usage after two calls");
    assert_eq!(second.used, first.used + 1);
    assert_eq!(second.max, emulator.control().api_usage().1);
    assert_eq!((second.used, second.max), emulator.control().api_usage());
}
