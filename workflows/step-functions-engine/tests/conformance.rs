//! Runs the ASL conformance corpus (executions recorded against AWS Step Functions).
//!
//! The corpus directory comes from `ASL_CONFORMANCE_DIR` (the test script sets it to
//! `../shared/asl-conformance`). Comparison rules are those of the corpus README: status,
//! output, error and cause, the top-level state sequence (inputs, outputs, assigned
//! variables), with placeholders.
//!
//! The accounting is exact: every case must pass unless it is listed by name in
//! [`ACCEPTED_DIFFERENCES`], a listed case that now passes is a failure (the list cannot go
//! stale), and the number of cases run must be [`EXPECTED_CASE_COUNT`].
//!
//! Without the corpus (variable unset or empty, folder missing, no cases) the test fails when
//! `CI=true`; elsewhere it prints a banner saying it did NOT run and returns.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use step_functions_engine::{
    Engine, EventType, ExecutionOptions, ExecutionResult, ExecutionStatus, StateMachine,
    VirtualClock,
};

/// Number of cases in the public split of the corpus (`public` in its `build-report.json`).
/// The test fails if it runs any other number, so a partially copied corpus cannot pass.
/// Change it only together with a deliberate update of the corpus.
const EXPECTED_CASE_COUNT: usize = 523;

/// Cases known to differ from AWS, by case `id`, each with a one-line reason. Any other
/// failing case fails the test, and so does a case listed here that now passes (remove it).
/// Empty: all 523 public cases pass.
const ACCEPTED_DIFFERENCES: &[(&str, &str)] = &[];

/// `CI=true` (case-insensitive), as CI runs the tests.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// The corpus is not available: a failure in CI, a loud banner elsewhere.
fn corpus_unavailable(reason: &str) {
    if in_ci() {
        panic!(
            "ASL conformance corpus not available and CI=true: {reason}. \
             Set ASL_CONFORMANCE_DIR to the corpus folder (e.g. ../shared/asl-conformance, \
             which must contain cases/*.json); in CI a missing corpus is a failure, not a skip."
        );
    }
    let line = "!".repeat(78);
    eprintln!(
        "\n{line}\n!! ASL CONFORMANCE TEST DID NOT RUN: {reason}\n!! 0 cases were checked; this pass means nothing.\n!! Set ASL_CONFORMANCE_DIR to the corpus folder (e.g. ../shared/asl-conformance).\n!! (With CI=true this is a failure.)\n{line}\n"
    );
}

/// Matches a string with placeholder tokens: each token matches a non-empty substring.
fn match_tokens(expected: &str, actual: &str, tokens: &[String]) -> bool {
    // Split the expected string into literal and token parts.
    #[derive(Debug)]
    enum Part<'a> {
        Lit(&'a str),
        Any,
    }
    let mut parts = Vec::new();
    let mut rest = expected;
    'outer: while !rest.is_empty() {
        let mut best: Option<(usize, &String)> = None;
        for token in tokens {
            if let Some(at) = rest.find(token.as_str())
                && best.is_none_or(|(b, t)| at < b || (at == b && token.len() > t.len()))
            {
                best = Some((at, token));
            }
        }
        match best {
            Some((at, token)) => {
                if at > 0 {
                    parts.push(Part::Lit(&rest[..at]));
                }
                parts.push(Part::Any);
                rest = &rest[at + token.len()..];
            }
            None => {
                parts.push(Part::Lit(rest));
                break 'outer;
            }
        }
    }
    fn go(parts: &[Part<'_>], actual: &str) -> bool {
        match parts.first() {
            None => actual.is_empty(),
            Some(Part::Lit(lit)) => actual
                .strip_prefix(lit)
                .is_some_and(|rest| go(&parts[1..], rest)),
            Some(Part::Any) => {
                let boundaries: Vec<usize> = actual
                    .char_indices()
                    .map(|(i, _)| i)
                    .skip(1)
                    .chain(std::iter::once(actual.len()))
                    .collect();
                if actual.is_empty() {
                    return false;
                }
                boundaries
                    .into_iter()
                    .any(|i| go(&parts[1..], &actual[i..]))
            }
        }
    }
    go(&parts, actual)
}

fn compare(expected: &Value, actual: &Value, tokens: &[String], at: &str) -> Result<(), String> {
    if let Value::String(s) = expected {
        if tokens.iter().any(|t| t == s) {
            return Ok(());
        }
        if let Value::String(a) = actual
            && (a == s || (!tokens.is_empty() && match_tokens(s, a, tokens)))
        {
            return Ok(());
        }
        return Err(format!("{at}: expected {expected}, got {actual}"));
    }
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            if e.as_f64() == a.as_f64() {
                Ok(())
            } else {
                Err(format!("{at}: expected {e}, got {a}"))
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                return Err(format!(
                    "{at}: expected an array of {} items, got {}: {actual}",
                    e.len(),
                    a.len()
                ));
            }
            for (i, (x, y)) in e.iter().zip(a).enumerate() {
                compare(x, y, tokens, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Object(e), Value::Object(a)) => {
            for key in e.keys() {
                if !a.contains_key(key) {
                    return Err(format!("{at}: missing key '{key}' in {actual}"));
                }
            }
            for key in a.keys() {
                if !e.contains_key(key) {
                    return Err(format!("{at}: unexpected key '{key}' in {actual}"));
                }
            }
            for (key, value) in e {
                compare(value, &a[key], tokens, &format!("{at}.{key}"))?;
            }
            Ok(())
        }
        _ if expected == actual => Ok(()),
        _ => Err(format!("{at}: expected {expected}, got {actual}")),
    }
}

fn compare_opt_str(
    expected: &Value,
    actual: Option<&str>,
    tokens: &[String],
    at: &str,
) -> Result<(), String> {
    match (expected, actual) {
        (Value::Null, None) => Ok(()),
        (Value::Null, Some(a)) => Err(format!("{at}: expected null, got {a:?}")),
        (e, None) => Err(format!("{at}: expected {e}, got null")),
        (e, Some(a)) => compare(e, &Value::String(a.to_string()), tokens, at),
    }
}

struct StateRecord {
    name: String,
    type_name: String,
    input: Option<Value>,
    output: Option<Value>,
    assigned: Option<Value>,
}

/// The top-level states entered, from the history.
fn top_level_states(result: &ExecutionResult) -> Vec<StateRecord> {
    let mut depth = 0usize;
    let mut states: Vec<StateRecord> = Vec::new();
    for event in &result.history {
        let ty = event.event_type;
        match ty {
            EventType::ParallelStateStarted | EventType::MapStateStarted => depth += 1,
            EventType::ParallelStateSucceeded
            | EventType::ParallelStateFailed
            | EventType::MapStateSucceeded
            | EventType::MapStateFailed => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth != 0 {
            continue;
        }
        let type_text = format!("{ty:?}");
        if ty.is_state_entered() {
            states.push(StateRecord {
                name: event.details.name.clone().unwrap_or_default(),
                type_name: type_text.trim_end_matches("StateEntered").to_string(),
                input: event.details.input.clone(),
                output: None,
                assigned: None,
            });
        } else if ty.is_state_exited()
            && let Some(last) = states.last_mut()
        {
            last.output = event.details.output.clone();
            last.assigned = event.details.assigned_variables.clone().map(Value::Object);
        }
    }
    states
}

async fn run_case(case: &Value) -> Result<(), String> {
    let tokens: Vec<String> = case
        .get("placeholders")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let machine = StateMachine::from_json(&case["definition"])
        .map_err(|e| format!("definition rejected: {e}"))?;
    let engine = Engine::builder()
        .clock(Arc::new(VirtualClock::new()))
        .build();
    let result = engine
        .run(
            &machine,
            case["input"].clone(),
            ExecutionOptions {
                name: Some("conformance-execution".to_string()),
                state_machine_name: Some("ConformanceMachine".to_string()),
                ..ExecutionOptions::default()
            },
        )
        .await
        .map_err(|e| format!("engine rejected the definition: {e}"))?;
    let expected = &case["expected"];
    let status = match result.status {
        ExecutionStatus::Succeeded => "SUCCEEDED",
        ExecutionStatus::Failed => "FAILED",
        ExecutionStatus::TimedOut => "TIMED_OUT",
        ExecutionStatus::Aborted => "ABORTED",
    };
    if expected["status"].as_str() != Some(status) {
        return Err(format!(
            "status: expected {}, got {status} (error {:?}, cause {:?}, output {:?})",
            expected["status"], result.error, result.cause, result.output
        ));
    }
    if status == "SUCCEEDED" {
        compare(
            &expected["output"],
            result.output.as_ref().unwrap_or(&Value::Null),
            &tokens,
            "output",
        )?;
    } else {
        compare_opt_str(
            &expected["error"],
            result.error.as_deref(),
            &tokens,
            "error",
        )?;
        compare_opt_str(
            &expected["cause"],
            result.cause.as_deref(),
            &tokens,
            "cause",
        )?;
    }
    let expected_states = case["states"].as_array().cloned().unwrap_or_default();
    if !expected_states.is_empty() {
        let actual = top_level_states(&result);
        let names = |v: &[StateRecord]| v.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        let expected_names: Vec<String> = expected_states
            .iter()
            .map(|s| s["name"].as_str().unwrap_or_default().to_string())
            .collect();
        if expected_states.len() != actual.len() {
            return Err(format!(
                "states: expected {expected_names:?}, got {:?}",
                names(&actual)
            ));
        }
        for (i, (e, a)) in expected_states.iter().zip(&actual).enumerate() {
            let at = format!("states[{i}] '{}'", a.name);
            if e["name"].as_str() != Some(a.name.as_str())
                || e["type"].as_str() != Some(a.type_name.as_str())
            {
                return Err(format!(
                    "{at}: expected {} {}, got {} {}",
                    e["type"], e["name"], a.type_name, a.name
                ));
            }
            for (field, actual_value) in [
                ("input", &a.input),
                ("output", &a.output),
                ("assignedVariables", &a.assigned),
            ] {
                if let Some(expected_value) = e.get(field) {
                    match actual_value {
                        Some(v) => compare(expected_value, v, &tokens, &format!("{at}.{field}"))?,
                        None => {
                            return Err(format!(
                                "{at}.{field}: expected {expected_value}, got none"
                            ));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn report_path() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent()
        .map(|p| p.join("asl-conformance-report.txt"))
        .unwrap_or_else(|| tmp.join("asl-conformance-report.txt"))
}

#[tokio::test]
async fn asl_conformance_corpus() {
    let dir = match std::env::var_os("ASL_CONFORMANCE_DIR") {
        Some(dir) if !dir.is_empty() => dir,
        Some(_) => return corpus_unavailable("ASL_CONFORMANCE_DIR is set but empty"),
        None => return corpus_unavailable("ASL_CONFORMANCE_DIR is not set"),
    };
    let cases_dir = Path::new(&dir).join("cases");
    let entries = match std::fs::read_dir(&cases_dir) {
        Ok(entries) => entries,
        Err(e) => {
            return corpus_unavailable(&format!(
                "ASL_CONFORMANCE_DIR={}: {} cannot be read ({e})",
                Path::new(&dir).display(),
                cases_dir.display()
            ));
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return corpus_unavailable(&format!(
            "ASL_CONFORMANCE_DIR={}: no *.json cases in {}",
            Path::new(&dir).display(),
            cases_dir.display()
        ));
    }
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut passing: BTreeSet<String> = BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let case: Value = match serde_json::from_str(&text) {
            Ok(case) => case,
            Err(e) => {
                failures.push((file.display().to_string(), format!("unreadable case: {e}")));
                continue;
            }
        };
        let id = match case["id"].as_str() {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => file.display().to_string(),
        };
        let outcome = tokio::time::timeout(std::time::Duration::from_secs(20), run_case(&case))
            .await
            .unwrap_or_else(|_| Err("timed out after 20 s of real time".to_string()));
        match outcome {
            Ok(()) => {
                passing.insert(id);
            }
            Err(reason) => failures.push((id, reason)),
        }
    }
    let total = files.len();
    let passed = total - failures.len();
    let accepted: BTreeSet<&str> = ACCEPTED_DIFFERENCES.iter().map(|(id, _)| *id).collect();
    let unexpected: Vec<&(String, String)> = failures
        .iter()
        .filter(|(id, _)| !accepted.contains(id.as_str()))
        .collect();
    let failing_ids: BTreeSet<&str> = failures.iter().map(|(id, _)| id.as_str()).collect();
    // Listed but no longer failing: now passing, or no such case in the corpus.
    let stale: Vec<(&str, &str)> = ACCEPTED_DIFFERENCES
        .iter()
        .filter(|(id, _)| !failing_ids.contains(id))
        .map(|(id, why)| (*id, *why))
        .collect();

    let mut report = String::new();
    let _ = writeln!(
        report,
        "ASL conformance: {passed}/{total} cases pass (expected {EXPECTED_CASE_COUNT} cases; \
         {} accepted differences listed)",
        ACCEPTED_DIFFERENCES.len()
    );
    for (id, reason) in &failures {
        let tag = if accepted.contains(id.as_str()) {
            "ACCEPTED"
        } else {
            "FAIL"
        };
        let _ = writeln!(report, "{tag} {id}\n     {reason}");
    }
    for (id, why) in &stale {
        let state = if passing.contains(*id) {
            "now passes"
        } else {
            "is not in the corpus"
        };
        let _ = writeln!(
            report,
            "STALE {id}\n     listed in ACCEPTED_DIFFERENCES ({why}) but {state}: remove it"
        );
    }
    eprintln!("{report}");
    let path = report_path();
    if let Err(e) = std::fs::write(&path, &report) {
        eprintln!("could not write {}: {e}", path.display());
    } else {
        eprintln!("report written to {}", path.display());
    }

    let mut problems = Vec::new();
    if total != EXPECTED_CASE_COUNT {
        problems.push(format!(
            "ran {total} cases from {}, expected EXPECTED_CASE_COUNT = {EXPECTED_CASE_COUNT} \
             (partial or changed corpus?)",
            cases_dir.display()
        ));
    }
    if !unexpected.is_empty() {
        let mut text = format!(
            "{} case(s) fail that are not in ACCEPTED_DIFFERENCES:",
            unexpected.len()
        );
        for (id, reason) in &unexpected {
            let _ = write!(text, "\n  {id}\n      {reason}");
        }
        problems.push(text);
    }
    if !stale.is_empty() {
        let mut text = format!(
            "{} case(s) in ACCEPTED_DIFFERENCES no longer fail (remove them):",
            stale.len()
        );
        for (id, _) in &stale {
            let state = if passing.contains(*id) {
                "now passes"
            } else {
                "not in the corpus"
            };
            let _ = write!(text, "\n  {id} ({state})");
        }
        problems.push(text);
    }
    assert!(
        problems.is_empty(),
        "ASL conformance: {passed}/{total} pass\n{}",
        problems.join("\n")
    );
}
