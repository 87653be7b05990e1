//! `--salesforce-faults FILE`: the Salesforce emulator's fault objects (see the emulator's
//! README, "Faults"), read and checked before anything starts, injected into the embedded org,
//! and summarised afterwards from the org's request log.

use std::path::{Path, PathBuf};

use salesforce_emulator::{EmulatorControl, Fault, FaultKind, FaultSchedule};
use serde_json::Value;

/// The keys a fault object has; anything else is a typo that would silently widen the fault.
const FAULT_KEYS: [&str; 4] = ["kind", "schedule", "path_contains", "method"];

/// The methods the Salesforce client sends; a fault on any other never fires.
const METHODS: [&str; 6] = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"];

/// The faults of one file, in the file's order (the emulator applies the first one due).
#[derive(Debug, Clone)]
pub struct SalesforceFaults {
    pub file: PathBuf,
    pub faults: Vec<Fault>,
}

/// Why a faults file cannot be used; always names the file.
#[derive(Debug, thiserror::Error)]
#[error("Salesforce faults file {}: {problem}", file.display())]
pub struct FaultsFileError {
    pub file: PathBuf,
    pub problem: FaultsProblem,
}

#[derive(Debug, thiserror::Error)]
pub enum FaultsProblem {
    #[error("cannot read it: {0}")]
    Unreadable(std::io::Error),
    #[error("not valid JSON: {0}")]
    NotJson(serde_json::Error),
    #[error(
        "expected a JSON list of fault objects (e.g. [{{\"kind\": {{\"server_error\": 503}}, \"schedule\": {{\"every_nth\": 7}}}}]), found {found}"
    )]
    NotAList { found: &'static str },
    #[error("fault {number}: {problem}")]
    Fault { number: usize, problem: String },
}

impl SalesforceFaults {
    pub fn read(file: &Path) -> Result<Self, FaultsFileError> {
        let error = |problem| FaultsFileError {
            file: file.to_path_buf(),
            problem,
        };
        let text =
            std::fs::read_to_string(file).map_err(|e| error(FaultsProblem::Unreadable(e)))?;
        let value: Value =
            serde_json::from_str(&text).map_err(|e| error(FaultsProblem::NotJson(e)))?;
        let faults = parse_faults(&value).map_err(error)?;
        Ok(Self {
            file: file.to_path_buf(),
            faults,
        })
    }

    /// Reads `file` when the option was given.
    pub fn read_option(file: Option<&Path>) -> Result<Option<Self>, FaultsFileError> {
        file.map(Self::read).transpose()
    }

    pub fn inject(&self, control: &EmulatorControl) {
        for fault in &self.faults {
            control.inject_fault(fault.clone());
        }
    }
}

/// The faults of a file's JSON: a list of fault objects, each checked so a typo is an error
/// instead of a fault that never fires (or fires everywhere).
pub fn parse_faults(value: &Value) -> Result<Vec<Fault>, FaultsProblem> {
    let Value::Array(items) = value else {
        return Err(FaultsProblem::NotAList {
            found: match value {
                Value::Object(_) => "an object (wrap a single fault in [ ])",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                Value::Null => "null",
                Value::Array(_) => "a list",
            },
        });
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            parse_fault(item).map_err(|problem| FaultsProblem::Fault {
                number: index + 1,
                problem,
            })
        })
        .collect()
}

fn parse_fault(item: &Value) -> Result<Fault, String> {
    let Value::Object(fields) = item else {
        return Err(format!(
            "expected an object like {{\"kind\": \"expired_session\"}}, found {item}"
        ));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|key| !FAULT_KEYS.contains(&key.as_str()))
    {
        return Err(format!(
            "unknown key \"{unknown}\" (a fault has {})",
            FAULT_KEYS.join(", ")
        ));
    }
    if !fields.contains_key("kind") {
        return Err(
            "no \"kind\" (e.g. {\"server_error\": 503}, {\"latency\": 6000} or \"expired_session\"; see the emulator README, \"Faults\")"
                .to_string(),
        );
    }
    let fault: Fault = serde_json::from_value(item.clone()).map_err(|error| error.to_string())?;
    match fault.kind {
        FaultKind::ServerError(status) if !(500..=599).contains(&status) => {
            return Err(format!(
                "server_error status {status} is not a 5xx status (e.g. 500, 503)"
            ));
        }
        _ => {}
    }
    match fault.schedule {
        FaultSchedule::Times(0) => {
            return Err("schedule times must be at least 1 (0 never fires)".to_string());
        }
        FaultSchedule::EveryNth(0) => {
            return Err("schedule every_nth must be at least 1 (0 never fires)".to_string());
        }
        _ => {}
    }
    if let Some(method) = &fault.method
        && !METHODS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(method))
    {
        return Err(format!(
            "method \"{method}\" is not one the Salesforce client sends ({})",
            METHODS.join(", ")
        ));
    }
    Ok(fault)
}

/// What the faults did (one line): how many requests each kind was applied to, counting the
/// requests a client gave up on during a latency fault, which the request log never sees.
pub fn summary(faults: &SalesforceFaults, control: &EmulatorControl) -> String {
    let answered = control.requests().len();
    let applied = control.faults_applied();
    if applied.is_empty() {
        return format!(
            "Salesforce faults ({}): none of the {} fault(s) matched any of the {answered} request(s) answered",
            faults.file.display(),
            faults.faults.len(),
        );
    }
    let total: u64 = applied.iter().map(|(_, count)| count).sum();
    let applied: Vec<String> = applied
        .into_iter()
        .map(|(label, count)| format!("{count} × {label}"))
        .collect();
    format!(
        "Salesforce faults ({}): applied to {total} request(s): {} ({answered} request(s) answered)",
        faults.file.display(),
        applied.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;

    fn problem(value: Value) -> String {
        parse_faults(&value).expect_err("refused").to_string()
    }

    #[test]
    fn the_readme_examples_parse() {
        let faults = parse_faults(&json!([
            {"kind": {"server_error": 503}, "schedule": {"every_nth": 7}},
            {"kind": {"latency": 6000}, "method": "POST", "path_contains": "/sobjects/"},
            {"kind": "expired_session", "schedule": "always"},
            {"kind": "request_limit_exceeded", "schedule": {"times": 2}}
        ]))
        .expect("valid");
        assert_eq!(
            faults[0],
            Fault::once(FaultKind::ServerError(503)).with_schedule(FaultSchedule::EveryNth(7))
        );
        assert_eq!(
            faults[1],
            Fault::once(FaultKind::Latency(Duration::from_secs(6)))
                .on_method("POST")
                .on_path("/sobjects/")
        );
        assert_eq!(faults.len(), 4);
    }

    #[test]
    fn mistakes_are_named_with_the_fault_number() {
        assert!(problem(json!({"kind": "expired_session"})).contains("wrap a single fault"));
        let typo = problem(json!([{"kind": "expired_session"}, {"kind": {"server_eror": 503}}]));
        assert!(
            typo.starts_with("fault 2: ") && typo.contains("server_error"),
            "{typo}"
        );
        assert!(problem(json!([{"kind": "expired_session", "path": "/x"}])).contains("\"path\""));
        assert!(problem(json!([{"schedule": "always"}])).contains("no \"kind\""));
        assert!(problem(json!([{"kind": {"server_error": 200}}])).contains("not a 5xx"));
        assert!(
            problem(json!([{"kind": "expired_session", "schedule": {"every_nth": 0}}]))
                .contains("never fires")
        );
        assert!(problem(json!([{"kind": "expired_session", "method": "PSOT"}])).contains("PSOT"));
        assert!(problem(json!(["expired_session"])).contains("expected an object"));
    }
}
