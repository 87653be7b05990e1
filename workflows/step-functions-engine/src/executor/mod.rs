//! The engine: configuration (handlers, substitutions, clock, observer) and executions.

mod join;
mod states;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::StateMachine;
use crate::clock::{Clock, RealClock, add_seconds};
use crate::error::{ValidationError, names};
use crate::history::{EventDetails, EventType, History, HistoryEvent, Observer};
use crate::paths::Scope;
use crate::task::{Handlers, TaskHandler};

/// How an execution ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    /// Reached a `Succeed` state or an `End`.
    Succeeded,
    /// A state failed and nothing caught it.
    Failed,
    /// The machine's `TimeoutSeconds` elapsed.
    TimedOut,
    /// Stopped from outside (not produced by this engine today).
    Aborted,
}

/// Per-execution options.
#[derive(Debug, Clone, Default)]
pub struct ExecutionOptions {
    /// Execution name (`$$.Execution.Name`); a UUID when absent.
    pub name: Option<String>,
    /// State machine name (`$$.StateMachine.Name`); `StateMachine` when absent.
    pub state_machine_name: Option<String>,
    /// Role ARN (`$$.Execution.RoleArn`).
    pub role_arn: Option<String>,
}

/// The outcome of an execution.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionResult {
    /// The execution ARN (`$$.Execution.Id`).
    pub execution_arn: String,
    /// The execution name.
    pub name: String,
    /// How it ended.
    pub status: ExecutionStatus,
    /// The output (succeeded only).
    pub output: Option<Value>,
    /// The error name (failed / timed out; `None` for a Fail state without `Error`).
    pub error: Option<String>,
    /// The cause.
    pub cause: Option<String>,
    /// When it started (clock time).
    pub start_date: DateTime<Utc>,
    /// When it ended (clock time).
    pub stop_date: DateTime<Utc>,
    /// Every event, as `GetExecutionHistory` lists them.
    pub history: Vec<HistoryEvent>,
}

/// Builds an [`Engine`].
#[derive(Default)]
pub struct EngineBuilder {
    handlers: Handlers,
    substitutions: HashMap<String, String>,
    clock: Option<Arc<dyn Clock>>,
    observer: Option<Observer>,
    region: Option<String>,
    account: Option<String>,
}

impl EngineBuilder {
    /// Registers a handler under a resource name, a Lambda function name or a Lambda ARN.
    pub fn handler(mut self, name: impl Into<String>, handler: Arc<dyn TaskHandler>) -> Self {
        self.handlers.insert(name.into(), handler);
        self
    }

    /// Definition substitutions: `${Key}` in the definition's strings becomes the value.
    pub fn substitutions(mut self, substitutions: HashMap<String, String>) -> Self {
        self.substitutions.extend(substitutions);
        self
    }

    /// The clock (default: [`RealClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// A callback told about every history event as it happens.
    pub fn observer(mut self, observer: Observer) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Region and account used in ARNs (default `us-east-1`, `123456789012`).
    pub fn account(mut self, region: impl Into<String>, account: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self.account = Some(account.into());
        self
    }

    /// Builds the engine.
    pub fn build(self) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                handlers: self.handlers,
                substitutions: self.substitutions,
                clock: self.clock.unwrap_or_else(|| Arc::new(RealClock)),
                observer: self.observer,
                region: self.region.unwrap_or_else(|| "us-east-1".to_string()),
                account: self.account.unwrap_or_else(|| "123456789012".to_string()),
            }),
        }
    }
}

pub(crate) struct Inner {
    pub(crate) handlers: Handlers,
    substitutions: HashMap<String, String>,
    pub(crate) clock: Arc<dyn Clock>,
    observer: Option<Observer>,
    region: String,
    account: String,
}

/// Runs state machines with registered task handlers on an injected clock.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

/// AWS's limit on history events per execution.
pub(crate) const MAX_HISTORY_EVENTS: usize = 25_000;

fn substitute_value(value: &Value, substitutions: &HashMap<String, String>) -> Value {
    match value {
        Value::String(s) if s.contains("${") => {
            let mut out = s.clone();
            for (key, replacement) in substitutions {
                out = out.replace(&format!("${{{key}}}"), replacement);
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute_value(v, substitutions))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute_value(v, substitutions)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub(crate) fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Engine {
    /// Starts building an engine.
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// The engine's clock.
    pub fn clock(&self) -> Arc<dyn Clock> {
        self.inner.clock.clone()
    }

    /// Applies the definition substitutions and checks every Task against the handlers.
    pub fn prepare(&self, machine: &StateMachine) -> Result<StateMachine, ValidationError> {
        let prepared = if self.inner.substitutions.is_empty() {
            machine.clone()
        } else {
            StateMachine::from_json(&substitute_value(machine.json(), &self.inner.substitutions))?
        };
        prepared.validate_with(&self.inner.handlers)?;
        Ok(prepared)
    }

    /// Runs an execution to its end. Fails only when the definition cannot run with this
    /// engine (a Task without a handler, an unresolved substitution); every runtime problem is
    /// an execution failure with AWS's error and cause.
    pub async fn run(
        &self,
        machine: &StateMachine,
        input: Value,
        options: ExecutionOptions,
    ) -> Result<ExecutionResult, ValidationError> {
        let machine = self.prepare(machine)?;
        let inner = &self.inner;
        let name = options
            .name
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let sm_name = options
            .state_machine_name
            .unwrap_or_else(|| "StateMachine".to_string());
        let sm_arn = format!(
            "arn:aws:states:{}:{}:stateMachine:{sm_name}",
            inner.region, inner.account
        );
        let execution_arn = format!(
            "arn:aws:states:{}:{}:execution:{sm_name}:{name}",
            inner.region, inner.account
        );
        let role_arn = options.role_arn.unwrap_or_else(|| {
            format!("arn:aws:iam::{}:role/StepFunctionsLocalRole", inner.account)
        });
        let start = inner.clock.now();
        let history = History::new(inner.observer.clone());
        let exec = states::Exec {
            inner: inner.clone(),
            history: history.clone(),
            execution: json!({
                "Id": execution_arn,
                "Input": input,
                "StartTime": timestamp(start),
                "Name": name,
                "RoleArn": role_arn,
                "RedriveCount": 0,
            }),
            state_machine: json!({"Id": sm_arn, "Name": sm_name}),
            execution_name: name.clone(),
        };
        history.record(
            0,
            start,
            EventType::ExecutionStarted,
            EventDetails {
                input: Some(input.clone()),
                ..EventDetails::default()
            },
        );
        let def = machine.definition();
        let run = exec.run_machine(def, input, Scope::default(), 1);
        let outcome = match def.timeout_seconds {
            Some(seconds) => {
                let deadline = add_seconds(start, seconds as f64);
                tokio::select! {
                    biased;
                    result = run => Some(result),
                    () = inner.clock.deadline(deadline) => None,
                }
            }
            None => Some(run.await),
        };
        let stop = inner.clock.now();
        let last = history.last_id();
        let (status, output, error, cause) = match outcome {
            Some(Ok(output)) => {
                history.record(
                    last,
                    stop,
                    EventType::ExecutionSucceeded,
                    EventDetails {
                        output: Some(output.clone()),
                        ..EventDetails::default()
                    },
                );
                (ExecutionStatus::Succeeded, Some(output), None, None)
            }
            Some(Err(failure)) => {
                history.record(
                    last,
                    stop,
                    EventType::ExecutionFailed,
                    EventDetails {
                        error: failure.error.clone(),
                        cause: failure.cause.clone(),
                        ..EventDetails::default()
                    },
                );
                (ExecutionStatus::Failed, None, failure.error, failure.cause)
            }
            None => {
                let error = names::TIMEOUT.to_string();
                let cause = format!(
                    "The execution exceeded the state machine's TimeoutSeconds ({}s).",
                    def.timeout_seconds.unwrap_or_default()
                );
                history.record(
                    last,
                    stop,
                    EventType::ExecutionTimedOut,
                    EventDetails {
                        error: Some(error.clone()),
                        cause: Some(cause.clone()),
                        ..EventDetails::default()
                    },
                );
                (ExecutionStatus::TimedOut, None, Some(error), Some(cause))
            }
        };
        Ok(ExecutionResult {
            execution_arn,
            name,
            status,
            output,
            error,
            cause,
            start_date: start,
            stop_date: stop,
            history: history.into_events(),
        })
    }
}
