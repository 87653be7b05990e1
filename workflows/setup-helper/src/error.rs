//! Why a setup call failed. The wizard never gets a Lambda error: every failure is an answer
//! `{"success": false, "body": <this error's message>}`; the stable name is for the logs.

use activity_contract::{ErrorName, NamedError};

use crate::ports::AwsFailure;
use crate::request::Method;

activity_contract::error_kinds! {
    /// Every setup failure, with its stable name.
    pub enum SetupErrorKind {
        MalformedEvent => "MalformedEvent", retryable = false;
        UnknownMethod => "UnknownMethod", retryable = false;
        InvalidParams => "InvalidParams", retryable = false;
        InstanceNotFound => "InstanceNotFound", retryable = false;
        AwsUnavailable => "Aws.Unavailable", retryable = true;
        AwsRejected => "Aws.Rejected", retryable = false;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupError {
    #[error(
        "Invalid event: {reason}; expected {{\"method\": \"<method>\", \"params\": {{...}}}} with a method among {}",
        Method::names()
    )]
    MalformedEvent { reason: String },
    /// The old package's wording, with the valid names added.
    #[error("Invalid method: {method}; the methods are {}", Method::names())]
    UnknownMethod { method: String },
    #[error("Invalid params for {method}: {reason} (params: {})", method.parameters())]
    InvalidParams { method: Method, reason: String },
    /// The old package's wording.
    #[error("ERROR: Could not find Connect instance {alias}")]
    InstanceNotFound { alias: String },
    #[error("{0}")]
    Aws(#[from] AwsFailure),
    /// A storage association whose instance stayed not found (still being created) on every try.
    #[error("{last} (after {attempts} attempts)")]
    AwsAfterRetries { attempts: u32, last: AwsFailure },
}

impl SetupError {
    pub fn invalid_params(method: Method, reason: String) -> Self {
        Self::InvalidParams { method, reason }
    }

    pub fn kind(&self) -> SetupErrorKind {
        use SetupErrorKind as Kind;
        match self {
            Self::MalformedEvent { .. } => Kind::MalformedEvent,
            Self::UnknownMethod { .. } => Kind::UnknownMethod,
            Self::InvalidParams { .. } => Kind::InvalidParams,
            Self::InstanceNotFound { .. } => Kind::InstanceNotFound,
            Self::Aws(failure) | Self::AwsAfterRetries { last: failure, .. } => {
                if failure.retryable {
                    Kind::AwsUnavailable
                } else {
                    Kind::AwsRejected
                }
            }
        }
    }
}

impl NamedError for SetupError {
    fn error_name(&self) -> &'static str {
        self.kind().name()
    }

    fn is_retryable(&self) -> bool {
        self.kind().retryable()
    }

    fn error_names() -> Vec<ErrorName> {
        SetupErrorKind::error_names()
    }
}
