//! Why a post-call step failed, with a stable Step Functions error name.
//!
//! `error_type()` values (what `Retry`/`Catch` `ErrorEquals` match): `MalformedCtr`,
//! `InvalidConfiguration`, `NoRecording`, `NotPlanned`, `ContactAnalytics.Pending`, `Markers.Unavailable`,
//! `Markers.Failed`, `Transcribe.Unavailable`, `Transcribe.Rejected`, `Transcribe.JobFailed`,
//! `Transcribe.NotComplete`, `Transcribe.UnsupportedMediaFormat`, `Transcript.NotFound`,
//! `Transcript.Malformed`, `ObjectStore.Unavailable`, `ObjectStore.Failed`,
//! `Comprehend.Unavailable`, `Comprehend.Rejected`, and `Salesforce.<class>` for every class
//! of [`SalesforceError`]. Retry only when [`PostCallError::is_retryable`] (their names are in
//! [`PostCallError::RETRYABLE_ERROR_TYPES`]).

use salesforce_client::SalesforceError;

use crate::ctr::MalformedCtr;
use crate::ports::{MarkerError, StoreError, TextAnalysisError, TranscriberError};
use crate::redact::mask_digit_runs;

#[derive(Debug, Clone, thiserror::Error)]
pub enum PostCallError {
    #[error(transparent)]
    MalformedCtr(#[from] MalformedCtr),
    #[error("the post-call configuration is invalid: {reason}")]
    InvalidConfiguration { reason: String },
    #[error("contact {contact_id}: {reason}")]
    NoRecording { contact_id: String, reason: String },
    /// A step ran for a contact whose plan does not include it (a state machine wiring error).
    #[error(
        "contact {contact_id}: the {step} step is not planned for this contact (attribute, package switch, language or AVAILABLE AUDIO recording missing)"
    )]
    NotPlanned {
        contact_id: String,
        step: &'static str,
    },
    /// Another execution created the contact's marker and has not recorded its CCA yet.
    #[error(
        "contact {contact_id}: another execution ({owner}) is creating the Contact Channel Analytics record; retry later"
    )]
    ContactAnalyticsPending { contact_id: String, owner: String },
    #[error("contact {contact_id}: cannot {action} the contact marker: {source}")]
    Markers {
        contact_id: String,
        action: &'static str,
        source: MarkerError,
    },
    #[error("contact {contact_id}: Salesforce failed to {action}: {}", mask_digit_runs(&source.to_string()))]
    Salesforce {
        contact_id: String,
        action: String,
        source: SalesforceError,
    },
    #[error("transcription job {job_name}: {source}")]
    Transcriber {
        job_name: String,
        source: TranscriberError,
    },
    #[error("transcription job {job_name} FAILED: {reason}")]
    TranscriptionFailed { job_name: String, reason: String },
    #[error("transcription job {job_name} is {status}, not COMPLETED")]
    TranscriptionNotComplete { job_name: String, status: String },
    #[error("contact {contact_id}: Amazon Transcribe cannot read the recording {key}: {reason}")]
    UnsupportedMediaFormat {
        contact_id: String,
        key: String,
        reason: String,
    },
    #[error("the transcript {location} does not exist")]
    TranscriptNotFound { location: String },
    #[error("the transcript {location} is not Transcribe output: {reason}")]
    MalformedTranscript { location: String, reason: String },
    #[error(transparent)]
    ObjectStore(#[from] StoreError),
    #[error("contact {contact_id}: Comprehend {analysis} failed: {source}")]
    TextAnalysis {
        contact_id: String,
        analysis: &'static str,
        source: TextAnalysisError,
    },
}

impl PostCallError {
    pub fn salesforce(
        contact_id: &str,
        action: impl Into<String>,
        source: SalesforceError,
    ) -> Self {
        Self::Salesforce {
            contact_id: contact_id.to_string(),
            action: action.into(),
            source,
        }
    }

    pub fn markers(contact_id: &str, action: &'static str, source: MarkerError) -> Self {
        Self::Markers {
            contact_id: contact_id.to_string(),
            action,
            source,
        }
    }

    /// The stable error name (see the module documentation).
    pub fn error_type(&self) -> &'static str {
        match self {
            Self::MalformedCtr(_) => "MalformedCtr",
            Self::InvalidConfiguration { .. } => "InvalidConfiguration",
            Self::NoRecording { .. } => "NoRecording",
            Self::NotPlanned { .. } => "NotPlanned",
            Self::ContactAnalyticsPending { .. } => "ContactAnalytics.Pending",
            Self::Markers { source, .. } => {
                if source.is_retryable() {
                    "Markers.Unavailable"
                } else {
                    "Markers.Failed"
                }
            }
            Self::Salesforce { source, .. } => source.error_type(),
            Self::Transcriber { source, .. } => {
                if source.is_retryable() {
                    "Transcribe.Unavailable"
                } else {
                    "Transcribe.Rejected"
                }
            }
            Self::TranscriptionFailed { .. } => "Transcribe.JobFailed",
            Self::TranscriptionNotComplete { .. } => "Transcribe.NotComplete",
            Self::UnsupportedMediaFormat { .. } => "Transcribe.UnsupportedMediaFormat",
            Self::TranscriptNotFound { .. } => "Transcript.NotFound",
            Self::MalformedTranscript { .. } => "Transcript.Malformed",
            Self::ObjectStore(source) => {
                if source.is_retryable() {
                    "ObjectStore.Unavailable"
                } else {
                    "ObjectStore.Failed"
                }
            }
            Self::TextAnalysis { source, .. } => {
                if source.is_retryable() {
                    "Comprehend.Unavailable"
                } else {
                    "Comprehend.Rejected"
                }
            }
        }
    }

    /// Whether a later attempt may succeed: transient outages, throttling, Salesforce's API
    /// limit, and another execution still creating the CCA. Never a bad input.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::ContactAnalyticsPending { .. } | Self::TranscriptionNotComplete { .. } => true,
            Self::Markers { source, .. } => source.is_retryable(),
            Self::Salesforce { source, .. } => source.is_retryable_later(),
            Self::Transcriber { source, .. } => source.is_retryable(),
            Self::ObjectStore(source) => source.is_retryable(),
            Self::TextAnalysis { source, .. } => source.is_retryable(),
            _ => false,
        }
    }

    /// Every `error_type()` value.
    pub const ERROR_TYPES: [&'static str; 28] = [
        "MalformedCtr",
        "InvalidConfiguration",
        "NoRecording",
        "NotPlanned",
        "ContactAnalytics.Pending",
        "Markers.Unavailable",
        "Markers.Failed",
        "Transcribe.Unavailable",
        "Transcribe.Rejected",
        "Transcribe.JobFailed",
        "Transcribe.NotComplete",
        "Transcribe.UnsupportedMediaFormat",
        "Transcript.NotFound",
        "Transcript.Malformed",
        "ObjectStore.Unavailable",
        "ObjectStore.Failed",
        "Comprehend.Unavailable",
        "Comprehend.Rejected",
        "Salesforce.Authentication",
        "Salesforce.Credentials",
        "Salesforce.NotFound",
        "Salesforce.InvalidField",
        "Salesforce.MalformedQuery",
        "Salesforce.MultipleMatches",
        "Salesforce.ApiLimitExceeded",
        "Salesforce.Transient",
        "Salesforce.Rejected",
        "Salesforce.UnexpectedResponse",
    ];

    /// The `error_type()` values for which `is_retryable()` can be true (a Retry's
    /// `ErrorEquals`). `Salesforce.Credentials` is retryable only when its cause (Secrets
    /// Manager unreachable) is transient; retrying a permanent one merely delays the failure.
    pub const RETRYABLE_ERROR_TYPES: [&'static str; 9] = [
        "ContactAnalytics.Pending",
        "Markers.Unavailable",
        "Transcribe.Unavailable",
        "Transcribe.NotComplete",
        "ObjectStore.Unavailable",
        "Comprehend.Unavailable",
        "Salesforce.Transient",
        "Salesforce.ApiLimitExceeded",
        "Salesforce.Credentials",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transient() -> SalesforceError {
        SalesforceError::Transient {
            error_code: "SERVER_UNAVAILABLE".into(),
            message: "down".into(),
        }
    }

    #[test]
    fn when_salesforce_is_transient_should_be_retryable_under_its_class_name() {
        let error = PostCallError::salesforce("c-1", "upsert the CTR", transient());
        assert_eq!(error.error_type(), "Salesforce.Transient");
        assert!(error.is_retryable());
        assert!(error.to_string().contains("c-1") && error.to_string().contains("upsert the CTR"));
        let rejected = PostCallError::salesforce(
            "c-1",
            "create",
            SalesforceError::Rejected {
                status: 400,
                error_code: "REQUIRED_FIELD_MISSING".into(),
                message: "x".into(),
            },
        );
        assert!(!rejected.is_retryable());
    }

    #[test]
    fn when_listing_error_types_should_cover_every_retryable_one() {
        for name in PostCallError::RETRYABLE_ERROR_TYPES {
            assert!(PostCallError::ERROR_TYPES.contains(&name), "{name}");
        }
        let samples = [
            PostCallError::ContactAnalyticsPending {
                contact_id: "c".into(),
                owner: "o".into(),
            },
            PostCallError::markers(
                "c",
                "create",
                MarkerError::Unavailable {
                    message: "503".into(),
                },
            ),
            PostCallError::Transcriber {
                job_name: "j".into(),
                source: TranscriberError::Unavailable {
                    message: "throttled".into(),
                },
            },
            PostCallError::ObjectStore(StoreError::Unavailable {
                location: "s3://b/k".into(),
                message: "timeout".into(),
            }),
            PostCallError::salesforce("c", "x", transient()),
        ];
        for error in samples {
            assert!(error.is_retryable());
            assert!(PostCallError::RETRYABLE_ERROR_TYPES.contains(&error.error_type()));
        }
    }

    #[test]
    fn when_transcription_failed_should_name_transcribes_reason() {
        let error = PostCallError::TranscriptionFailed {
            job_name: "c_1".into(),
            reason: "The media format provided does not match the detected media format.".into(),
        };
        assert_eq!(error.error_type(), "Transcribe.JobFailed");
        assert!(
            error
                .to_string()
                .contains("does not match the detected media format")
        );
        assert!(!error.is_retryable());
    }
}
