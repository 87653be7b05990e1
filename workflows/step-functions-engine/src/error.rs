//! Errors: definition validation problems and runtime state failures (AWS error names).

use std::fmt;

/// The error names that Step Functions itself raises (`States.*`).
pub mod names {
    /// Wildcard matching every error except `States.Runtime` and `States.DataLimitExceeded`.
    pub const ALL: &str = "States.ALL";
    /// Wildcard for task failures (everything except `States.Timeout` and terminal errors).
    pub const TASK_FAILED: &str = "States.TaskFailed";
    /// A Task ran longer than `TimeoutSeconds`.
    pub const TIMEOUT: &str = "States.Timeout";
    /// A Task missed its heartbeat.
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    /// An unrecoverable runtime error (bad path, bad value); never caught by `States.ALL`.
    pub const RUNTIME: &str = "States.Runtime";
    /// A payload exceeded the size quota; never caught by `States.ALL`.
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    /// A Parallel branch failed.
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    /// A Choice state matched no rule and has no `Default`.
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    /// An intrinsic function failed.
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    /// A query (JSONPath / JSONata) could not be evaluated.
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    /// A Map state's failed items exceeded its tolerated failure threshold.
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    /// A Map state's ItemReader failed.
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    /// A Map state's ResultWriter failed.
    pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";
    /// `ResultPath` could not be applied to the state input.
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    /// A `Parameters` path could not be resolved.
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
}

/// A runtime failure of a state, as it appears in `Catch` error output and in the history.
///
/// `error` is `None` for a `Fail` state without `Error`: AWS then reports no error name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The error name (`States.Runtime`, a handler's error type, a Fail state's `Error`).
    pub error: Option<String>,
    /// The human-readable cause, if any.
    pub cause: Option<String>,
}

impl Failure {
    /// A failure with an error name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Self {
            error: Some(error.into()),
            cause: Some(cause.into()),
        }
    }

    /// `States.Runtime` with the given cause.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(names::RUNTIME, cause)
    }

    /// The error output handed to a `Catch`: `{"Error": ..., "Cause": ...}` (empty strings when absent, as AWS).
    pub fn error_output(&self) -> serde_json::Value {
        serde_json::json!({
            "Error": self.error.clone().unwrap_or_default(),
            "Cause": self.cause.clone().unwrap_or_default(),
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error.as_deref().unwrap_or("(no error)"))?;
        if let Some(cause) = &self.cause {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

/// One problem found in a state machine definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: a JSON-pointer-like location, e.g. `/States/Lookup/Next`.
    pub location: String,
    /// What is wrong, worded for a person.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A definition that cannot run: every problem found, in definition order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// All the problems (never empty).
    pub problems: Vec<Problem>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid state machine definition ({} problem{})",
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl ValidationError {
    /// A validation error with a single problem.
    pub fn single(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            problems: vec![Problem {
                location: location.into(),
                message: message.into(),
            }],
        }
    }
}

/// Whether a retrier's or catcher's `ErrorEquals` list matches an error name.
pub fn error_matches(error_equals: &[String], error: Option<&str>) -> bool {
    let error = error.unwrap_or("");
    error_equals.iter().any(|name| match name.as_str() {
        names::ALL => error != names::RUNTIME && error != names::DATA_LIMIT_EXCEEDED,
        names::TASK_FAILED => {
            error == names::TASK_FAILED
                || !matches!(
                    error,
                    names::TIMEOUT
                        | names::HEARTBEAT_TIMEOUT
                        | names::RUNTIME
                        | names::DATA_LIMIT_EXCEEDED
                )
        }
        other => other == error,
    })
}

/// Why [`Engine::redrive`](crate::Engine::redrive) refused to redrive an execution.
///
/// The cases are the eligibility conditions of the `RedriveExecution` API reference and of the
/// developer guide's "Redrive eligibility for unsuccessful executions", each worded as
/// `DescribeExecution`'s `redriveStatusReason` words it; AWS answers every one of them with the
/// error `ExecutionNotRedrivable` ([`RedriveError::aws_error`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RedriveError {
    /// The execution succeeded: there is nothing to redrive.
    #[error("Execution is SUCCEEDED and cannot be redriven.")]
    Succeeded,
    /// The execution (or a redrive of it) is still running on this engine.
    #[error("Execution is RUNNING and cannot be redriven.")]
    Running,
    /// This result is an earlier attempt of an execution that has been redriven since: AWS
    /// always redrives the latest attempt, so redrive the result of that one instead.
    #[error(
        "Execution has been redriven since this result was recorded (its latest attempt has redrive count {latest}): redrive the latest result."
    )]
    Superseded {
        /// The redrive count of the execution's latest attempt.
        latest: u32,
    },
    /// The execution started before 15 November 2023, when `RedriveExecution` was launched.
    #[error("Execution was started before the launch of RedriveExecution.")]
    StartedBeforeRedriveLaunch,
    /// The history has no room for `ExecutionRedriven` and at least one more event (it must
    /// hold fewer than 24,999 events).
    #[error("Execution history event limit exceeded.")]
    HistoryEventLimitExceeded {
        /// How many events the history holds.
        events: usize,
    },
    /// The execution has been open for more than a year (the maximum execution time).
    #[error("Execution has exceeded the max execution time.")]
    MaxExecutionTimeExceeded,
    /// The execution ended more than 14 days ago (the redrivable period).
    #[error("Execution redrivable period exceeded.")]
    RedrivablePeriodExceeded,
    /// The result does not record where the execution stopped (it was not produced by
    /// [`Engine::run`](crate::Engine::run) or [`Engine::redrive`](crate::Engine::redrive)).
    #[error("the execution result does not record where the execution stopped")]
    NotRecorded,
    /// The state machine cannot run on this engine (a Task without a handler).
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

impl RedriveError {
    /// The error AWS answers with: `ExecutionNotRedrivable` for every refusal AWS makes, and
    /// `ValidationException` for a definition this engine cannot run.
    pub fn aws_error(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "ValidationException",
            _ => "ExecutionNotRedrivable",
        }
    }
}
