//! The bearer token: reused while valid, refreshed once on INVALID_SESSION_ID, single-flight
//! under concurrent requests, and never refreshed in a loop.

use salesforce_client::SalesforceError;
use salesforce_emulator::{Fault, FaultKind, FaultSchedule};
use test_harness::*;

const QUERY: &str = "SELECT Id FROM Contact LIMIT 1";

#[tokio::test]
async fn token_is_reused_across_calls() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    for _ in 0..5 {
        client.query(QUERY).await.expect("query");
    }
    assert_eq!(emulator.control().tokens_issued(), 1);
}

#[tokio::test]
async fn expired_session_is_refreshed_once_and_the_request_retried() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    client.query(QUERY).await.expect("first query");
    emulator.control().expire_sessions();
    emulator.control().clear_requests();

    client
        .query(QUERY)
        .await
        .expect("query after the session expired");

    assert_eq!(emulator.control().tokens_issued(), 2);
    let statuses: Vec<(String, u16)> = emulator
        .control()
        .requests()
        .iter()
        .map(|r| {
            (
                r.path.rsplit('/').next().unwrap_or_default().to_string(),
                r.status,
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("query".into(), 401),
            ("token".into(), 200),
            ("query".into(), 200)
        ],
        "one rejected call, one login, one retried call"
    );
}

#[tokio::test]
async fn concurrent_requests_share_a_single_refresh() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    client.query(QUERY).await.expect("warm-up query");
    emulator.control().expire_sessions();

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let client = client.clone();
        tasks.spawn(async move { client.query(QUERY).await });
    }
    while let Some(result) = tasks.join_next().await {
        result
            .expect("task")
            .expect("every concurrent query succeeds");
    }
    assert_eq!(
        emulator.control().tokens_issued(),
        2,
        "one login at start, one refresh"
    );
    assert_eq!(client.logins(), 2);
}

#[tokio::test]
async fn session_still_rejected_after_refresh_is_an_authentication_error() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    emulator.control().inject_fault(Fault {
        kind: FaultKind::ExpiredSession,
        schedule: FaultSchedule::Always,
        path_contains: Some("/query".into()),
        method: None,
    });
    let error = client.query(QUERY).await.unwrap_err();
    assert!(
        matches!(&error, SalesforceError::Authentication { error_code, .. } if error_code == "INVALID_SESSION_ID"),
        "{error:?}"
    );
    assert_eq!(
        emulator.control().tokens_issued(),
        2,
        "refreshed once, not in a loop"
    );
}

#[tokio::test]
async fn session_older_than_its_lifetime_is_renewed_before_use() {
    let emulator = start_demo_emulator().await;
    let mut config = client_config(&emulator);
    config.session_lifetime = std::time::Duration::from_millis(0);
    let client = client_with_secret(config, &password_secret_json());
    client.query(QUERY).await.expect("query");
    client.query(QUERY).await.expect("query");
    assert_eq!(emulator.control().tokens_issued(), 2);
    let rejected = emulator
        .control()
        .requests()
        .iter()
        .filter(|r| r.status == 401)
        .count();
    assert_eq!(rejected, 0, "a proactive renewal never sends a stale token");
}
