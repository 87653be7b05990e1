//! One reading of an AWS SDK error, shared by every adapter: is it worth retrying, and what
//! did the service say (HTTP status, error code, message)?

use std::fmt;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Error codes AWS services use for throttling and quota pressure: retried with backoff.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
    "LimitExceededException",
    "ProvisionedThroughputExceededException",
    "ServiceUnavailable",
    "InternalFailure",
    "InternalFailureException",
    "InternalServerError",
    "InternalServerException",
    // S3's 400 for a request whose body did not arrive in time: the next attempt may succeed.
    "RequestTimeout",
    "RequestTimeoutException",
];

/// What went wrong with one SDK call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdkFailure {
    /// Network failure, timeout, throttling or a 5xx: the same request may succeed later.
    pub retryable: bool,
    /// The HTTP status when the service answered.
    pub status: Option<u16>,
    /// The service's error code (`NoSuchKey`, `ConflictException`, ...).
    pub code: Option<String>,
    pub message: String,
}

impl SdkFailure {
    pub fn from_sdk<E>(error: &SdkError<E, Response>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match error {
            SdkError::ServiceError(context) => {
                let status = context.raw().status().as_u16();
                let code = context.err().code().map(str::to_string);
                let message = context
                    .err()
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| DisplayErrorContext(context.err()).to_string());
                let retryable = status >= 500
                    || status == 429
                    || code
                        .as_deref()
                        .is_some_and(|code| THROTTLING_CODES.contains(&code));
                Self {
                    retryable,
                    status: Some(status),
                    code,
                    message,
                }
            }
            // Could not build the request: retrying sends the same bad request.
            SdkError::ConstructionFailure(_) => Self {
                retryable: false,
                status: None,
                code: None,
                message: DisplayErrorContext(error).to_string(),
            },
            // Timeouts, connection failures and unreadable responses.
            _ => Self {
                retryable: true,
                status: error
                    .raw_response()
                    .map(|response| response.status().as_u16()),
                code: None,
                message: DisplayErrorContext(error).to_string(),
            },
        }
    }

    pub fn is_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }
}

impl fmt::Display for SdkFailure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, self.status) {
            (Some(code), Some(status)) => {
                write!(formatter, "{code} (HTTP {status}): {}", self.message)
            }
            (None, Some(status)) => write!(formatter, "HTTP {status}: {}", self.message),
            _ => formatter.write_str(&self.message),
        }
    }
}
