//! The port to Step Functions' StartExecution.

use std::fmt;

use async_trait::async_trait;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub enum StartOutcome {
    Started {
        execution_arn: String,
    },
    /// An execution with this name exists already: the record was delivered before.
    AlreadyStarted,
}

/// What a failed StartExecution means for the record: retry it, pass its CTR by reference, or
/// keep it aside for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StartErrorKind {
    /// Throttling, a 5xx, a timeout or a network failure: the same request may succeed later.
    Unavailable,
    /// The deployment is wrong (no such state machine, access denied, an invalid ARN): every
    /// record fails alike until it is fixed, so the record is retried rather than set aside.
    Misconfigured,
    /// Step Functions refused the execution's input (too large, or not valid JSON): the same
    /// execution with the CTR passed by reference may be accepted.
    InputRefused,
    /// Step Functions refused this execution for good (its name, a validation error): retrying
    /// the same request cannot help.
    Refused,
}

impl StartErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Unavailable => "unavailable",
            Self::Misconfigured => "misconfigured",
            Self::InputRefused => "input refused",
            Self::Refused => "refused",
        }
    }
}

impl fmt::Display for StartErrorKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("StartExecution failed ({kind}): {message}")]
pub struct StartError {
    pub kind: StartErrorKind,
    pub message: String,
}

impl StartError {
    pub fn new(kind: StartErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StartErrorKind::Unavailable, message)
    }

    pub fn misconfigured(message: impl Into<String>) -> Self {
        Self::new(StartErrorKind::Misconfigured, message)
    }

    pub fn input_refused(message: impl Into<String>) -> Self {
        Self::new(StartErrorKind::InputRefused, message)
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(StartErrorKind::Refused, message)
    }

    /// Retrying the same StartExecution cannot succeed: the record is kept aside instead of
    /// blocking its shard.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self.kind,
            StartErrorKind::InputRefused | StartErrorKind::Refused
        )
    }
}

#[async_trait]
pub trait ExecutionStarter: Send + Sync {
    async fn start_execution(
        &self,
        name: &str,
        input: &serde_json::Value,
    ) -> Result<StartOutcome, StartError>;
}
