//! Fault injection, the control endpoints, the dump file and the demo seed.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use reqwest::Method;
use salesforce_emulator::{EmulatorConfig, Fault, FaultKind, FaultSchedule, demo};
use serde_json::{Value, json};
use support::{demo_config, demo_org, error_code, json_of};

async fn limits_status(org: &support::TestOrg) -> u16 {
    org.get("/limits").await.status().as_u16()
}

#[tokio::test]
async fn server_error_faults_should_use_salesforce_error_codes() {
    let org = demo_org().await;
    org.control
        .inject_fault(Fault::once(FaultKind::ServerError(503)));
    let (status, body) = org.get_json("/limits").await;
    assert_eq!(status, 503);
    assert_eq!(error_code(&body), "SERVER_UNAVAILABLE");
    org.control
        .inject_fault(Fault::once(FaultKind::ServerError(500)));
    let (status, body) = org.get_json("/limits").await;
    assert_eq!(status, 500);
    assert_eq!(error_code(&body), "UNKNOWN_EXCEPTION");
    assert_eq!(limits_status(&org).await, 200, "Once faults are spent");
}

#[tokio::test]
async fn limit_and_session_faults_should_hit_one_request_only() {
    let org = demo_org().await;
    org.control
        .inject_fault(Fault::once(FaultKind::RequestLimitExceeded));
    let (status, body) = org.get_json("/limits").await;
    assert_eq!(
        (status, error_code(&body).to_owned()),
        (403, "REQUEST_LIMIT_EXCEEDED".to_owned())
    );
    org.control
        .inject_fault(Fault::once(FaultKind::ExpiredSession));
    let (status, body) = org.get_json("/limits").await;
    assert_eq!(
        (status, error_code(&body).to_owned()),
        (401, "INVALID_SESSION_ID".to_owned())
    );
    assert_eq!(
        limits_status(&org).await,
        200,
        "the session itself is still open"
    );
}

#[tokio::test]
async fn latency_faults_should_delay_then_serve_normally() {
    let org = demo_org().await;
    org.control
        .inject_fault(Fault::once(FaultKind::Latency(Duration::from_millis(150))));
    let started = Instant::now();
    assert_eq!(limits_status(&org).await, 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
    let logged = org.control.requests();
    assert_eq!(
        logged.last().unwrap().fault.as_deref(),
        Some("latency 150ms")
    );
}

#[tokio::test]
async fn schedules_should_pick_the_right_requests() {
    let org = demo_org().await;
    org.control.inject_fault(
        Fault::once(FaultKind::ServerError(503)).with_schedule(FaultSchedule::Times(2)),
    );
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(limits_status(&org).await);
    }
    assert_eq!(statuses, [503, 503, 200]);

    org.control.inject_fault(
        Fault::once(FaultKind::ServerError(502)).with_schedule(FaultSchedule::EveryNth(2)),
    );
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(limits_status(&org).await);
    }
    assert_eq!(statuses, [200, 502, 200, 502]);
    org.control.clear_faults();

    org.control.inject_fault(
        Fault::once(FaultKind::ServerError(500)).with_schedule(FaultSchedule::Always),
    );
    assert_eq!(limits_status(&org).await, 500);
    assert_eq!(limits_status(&org).await, 500);
    org.control.clear_faults();
    assert_eq!(limits_status(&org).await, 200);
}

#[tokio::test]
async fn faults_should_match_only_their_path_and_method() {
    let org = demo_org().await;
    org.control.inject_fault(
        Fault::once(FaultKind::ServerError(503))
            .with_schedule(FaultSchedule::Always)
            .on_path("/query")
            .on_method("GET"),
    );
    assert_eq!(limits_status(&org).await, 200);
    let (status, _) = org.query("SELECT Id FROM Account").await;
    assert_eq!(status, 503);
    let (status, _) = org
        .send_json(Method::POST, "/sobjects/Account", json!({ "Name": "Fine" }))
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn faults_should_reach_the_token_endpoint_too() {
    let org = demo_org().await;
    org.control
        .inject_fault(Fault::once(FaultKind::ServerError(503)).on_path("/oauth2/token"));
    let response = org
        .http
        .post(format!("{}/services/oauth2/token", org.base))
        .form(&support::password_params())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    support::password_token(&org.http, &org.base).await;
    assert_eq!(
        org.control.tokens_issued(),
        2,
        "one at start, one after the fault"
    );
}

#[tokio::test]
async fn the_request_log_should_hold_every_non_control_request_in_order() {
    let org = demo_org().await;
    org.control.clear_requests();
    org.control
        .inject_fault(Fault::once(FaultKind::ExpiredSession));
    org.get("/limits").await;
    org.query("SELECT Id FROM Case").await;
    org.http
        .get(format!("{}/__emulator/health", org.base))
        .send()
        .await
        .unwrap();
    let logged = org.control.requests();
    assert_eq!(logged.len(), 2);
    assert_eq!(
        (
            logged[0].method.as_str(),
            logged[0].path.as_str(),
            logged[0].status
        ),
        ("GET", "/services/data/v60.0/limits", 401)
    );
    assert_eq!(logged[0].fault.as_deref(), Some("expired_session"));
    assert_eq!(logged[1].path, "/services/data/v60.0/query");
    assert_eq!(logged[1].query.as_deref(), Some("q=SELECT+Id+FROM+Case"));
    assert_eq!(logged[1].fault, None);
}

#[tokio::test]
async fn control_endpoints_should_steer_the_emulator_over_http() {
    let org = demo_org().await;
    let control = |path: &str| format!("{}/__emulator{path}", org.base);

    let (status, health) = json_of(org.http.get(control("/health")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(health["status"], "ok");

    let (status, _) = json_of(
        org.http
            .post(control("/records"))
            .json(
                &json!({ "Account": [{ "Id": "0015e00000QbT7vAAF", "Name": "Loaded Over HTTP" }] }),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    let (_, dump) = json_of(org.http.get(control("/records")).send().await.unwrap()).await;
    assert!(dump.to_string().contains("Loaded Over HTTP"));

    let fault = json!({ "kind": { "server_error": 503 }, "schedule": "always", "path_contains": "/limits" });
    assert_eq!(
        org.http
            .post(control("/faults"))
            .json(&fault)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(limits_status(&org).await, 503);
    assert_eq!(
        org.http
            .delete(control("/faults"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(limits_status(&org).await, 200);

    let (_, requests) = json_of(org.http.get(control("/requests")).send().await.unwrap()).await;
    let paths: Vec<&str> = requests
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.iter().all(|path| !path.starts_with("/__emulator")),
        "{paths:?}"
    );

    assert_eq!(
        org.http
            .post(control("/expire-sessions"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(limits_status(&org).await, 401);
    assert_eq!(
        org.control.api_usage().0,
        1,
        "faulted, refused and control calls are not counted"
    );
}

#[tokio::test]
async fn the_dump_file_should_follow_every_write_and_shutdown() {
    let path = std::env::temp_dir().join(format!(
        "sf-emulator-dump-{}-{}.json",
        std::process::id(),
        rand_suffix()
    ));
    let org = support::org_with(EmulatorConfig {
        dump_file: Some(path.clone()),
        ..demo_config()
    })
    .await;
    let (status, created) = org
        .send_json(
            Method::POST,
            "/sobjects/Account",
            json!({ "Name": "Dumped Ltd" }),
        )
        .await;
    assert_eq!(status, 201);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(
        written
            .to_string()
            .contains(created["id"].as_str().unwrap())
    );

    std::fs::remove_file(&path).unwrap();
    org.emulator.shutdown().await;
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert!(written.to_string().contains("Dumped Ltd"));
    std::fs::remove_file(&path).unwrap();
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// Every Salesforce id the shared flow-event fixtures mention, with the object it belongs to.
const FIXTURE_IDS: [(&str, &str); 7] = [
    ("Contact", "0035e00000Xk9QmAAJ"),
    ("Account", "0015e00000QbT4rAAF"),
    ("Case", "5005e00001Hn2WQAAZ"),
    ("Task", "00T5e00000Ux3LdEAJ"),
    ("FeedItem", "0D55e00008ZfR7cCAF"),
    ("User", "0055e000007xKp2AAE"),
    ("Lead", "00Q5e00000Lz4PnEAJ"),
];

#[tokio::test]
async fn the_demo_seed_should_hold_every_record_the_fixtures_refer_to() {
    let org = demo_org().await;
    for (object, id) in FIXTURE_IDS {
        let (status, record) = org.get_json(&format!("/sobjects/{object}/{id}")).await;
        assert_eq!(status, 200, "{object} {id}: {record}");
    }
    let (_, case) = org.get_json("/sobjects/Case/5005e00001Hn2WQAAZ").await;
    assert_eq!(
        (
            case["CaseNumber"].as_str(),
            case["Status"].as_str(),
            case["Origin"].as_str()
        ),
        (Some("00001847"), Some("New"), Some("Phone"))
    );
    assert_eq!(case["ContactId"], "0035e00000Xk9QmAAJ");
    let (_, account) = org.get_json("/sobjects/Account/0015e00000QbT4rAAF").await;
    assert!(
        account["AccountNumber"]
            .as_str()
            .unwrap()
            .contains("4719208")
    );
    assert_eq!(account["Type"], "Customer - Direct");
    let (_, agent) = org.get_json("/sobjects/User/0055e000007xKp2AAE").await;
    assert_eq!(agent["Name"], "Priya Raman");
}

/// Ids named in the fixture events (when the shared folder is present) must all be seeded.
#[tokio::test]
async fn every_id_in_the_shared_flow_events_should_exist_in_the_seed() {
    let folder = support::shared_dir().join("fixtures/connect");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        panic!("shared fixtures not found at {}", folder.display());
    };
    let seed = demo::seed_data().to_string();
    let mut checked = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("flow-event-") {
            continue;
        }
        let event: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for value in event["Details"]["Parameters"].as_object().unwrap().values() {
            let value = value.as_str().unwrap_or_default();
            if looks_like_salesforce_id(value) {
                assert!(
                    seed.contains(value),
                    "{name}: {value} is not in the demo seed"
                );
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 8,
        "only {checked} ids found in {}",
        folder.display()
    );
}

fn looks_like_salesforce_id(value: &str) -> bool {
    value.len() == 18
        && value.chars().all(|c| c.is_ascii_alphanumeric())
        && value.chars().any(|c| c.is_ascii_digit())
        && value.starts_with(|c: char| c.is_ascii_digit())
}
