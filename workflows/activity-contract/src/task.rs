//! A post-call step as a typed function, and the one way its state input and output cross
//! JSON: the Lambda `main` and the local engine both call [`run_task`].

use std::future::Future;

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
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

    fn run(
        ports: &Self::Ports,
        input: Self::Input,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Self::Output, Self::Error>> + Send;
}

crate::error_kinds! {
    /// Failures of the JSON boundary itself.
    pub enum TaskErrorKind {
        InvalidInput => "InvalidInput", retryable = false;
        InvalidOutput => "InvalidOutput", retryable = false;
    }
}

/// Why a Task failed: its input did not decode, the step failed, or its output did not encode.
#[derive(Debug, thiserror::Error)]
pub enum TaskError<E: NamedError> {
    #[error("the state input is not what {activity} expects: {reason}")]
    InvalidInput { activity: String, reason: String },
    #[error(transparent)]
    Step(E),
    #[error("{activity} could not encode its output: {reason}")]
    InvalidOutput { activity: String, reason: String },
}

impl<E: NamedError> NamedError for TaskError<E> {
    fn error_name(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => TaskErrorKind::InvalidInput.name(),
            Self::Step(error) => error.error_name(),
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

/// Decodes the state input, runs the step, encodes its output.
pub async fn run_task<T: Task>(
    ports: &T::Ports,
    input: Value,
    now: DateTime<Utc>,
) -> Result<Value, TaskError<T::Error>> {
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
    let output = T::run(ports, input, now).await.map_err(|error| {
        debug_assert!(
            T::error_names()
                .iter()
                .any(|name| name.name == error.error_name()),
            "{} returned {}, which its error_names() does not list",
            T::STATE,
            error.error_name()
        );
        TaskError::Step(error)
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

    impl NamedError for WrongAnswer {
        fn error_name(&self) -> &'static str {
            "Answer.Wrong"
        }
        fn is_retryable(&self) -> bool {
            false
        }
        fn error_names() -> Vec<ErrorName> {
            vec![ErrorName {
                name: "Answer.Wrong",
                retryable: false,
            }]
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

        async fn run(_: &(), input: Question, _: DateTime<Utc>) -> Result<Value, WrongAnswer> {
            if input.phone == 42 {
                Ok(serde_json::json!({"ok": true}))
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
        assert_eq!(names, ["Answer.Wrong", "InvalidInput", "InvalidOutput"]);
    }
}
