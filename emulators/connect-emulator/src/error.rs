//! Connect's errors in the REST-JSON form the SDK reads: the HTTP status, the `x-amzn-ErrorType`
//! header naming the exception, and a `{"Message": ...}` body.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub const ERROR_TYPE_HEADER: &str = "x-amzn-ErrorType";

/// An error answer of the Connect API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// 400: a parameter is out of range or malformed.
    #[error("{0}")]
    InvalidParameter(String),
    /// 400: the request as a whole is not valid.
    #[error("{0}")]
    InvalidRequest(String),
    /// 404: the instance, contact or other resource does not exist.
    #[error("{0}")]
    ResourceNotFound(String),
    /// 409: the resource already exists (a second storage association for a resource type).
    #[error("{0}")]
    ResourceConflict(String),
    /// 429: the throttling limit has been exceeded.
    #[error("Rate exceeded")]
    Throttling,
    /// 5xx: request processing failed because of an error or failure with the service.
    #[error("{message}")]
    InternalService { status: u16, message: String },
    /// 400: the body is not JSON of the operation's shape.
    #[error("{0}")]
    Serialization(String),
    /// 404: no operation at this method and path.
    #[error("{0}")]
    UnknownOperation(String),
}

impl ConnectError {
    pub fn internal(status: u16) -> Self {
        Self::InternalService {
            status,
            message: "Request processing failed because of an error or failure with the service."
                .to_owned(),
        }
    }

    /// The exception name the SDK maps to its typed error.
    pub fn error_type(&self) -> &'static str {
        match self {
            Self::InvalidParameter(_) => "InvalidParameterException",
            Self::InvalidRequest(_) => "InvalidRequestException",
            Self::ResourceNotFound(_) => "ResourceNotFoundException",
            Self::ResourceConflict(_) => "ResourceConflictException",
            Self::Throttling => "ThrottlingException",
            Self::InternalService { .. } => "InternalServiceException",
            Self::Serialization(_) => "SerializationException",
            Self::UnknownOperation(_) => "UnknownOperationException",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidParameter(_) | Self::InvalidRequest(_) | Self::Serialization(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::ResourceNotFound(_) | Self::UnknownOperation(_) => StatusCode::NOT_FOUND,
            Self::ResourceConflict(_) => StatusCode::CONFLICT,
            Self::Throttling => StatusCode::TOO_MANY_REQUESTS,
            Self::InternalService { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

/// The wording Connect's request validation uses for a value out of its allowed range.
pub fn out_of_range(field: &str, value: i64, min: i64, max: i64) -> ConnectError {
    let constraint = if value < min {
        format!("greater than or equal to {min}")
    } else {
        format!("less than or equal to {max}")
    };
    ConnectError::InvalidParameter(format!(
        "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must have value {constraint}"
    ))
}

/// The wording Connect's request validation uses for a list longer than allowed.
pub fn too_long(field: &str, max: usize) -> ConnectError {
    ConnectError::InvalidParameter(format!(
        "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length less than or equal to {max}"
    ))
}

impl IntoResponse for ConnectError {
    fn into_response(self) -> Response {
        let status = self.status();
        let error_type = self.error_type();
        let body = json!({ "Message": self.to_string() });
        let mut response = (status, axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(ERROR_TYPE_HEADER, HeaderValue::from_static(error_type));
        response
    }
}
