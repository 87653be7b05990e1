//! The state machine model, parsed from Amazon States Language JSON.
//!
//! Parsing never stops at the first problem: every structural problem (missing or mistyped
//! field, unsupported feature, invalid path) is collected with its location, and
//! the `validate` module adds the graph checks (targets, reachability, terminal states).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::choice::{self, ChoiceRule};
use crate::error::Problem;
use crate::paths::{ParsedPath, Root};
use crate::retry::{self, Catcher, Retrier};

/// A state machine, a Parallel branch or a Map item processor: `StartAt` and `States`.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMachineDef {
    /// `Comment`.
    pub comment: Option<String>,
    /// `StartAt`.
    pub start_at: String,
    /// The states in definition order.
    pub states: Vec<State>,
    /// `TimeoutSeconds` of the whole machine (top level only).
    pub timeout_seconds: Option<u64>,
    index: HashMap<String, usize>,
}

impl StateMachineDef {
    /// The state called `name`.
    pub fn state(&self, name: &str) -> Option<&State> {
        self.index.get(name).and_then(|&i| self.states.get(i))
    }
}

/// One state.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The state's name.
    pub name: String,
    /// `Comment`.
    pub comment: Option<String>,
    /// Type-specific fields.
    pub kind: StateKind,
    /// `Next`.
    pub next: Option<String>,
    /// `End`.
    pub end: bool,
    /// `InputPath` (`None`: explicit null, the input becomes `{}`); default `$`.
    pub input_path: Option<String>,
    /// `OutputPath` (`None`: explicit null, the output is `{}`); default `$`.
    pub output_path: Option<String>,
    /// `ResultPath` (`None`: explicit null, the result is discarded); default `$`.
    pub result_path: Option<String>,
    /// `Parameters` template.
    pub parameters: Option<Value>,
    /// `ResultSelector` template.
    pub result_selector: Option<Value>,
    /// `Assign` template.
    pub assign: Option<Value>,
    /// `Retry`.
    pub retry: Vec<Retrier>,
    /// `Catch`.
    pub catch: Vec<Catcher>,
}

impl State {
    /// The ASL type name (`Pass`, `Task`, ...).
    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }
}

/// Type-specific fields of a state.
#[derive(Debug, Clone, PartialEq)]
pub enum StateKind {
    /// `Pass` with its optional `Result`.
    Pass {
        /// `Result`.
        result: Option<Value>,
    },
    /// `Task`.
    Task(TaskState),
    /// `Choice`.
    Choice(ChoiceState),
    /// `Wait`.
    Wait(WaitSpec),
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail(FailState),
    /// `Parallel`.
    Parallel(ParallelState),
    /// `Map`.
    Map(Box<MapState>),
}

impl StateKind {
    /// The ASL type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Pass { .. } => "Pass",
            Self::Task(_) => "Task",
            Self::Choice(_) => "Choice",
            Self::Wait(_) => "Wait",
            Self::Succeed => "Succeed",
            Self::Fail(_) => "Fail",
            Self::Parallel(_) => "Parallel",
            Self::Map(_) => "Map",
        }
    }
}

/// `Task` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskState {
    /// `Resource` (before `${...}` substitution).
    pub resource: String,
    /// `TimeoutSeconds`.
    pub timeout_seconds: Option<u64>,
    /// `TimeoutSecondsPath`.
    pub timeout_seconds_path: Option<String>,
    /// `HeartbeatSeconds` (accepted, not enforced).
    pub heartbeat_seconds: Option<u64>,
    /// `HeartbeatSecondsPath` (accepted, not enforced).
    pub heartbeat_seconds_path: Option<String>,
}

/// `Choice` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceState {
    /// `Choices`.
    pub choices: Vec<ChoiceRule>,
    /// `Default`.
    pub default: Option<String>,
}

/// How long a `Wait` state waits.
#[derive(Debug, Clone, PartialEq)]
pub enum WaitSpec {
    /// `Seconds`.
    Seconds(u64),
    /// `SecondsPath`.
    SecondsPath(String),
    /// `Timestamp`.
    Timestamp(String),
    /// `TimestampPath`.
    TimestampPath(String),
}

/// `Fail` fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FailState {
    /// `Error`.
    pub error: Option<String>,
    /// `ErrorPath` (a path or an intrinsic function).
    pub error_path: Option<String>,
    /// `Cause`.
    pub cause: Option<String>,
    /// `CausePath` (a path or an intrinsic function).
    pub cause_path: Option<String>,
}

/// `Parallel` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelState {
    /// `Branches`.
    pub branches: Vec<StateMachineDef>,
}

/// A Map's processing mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapMode {
    /// `INLINE` (also the legacy `Iterator` default).
    Inline,
    /// `DISTRIBUTED`: run like inline, iterations in item order.
    Distributed,
}

/// `Map` fields.
#[derive(Debug, Clone, PartialEq)]
pub struct MapState {
    /// `ItemProcessor` or the legacy `Iterator`.
    pub processor: StateMachineDef,
    /// `ProcessorConfig.Mode`.
    pub mode: MapMode,
    /// `ItemsPath` (default `$`).
    pub items_path: String,
    /// `ItemSelector` (or the legacy `Parameters`).
    pub item_selector: Option<Value>,
    /// `MaxConcurrency` (0: no limit).
    pub max_concurrency: u64,
    /// `MaxConcurrencyPath`.
    pub max_concurrency_path: Option<String>,
    /// `ToleratedFailureCount`.
    pub tolerated_failure_count: Option<u64>,
    /// `ToleratedFailureCountPath`.
    pub tolerated_failure_count_path: Option<String>,
    /// `ToleratedFailurePercentage`.
    pub tolerated_failure_percentage: Option<f64>,
    /// `ToleratedFailurePercentagePath`.
    pub tolerated_failure_percentage_path: Option<String>,
    /// `Label`.
    pub label: Option<String>,
}

/// Collects problems while parsing.
pub(crate) struct Parser<'a> {
    pub(crate) problems: &'a mut Vec<Problem>,
}

impl Parser<'_> {
    pub(crate) fn problem(&mut self, location: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            location: location.to_string(),
            message: message.into(),
        });
    }

    pub(crate) fn opt_string(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        loc: &str,
    ) -> Option<String> {
        match obj.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!("must be a string, got {other}"),
                );
                None
            }
        }
    }

    pub(crate) fn opt_uint(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        loc: &str,
    ) -> Option<u64> {
        match obj.get(key)? {
            Value::Number(n) if n.as_u64().is_some() => n.as_u64(),
            other => {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!("must be a non-negative integer, got {other}"),
                );
                None
            }
        }
    }

    pub(crate) fn opt_number(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        loc: &str,
    ) -> Option<f64> {
        match obj.get(key)? {
            Value::Number(n) => n.as_f64(),
            other => {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!("must be a number, got {other}"),
                );
                None
            }
        }
    }

    /// A path field (`InputPath`, `ItemsPath`, ...): `Some(None)` for an explicit null.
    fn path_field(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        loc: &str,
        nullable: bool,
        reference: bool,
    ) -> Option<Option<String>> {
        match obj.get(key)? {
            Value::Null if nullable => Some(None),
            Value::String(s) => {
                self.check_path(s, &format!("{loc}/{key}"), reference);
                Some(Some(s.clone()))
            }
            other => {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!(
                        "must be a JSONPath string{}, got {other}",
                        if nullable { " or null" } else { "" }
                    ),
                );
                None
            }
        }
    }

    /// Checks a path's syntax; a reference path must be definite and start at `$`.
    pub(crate) fn check_path(&mut self, text: &str, loc: &str, reference: bool) {
        match ParsedPath::parse(text) {
            Err(why) => self.problem(loc, why),
            Ok(path) => {
                if reference && (path.root != Root::Input || !path.is_definite()) {
                    self.problem(
                        loc,
                        format!("'{text}' must be a reference path: '$' followed by field names and array indexes only"),
                    );
                }
            }
        }
    }

    /// Checks a payload template (`Parameters`, `ResultSelector`, `ItemSelector`, `Assign`).
    pub(crate) fn check_template(&mut self, value: &Value, loc: &str) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    let here = format!("{loc}/{key}");
                    if key.ends_with(".$") {
                        match v {
                            Value::String(expr) => {
                                if !crate::intrinsics::is_intrinsic(expr) {
                                    self.check_path(expr, &here, false);
                                }
                            }
                            other => self.problem(
                                &here,
                                format!("a field ending in '.$' must be a path or intrinsic function string, got {other}"),
                            ),
                        }
                    } else {
                        self.check_template(v, &here);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.check_template(item, &format!("{loc}/{i}"));
                }
            }
            _ => {}
        }
    }

    fn check_fields(
        &mut self,
        obj: &Map<String, Value>,
        allowed: &[&str],
        type_name: &str,
        loc: &str,
    ) {
        const JSONATA: &[&str] = &["Arguments", "Output", "Items", "Condition"];
        for key in obj.keys() {
            if allowed.contains(&key.as_str()) {
                continue;
            }
            if JSONATA.contains(&key.as_str()) {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!("the field '{key}' belongs to the JSONata query language, which is not supported (only JSONPath)"),
                );
            } else {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!("the field '{key}' is not supported by a {type_name} state"),
                );
            }
        }
    }

    fn check_query_language(&mut self, obj: &Map<String, Value>, loc: &str) {
        match obj.get("QueryLanguage") {
            None => {}
            Some(Value::String(lang)) if lang == "JSONPath" => {}
            Some(Value::String(lang)) if lang == "JSONata" => self.problem(
                &format!("{loc}/QueryLanguage"),
                "QueryLanguage 'JSONata' is not supported (only JSONPath)",
            ),
            Some(other) => self.problem(
                &format!("{loc}/QueryLanguage"),
                format!("QueryLanguage must be 'JSONPath' or 'JSONata', got {other}"),
            ),
        }
    }

    /// Parses a state machine (or branch / item processor) object at `loc`.
    pub(crate) fn machine(&mut self, value: &Value, loc: &str, top: bool) -> StateMachineDef {
        let mut def = StateMachineDef {
            comment: None,
            start_at: String::new(),
            states: Vec::new(),
            timeout_seconds: None,
            index: HashMap::new(),
        };
        let Some(obj) = value.as_object() else {
            self.problem(
                loc_or_root(loc),
                format!("a state machine must be a JSON object, got {value}"),
            );
            return def;
        };
        let mut allowed = vec!["StartAt", "States", "Comment", "QueryLanguage"];
        if top {
            allowed.extend(["Version", "TimeoutSeconds"]);
        } else {
            allowed.push("ProcessorConfig");
        }
        for key in obj.keys() {
            if !allowed.contains(&key.as_str()) {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!("the field '{key}' is not supported here"),
                );
            }
        }
        self.check_query_language(obj, loc);
        def.comment = self.opt_string(obj, "Comment", loc);
        if top {
            def.timeout_seconds = self.opt_uint(obj, "TimeoutSeconds", loc);
            if let Some(version) = obj.get("Version")
                && version.as_str() != Some("1.0")
            {
                self.problem(
                    &format!("{loc}/Version"),
                    format!("Version must be \"1.0\", got {version}"),
                );
            }
        }
        match self.opt_string(obj, "StartAt", loc) {
            Some(s) => def.start_at = s,
            None if !obj.contains_key("StartAt") => {
                self.problem(loc_or_root(loc), "the required field 'StartAt' is missing")
            }
            None => {}
        }
        match obj.get("States") {
            Some(Value::Object(states)) => {
                if states.is_empty() {
                    self.problem(
                        &format!("{loc}/States"),
                        "'States' must contain at least one state",
                    );
                }
                for (name, state) in states {
                    let state_loc = format!("{loc}/States/{name}");
                    if name.is_empty() || name.chars().count() > 80 {
                        self.problem(&state_loc, "a state name must be 1 to 80 characters long");
                    }
                    if let Some(parsed) = self.state(name, state, &state_loc) {
                        def.index.insert(name.clone(), def.states.len());
                        def.states.push(parsed);
                    }
                }
            }
            Some(other) => self.problem(
                &format!("{loc}/States"),
                format!("'States' must be an object, got {other}"),
            ),
            None => self.problem(loc_or_root(loc), "the required field 'States' is missing"),
        }
        def
    }

    fn state(&mut self, name: &str, value: &Value, loc: &str) -> Option<State> {
        let Some(obj) = value.as_object() else {
            self.problem(loc, format!("a state must be a JSON object, got {value}"));
            return None;
        };
        let type_name = match obj.get("Type") {
            Some(Value::String(t)) => t.clone(),
            Some(other) => {
                self.problem(
                    &format!("{loc}/Type"),
                    format!("must be a string, got {other}"),
                );
                return None;
            }
            None => {
                self.problem(loc, "the required field 'Type' is missing");
                return None;
            }
        };
        const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];
        const FLOW: &[&str] = &["Next", "End"];
        const IO: &[&str] = &["InputPath", "OutputPath"];
        const RESULT: &[&str] = &["ResultPath", "Parameters"];
        const EXEC: &[&str] = &["ResultSelector", "Retry", "Catch"];
        let mut allowed: Vec<&str> = COMMON.to_vec();
        let extra: &[&[&str]] = match type_name.as_str() {
            "Pass" => &[FLOW, IO, RESULT, &["Result", "Assign"]],
            "Task" => &[
                FLOW,
                IO,
                RESULT,
                EXEC,
                &[
                    "Resource",
                    "TimeoutSeconds",
                    "TimeoutSecondsPath",
                    "HeartbeatSeconds",
                    "HeartbeatSecondsPath",
                    "Credentials",
                    "Assign",
                ],
            ],
            "Choice" => &[IO, &["Choices", "Default", "Assign"]],
            "Wait" => &[
                FLOW,
                IO,
                &[
                    "Seconds",
                    "SecondsPath",
                    "Timestamp",
                    "TimestampPath",
                    "Assign",
                ],
            ],
            "Succeed" => &[IO],
            "Fail" => &[&["Error", "ErrorPath", "Cause", "CausePath"]],
            "Parallel" => &[FLOW, IO, RESULT, EXEC, &["Branches", "Assign"]],
            "Map" => &[
                FLOW,
                IO,
                RESULT,
                EXEC,
                &[
                    "Iterator",
                    "ItemProcessor",
                    "ItemsPath",
                    "ItemSelector",
                    "ItemReader",
                    "ItemBatcher",
                    "ResultWriter",
                    "MaxConcurrency",
                    "MaxConcurrencyPath",
                    "ToleratedFailureCount",
                    "ToleratedFailureCountPath",
                    "ToleratedFailurePercentage",
                    "ToleratedFailurePercentagePath",
                    "Label",
                    "Assign",
                ],
            ],
            other => {
                self.problem(
                    &format!("{loc}/Type"),
                    format!("unknown state type '{other}' (expected Pass, Task, Choice, Wait, Succeed, Fail, Parallel or Map)"),
                );
                return None;
            }
        };
        for group in extra {
            allowed.extend_from_slice(group);
        }
        self.check_fields(obj, &allowed, &type_name, loc);
        self.check_query_language(obj, loc);

        let next = self.opt_string(obj, "Next", loc);
        let end = match obj.get("End") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.problem(
                    &format!("{loc}/End"),
                    format!("must be a boolean, got {other}"),
                );
                false
            }
        };
        let input_path = self
            .path_field(obj, "InputPath", loc, true, false)
            .unwrap_or_else(|| Some("$".to_string()));
        let output_path = self
            .path_field(obj, "OutputPath", loc, true, false)
            .unwrap_or_else(|| Some("$".to_string()));
        let result_path = self
            .path_field(obj, "ResultPath", loc, true, true)
            .unwrap_or_else(|| Some("$".to_string()));
        let parameters = obj.get("Parameters").cloned();
        if let Some(p) = &parameters {
            self.check_template(p, &format!("{loc}/Parameters"));
        }
        let result_selector = obj.get("ResultSelector").cloned();
        if let Some(rs) = &result_selector {
            if !rs.is_object() {
                self.problem(&format!("{loc}/ResultSelector"), "must be a JSON object");
            }
            self.check_template(rs, &format!("{loc}/ResultSelector"));
        }
        let assign = obj.get("Assign").cloned();
        if let Some(a) = &assign {
            self.check_assign(a, &format!("{loc}/Assign"));
        }
        let retry = match obj.get("Retry") {
            Some(v) => retry::parse_retry(self, v, &format!("{loc}/Retry")),
            None => Vec::new(),
        };
        let catch = match obj.get("Catch") {
            Some(v) => retry::parse_catch(self, v, &format!("{loc}/Catch")),
            None => Vec::new(),
        };

        let kind = match type_name.as_str() {
            "Pass" => StateKind::Pass {
                result: obj.get("Result").cloned(),
            },
            "Task" => {
                let resource = self.opt_string(obj, "Resource", loc).unwrap_or_default();
                if !obj.contains_key("Resource") {
                    self.problem(loc, "the required field 'Resource' is missing");
                }
                let timeout_seconds = self.opt_uint(obj, "TimeoutSeconds", loc);
                let timeout_seconds_path = self.opt_string(obj, "TimeoutSecondsPath", loc);
                let heartbeat_seconds = self.opt_uint(obj, "HeartbeatSeconds", loc);
                let heartbeat_seconds_path = self.opt_string(obj, "HeartbeatSecondsPath", loc);
                if timeout_seconds == Some(0) {
                    self.problem(
                        &format!("{loc}/TimeoutSeconds"),
                        "must be a positive integer",
                    );
                }
                if heartbeat_seconds == Some(0) {
                    self.problem(
                        &format!("{loc}/HeartbeatSeconds"),
                        "must be a positive integer",
                    );
                }
                if timeout_seconds.is_some() && timeout_seconds_path.is_some() {
                    self.problem(
                        loc,
                        "a Task state cannot have both 'TimeoutSeconds' and 'TimeoutSecondsPath'",
                    );
                }
                if heartbeat_seconds.is_some() && heartbeat_seconds_path.is_some() {
                    self.problem(loc, "a Task state cannot have both 'HeartbeatSeconds' and 'HeartbeatSecondsPath'");
                }
                if let (Some(t), Some(h)) = (timeout_seconds, heartbeat_seconds)
                    && h >= t
                {
                    self.problem(
                        &format!("{loc}/HeartbeatSeconds"),
                        "must be smaller than 'TimeoutSeconds'",
                    );
                }
                for (key, path) in [
                    ("TimeoutSecondsPath", &timeout_seconds_path),
                    ("HeartbeatSecondsPath", &heartbeat_seconds_path),
                ] {
                    if let Some(p) = path {
                        self.check_path(p, &format!("{loc}/{key}"), false);
                    }
                }
                StateKind::Task(TaskState {
                    resource,
                    timeout_seconds,
                    timeout_seconds_path,
                    heartbeat_seconds,
                    heartbeat_seconds_path,
                })
            }
            "Choice" => {
                let mut choices = Vec::new();
                match obj.get("Choices") {
                    Some(Value::Array(rules)) if !rules.is_empty() => {
                        for (i, rule) in rules.iter().enumerate() {
                            choices.push(choice::parse_rule(
                                self,
                                rule,
                                &format!("{loc}/Choices/{i}"),
                                true,
                            ));
                        }
                    }
                    Some(_) => self.problem(
                        &format!("{loc}/Choices"),
                        "must be a non-empty array of choice rules",
                    ),
                    None => self.problem(loc, "the required field 'Choices' is missing"),
                }
                StateKind::Choice(ChoiceState {
                    choices,
                    default: self.opt_string(obj, "Default", loc),
                })
            }
            "Wait" => {
                let given: Vec<&str> = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
                    .into_iter()
                    .filter(|k| obj.contains_key(*k))
                    .collect();
                if given.len() != 1 {
                    self.problem(
                        loc,
                        "a Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'",
                    );
                }
                let spec = if let Some(s) = self.opt_uint(obj, "Seconds", loc) {
                    WaitSpec::Seconds(s)
                } else if let Some(p) = self.opt_string(obj, "SecondsPath", loc) {
                    self.check_path(&p, &format!("{loc}/SecondsPath"), false);
                    WaitSpec::SecondsPath(p)
                } else if let Some(t) = self.opt_string(obj, "Timestamp", loc) {
                    if choice::parse_timestamp(&t).is_none() {
                        self.problem(
                            &format!("{loc}/Timestamp"),
                            format!("'{t}' is not an ISO-8601 timestamp"),
                        );
                    }
                    WaitSpec::Timestamp(t)
                } else if let Some(p) = self.opt_string(obj, "TimestampPath", loc) {
                    self.check_path(&p, &format!("{loc}/TimestampPath"), false);
                    WaitSpec::TimestampPath(p)
                } else {
                    WaitSpec::Seconds(0)
                };
                StateKind::Wait(spec)
            }
            "Succeed" => StateKind::Succeed,
            "Fail" => {
                let fail = FailState {
                    error: self.opt_string(obj, "Error", loc),
                    error_path: self.opt_string(obj, "ErrorPath", loc),
                    cause: self.opt_string(obj, "Cause", loc),
                    cause_path: self.opt_string(obj, "CausePath", loc),
                };
                if fail.error.is_some() && fail.error_path.is_some() {
                    self.problem(loc, "a Fail state cannot have both 'Error' and 'ErrorPath'");
                }
                if fail.cause.is_some() && fail.cause_path.is_some() {
                    self.problem(loc, "a Fail state cannot have both 'Cause' and 'CausePath'");
                }
                for (key, path) in [
                    ("ErrorPath", &fail.error_path),
                    ("CausePath", &fail.cause_path),
                ] {
                    if let Some(p) = path
                        && !crate::intrinsics::is_intrinsic(p)
                    {
                        self.check_path(p, &format!("{loc}/{key}"), false);
                    }
                }
                StateKind::Fail(fail)
            }
            "Parallel" => {
                let mut branches = Vec::new();
                match obj.get("Branches") {
                    Some(Value::Array(items)) if !items.is_empty() => {
                        for (i, branch) in items.iter().enumerate() {
                            branches.push(self.machine(
                                branch,
                                &format!("{loc}/Branches/{i}"),
                                false,
                            ));
                        }
                    }
                    Some(_) => self.problem(
                        &format!("{loc}/Branches"),
                        "must be a non-empty array of branches",
                    ),
                    None => self.problem(loc, "the required field 'Branches' is missing"),
                }
                StateKind::Parallel(ParallelState { branches })
            }
            "Map" => StateKind::Map(Box::new(self.map_state(obj, loc))),
            _ => return None,
        };
        Some(State {
            name: name.to_string(),
            comment: self.opt_string(obj, "Comment", loc),
            kind,
            next,
            end,
            input_path,
            output_path,
            result_path,
            parameters,
            result_selector,
            assign,
            retry,
            catch,
        })
    }

    pub(crate) fn check_assign(&mut self, value: &Value, loc: &str) {
        let Some(map) = value.as_object() else {
            self.problem(loc, format!("'Assign' must be a JSON object, got {value}"));
            return;
        };
        for key in map.keys() {
            let name = key.strip_suffix(".$").unwrap_or(key);
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_');
            if !valid {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!("'{name}' is not a valid variable name"),
                );
            } else if name == "states" {
                self.problem(
                    &format!("{loc}/{key}"),
                    "'states' is a reserved variable name",
                );
            }
        }
        self.check_template(value, loc);
    }

    fn map_state(&mut self, obj: &Map<String, Value>, loc: &str) -> MapState {
        let processor_value = match (obj.get("ItemProcessor"), obj.get("Iterator")) {
            (Some(p), None) => Some(("ItemProcessor", p)),
            (None, Some(i)) => Some(("Iterator", i)),
            (Some(_), Some(_)) => {
                self.problem(
                    loc,
                    "a Map state cannot have both 'ItemProcessor' and 'Iterator'",
                );
                None
            }
            (None, None) => {
                self.problem(
                    loc,
                    "a Map state needs an 'ItemProcessor' (or the legacy 'Iterator')",
                );
                None
            }
        };
        let mut mode = MapMode::Inline;
        let processor = match processor_value {
            Some((key, value)) => {
                if let Some(config) = value.get("ProcessorConfig") {
                    match config.get("Mode").and_then(Value::as_str) {
                        None | Some("INLINE") => {}
                        Some("DISTRIBUTED") => mode = MapMode::Distributed,
                        Some(other) => self.problem(
                            &format!("{loc}/{key}/ProcessorConfig/Mode"),
                            format!("must be INLINE or DISTRIBUTED, got '{other}'"),
                        ),
                    }
                    if let Some(t) = config.get("ExecutionType").and_then(Value::as_str)
                        && t != "STANDARD"
                        && t != "EXPRESS"
                    {
                        self.problem(
                            &format!("{loc}/{key}/ProcessorConfig/ExecutionType"),
                            format!("must be STANDARD or EXPRESS, got '{t}'"),
                        );
                    }
                }
                self.machine(value, &format!("{loc}/{key}"), false)
            }
            None => self.machine(&Value::Null, &format!("{loc}/ItemProcessor"), false),
        };
        for key in ["ItemReader", "ResultWriter", "ItemBatcher"] {
            if obj.contains_key(key) {
                self.problem(
                    &format!("{loc}/{key}"),
                    format!("'{key}' (distributed Map reading or writing S3) is not supported by the local engine"),
                );
            }
        }
        let items_path = self
            .path_field(obj, "ItemsPath", loc, false, false)
            .flatten()
            .unwrap_or_else(|| "$".to_string());
        let item_selector = match (obj.get("ItemSelector"), obj.get("Parameters")) {
            (Some(_), Some(_)) => {
                self.problem(
                    loc,
                    "a Map state cannot have both 'ItemSelector' and 'Parameters'",
                );
                None
            }
            (Some(s), None) | (None, Some(s)) => {
                self.check_template(s, &format!("{loc}/ItemSelector"));
                Some(s.clone())
            }
            (None, None) => None,
        };
        let max_concurrency = self.opt_uint(obj, "MaxConcurrency", loc);
        let max_concurrency_path = self.opt_string(obj, "MaxConcurrencyPath", loc);
        if max_concurrency.is_some() && max_concurrency_path.is_some() {
            self.problem(
                loc,
                "a Map state cannot have both 'MaxConcurrency' and 'MaxConcurrencyPath'",
            );
        }
        let tolerated_failure_count = self.opt_uint(obj, "ToleratedFailureCount", loc);
        let tolerated_failure_count_path = self.opt_string(obj, "ToleratedFailureCountPath", loc);
        let tolerated_failure_percentage = self.opt_number(obj, "ToleratedFailurePercentage", loc);
        let tolerated_failure_percentage_path =
            self.opt_string(obj, "ToleratedFailurePercentagePath", loc);
        if let Some(p) = tolerated_failure_percentage
            && !(0.0..=100.0).contains(&p)
        {
            self.problem(
                &format!("{loc}/ToleratedFailurePercentage"),
                "must be between 0 and 100",
            );
        }
        for (key, path) in [
            ("MaxConcurrencyPath", &max_concurrency_path),
            ("ToleratedFailureCountPath", &tolerated_failure_count_path),
            (
                "ToleratedFailurePercentagePath",
                &tolerated_failure_percentage_path,
            ),
        ] {
            if let Some(p) = path {
                self.check_path(p, &format!("{loc}/{key}"), false);
            }
        }
        MapState {
            processor,
            mode,
            items_path,
            item_selector,
            max_concurrency: max_concurrency.unwrap_or(0),
            max_concurrency_path,
            tolerated_failure_count,
            tolerated_failure_count_path,
            tolerated_failure_percentage,
            tolerated_failure_percentage_path,
            label: self.opt_string(obj, "Label", loc),
        }
    }
}

fn loc_or_root(loc: &str) -> &str {
    if loc.is_empty() { "/" } else { loc }
}
