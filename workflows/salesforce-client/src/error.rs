//! Typed Salesforce errors: each carries Salesforce's `errorCode` and message so callers (and
//! Step Functions `Retry`/`Catch`) can tell a bad request from a transient outage.

use serde::Deserialize;

use crate::credentials::CredentialsError;

activity_contract::error_kinds! {
    /// Every class of Salesforce failure, with the name callers report. `Credentials` is
    /// retryable as a name: an unreachable Secrets Manager is transient (a missing secret is
    /// not, and retrying it merely delays the failure).
    pub enum SalesforceErrorKind {
        Authentication => "Salesforce.Authentication", retryable = false;
        Credentials => "Salesforce.Credentials", retryable = true;
        NotFound => "Salesforce.NotFound", retryable = false;
        /// The object itself does not exist in the org (`INVALID_TYPE`): a typo or a missing
        /// package, never "no record".
        UnknownObject => "Salesforce.UnknownObject", retryable = false;
        InvalidField => "Salesforce.InvalidField", retryable = false;
        MalformedQuery => "Salesforce.MalformedQuery", retryable = false;
        MultipleMatches => "Salesforce.MultipleMatches", retryable = false;
        ApiLimitExceeded => "Salesforce.ApiLimitExceeded", retryable = true;
        Transient => "Salesforce.Transient", retryable = true;
        Rejected => "Salesforce.Rejected", retryable = false;
        UnexpectedResponse => "Salesforce.UnexpectedResponse", retryable = false;
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum SalesforceError {
    /// Login refused, or the session stayed invalid after one refresh.
    #[error("Salesforce authentication failed ({error_code}): {message}")]
    Authentication { error_code: String, message: String },
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    #[error("Salesforce record or resource not found ({error_code}): {message}")]
    NotFound { error_code: String, message: String },
    #[error("the Salesforce object does not exist in this org ({error_code}): {message}")]
    UnknownObject { error_code: String, message: String },
    #[error("Salesforce rejected a field ({error_code}): {message}")]
    InvalidField {
        error_code: String,
        message: String,
        fields: Vec<String>,
    },
    #[error("Salesforce could not parse the query ({error_code}): {message}")]
    MalformedQuery { error_code: String, message: String },
    #[error("upsert of {object} matched {} records: {}", matches.len(), matches.join(", "))]
    MultipleMatches {
        object: String,
        matches: Vec<String>,
    },
    #[error("Salesforce API limit exceeded ({error_code}): {message}")]
    ApiLimitExceeded { error_code: String, message: String },
    /// 5xx, timeout or connection failure: the request may succeed if tried again.
    #[error("Salesforce is unavailable ({error_code}): {message}")]
    Transient { error_code: String, message: String },
    /// Any other refusal (4xx) with Salesforce's own code, e.g. `REQUIRED_FIELD_MISSING`.
    #[error("Salesforce refused the request with HTTP {status} ({error_code}): {message}")]
    Rejected {
        status: u16,
        error_code: String,
        message: String,
    },
    /// Salesforce answered with something this client cannot read.
    #[error("unexpected Salesforce response: {0}")]
    UnexpectedResponse(String),
}

impl SalesforceError {
    /// The kind of failure, whose name callers report.
    pub fn kind(&self) -> SalesforceErrorKind {
        match self {
            Self::Authentication { .. } => SalesforceErrorKind::Authentication,
            Self::Credentials(_) => SalesforceErrorKind::Credentials,
            Self::NotFound { .. } => SalesforceErrorKind::NotFound,
            Self::UnknownObject { .. } => SalesforceErrorKind::UnknownObject,
            Self::InvalidField { .. } => SalesforceErrorKind::InvalidField,
            Self::MalformedQuery { .. } => SalesforceErrorKind::MalformedQuery,
            Self::MultipleMatches { .. } => SalesforceErrorKind::MultipleMatches,
            Self::ApiLimitExceeded { .. } => SalesforceErrorKind::ApiLimitExceeded,
            Self::Transient { .. } => SalesforceErrorKind::Transient,
            Self::Rejected { .. } => SalesforceErrorKind::Rejected,
            Self::UnexpectedResponse(_) => SalesforceErrorKind::UnexpectedResponse,
        }
    }

    /// The stable error type callers report (`Salesforce.Transient`, `Salesforce.NotFound`, …):
    /// what an activity's Lambda error says and what state machines' Retry and Catch match.
    pub fn error_type(&self) -> &'static str {
        self.kind().name()
    }

    /// Salesforce's `errorCode` (or our own code for non-Salesforce failures).
    pub fn error_code(&self) -> &str {
        match self {
            Self::Authentication { error_code, .. }
            | Self::NotFound { error_code, .. }
            | Self::UnknownObject { error_code, .. }
            | Self::InvalidField { error_code, .. }
            | Self::MalformedQuery { error_code, .. }
            | Self::ApiLimitExceeded { error_code, .. }
            | Self::Transient { error_code, .. }
            | Self::Rejected { error_code, .. } => error_code,
            Self::Credentials(_) => "CREDENTIALS_UNAVAILABLE",
            Self::MultipleMatches { .. } => "MULTIPLE_CHOICES",
            Self::UnexpectedResponse(_) => "UNEXPECTED_RESPONSE",
        }
    }

    /// Worth retrying immediately inside this invocation (only for idempotent calls).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Transient { .. } => true,
            Self::Credentials(error) => error.is_transient(),
            _ => false,
        }
    }

    /// Worth retrying later (a workflow's backoff): transient failures and the daily limit.
    pub fn is_retryable_later(&self) -> bool {
        self.is_transient() || matches!(self, Self::ApiLimitExceeded { .. })
    }

    /// A not-found answer about one record says which: `Case 5005e… was not found`.
    pub(crate) fn naming_record(self, object: &str, id: &str) -> Self {
        match self {
            Self::NotFound {
                error_code,
                message,
            } => Self::NotFound {
                message: format!("{object} {id} was not found: {message}"),
                error_code,
            },
            other => other,
        }
    }

    pub(crate) fn is_invalid_session(&self) -> bool {
        matches!(self, Self::Authentication { error_code, .. } if error_code == "INVALID_SESSION_ID")
    }

    pub(crate) fn transport(error: &reqwest::Error) -> Self {
        let error_code = if error.is_timeout() {
            "TIMEOUT"
        } else if error.is_connect() {
            "CONNECTION_FAILED"
        } else {
            "TRANSPORT_ERROR"
        };
        // reqwest's Display includes the URL, whose query string carries the caller's values
        // (a SOQL WHERE with a phone number): report the failure without it.
        let mut message = String::from(match error_code {
            "TIMEOUT" => "the request timed out",
            "CONNECTION_FAILED" => "cannot connect to Salesforce",
            _ => "the request failed",
        });
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Self::Transient {
            error_code: error_code.to_string(),
            message: redaction::redact_personal_data(&message),
        }
    }

    /// Classifies a non-success REST response from its status and Salesforce error body.
    pub(crate) fn from_response(status: u16, body: &str) -> Self {
        let detail = ErrorDetail::parse(body);
        let error_code = detail
            .error_code
            .clone()
            .unwrap_or_else(|| format!("HTTP_{status}"));
        // Salesforce's own message, never the raw body (it may echo the record or the query).
        let message = detail
            .message
            .clone()
            .map(|message| truncate(&message, 300))
            .unwrap_or_else(|| format!("HTTP {status} with no Salesforce error message"));
        match (status, error_code.as_str()) {
            (401, _) | (_, "INVALID_SESSION_ID") => Self::Authentication {
                error_code,
                message,
            },
            (_, "REQUEST_LIMIT_EXCEEDED") => Self::ApiLimitExceeded {
                error_code,
                message,
            },
            // Another transaction holds the row (a busy org, a concurrent flow) or the org is
            // briefly unavailable: Salesforce's own advice is to try again.
            (_, "UNABLE_TO_LOCK_ROW" | "SERVER_UNAVAILABLE" | "REQUEST_RUNNING_TOO_LONG") => {
                Self::Transient {
                    error_code,
                    message,
                }
            }
            (
                _,
                "INVALID_FIELD"
                | "INVALID_FIELD_FOR_INSERT_UPDATE"
                | "INVALID_TYPE_ON_FIELD_IN_RECORD"
                | "JSON_PARSER_ERROR",
            ) => Self::InvalidField {
                error_code,
                message,
                fields: detail.fields,
            },
            (
                _,
                "MALFORMED_QUERY"
                | "MALFORMED_SEARCH"
                | "INVALID_SEARCH"
                | "INVALID_QUERY_FILTER_OPERATOR"
                | "INVALID_QUERY_LOCATOR",
            ) => Self::MalformedQuery {
                error_code,
                message,
            },
            (_, "INVALID_TYPE") => Self::UnknownObject {
                error_code,
                message,
            },
            (_, "NOT_FOUND" | "ENTITY_IS_DELETED") | (404, _) => Self::NotFound {
                error_code,
                message,
            },
            (500..=599, _) => Self::Transient {
                error_code,
                message,
            },
            _ => Self::Rejected {
                status,
                error_code,
                message,
            },
        }
    }
}

/// Salesforce error bodies are usually `[{"message","errorCode","fields"}]`, sometimes a single
/// object, and for OAuth `{"error","error_description"}`.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(rename = "errorCode", alias = "error", default)]
    pub error_code: Option<String>,
    #[serde(alias = "error_description", default)]
    pub message: Option<String>,
    #[serde(default)]
    pub fields: Vec<String>,
}

impl ErrorDetail {
    pub(crate) fn parse(body: &str) -> ErrorDetail {
        serde_json::from_str::<Vec<ErrorDetail>>(body)
            .ok()
            .and_then(|mut list| (!list.is_empty()).then(|| list.remove(0)))
            .or_else(|| serde_json::from_str::<ErrorDetail>(body).ok())
            .unwrap_or_default()
    }
}

pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

impl activity_contract::NamedError for SalesforceError {
    fn error_name(&self) -> &'static str {
        self.error_type()
    }

    fn is_retryable(&self) -> bool {
        self.is_retryable_later()
    }

    fn error_names() -> Vec<activity_contract::ErrorName> {
        SalesforceErrorKind::error_names()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_body_is_salesforce_error_array_should_keep_code_and_message() {
        let error = SalesforceError::from_response(
            400,
            r#"[{"message":"No such column 'Foo__c' on sobject of type Contact","errorCode":"INVALID_FIELD","fields":["Foo__c"]}]"#,
        );
        assert_eq!(error.error_code(), "INVALID_FIELD");
        assert!(error.to_string().contains("No such column 'Foo__c'"));
        assert!(
            matches!(error, SalesforceError::InvalidField { ref fields, .. } if fields == &["Foo__c"])
        );
    }

    #[test]
    fn when_status_is_5xx_should_be_transient() {
        let error = SalesforceError::from_response(
            503,
            r#"[{"errorCode":"SERVER_UNAVAILABLE","message":"down"}]"#,
        );
        assert!(error.is_transient());
        assert!(!SalesforceError::from_response(400, "[]").is_transient());
    }

    #[test]
    fn when_a_row_is_locked_should_be_transient_whatever_the_status() {
        let error = SalesforceError::from_response(
            400,
            r#"[{"errorCode":"UNABLE_TO_LOCK_ROW","message":"unable to obtain exclusive access to this record"}]"#,
        );
        assert!(error.is_transient(), "{error:?}");
        assert_eq!(error.error_type(), "Salesforce.Transient");
        assert_eq!(error.error_code(), "UNABLE_TO_LOCK_ROW");
    }

    #[test]
    fn when_limit_exceeded_should_be_retryable_later_but_not_now() {
        let error = SalesforceError::from_response(
            403,
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
        );
        assert!(matches!(error, SalesforceError::ApiLimitExceeded { .. }));
        assert!(!error.is_transient());
        assert!(error.is_retryable_later());
    }

    #[test]
    fn when_oauth_error_should_read_error_description() {
        let error = SalesforceError::from_response(
            400,
            r#"{"error":"invalid_grant","error_description":"authentication failure"}"#,
        );
        assert_eq!(error.error_code(), "invalid_grant");
        assert!(error.to_string().contains("authentication failure"));
    }

    #[test]
    fn when_session_is_invalid_should_be_detected() {
        let error = SalesforceError::from_response(
            401,
            r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
        );
        assert!(error.is_invalid_session());
    }
}
