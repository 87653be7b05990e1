//! `connect-sf run`, `validate` and `schedules` as users run them: the real binary, the
//! embedded engine on virtual time.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::{Value, json};

fn connect_sf_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connect-sf"))
        .args(args)
        .current_dir(dir)
        .env_remove("SF_HOST")
        .env_remove("RUST_LOG")
        .output()
        .expect("run connect-sf")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn connect_sf(args: &[&str]) -> Output {
    connect_sf_in(&repo_root(), args)
}

/// `connect-sf` in the repository with extra environment variables.
fn connect_sf_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connect-sf"))
        .args(args)
        .current_dir(repo_root())
        .env_remove("SF_HOST")
        .env_remove("RUST_LOG")
        .envs(env.iter().copied())
        .output()
        .expect("run connect-sf")
}

/// A `--salesforce-faults` file in the scratch area.
fn faults_file(name: &str, faults: &Value) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("workflow-commands-faults")
        .join(format!("{name}.json"));
    write_json(&path, faults);
    path
}

/// The shared fixtures beside the clone (`../shared`), or `CONNECT_SF_SHARED_DIR`.
fn shared_fixture(path: &str) -> PathBuf {
    std::env::var_os("CONNECT_SF_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
        .join("fixtures")
        .join(path)
}

fn voice_ctr() -> PathBuf {
    shared_fixture("connect/contact-trace-record-voice.json")
}

fn voice_input() -> PathBuf {
    repo_root().join("statemachines/inputs/post-call-voice.json")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("workflow-commands")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write_json(path: &Path, value: &Value) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("dir");
    }
    std::fs::write(path, serde_json::to_string_pretty(value).expect("json")).expect("write");
}

/// A minimal project: a template deploying `hello`, the definition, optional schedules.
fn scratch_project(name: &str, definition: &Value, substitutions: &str) -> PathBuf {
    let dir = scratch_dir(name);
    std::fs::write(
        dir.join("template.yaml"),
        format!(
            "Resources:\n  HelloStateMachine:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachines/hello.asl.json\n{substitutions}"
        ),
    )
    .expect("template");
    write_json(&dir.join("statemachines/hello.asl.json"), definition);
    dir
}

fn wait_then_greet() -> Value {
    json!({
        "StartAt": "Wait an hour",
        "States": {
            "Wait an hour": {"Type": "Wait", "Seconds": 3600, "Next": "Greet"},
            "Greet": {
                "Type": "Pass",
                "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.name)"},
                "End": true
            }
        }
    })
}

#[test]
fn run_prints_each_state_and_the_result_on_virtual_time() {
    let project = scratch_project("run-virtual", &wait_then_greet(), "");
    let input = project.join("input.json");
    write_json(&input, &json!({"name": "Dana"}));
    let started = std::time::Instant::now();
    let output = connect_sf_in(
        &project,
        &[
            "run",
            "hello",
            "--input",
            input.to_str().expect("path"),
            "--virtual-time",
        ],
    );
    assert!(
        started.elapsed().as_secs() < 30,
        "virtual time must not wait an hour"
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    for expected in [
        "→ Wait an hour (Wait)",
        "← Wait an hour",
        "→ Greet (Pass)",
        "SUCCEEDED",
        "Hello, Dana!",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }

    let json_output = connect_sf_in(
        &project,
        &[
            "run",
            "hello",
            "--input",
            input.to_str().expect("path"),
            "--virtual-time",
            "--json",
        ],
    );
    let result: Value = serde_json::from_slice(&json_output.stdout).expect("JSON only");
    assert_eq!(
        result,
        json!({
            "status": "SUCCEEDED",
            "output": {"greeting": "Hello, Dana!"},
            "error": null,
            "cause": null,
            // A workflow without Tasks calls nothing (and starts no local Amazon Connect).
            "salesforceApiCalls": 0,
            "connectApiCalls": 0
        })
    );
}

#[test]
fn run_exits_non_zero_unless_the_execution_succeeded() {
    let failing = json!({
        "StartAt": "Refuse",
        "States": {"Refuse": {"Type": "Fail", "Error": "Contact.Rejected", "Cause": "no consent"}}
    });
    let project = scratch_project("run-failing", &failing, "");
    let output = connect_sf_in(&project, &["run", "hello", "--virtual-time", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["status"], "FAILED");
    assert_eq!(result["error"], "Contact.Rejected");
    assert_eq!(result["cause"], "no consent");
}

#[test]
fn run_reports_missing_files_invalid_json_and_unknown_workflows_clearly() {
    let project = scratch_project("run-errors", &wait_then_greet(), "");
    let missing = connect_sf_in(&project, &["run", "statemachines/nope.asl.json"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("no such file: statemachines/nope.asl.json"));

    std::fs::write(project.join("broken.asl.json"), "{ not json").expect("write");
    let invalid = connect_sf_in(&project, &["run", "broken.asl.json"]);
    assert!(!invalid.status.success());
    assert!(text(&invalid.stderr).contains("broken.asl.json is not valid JSON"));

    let unknown = connect_sf_in(&project, &["run", "helo"]);
    assert!(!unknown.status.success());
    let stderr = text(&unknown.stderr);
    assert!(
        stderr.contains("unknown workflow 'helo'") && stderr.contains("hello"),
        "{stderr}"
    );

    let bad_input = connect_sf_in(&project, &["run", "hello", "--input", "no-input.json"]);
    assert!(text(&bad_input.stderr).contains("no-input.json"));
}

#[test]
fn run_reproduces_recorded_conformance_cases() {
    // Without the corpus: a failure when CI=true, a loud "did NOT run" banner elsewhere.
    fn corpus_unavailable(reason: &str) {
        if std::env::var("CI").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true")) {
            panic!(
                "ASL conformance corpus not available and CI=true: {reason}. \
                 Set ASL_CONFORMANCE_DIR to the corpus folder (e.g. ../shared/asl-conformance, \
                 which must contain cases/*.json); in CI a missing corpus is a failure, not a skip."
            );
        }
        eprintln!(
            "\n!!! {reason}: `connect-sf run` was NOT checked against the ASL conformance corpus \
             (scripts/test sets ASL_CONFORMANCE_DIR; with CI=true this is a failure)\n"
        );
    }
    let corpus = match std::env::var_os("ASL_CONFORMANCE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        Some(_) => return corpus_unavailable("ASL_CONFORMANCE_DIR is set but empty"),
        None => return corpus_unavailable("ASL_CONFORMANCE_DIR is not set"),
    };
    let cases_dir = corpus.join("cases");
    let entries = match std::fs::read_dir(&cases_dir) {
        Ok(entries) => entries,
        Err(e) => {
            return corpus_unavailable(&format!(
                "ASL_CONFORMANCE_DIR={}: {} cannot be read ({e})",
                corpus.display(),
                cases_dir.display()
            ));
        }
    };
    let mut cases: Vec<PathBuf> = entries
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|x| x == "json"))
        .collect();
    cases.sort();
    if cases.is_empty() {
        return corpus_unavailable(&format!(
            "ASL_CONFORMANCE_DIR={}: no *.json cases in {}",
            corpus.display(),
            cases_dir.display()
        ));
    }
    let scratch = scratch_dir("conformance");
    let mut checked = 0;
    // Cases without placeholders compare exactly; every 8th keeps the test quick.
    for case_path in cases.iter().step_by(8) {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(case_path).expect("case")).expect("json");
        if case.get("placeholders").is_some() || case["kind"] != "execution" {
            continue;
        }
        let definition = scratch.join("definition.asl.json");
        let input = scratch.join("input.json");
        write_json(&definition, &case["definition"]);
        write_json(&input, &case["input"]);
        let output = connect_sf(&[
            "run",
            definition.to_str().expect("path"),
            "--input",
            input.to_str().expect("path"),
            "--virtual-time",
            "--json",
        ]);
        let result: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("{}: {}", case_path.display(), text(&output.stderr)));
        let expected = &case["expected"];
        assert_eq!(
            result["status"],
            expected["status"],
            "{}",
            case_path.display()
        );
        assert_eq!(
            output.status.success(),
            expected["status"] == "SUCCEEDED",
            "exit code of {}",
            case_path.display()
        );
        if expected["status"] == "SUCCEEDED" {
            assert!(
                numbers_equal(&result["output"], &expected["output"]),
                "{}: {} vs {}",
                case_path.display(),
                result["output"],
                expected["output"]
            );
        } else {
            assert_eq!(
                result["error"],
                expected["error"],
                "{}",
                case_path.display()
            );
            assert_eq!(
                result["cause"],
                expected["cause"],
                "{}",
                case_path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} cases checked");
}

/// JSON equality with numbers compared by value (`1 == 1.0`), as the corpus specifies.
fn numbers_equal(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| numbers_equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| numbers_equal(x, y)))
        }
        _ => actual == expected,
    }
}

#[test]
fn validate_accepts_the_repository() {
    let output = connect_sf(&["validate"]);
    assert!(
        output.status.success(),
        "{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

#[test]
fn validate_reports_placeholders_and_substitutions_that_do_not_match() {
    let definition = json!({
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": "${LookupFunctionArn}", "End": true}}
    });
    let project = scratch_project(
        "validate-mismatch",
        &definition,
        "      DefinitionSubstitutions:\n        UnusedBucket: my-bucket\n",
    );
    write_json(
        &project.join("statemachines/orphan.asl.json"),
        &json!({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
    );
    write_json(
        &project.join("statemachines/broken.asl.json"),
        &json!({"StartAt": "Nowhere", "States": {"Done": {"Type": "Succeed"}}}),
    );
    let output = connect_sf_in(&project, &["validate"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    for expected in [
        "uses ${LookupFunctionArn} but HelloStateMachine's DefinitionSubstitutions do not define it",
        "substitutes UnusedBucket, which statemachines/hello.asl.json never uses",
        "statemachines/orphan.asl.json: no state machine in template.yaml deploys it",
        "statemachines/broken.asl.json",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn schedules_once_starts_each_enabled_schedule_with_its_input() {
    let project = scratch_project("schedules", &wait_then_greet(), "");
    write_json(
        &project.join("schedules/greet-every-minute.json"),
        &json!({
            "Name": "greet-every-minute",
            "ScheduleExpression": "rate(1 minute)",
            "Target": {"StateMachine": "hello", "Input": {"name": "scheduler"}}
        }),
    );
    write_json(
        &project.join("schedules/paused.json"),
        &json!({
            "Name": "paused",
            "ScheduleExpression": "cron(0 6 ? * MON-FRI *)",
            "State": "DISABLED",
            "Target": {"StateMachine": "hello"}
        }),
    );
    let output = connect_sf_in(&project, &["schedules", "--once", "--virtual-time"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains("paused is DISABLED"), "{stdout}");
    assert!(
        stdout.contains("greet-every-minute (every 60 s) → hello"),
        "{stdout}"
    );
    assert!(stdout.contains("Hello, scheduler!"), "{stdout}");
}

#[test]
fn schedules_with_an_invalid_expression_name_the_file_and_the_rule() {
    let project = scratch_project("schedules-invalid", &wait_then_greet(), "");
    write_json(
        &project.join("schedules/bad.json"),
        &json!({
            "Name": "bad",
            "ScheduleExpression": "cron(0 6 * * MON *)",
            "Target": {"StateMachine": "hello"}
        }),
    );
    let output = connect_sf_in(&project, &["schedules", "--once", "--virtual-time"]);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("bad.json") && stderr.contains("must be '?'"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("must be '?'").count(),
        1,
        "said twice: {stderr}"
    );

    write_json(
        &project.join("schedules/bad.json"),
        &json!({
            "Name": "bad",
            "ScheduleExpression": "rate(1 minutes)",
            "Target": {"StateMachine": "hello"}
        }),
    );
    let output = connect_sf_in(&project, &["schedules", "--once", "--virtual-time"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    // The file, the expression and the rule, once each.
    assert!(
        stderr.trim_end().ends_with(
            "bad.json: 'rate(1 minutes)': write '1 minute' (singular for 1, plural otherwise)"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.matches("rate(1 minutes)").count(), 1, "{stderr}");
}

#[test]
fn schedules_once_exits_non_zero_when_an_execution_failed() {
    let failing = json!({
        "StartAt": "Refuse",
        "States": {"Refuse": {"Type": "Fail", "Error": "Sync.Refused", "Cause": "no instance"}}
    });
    let project = scratch_project("schedules-failing", &failing, "");
    write_json(
        &project.join("schedules/every-minute.json"),
        &json!({
            "Name": "every-minute",
            "ScheduleExpression": "rate(1 minute)",
            "Target": {"StateMachine": "hello"}
        }),
    );
    let output = connect_sf_in(&project, &["schedules", "--once", "--virtual-time"]);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(
        stdout.contains("every-minute (every 60 s) → hello") && stdout.contains("Sync.Refused"),
        "{stdout}"
    );
}

#[test]
fn demo_runs_the_shipped_ctrs_through_the_post_call_workflow_and_prints_the_records() {
    let output = connect_sf(&["demo", "--speed", "1000"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    for expected in [
        "Contact 8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08: SUCCEEDED",
        "StartTranscription → WaitForTranscription → CheckTranscription",
        "amazonconnect__AC_ContactTraceRecord__c",
        "amazonconnect__AC_ContactChannelAnalytics__c",
        "Name=CustomerTranscripts.json",
        "Name=AgentTranscripts.json",
        "Contact c41a9e07-5b2d-4f63-8e19-0a7d2b6c3f51: SUCCEEDED",
        "trigger response: {\"batchItemFailures\":[]}",
        // What the two contacts cost the org (requests it counted against its allowance).
        "API calls: Salesforce 12, Amazon Connect 0",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
}

#[test]
fn invoke_ctr_trigger_prints_the_batch_response_and_each_execution() {
    let event = repo_root().join("activities/ctr-trigger/events/kinesis-ctr-event.json");
    let output = connect_sf(&[
        "invoke",
        "ctr-trigger",
        "--event",
        event.to_str().expect("path"),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["response"], json!({"batchItemFailures": []}));
    let executions = result["executions"].as_array().expect("executions");
    assert_eq!(executions.len(), 2);
    assert!(
        executions.iter().all(|e| e["status"] == "SUCCEEDED"),
        "{result}"
    );
    assert_eq!(
        executions[0]["name"],
        "contact-8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08-20240305T142304Z"
    );
}

#[test]
fn run_post_call_runs_one_contact_on_virtual_time() {
    let input = repo_root().join("statemachines/inputs/post-call-voice.json");
    let output = connect_sf(&[
        "run",
        "post-call",
        "--input",
        input.to_str().expect("path"),
        "--virtual-time",
        "--transcribe-polls",
        "3",
        "--json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["status"], "SUCCEEDED");
    assert_eq!(
        result["output"]["results"]["recording"]["transcription"]["polls"],
        3
    );
}

#[test]
fn run_rehearses_a_salesforce_outage_that_the_workflow_retries_through() {
    let faults = faults_file(
        "two-failed-creates",
        &json!([{"kind": {"server_error": 503}, "schedule": {"times": 2}, "method": "POST", "path_contains": "/sobjects/"}]),
    );
    let output = connect_sf(&[
        "run",
        "post-call",
        "--input",
        voice_input().to_str().expect("path"),
        "--virtual-time",
        "--salesforce-faults",
        faults.to_str().expect("path"),
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    for expected in [
        "✗ task failed: Salesforce.Transient",
        "SERVER_UNAVAILABLE",
        "SUCCEEDED",
        "applied to 2 request(s): 2 × server_error 503",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(
        text(&output.stderr).contains("1 Salesforce fault(s) from"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn run_fails_when_the_salesforce_outage_outlasts_the_retries() {
    let faults = faults_file(
        "outage",
        &json!([{"kind": {"server_error": 503}, "schedule": "always", "method": "POST", "path_contains": "/sobjects/"}]),
    );
    let output = connect_sf(&[
        "run",
        "post-call",
        "--input",
        voice_input().to_str().expect("path"),
        "--virtual-time",
        "--json",
        "--salesforce-faults",
        faults.to_str().expect("path"),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON only on stdout");
    assert_eq!(result["status"], "FAILED");
    assert!(result["error"].is_string(), "{result}");
    let stderr = text(&output.stderr);
    assert!(stderr.contains("× server_error 503"), "{stderr}");
}

#[test]
fn run_rehearses_a_latency_spike_against_the_functions_request_timeout() {
    // The CTR upsert answers after 1.5 s; with the function's SF_REQUEST_TIMEOUT_MS at 500 the
    // client gives up first and tries again (an upsert is safe to repeat).
    let faults = faults_file(
        "latency",
        &json!([{"kind": {"latency": 1500}, "method": "PATCH", "path_contains": "/amazonconnect__ContactId__c/"}]),
    );
    let output = connect_sf_env(
        &[
            "run",
            "post-call",
            "--input",
            voice_input().to_str().expect("path"),
            "--virtual-time",
            "--salesforce-faults",
            faults.to_str().expect("path"),
        ],
        &[("SF_REQUEST_TIMEOUT_MS", "500"), ("RUST_LOG", "warn")],
    );
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("transient Salesforce failure; retrying") && stderr.contains("TIMEOUT"),
        "{stderr}"
    );
    // The abandoned request never reached the request log; the summary still counts it.
    assert!(
        stdout.contains("applied to 1 request(s): 1 × latency 1500ms"),
        "{stdout}"
    );
}

#[test]
fn demo_rehearses_an_expired_session() {
    let faults = faults_file(
        "expired-session",
        &json!([{"kind": "expired_session", "path_contains": "/data/"}]),
    );
    let output = connect_sf(&[
        "demo",
        "--speed",
        "1000",
        "--salesforce-faults",
        faults.to_str().expect("path"),
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(
        stdout.contains("Contact 8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08: SUCCEEDED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("applied to 1 request(s): 1 × expired_session"),
        "{stdout}"
    );
}

#[test]
fn a_bad_faults_file_is_refused_naming_the_file_and_the_problem_before_anything_runs() {
    let not_json = faults_file("not-json", &json!(null));
    std::fs::write(&not_json, "[{ not json").expect("write");
    let cases = [
        (
            faults_file("typo", &json!([{"kind": {"server_eror": 503}}])),
            "fault 1: unknown variant `server_eror`",
        ),
        (
            faults_file("single", &json!({"kind": "expired_session"})),
            "expected a JSON list of fault objects",
        ),
        (
            faults_file(
                "wrong-key",
                &json!([{"kind": "expired_session"}, {"kind": "expired_session", "path": "/query"}]),
            ),
            "fault 2: unknown key \"path\"",
        ),
        (not_json, "not valid JSON"),
        (PathBuf::from("no-such-faults.json"), "cannot read it"),
    ];
    for (file, problem) in &cases {
        for command in [
            vec!["run", "post-call", "--virtual-time"],
            vec!["demo", "--speed", "1000"],
        ] {
            let mut args = command.clone();
            args.extend(["--salesforce-faults", file.to_str().expect("path")]);
            let output = connect_sf(&args);
            let stderr = text(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains(&format!("Salesforce faults file {}", file.display()))
                    && stderr.contains(problem),
                "{args:?}: want {problem:?} in {stderr}"
            );
            assert!(
                !stderr.contains("embedded demo org answers"),
                "nothing starts: {stderr}"
            );
            assert!(output.stdout.is_empty(), "{args:?}");
        }
    }
}

#[test]
fn salesforce_faults_are_refused_when_a_real_org_answers() {
    let faults = faults_file("real-org", &json!([{"kind": "expired_session"}]));
    let output = connect_sf_env(
        &[
            "run",
            "post-call",
            "--virtual-time",
            "--salesforce-faults",
            faults.to_str().expect("path"),
        ],
        &[("SF_HOST", "https://example.my.salesforce.com")],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("applies to the embedded org only") && stderr.contains("unset SF_HOST"),
        "{stderr}"
    );
}

#[test]
fn run_post_call_ctr_starts_the_contact_as_ctr_trigger_does() {
    let ctr = voice_ctr();
    let output = connect_sf(&[
        "run",
        "post-call",
        "--ctr",
        ctr.to_str().expect("path"),
        "--virtual-time",
        "--json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["status"], "SUCCEEDED", "{result}");
    // The name ctr-trigger gives the shipped Kinesis event's voice record.
    let name = "contact-8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08-20240305T142304Z";
    assert_eq!(result["name"], name);
    let input = &result["input"];
    let mut keys: Vec<&str> = input
        .as_object()
        .expect("input object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["ctr", "executionName", "switches"]);
    assert_eq!(input["executionName"], name);
    assert_eq!(
        input["ctr"]["ContactId"],
        "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08"
    );
    // The local defaults for what a laptop has no stack for.
    assert_eq!(
        input["switches"]["connectRecordingS3BucketName"],
        "amazon-connect-recordings"
    );
    assert_eq!(input["switches"]["postcallTranscribeEnabled"], true);
    assert_eq!(
        result["output"]["results"]["recording"]["transcript"]["attachmentsCreated"],
        json!(["CustomerTranscripts.json", "AgentTranscripts.json"])
    );

    // Same execution as the trigger started for the same record.
    let kinesis = repo_root().join("activities/ctr-trigger/events/kinesis-ctr-event.json");
    let trigger = connect_sf(&[
        "invoke",
        "ctr-trigger",
        "--event",
        kinesis.to_str().expect("path"),
    ]);
    let trigger: Value = serde_json::from_slice(&trigger.stdout).expect("JSON");
    assert_eq!(trigger["executions"][0]["name"], name);
    assert_eq!(
        trigger["executions"][0]["output"]["plan"],
        result["output"]["plan"]
    );
}

#[test]
fn run_post_call_ctr_takes_the_package_switches_from_the_environment() {
    let ctr = voice_ctr();
    let args = [
        "run",
        "post-call",
        "--ctr",
        ctr.to_str().expect("path"),
        "--virtual-time",
        "--json",
    ];
    let output = connect_sf_env(
        &args,
        &[
            ("POSTCALL_CTR_IMPORT_ENABLED", "False"),
            ("TRANSCRIPTION_JOB_CHECK_WAIT_TIME", "7"),
            ("TRANSCRIBE_OUTPUT_S3_BUCKET", "rehearsal-transcripts"),
        ],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let switches = &result["input"]["switches"];
    assert_eq!(switches["postcallCTRImportEnabled"], false);
    assert_eq!(switches["transcriptionJobCheckWaitTime"], 7);
    assert_eq!(
        switches["transcribeOutputS3BucketName"],
        "rehearsal-transcripts"
    );
    let output_json = &result["output"];
    assert_eq!(output_json["plan"]["ctrImport"], false);
    assert_eq!(
        output_json["results"]["ctrImport"],
        json!({"skipped": "CTR import"})
    );
    assert_eq!(
        output_json["results"]["recording"]["transcription"]["waitSeconds"],
        7
    );

    let invalid = connect_sf_env(&args, &[("POSTCALL_TRANSCRIBE_ENABLED", "maybe")]);
    assert_eq!(invalid.status.code(), Some(2));
    let stderr = text(&invalid.stderr);
    assert!(
        stderr.contains("POSTCALL_TRANSCRIBE_ENABLED") && stderr.contains("maybe"),
        "{stderr}"
    );
    assert!(invalid.stdout.is_empty());
}

#[test]
fn run_help_lists_the_package_switches_with_their_values_here() {
    let output = connect_sf_env(
        &["run", "--help"],
        &[("TRANSCRIPTION_JOB_CHECK_WAIT_TIME", "7")],
    );
    assert!(output.status.success());
    let help = text(&output.stdout);
    assert!(help.contains("--ctr <FILE>"), "{help}");
    for variable in [
        "POSTCALL_CTR_IMPORT_ENABLED",
        "POSTCALL_RECORDING_IMPORT_ENABLED",
        "POSTCALL_TRANSCRIBE_ENABLED",
        "SF_ADAPTER_NAMESPACE",
        "CONNECT_RECORDING_S3_BUCKET",
        "TRANSCRIBE_OUTPUT_S3_BUCKET",
        "AWS_REGION",
    ] {
        assert!(help.contains(variable), "{variable} missing:\n{help}");
    }
    assert!(
        help.lines()
            .any(|line| line.contains("TRANSCRIPTION_JOB_CHECK_WAIT_TIME") && line.ends_with("= 7")),
        "{help}"
    );
}

#[test]
fn run_ctr_refuses_what_is_not_a_ctr_or_not_post_call() {
    let kinesis = repo_root().join("activities/ctr-trigger/events/kinesis-ctr-event.json");
    let output = connect_sf(&[
        "run",
        "post-call",
        "--ctr",
        kinesis.to_str().expect("path"),
        "--virtual-time",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("kinesis-ctr-event.json is not a contact trace record")
            && stderr.contains("no ContactId")
            && stderr.contains("connect-sf invoke ctr-trigger --event"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("embedded demo org answers"),
        "nothing starts: {stderr}"
    );

    let missing = connect_sf(&["run", "post-call", "--ctr", "no-such-ctr.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("cannot read the contact trace record no-such-ctr.json"),
        "{}",
        text(&missing.stderr)
    );

    let with_input = connect_sf(&[
        "run",
        "post-call",
        "--ctr",
        voice_ctr().to_str().expect("path"),
        "--input",
        voice_input().to_str().expect("path"),
    ]);
    assert!(!with_input.status.success());
    assert!(
        text(&with_input.stderr).contains("cannot be used with"),
        "{}",
        text(&with_input.stderr)
    );

    let project = scratch_project("ctr-not-post-call", &wait_then_greet(), "");
    let other = connect_sf_in(
        &project,
        &["run", "hello", "--ctr", voice_ctr().to_str().expect("path")],
    );
    assert_eq!(other.status.code(), Some(2));
    assert!(
        text(&other.stderr)
            .contains("--ctr starts the post-call workflow as ctr-trigger does, not hello"),
        "{}",
        text(&other.stderr)
    );
}

#[test]
fn invoke_ctr_trigger_refuses_what_is_not_a_kinesis_event_instead_of_starting_nothing() {
    let scratch = scratch_dir("not-kinesis");
    let empty_object = scratch.join("empty.json");
    write_json(&empty_object, &json!({}));
    let no_records = scratch.join("no-records.json");
    write_json(&no_records, &json!({"Records": []}));
    let contact_flow = repo_root().join("activities/sf-invoke-api/events/event-phoneLookup.json");
    let s3 = shared_fixture("s3/event-contact-lens.json");
    let no_sequence = scratch.join("no-sequence.json");
    write_json(
        &no_sequence,
        &json!({"Records": [{"kinesis": {"data": "e30="}}]}),
    );
    for (event, problem) in [
        (&empty_object, "it has no \"Records\" (its keys: none)"),
        (
            &no_records,
            "\"Records\" is empty, so the trigger would start nothing",
        ),
        (
            &contact_flow,
            "it looks like a contact-flow event: use `connect-sf invoke sf-invoke-api`",
        ),
        (
            &voice_ctr(),
            "it looks like a contact trace record: use `connect-sf run post-call --ctr FILE`",
        ),
        (
            &s3,
            "record 1 has no \"kinesis\" object (its eventSource is aws:s3)",
        ),
        (
            &no_sequence,
            "record 1 has no kinesis.sequenceNumber string",
        ),
    ] {
        let output = connect_sf(&[
            "invoke",
            "ctr-trigger",
            "--event",
            event.to_str().expect("path"),
        ]);
        let stderr = text(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}: {stderr}",
            event.display()
        );
        assert!(
            output.stdout.is_empty(),
            "{}: no empty success",
            event.display()
        );
        assert!(
            stderr.contains(&format!("{} is not a Kinesis event: ", event.display()))
                && stderr.contains(problem)
                && stderr.contains("expected a Kinesis stream event {\"Records\": [{\"kinesis\""),
            "{}: {stderr}",
            event.display()
        );
    }

    let demo = connect_sf(&["demo", "--event", empty_object.to_str().expect("path")]);
    assert_eq!(demo.status.code(), Some(2));
    assert!(text(&demo.stderr).contains("is not a Kinesis event"));
}

#[test]
fn invoke_ctr_trigger_fails_when_a_record_is_skipped() {
    let event = scratch_dir("skipped-record").join("kinesis.json");
    write_json(
        &event,
        &json!({"Records": [{"kinesis": {"data": "%%% not base64", "sequenceNumber": "7"}}]}),
    );
    let output = connect_sf(&[
        "invoke",
        "ctr-trigger",
        "--event",
        event.to_str().expect("path"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["response"], json!({"batchItemFailures": []}));
    assert_eq!(result["skipped"][0]["sequenceNumber"], "7");
    assert_eq!(result["executions"], json!([]));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("record 7 skipped: the record data is not base64"),
        "{stderr}"
    );
}

#[test]
fn run_traces_what_each_state_changed_and_lists_the_salesforce_records_written() {
    let scratch = scratch_dir("trace");
    let dump = scratch.join("org.json");
    let output = connect_sf(&[
        "run",
        "post-call",
        "--ctr",
        voice_ctr().to_str().expect("path"),
        "--virtual-time",
        "--salesforce-dump",
        dump.to_str().expect("path"),
    ]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    for expected in [
        "ctr-trigger: contact 8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08 with switches {",
        "→ PlanContact (Task)\n",
        "← PlanContact  +plan {\"contactId\":\"8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08\"",
        "← ShouldImportCtr  (no change)",
        "← ImportCtr  = {\"recordId\":",
        "← ImportRecording  +recording {\"ccaId\":",
        "← CheckTranscription  ~transcription.polls 1",
        "← ProcessContact  +results {",
        "Salesforce records written (4 created, 0 updated):",
        "  created amazonconnect__AC_ContactTraceRecord__c a0",
        "amazonconnect__Channel__c=VOICE, amazonconnect__QueueName__c=Billing",
        "  created amazonconnect__AC_ContactChannelAnalytics__c a0",
        "  created Attachment 00P",
        "Name=CustomerTranscripts.json",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    // The CTR itself is never copied into the trace, state after state.
    assert!(
        !stdout.contains("AWSContactTraceRecordFormatVersion"),
        "{stdout}"
    );
    for line in stdout
        .lines()
        .filter(|line| line.contains(" → ") || line.contains(" ← "))
    {
        assert!(line.chars().count() <= 160, "too long: {line}");
    }

    // Connect publishes an updated CTR for the same contact: the second run updates.
    let mut ctr: Value =
        serde_json::from_str(&std::fs::read_to_string(voice_ctr()).expect("CTR")).expect("JSON");
    ctr["LastUpdateTimestamp"] = json!("2024-03-05T15:02:11Z");
    ctr["Queue"]["Name"] = json!("Billing Escalations");
    let updated_ctr = scratch.join("ctr-updated.json");
    write_json(&updated_ctr, &ctr);
    let again = connect_sf(&[
        "run",
        "post-call",
        "--ctr",
        updated_ctr.to_str().expect("path"),
        "--virtual-time",
        "--seed",
        dump.to_str().expect("path"),
    ]);
    let stdout = text(&again.stdout);
    assert!(again.status.success(), "{stdout}{}", text(&again.stderr));
    assert!(
        stdout.contains("Salesforce records written (0 created, ")
            && stdout.contains("  updated amazonconnect__AC_ContactTraceRecord__c a0")
            && stdout.contains("amazonconnect__QueueName__c=Billing Escalations"),
        "{stdout}"
    );
}

#[test]
fn run_says_when_nothing_was_written_to_salesforce() {
    let project = scratch_project("trace-nothing-written", &wait_then_greet(), "");
    let input = project.join("input.json");
    write_json(&input, &json!({"name": "Dana"}));
    let output = connect_sf_in(
        &project,
        &[
            "run",
            "hello",
            "--input",
            input.to_str().expect("path"),
            "--virtual-time",
        ],
    );
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("← Wait an hour  (no change)"), "{stdout}");
    assert!(
        stdout.contains("← Greet  = {\"greeting\":\"Hello, Dana!\"}"),
        "{stdout}"
    );
    assert!(stdout.contains("Salesforce: nothing written"), "{stdout}");
}

#[test]
fn run_post_call_ctr_over_the_execution_input_limit_is_passed_by_reference_and_completes() {
    let mut ctr: Value =
        serde_json::from_str(&std::fs::read_to_string(voice_ctr()).expect("CTR")).expect("JSON");
    // 270 KB of attribute: the inline execution input would pass Step Functions' 256 KiB.
    ctr["Attributes"]["notes"] = json!("€".repeat(90_000));
    let file =
        std::env::temp_dir().join(format!("connect-sf-large-ctr-{}.json", std::process::id()));
    std::fs::write(&file, ctr.to_string()).expect("write the CTR");
    let output = connect_sf(&[
        "run",
        "post-call",
        "--ctr",
        file.to_str().expect("path"),
        "--virtual-time",
        "--json",
    ]);
    let _ = std::fs::remove_file(&file);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let result: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["status"], "SUCCEEDED", "{result}");
    assert!(
        result["input"]["ctrReference"]["key"]
            .as_str()
            .is_some_and(|key| key.starts_with("ctr-inputs/")),
        "{}",
        result["input"]
    );
    assert!(result["input"].get("ctr").is_none());
    assert_eq!(
        result["output"]["results"]["recording"]["transcript"]["attachmentsCreated"],
        json!(["CustomerTranscripts.json", "AgentTranscripts.json"])
    );
}
