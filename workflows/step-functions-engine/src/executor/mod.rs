//! The engine: configuration (handlers, substitutions, clock, observer) and executions: run,
//! stop, redrive.

mod join;
mod progress;
mod redrive;
mod states;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::StateMachine;
use crate::clock::{Clock, RealClock, add_seconds};
use crate::error::{RedriveError, ValidationError, names};
use crate::history::{EventDetails, EventType, History, HistoryEvent, Observer};
use crate::paths::Scope;
use crate::task::{Handlers, TaskHandler};
use progress::{Checkpoint, Trace};
use redrive::{Registry, Setup, StopSignal};

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
    /// Stopped from outside ([`Engine::stop_execution`]).
    Aborted,
}

/// Per-execution options.
#[derive(Clone, Default)]
pub struct ExecutionOptions {
    /// Execution name (`$$.Execution.Name`); a UUID when absent.
    pub name: Option<String>,
    /// State machine name (`$$.StateMachine.Name`); `StateMachine` when absent.
    pub state_machine_name: Option<String>,
    /// Role ARN (`$$.Execution.RoleArn`).
    pub role_arn: Option<String>,
    /// A callback told about this execution's events (after the engine's own observer).
    pub observer: Option<Observer>,
}

impl fmt::Debug for ExecutionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionOptions")
            .field("name", &self.name)
            .field("state_machine_name", &self.state_machine_name)
            .field("role_arn", &self.role_arn)
            .field(
                "observer",
                &self.observer.as_ref().map(|_| "Fn(&HistoryEvent)"),
            )
            .finish()
    }
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
    /// When it started (clock time; a redrive keeps the original start).
    pub start_date: DateTime<Utc>,
    /// When it ended (clock time).
    pub stop_date: DateTime<Utc>,
    /// How many times it has been redriven (`DescribeExecution`'s `redriveCount`).
    pub redrive_count: u32,
    /// When it was last redriven (`redriveDate`).
    pub redrive_date: Option<DateTime<Utc>>,
    /// Every event, as `GetExecutionHistory` lists them (a redriven execution's include its
    /// earlier attempts').
    pub history: Vec<HistoryEvent>,
    /// What a redrive needs: the definition, the input, where every machine stopped.
    #[serde(skip)]
    redrive: Option<Arc<RedrivePoint>>,
}

/// Where an unsuccessful execution stopped, with what it ran.
#[derive(Debug, Clone, PartialEq)]
struct RedrivePoint {
    setup: Arc<Setup>,
    checkpoint: Checkpoint,
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
                executions: Registry::default(),
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
    /// The executions this engine has run: whether each is running, its latest attempt.
    executions: Registry,
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

    /// The ARN of execution `execution_name` of state machine `state_machine_name` on this
    /// engine (its `$$.Execution.Id`).
    pub fn execution_arn(&self, state_machine_name: &str, execution_name: &str) -> String {
        format!(
            "arn:aws:states:{}:{}:execution:{state_machine_name}:{execution_name}",
            self.inner.region, self.inner.account
        )
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
        let execution_arn = self.execution_arn(&sm_name, &name);
        let role_arn = options.role_arn.unwrap_or_else(|| {
            format!("arn:aws:iam::{}:role/StepFunctionsLocalRole", inner.account)
        });
        let start = inner.clock.now();
        let signal = inner.executions.start(&execution_arn, 0);
        let history = History::continuing(Vec::new(), self.observers(options.observer));
        let setup = Arc::new(Setup {
            execution: json!({
                "Id": execution_arn,
                "Input": input,
                "StartTime": timestamp(start),
                "Name": name,
                "RoleArn": role_arn,
            }),
            state_machine: json!({"Id": sm_arn, "Name": sm_name}),
            machine,
            input,
        });
        let started = history.record(
            0,
            start,
            EventType::ExecutionStarted,
            EventDetails {
                input: Some(setup.input.clone()),
                ..EventDetails::default()
            },
        );
        let attempt = Attempt {
            setup,
            execution_arn,
            name,
            start_date: start,
            redrive_count: 0,
            redrive_date: None,
            history,
            prev: started,
            signal,
        };
        Ok(self.drive(attempt, None).await)
    }

    fn observers(&self, extra: Option<Observer>) -> Vec<Observer> {
        self.inner.observer.iter().cloned().chain(extra).collect()
    }

    /// Stops a running execution, as `StopExecution` does: it ends `ABORTED` with an
    /// `ExecutionAborted` event carrying `error` and `cause`, the states it was running are
    /// cancelled (and left open, so that a redrive resumes them). Returns whether an execution
    /// with that ARN was running on this engine.
    pub fn stop_execution(
        &self,
        execution_arn: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> bool {
        self.inner.executions.stop(
            execution_arn,
            error.map(str::to_string),
            cause.map(str::to_string),
        )
    }

    /// Why `execution` cannot be redriven now, if it cannot (`DescribeExecution`'s
    /// `redriveStatus` and `redriveStatusReason`); see [`Engine::redrive`].
    pub fn check_redrivable(&self, execution: &ExecutionResult) -> Result<(), RedriveError> {
        redrive::check(execution, self.inner.clock.now(), &self.inner.executions).map(|_| ())
    }

    /// Redrives an unsuccessful execution, as `RedriveExecution` does, and runs it to its end.
    ///
    /// Followed from the AWS documentation (the `RedriveExecution` API reference; the
    /// developer guide's "Restarting state machine executions with redrive": eligibility,
    /// "Redrive behavior of individual states", "Retry behavior of redriven executions"):
    ///
    /// * Only a `FAILED`, `TIMED_OUT` or `ABORTED` execution that is not running can be
    ///   redriven, and only its latest attempt; also refused ([`RedriveError`]): one started
    ///   before 15 November 2023, one whose history has 24,999 events or more, one open for
    ///   more than a year, one that ended more than 14 days ago. A failure reached through a
    ///   `Fail` state, or a `States.Runtime` error, does not make an execution ineligible.
    /// * The same definition, execution ARN, name and input; `$$.Execution.RedriveCount`
    ///   goes up and `$$.Execution.RedriveTime` is set; the history continues with an
    ///   `ExecutionRedriven` event (its `redriveCount`), then the new events.
    /// * States that ended are not re-run. The states that were entered and did not finish
    ///   (the one that failed, or those running when the execution timed out or was stopped)
    ///   are entered again, at the redrive's time, with the input and the variables they were
    ///   entered with: a Task is scheduled again with its `TimeoutSeconds` and its retry
    ///   counts starting over (`$$.State.RetryCount` is 0); a Choice is evaluated again; a
    ///   `Fail` state fails again; a `Wait` whose timestamp has passed ends at once.
    /// * A Parallel re-runs only the branches that failed or were cancelled, and an inline or
    ///   distributed Map only those iterations; the others keep their outputs. Unless the
    ///   state failed with `States.DataLimitExceeded`: then it runs again in full.
    /// * The state machine's `TimeoutSeconds` counts again from the redrive.
    pub async fn redrive(
        &self,
        execution: &ExecutionResult,
    ) -> Result<ExecutionResult, RedriveError> {
        let now = self.inner.clock.now();
        let point = redrive::check(execution, now, &self.inner.executions)?;
        point.setup.machine.validate_with(&self.inner.handlers)?;
        let redrive_count = execution.redrive_count + 1;
        let signal = self
            .inner
            .executions
            .start_redrive(&execution.execution_arn, execution.redrive_count)?;
        let history = History::continuing(execution.history.clone(), self.observers(None));
        let redriven = history.record(
            history.last_id(),
            now,
            EventType::ExecutionRedriven,
            EventDetails {
                redrive_count: Some(redrive_count),
                ..EventDetails::default()
            },
        );
        let attempt = Attempt {
            setup: point.setup.clone(),
            execution_arn: execution.execution_arn.clone(),
            name: execution.name.clone(),
            start_date: execution.start_date,
            redrive_count,
            redrive_date: Some(now),
            history,
            prev: redriven,
            signal,
        };
        Ok(self.drive(attempt, Some(&point.checkpoint)).await)
    }

    /// Runs one attempt of an execution (its first run or a redrive) to its end, and records
    /// how it ended.
    async fn drive(&self, attempt: Attempt, resume: Option<&Checkpoint>) -> ExecutionResult {
        let inner = &self.inner;
        let Attempt {
            setup,
            execution_arn,
            name,
            start_date,
            redrive_count,
            redrive_date,
            history,
            prev,
            signal,
        } = attempt;
        let mut execution = setup.execution.clone();
        if let Some(context) = execution.as_object_mut() {
            context.insert("RedriveCount".to_string(), json!(redrive_count));
            if let Some(date) = redrive_date {
                context.insert("RedriveTime".to_string(), json!(timestamp(date)));
            }
        }
        let exec = states::Exec {
            inner: inner.clone(),
            history: history.clone(),
            execution,
            state_machine: setup.state_machine.clone(),
            execution_name: name.clone(),
        };
        let def = setup.machine.definition();
        let trace = Trace::new(setup.input.clone());
        let run = exec.run_machine(
            def,
            setup.input.clone(),
            Scope::default(),
            prev,
            trace.clone(),
            resume.and_then(|checkpoint| checkpoint.open.as_ref()),
        );
        let attempt_start = inner.clock.now();
        let timeout = async {
            match def.timeout_seconds {
                Some(seconds) => {
                    inner
                        .clock
                        .deadline(add_seconds(attempt_start, seconds as f64))
                        .await
                }
                None => std::future::pending().await,
            }
        };
        let outcome = tokio::select! {
            biased;
            result = run => Outcome::Ended(result),
            () = timeout => Outcome::TimedOut,
            (error, cause) = signal.stopped() => Outcome::Stopped(error, cause),
        };
        let stop = inner.clock.now();
        let last = history.last_id();
        let (status, output, error, cause) = match outcome {
            Outcome::Ended(Ok(output)) => {
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
            Outcome::Ended(Err(failure)) => {
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
            Outcome::TimedOut => {
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
            Outcome::Stopped(error, cause) => {
                history.record(
                    last,
                    stop,
                    EventType::ExecutionAborted,
                    EventDetails {
                        error: error.clone(),
                        cause: cause.clone(),
                        ..EventDetails::default()
                    },
                );
                (ExecutionStatus::Aborted, None, error, cause)
            }
        };
        drop(exec);
        inner.executions.finish(&execution_arn, &signal);
        let redrive = (status != ExecutionStatus::Succeeded).then(|| {
            Arc::new(RedrivePoint {
                setup,
                checkpoint: trace.freeze(),
            })
        });
        ExecutionResult {
            execution_arn,
            name,
            status,
            output,
            error,
            cause,
            start_date,
            stop_date: stop,
            redrive_count,
            redrive_date,
            history: history.into_events(),
            redrive,
        }
    }
}

/// One attempt of an execution, ready to run.
struct Attempt {
    setup: Arc<Setup>,
    execution_arn: String,
    name: String,
    start_date: DateTime<Utc>,
    redrive_count: u32,
    redrive_date: Option<DateTime<Utc>>,
    history: History,
    /// The event the first state follows (`ExecutionStarted` or `ExecutionRedriven`).
    prev: u64,
    signal: Arc<StopSignal>,
}

enum Outcome {
    Ended(Result<Value, crate::Failure>),
    TimedOut,
    Stopped(Option<String>, Option<String>),
}
