//! A schedule file in `schedules/`: what EventBridge Scheduler runs, and with which input.
//!
//! ```json
//! {
//!   "Name": "realtime-queue-metrics",
//!   "Description": "Queue metrics into Salesforce every minute",
//!   "ScheduleExpression": "rate(1 minute)",
//!   "State": "ENABLED",
//!   "Target": { "StateMachine": "realtime-queue-metrics", "Input": { "samples": 4 } }
//! }
//! ```
//! `Target.StateMachine` names a file `statemachines/<name>.asl.json`; the template deploys the
//! same expression and input (a test checks both agree).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::expression::{ExpressionError, ScheduleExpression};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ScheduleDefinition {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub schedule_expression: String,
    #[serde(default = "enabled")]
    pub state: String,
    pub target: ScheduleTarget,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ScheduleTarget {
    pub state_machine: String,
    #[serde(default)]
    pub input: serde_json::Value,
}

fn enabled() -> String {
    "ENABLED".to_string()
}

/// Why `schedules/` could not be loaded. Each message carries the underlying error's text
/// itself (which is therefore not also a `source`, so `{:#}` does not print it twice).
#[derive(Debug, thiserror::Error)]
pub enum ScheduleFileError {
    #[error("cannot read {}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{} is not a schedule definition: {error}", path.display())]
    Invalid {
        path: PathBuf,
        error: serde_json::Error,
    },
    #[error("{}: {error}", path.display())]
    Expression {
        path: PathBuf,
        error: ExpressionError,
    },
    #[error("{}: State must be ENABLED or DISABLED, not '{state}'", path.display())]
    State { path: PathBuf, state: String },
}

impl ScheduleDefinition {
    pub fn expression(&self) -> Result<ScheduleExpression, ExpressionError> {
        self.schedule_expression.parse()
    }

    pub fn is_enabled(&self) -> bool {
        self.state == "ENABLED"
    }
}

/// Every `*.json` in `dir`, sorted by file name, each checked (expression, state).
pub fn load_dir(dir: &Path) -> Result<Vec<(PathBuf, ScheduleDefinition)>, ScheduleFileError> {
    let read = |path: &Path, error| ScheduleFileError::Read {
        path: path.to_owned(),
        error,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|error| read(dir, error))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut schedules = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).map_err(|error| read(&path, error))?;
        let schedule: ScheduleDefinition =
            serde_json::from_str(&text).map_err(|error| ScheduleFileError::Invalid {
                path: path.clone(),
                error,
            })?;
        schedule
            .expression()
            .map_err(|error| ScheduleFileError::Expression {
                path: path.clone(),
                error,
            })?;
        if !matches!(schedule.state.as_str(), "ENABLED" | "DISABLED") {
            return Err(ScheduleFileError::State {
                path,
                state: schedule.state,
            });
        }
        schedules.push((path, schedule));
    }
    Ok(schedules)
}
