//! A post-call step as a typed function, and the one way its state input and output cross
//! JSON: the Lambda `main` and the local engine both call [`run_task`].
//!
//! A Task state passes its step the state's input and what only the state machine knows:
//!
//! ```json
//! "Parameters": {"input.$": "$", "context": {"executionName.$": "$$.Execution.Name",
//!   "stateEnteredTime.$": "$$.State.EnteredTime", "retryCount.$": "$$.State.RetryCount"}}
//! ```
//!
//! [`run_task`] unwraps that envelope into the step's input and a [`TaskContext`]; a bare input
//! (a test, `connect-sf invoke`) runs with no execution name and no time in state.

use std::future::Future;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

use crate::{ErrorName, NamedError};

/// One Task state of a state machine, implemented in a domain library.
///
/// The state name is the step's only name: its activity crate and handler are
/// [`activity_name`]`(STATE)` (`ImportCtr` → `import-ctr`), its SAM resource `<STATE>Function`
/// and its placeholder `${<STATE>FunctionArn}`.
pub trait Task: Send + Sync + 'static {
    /// The state's name in `statemachines/` (PascalCase).
    const STATE: &'static str;
    /// Exactly the clients this step calls, so a Lambda builds nothing else.
    type Ports: Send + Sync + 'static;
    type Input: DeserializeOwned + Send;
    type Output: Serialize + Send;
    type Error: NamedError;

    /// The names this step can fail with, a subset of `Self::Error`'s names; `run_task` adds
    /// `InvalidInput` and `InvalidOutput`. Debug builds check every returned error against it.
    fn error_names() -> Vec<ErrorName>;

    /// How long this state keeps retrying a retryable error, counted from when the state was
    /// entered; after that [`run_task`] returns `RetryBudgetExhausted` (not retried) with the
    /// last error as its cause. `None`: the state machine's `MaxAttempts` alone bounds it.
    fn retry_budget(_input: &Self::Input) -> Option<Duration> {
        None
    }

    fn run(
        ports: &Self::Ports,
        input: Self::Input,
        context: &TaskContext,
    ) -> impl Future<Output = Result<Self::Output, Self::Error>> + Send;
}

/// What the state machine tells a step about the attempt it is making.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskContext {
    pub now: DateTime<Utc>,
    /// `$$.Execution.Name`: who owns what this attempt writes. A console re-run is a new
    /// execution, so a new owner.
    pub execution_name: Option<String>,
    /// `$$.State.EnteredTime`: when the first attempt of this state began (retries keep it).
    pub state_entered_time: Option<DateTime<Utc>>,
    /// `$$.State.RetryCount`: 0 on the first attempt.
    pub retry_count: u32,
}

impl TaskContext {
    /// A context with nothing but the time (a bare input, a test).
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            now,
            execution_name: None,
            state_entered_time: None,
            retry_count: 0,
        }
    }

    /// How long this state has been retrying, when the state machine said when it began.
    pub fn time_in_state(&self) -> Option<Duration> {
        self.state_entered_time
            .map(|entered| self.now.signed_duration_since(entered))
    }
}

/// The context as the ASL's `Parameters` spell it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContextFromStateMachine {
    #[serde(default)]
    execution_name: Option<String>,
    #[serde(default)]
    state_entered_time: Option<DateTime<Utc>>,
    #[serde(default)]
    retry_count: Option<u32>,
}

/// Splits `{"input": …, "context": {…}}` into the step's input and its context; any other value
/// is the input itself.
fn unwrap_envelope(value: Value, now: DateTime<Utc>) -> Result<(Value, TaskContext), String> {
    let is_envelope = value.as_object().is_some_and(|object| {
        object.len() == 2 && object.contains_key("input") && object.contains_key("context")
    });
    if !is_envelope {
        return Ok((value, TaskContext::at(now)));
    }
    let Value::Object(mut object) = value else {
        return Ok((value, TaskContext::at(now)));
    };
    let input = object.remove("input").unwrap_or(Value::Null);
    let context = object.remove("context").unwrap_or(Value::Null);
    let context: ContextFromStateMachine = serde_json::from_value(context).map_err(|error| {
        format!(
            "the state machine's context is not executionName/stateEnteredTime/retryCount: {}",
            redaction::without_quoted_values(&error.to_string())
        )
    })?;
    Ok((
        input,
        TaskContext {
            now,
            execution_name: context.execution_name.filter(|name| !name.is_empty()),
            state_entered_time: context.state_entered_time,
            retry_count: context.retry_count.unwrap_or(0),
        },
    ))
}

crate::error_kinds! {
    /// Failures of the JSON boundary itself.
    pub enum TaskErrorKind {
        InvalidInput => "InvalidInput", retryable = false;
        InvalidOutput => "InvalidOutput", retryable = false;
        RetryBudgetExhausted => "RetryBudgetExhausted", retryable = false;
    }
}

/// Why a Task failed: its input did not decode, the step failed, or its output did not encode.
#[derive(Debug, thiserror::Error)]
pub enum TaskError<E: NamedError> {
    #[error("the state input is not what {activity} expects: {reason}")]
    InvalidInput { activity: String, reason: String },
    #[error(transparent)]
    Step(E),
    /// The step kept failing with a retryable error for longer than its budget.
    #[error(
        "{activity} gave up after {minutes_in_state} minutes of retries (retry budget {budget_minutes} minutes); last error ({}): {source}",
        source.error_name()
    )]
    RetryBudgetExhausted {
        activity: String,
        minutes_in_state: i64,
        budget_minutes: i64,
        source: E,
    },
    #[error("{activity} could not encode its output: {reason}")]
    InvalidOutput { activity: String, reason: String },
}

impl<E: NamedError> NamedError for TaskError<E> {
    fn error_name(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => TaskErrorKind::InvalidInput.name(),
            Self::Step(error) => error.error_name(),
            Self::RetryBudgetExhausted { .. } => TaskErrorKind::RetryBudgetExhausted.name(),
            Self::InvalidOutput { .. } => TaskErrorKind::InvalidOutput.name(),
        }
    }

    fn is_retryable(&self) -> bool {
        matches!(self, Self::Step(error) if error.is_retryable())
    }

    fn error_names() -> Vec<ErrorName> {
        let mut names = TaskErrorKind::error_names();
        names.extend(E::error_names());
        names
    }
}

impl<E: NamedError> TaskError<E> {
    /// The names one Task can return: its step's names plus the JSON boundary's.
    pub fn names_for<T: Task<Error = E>>() -> Vec<ErrorName> {
        let mut names = TaskErrorKind::error_names();
        names.extend(T::error_names());
        names.sort();
        names.dedup();
        names
    }
}

/// The activity crate (and local handler) name of a state: `ImportCtr` → `import-ctr`.
pub fn activity_name(state: &str) -> String {
    let mut name = String::with_capacity(state.len() + 4);
    for (index, character) in state.chars().enumerate() {
        if character.is_ascii_uppercase() {
            if index > 0 {
                name.push('-');
            }
            name.push(character.to_ascii_lowercase());
        } else {
            name.push(character);
        }
    }
    name
}

/// Decodes the state input (and the state machine's context, when it passes one), runs the
/// step, encodes its output. A retryable failure past the step's [`Task::retry_budget`] becomes
/// `RetryBudgetExhausted`.
pub async fn run_task<T: Task>(
    ports: &T::Ports,
    input: Value,
    now: DateTime<Utc>,
) -> Result<Value, TaskError<T::Error>> {
    let (input, context) =
        unwrap_envelope(input, now).map_err(|reason| TaskError::InvalidInput {
            activity: activity_name(T::STATE),
            reason,
        })?;
    let input: T::Input =
        serde_json::from_value(input).map_err(|error| TaskError::InvalidInput {
            activity: activity_name(T::STATE),
            // Only serde's description of the problem: the values it quotes may be personal data.
            reason: format!(
                "{:?} error: {}",
                error.classify(),
                redaction::without_quoted_values(&error.to_string())
            ),
        })?;
    let budget = T::retry_budget(&input);
    let output = T::run(ports, input, &context).await.map_err(|error| {
        debug_assert!(
            T::error_names()
                .iter()
                .any(|name| name.name == error.error_name()),
            "{} returned {}, which its error_names() does not list",
            T::STATE,
            error.error_name()
        );
        match (budget, context.time_in_state()) {
            // Never on a first attempt: a state entered long ago (a redrive may keep the entry
            // time) still gets its retries.
            (Some(budget), Some(in_state))
                if error.is_retryable() && context.retry_count > 0 && in_state >= budget =>
            {
                TaskError::RetryBudgetExhausted {
                    activity: activity_name(T::STATE),
                    minutes_in_state: in_state.num_minutes(),
                    budget_minutes: budget.num_minutes(),
                    source: error,
                }
            }
            _ => TaskError::Step(error),
        }
    })?;
    serde_json::to_value(&output).map_err(|error| TaskError::InvalidOutput {
        activity: activity_name(T::STATE),
        reason: error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("the answer is not {0}")]
    struct WrongAnswer(u8);

    /// `WrongAnswer(0)` is a transient failure (`Answer.Retry`), any other a permanent one.
    impl NamedError for WrongAnswer {
        fn error_name(&self) -> &'static str {
            if self.0 == 0 {
                "Answer.Retry"
            } else {
                "Answer.Wrong"
            }
        }
        fn is_retryable(&self) -> bool {
            self.0 == 0
        }
        fn error_names() -> Vec<ErrorName> {
            vec![
                ErrorName {
                    name: "Answer.Retry",
                    retryable: true,
                },
                ErrorName {
                    name: "Answer.Wrong",
                    retryable: false,
                },
            ]
        }
    }

    #[derive(serde::Deserialize)]
    struct Question {
        phone: u64,
    }

    struct CheckAnswer;

    impl Task for CheckAnswer {
        const STATE: &'static str = "CheckAnswer";
        type Ports = ();
        type Input = Question;
        type Output = Value;
        type Error = WrongAnswer;

        fn error_names() -> Vec<ErrorName> {
            WrongAnswer::error_names()
        }

        fn retry_budget(_: &Question) -> Option<Duration> {
            Some(Duration::minutes(60))
        }

        async fn run(_: &(), input: Question, context: &TaskContext) -> Result<Value, WrongAnswer> {
            if input.phone == 42 {
                Ok(serde_json::json!({"ok": true, "owner": context.execution_name}))
            } else if input.phone == 503 {
                Err(WrongAnswer(0))
            } else {
                Err(WrongAnswer(1))
            }
        }
    }

    #[test]
    fn when_a_state_is_pascal_case_should_name_its_activity_in_kebab_case() {
        assert_eq!(activity_name("ImportCtr"), "import-ctr");
        assert_eq!(activity_name("PlanContact"), "plan-contact");
        assert_eq!(activity_name("CheckTranscription"), "check-transcription");
    }

    #[tokio::test]
    async fn when_the_input_does_not_decode_should_name_the_activity_and_never_quote_values() {
        let error = run_task::<CheckAnswer>(
            &(),
            serde_json::json!({"phone": "+12065550143"}),
            Utc::now(),
        )
        .await
        .expect_err("wrong type");
        assert_eq!(error.error_name(), "InvalidInput");
        let message = error.to_string();
        assert!(message.contains("check-answer"), "{message}");
        assert!(!message.contains("2065550143"), "{message}");
    }

    #[tokio::test]
    async fn when_the_step_fails_should_keep_its_name_and_list_it_with_the_boundarys() {
        let error = run_task::<CheckAnswer>(&(), serde_json::json!({"phone": 7}), Utc::now())
            .await
            .expect_err("wrong answer");
        assert_eq!(error.error_name(), "Answer.Wrong");
        let names: Vec<&str> = TaskError::<WrongAnswer>::names_for::<CheckAnswer>()
            .iter()
            .map(|name| name.name)
            .collect();
        assert_eq!(
            names,
            [
                "Answer.Retry",
                "Answer.Wrong",
                "InvalidInput",
                "InvalidOutput",
                "RetryBudgetExhausted"
            ]
        );
    }

    fn envelope(phone: u64, entered: DateTime<Utc>, retry_count: u32) -> Value {
        serde_json::json!({
            "input": {"phone": phone},
            "context": {
                "executionName": "contact-c-1-20240305T142304Z",
                "stateEnteredTime": entered.to_rfc3339(),
                "retryCount": retry_count
            }
        })
    }

    #[tokio::test]
    async fn when_the_state_machine_passes_its_context_should_unwrap_the_input() {
        let now = Utc::now();
        let output = run_task::<CheckAnswer>(&(), envelope(42, now, 0), now)
            .await
            .expect("right answer");
        assert_eq!(output["owner"], "contact-c-1-20240305T142304Z");
    }

    #[tokio::test]
    async fn when_a_retryable_error_outlasts_the_budget_should_stop_retrying_and_keep_the_cause() {
        let now = Utc::now();
        let within =
            run_task::<CheckAnswer>(&(), envelope(503, now - Duration::minutes(59), 30), now)
                .await
                .expect_err("still failing");
        assert_eq!(within.error_name(), "Answer.Retry");
        assert!(within.is_retryable());

        let past =
            run_task::<CheckAnswer>(&(), envelope(503, now - Duration::minutes(61), 31), now)
                .await
                .expect_err("still failing");
        assert_eq!(past.error_name(), "RetryBudgetExhausted");
        assert!(!past.is_retryable());
        let message = past.to_string();
        assert!(message.contains("61 minutes"), "{message}");
        assert!(message.contains("Answer.Retry"), "{message}");
        assert!(message.contains("the answer is not 0"), "{message}");

        // A permanent error is returned as it is, however long the state has run.
        let wrong = run_task::<CheckAnswer>(&(), envelope(7, now - Duration::minutes(90), 40), now)
            .await
            .expect_err("wrong");
        assert_eq!(wrong.error_name(), "Answer.Wrong");
    }
}
