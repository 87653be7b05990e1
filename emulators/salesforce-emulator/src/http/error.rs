//! REST API errors in Salesforce's shape: a JSON array of `{message, errorCode, fields}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::data_error::DataError;

/// Every way a REST API request under `/services/data` can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{}", .0.message())]
    Data(DataError),
    #[error("The requested resource does not exist")]
    NotFound,
    #[error("Session expired or invalid")]
    InvalidSession,
    #[error("TotalRequests Limit exceeded.")]
    RequestLimitExceeded,
    #[error("HTTP Method '{method}' not allowed. Allowed are {allowed}")]
    MethodNotAllowed {
        method: String,
        allowed: &'static str,
    },
    #[error("{0}")]
    JsonParser(String),
    #[error("{message}")]
    BadRequest {
        error_code: &'static str,
        message: String,
    },
    #[error("invalid query locator")]
    InvalidQueryLocator,
    #[error("Maximum size of request reached. Maximum size of request is 200 records.")]
    ExceededIdLimit,
    /// An injected server failure (503 → SERVER_UNAVAILABLE, else UNKNOWN_EXCEPTION).
    #[error("{}", server_fault_message(*.0))]
    ServerFault(u16),
    /// An injected lock conflict.
    #[error(
        "unable to obtain exclusive access to this record or 1 records: emulator-injected-fault"
    )]
    RowLocked,
}

fn server_fault_message(status: u16) -> &'static str {
    if status == 503 {
        "Server temporarily unavailable: the emulator injected this fault"
    } else {
        "An unexpected error occurred. Please include this ErrorId if you contact support: emulator-injected-fault"
    }
}

impl From<DataError> for ApiError {
    fn from(error: DataError) -> Self {
        Self::Data(error)
    }
}

impl ApiError {
    pub fn bad_request(error_code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            error_code,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Data(error) => {
                StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_REQUEST)
            }
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::InvalidSession => StatusCode::UNAUTHORIZED,
            Self::RequestLimitExceeded => StatusCode::FORBIDDEN,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::JsonParser(_)
            | Self::BadRequest { .. }
            | Self::InvalidQueryLocator
            | Self::ExceededIdLimit
            | Self::RowLocked => StatusCode::BAD_REQUEST,
            Self::ServerFault(status) => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    pub fn error_code(&self) -> &'static str {
        match self {
            Self::Data(error) => error.error_code(),
            Self::NotFound => "NOT_FOUND",
            Self::InvalidSession => "INVALID_SESSION_ID",
            Self::RequestLimitExceeded => "REQUEST_LIMIT_EXCEEDED",
            Self::MethodNotAllowed { .. } => "METHOD_NOT_ALLOWED",
            Self::JsonParser(_) => "JSON_PARSER_ERROR",
            Self::BadRequest { error_code, .. } => error_code,
            Self::InvalidQueryLocator => "INVALID_QUERY_LOCATOR",
            Self::ExceededIdLimit => "EXCEEDED_ID_LIMIT",
            Self::ServerFault(503) => "SERVER_UNAVAILABLE",
            Self::ServerFault(_) => "UNKNOWN_EXCEPTION",
            Self::RowLocked => "UNABLE_TO_LOCK_ROW",
        }
    }

    pub fn fields(&self) -> Vec<String> {
        match self {
            Self::Data(error) => error.fields(),
            _ => Vec::new(),
        }
    }

    /// One entry of the error array; `fields` only when the error names some, as Salesforce does.
    pub fn body_entry(&self) -> Value {
        let mut entry = json!({ "message": self.to_string(), "errorCode": self.error_code() });
        let fields = self.fields();
        if !fields.is_empty() {
            entry["fields"] = json!(fields);
        }
        entry
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status(), Json(json!([self.body_entry()]))).into_response()
    }
}
