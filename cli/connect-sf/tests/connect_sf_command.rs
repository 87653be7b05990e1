//! The `connect-sf` command as users run it: the real binary, the shipped events, a fresh
//! embedded org each time.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::Duration,
};

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn events_dir() -> PathBuf {
    repo_root().join("activities/sf-invoke-api/events")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("connect-sf-command");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}

fn connect_sf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connect-sf"))
        .args(args)
        // The embedded org, whatever the developer's shell has set.
        .env_remove("SF_HOST")
        .env_remove("SF_INVOKE_DEADLINE_MS")
        .env_remove("RUST_LOG")
        .output()
        .expect("run connect-sf")
}

fn connect_sf_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connect-sf"))
        .args(args)
        .env_remove("SF_HOST")
        .env_remove("SF_INVOKE_DEADLINE_MS")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .output()
        .expect("run connect-sf")
}

fn faults_file(name: &str, faults: &Value) -> PathBuf {
    let path = scratch(&format!("faults-{name}.json"));
    std::fs::write(&path, faults.to_string()).expect("write faults");
    path
}

fn stdout_json(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn invoke_works_for_every_shipped_event() {
    let mut events: Vec<PathBuf> = std::fs::read_dir(events_dir())
        .expect("events directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    events.sort();
    assert!(events.len() >= 14, "one event per operation: {events:?}");
    for event in events {
        let output = connect_sf(&[
            "invoke",
            "sf-invoke-api",
            "--event",
            event.to_str().expect("path"),
        ]);
        assert!(
            output.status.success(),
            "{}: {}",
            event.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let result = stdout_json(&output);
        let map = result.as_object().expect("a JSON object");
        assert!(!map.is_empty(), "{}: empty result", event.display());
        assert!(
            map.values().all(Value::is_string),
            "{}: Connect accepts only string values: {result}",
            event.display()
        );
    }
}

#[test]
fn every_operation_has_a_shipped_event() {
    let names: Vec<String> = std::fs::read_dir(events_dir())
        .expect("events directory")
        .filter_map(|entry| {
            let text = std::fs::read_to_string(entry.expect("entry").path()).ok()?;
            let event: Value = serde_json::from_str(&text).ok()?;
            event["Details"]["Parameters"]["sf_operation"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    for operation in [
        "lookup",
        "lookup_all",
        "create",
        "update",
        "delete",
        "phoneLookup",
        "query",
        "queryOne",
        "search",
        "searchOne",
        "searchSOSL",
        "searchOneSOSL",
        "createChatterPost",
        "createChatterComment",
    ] {
        assert!(
            names.iter().any(|name| name == operation),
            "no event for {operation}"
        );
    }
}

#[test]
fn the_install_guide_sequence_chains_through_dump_and_seed() {
    let events = events_dir();
    let after_create = scratch("after-create.json");
    let after_update = scratch("after-update.json");

    let contact = stdout_json(&connect_sf(&[
        "invoke",
        "sf-invoke-api",
        "--event",
        events
            .join("event-phoneLookup.json")
            .to_str()
            .expect("path"),
    ]));
    let contact_id = contact["Id"].as_str().expect("contact Id").to_string();

    let created = connect_sf(&[
        "invoke",
        "sf-invoke-api",
        "--event",
        events.join("event-create.json").to_str().expect("path"),
        "--param",
        &format!("ContactId={contact_id}"),
        "--salesforce-dump",
        after_create.to_str().expect("path"),
    ]);
    assert!(created.status.success(), "{created:?}");
    let case_id = stdout_json(&created)["Id"]
        .as_str()
        .expect("case Id")
        .to_string();

    let updated = connect_sf(&[
        "invoke",
        "sf-invoke-api",
        "--event",
        events.join("event-update.json").to_str().expect("path"),
        "--param",
        &format!("sf_id={case_id}"),
        "--seed",
        after_create.to_str().expect("path"),
        "--salesforce-dump",
        after_update.to_str().expect("path"),
    ]);
    assert!(updated.status.success(), "{updated:?}");
    assert_eq!(stdout_json(&updated), serde_json::json!({"Status": "204"}));

    let org: Value =
        serde_json::from_str(&std::fs::read_to_string(&after_update).expect("dump")).expect("json");
    let case = org["Case"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|case| case["Id"] == case_id.as_str())
        .expect("the created case survives the dump/seed round trip");
    assert_eq!(case["Status"], "Closed");
    assert_eq!(case["Subject"], "Amazon Connect Case");
    assert_eq!(case["ContactId"], contact_id.as_str());
}

#[test]
fn a_failing_invocation_prints_the_typed_error_on_stderr_and_exits_non_zero() {
    let event = events_dir().join("event-lookup.json");
    let output = connect_sf(&[
        "invoke",
        "sf-invoke-api",
        "--event",
        event.to_str().expect("path"),
        "--param",
        "sf_operation=lookupp",
    ]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // One line says which org answered; the rest is the error, as JSON.
    let (notice, body) = stderr.split_once('\n').unwrap_or_default();
    assert!(
        notice.starts_with("connect-sf: the embedded demo org answers"),
        "{stderr}"
    );
    let error: Value = serde_json::from_str(body)
        .unwrap_or_else(|e| panic!("stderr after the notice is not JSON ({e}): {stderr}"));
    assert_eq!(error["errorType"], "UnknownOperation");
    assert!(
        error["errorMessage"]
            .as_str()
            .expect("message")
            .contains("lookupp")
    );
}

#[test]
fn a_missing_or_invalid_event_file_is_reported_clearly() {
    let missing = connect_sf(&["invoke", "sf-invoke-api", "--event", "no-such-event.json"]);
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("no-such-event.json"), "{stderr}");

    let invalid = scratch("invalid-event.json");
    std::fs::write(&invalid, "{ not json").expect("write");
    let output = connect_sf(&[
        "invoke",
        "sf-invoke-api",
        "--event",
        invalid.to_str().expect("path"),
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not valid JSON"), "{stderr}");
}

#[test]
fn sandbox_serves_the_demo_org_until_stopped() {
    let port = free_port();
    let mut sandbox = Command::new(env!("CARGO_BIN_EXE_connect-sf"))
        .args(["sandbox", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sandbox");
    let url = format!("http://127.0.0.1:{port}/__emulator/records");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let records = runtime.block_on(async {
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if let Ok(response) = http.get(&url).send().await {
                return response.json::<Value>().await.ok();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    });
    sandbox.kill().expect("stop sandbox");
    let _ = sandbox.wait();
    let records = records.expect("the sandbox answered");
    assert!(
        records["Contact"]
            .as_array()
            .is_some_and(|contacts| contacts.iter().any(|c| c["LastName"] == "Whitfield")),
        "{records}"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

#[test]
fn credentials_without_a_real_org_are_refused_instead_of_answered_by_the_demo_org() {
    let event = events_dir().join("event-lookup.json");
    let credentials = std::env::temp_dir().join(format!("creds-{}.json", std::process::id()));
    std::fs::write(&credentials, r#"{"Password": "x"}"#).expect("write");
    let output = connect_sf(&[
        "invoke",
        "sf-invoke-api",
        "--event",
        event.to_str().expect("path"),
        "--credentials",
        credentials.to_str().expect("path"),
    ]);
    let _ = std::fs::remove_file(&credentials);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("set SF_HOST"), "{stderr}");
}

/// Every shipped event at `RUST_LOG=debug`: the logs say what happened, without any phone
/// number or e-mail address the event carries, and without a colour code (stderr is not a
/// terminal here).
#[test]
fn debug_logs_of_every_shipped_event_carry_no_phone_number_or_email_address() {
    let mut checked = 0;
    for entry in std::fs::read_dir(events_dir()).expect("events") {
        let path = entry.expect("entry").path();
        let event: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("event")).expect("JSON");
        let mut personal = Vec::new();
        personal_values(&event, &mut personal);
        let output = Command::new(env!("CARGO_BIN_EXE_connect-sf"))
            .args([
                "invoke",
                "sf-invoke-api",
                "--event",
                path.to_str().expect("path"),
            ])
            .env_remove("SF_HOST")
            .env("RUST_LOG", "debug")
            .output()
            .expect("run connect-sf");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("sfInvokeAPI"),
            "{}: no log line: {stderr}",
            path.display()
        );
        assert!(
            !stderr.contains('\u{1b}'),
            "{}: colour codes: {stderr}",
            path.display()
        );
        for value in &personal {
            assert!(
                !stderr.contains(value.as_str()),
                "{}: {value} in the logs: {stderr}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 18, "only {checked} events");
}

/// What in an event is personal: e-mail addresses, and phone numbers (seven or more digits
/// and no letters), each as the tail a log line could show (last seven digits).
fn personal_values(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains('@') && text.contains('.') => found.push(text.clone()),
        Value::String(text) if !text.chars().any(char::is_alphabetic) => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 7 && !text.contains(':') {
                found.push(digits[digits.len() - 7..].to_string());
            }
        }
        Value::Array(items) => items.iter().for_each(|item| personal_values(item, found)),
        Value::Object(map) => map.values().for_each(|item| personal_values(item, found)),
        _ => {}
    }
}

#[test]
fn invoke_with_an_expired_session_fault_signs_in_again_and_answers() {
    let faults = faults_file(
        "expired",
        &serde_json::json!([{"kind": "expired_session", "path_contains": "/data/"}]),
    );
    let output = connect_sf(&[
        "invoke",
        "sf-invoke-api",
        "--event",
        events_dir()
            .join("event-phoneLookup.json")
            .to_str()
            .expect("path"),
        "--salesforce-faults",
        faults.to_str().expect("path"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout_json(&output)["Id"].is_string());
    assert!(
        stderr.contains("applied to 1 request(s): 1 × expired_session"),
        "{stderr}"
    );
}

#[test]
fn invoke_under_a_salesforce_outage_prints_the_typed_error() {
    let faults = faults_file(
        "outage",
        &serde_json::json!([{"kind": {"server_error": 503}, "schedule": "always", "path_contains": "/data/"}]),
    );
    let output = connect_sf(&[
        "invoke",
        "sf-invoke-api",
        "--event",
        events_dir()
            .join("event-phoneLookup.json")
            .to_str()
            .expect("path"),
        "--salesforce-faults",
        faults.to_str().expect("path"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("\"errorType\": \"Salesforce.Transient\"")
            && stderr.contains("× server_error 503"),
        "{stderr}"
    );
}

#[test]
fn invoke_refuses_a_bad_faults_file_and_faults_for_a_real_org() {
    let event = events_dir().join("event-phoneLookup.json");
    let event = event.to_str().expect("path");
    let zero = faults_file(
        "zero",
        &serde_json::json!([{"kind": "expired_session", "schedule": {"every_nth": 0}}]),
    );
    for activity in ["sf-invoke-api", "ctr-trigger"] {
        let output = connect_sf(&[
            "invoke",
            activity,
            "--event",
            event,
            "--salesforce-faults",
            zero.to_str().expect("path"),
        ]);
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&zero.display().to_string())
                && stderr.contains("fault 1: schedule every_nth must be at least 1"),
            "{activity}: {stderr}"
        );
    }

    let faults = faults_file("real-org", &serde_json::json!([]));
    let output = connect_sf_env(
        &[
            "invoke",
            "sf-invoke-api",
            "--event",
            event,
            "--salesforce-faults",
            faults.to_str().expect("path"),
        ],
        &[("SF_HOST", "https://example.my.salesforce.com")],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("applies to the embedded org only"),
        "{stderr}"
    );
}
