//! Why a post-call step failed, with a stable Step Functions error name.
//!
//! `error_type()` values (what `Retry`/`Catch` `ErrorEquals` match) are the names of
//! [`PostCallErrorKind`] and, for Salesforce failures, of the client's `SalesforceErrorKind`;
//! each step lists the ones it can return (`crate::steps`). Retry only when
//! [`PostCallError::is_retryable`].

use activity_contract::{ErrorName, NamedError};
use salesforce_client::SalesforceError;

use crate::ctr::MalformedCtr;
use crate::ports::{MarkerError, StoreError, TextAnalysisError, TranscriberError};
use redaction::redact_personal_data;

activity_contract::error_kinds! {
    /// Every post-call failure other than Salesforce's, with its stable name.
    pub enum PostCallErrorKind {
        MalformedCtr => "MalformedCtr", retryable = false;
        /// The state's `ctrReference` names no CTR the trigger stored (outside `ctr-inputs/`,
        /// or the object is gone).
        CtrReferenceInvalid => "CtrReference.Invalid", retryable = false;
        InvalidConfiguration => "InvalidConfiguration", retryable = false;
        NoRecording => "NoRecording", retryable = false;
        NotPlanned => "NotPlanned", retryable = false;
        /// Another execution is creating the contact's CCA: wait for it.
        ContactAnalyticsPending => "ContactAnalytics.Pending", retryable = true;
        MarkersUnavailable => "Markers.Unavailable", retryable = true;
        MarkersFailed => "Markers.Failed", retryable = false;
        TranscribeUnavailable => "Transcribe.Unavailable", retryable = true;
        TranscribeRejected => "Transcribe.Rejected", retryable = false;
        TranscribeJobFailed => "Transcribe.JobFailed", retryable = false;
        /// The transcript import ran before the job completed: a wiring error, since the state
        /// machine's Choice only goes there once it has; retrying the same input cannot help.
        TranscribeNotComplete => "Transcribe.NotComplete", retryable = false;
        TranscribeUnsupportedMediaFormat => "Transcribe.UnsupportedMediaFormat", retryable = false;
        TranscriptNotFound => "Transcript.NotFound", retryable = false;
        TranscriptMalformed => "Transcript.Malformed", retryable = false;
        ObjectStoreUnavailable => "ObjectStore.Unavailable", retryable = true;
        ObjectStoreFailed => "ObjectStore.Failed", retryable = false;
        ComprehendUnavailable => "Comprehend.Unavailable", retryable = true;
        ComprehendRejected => "Comprehend.Rejected", retryable = false;
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum PostCallError {
    #[error(transparent)]
    MalformedCtr(#[from] MalformedCtr),
    /// The CTR passed by reference cannot be found where the state says.
    #[error("the CTR reference {location} cannot be read: {reason}")]
    CtrReference { location: String, reason: String },
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
    #[error("contact {contact_id}: Salesforce failed to {action}: {}", redact_personal_data(&source.to_string()))]
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
        if let MarkerError::NoBucket = source {
            return Self::InvalidConfiguration {
                reason: source.to_string(),
            };
        }
        Self::Markers {
            contact_id: contact_id.to_string(),
            action,
            source,
        }
    }

    /// The kind of a non-Salesforce failure, or the Salesforce error (its kind is the client's).
    pub fn kind(&self) -> Result<PostCallErrorKind, &SalesforceError> {
        use PostCallErrorKind as Kind;
        let either = |retryable: bool, unavailable: Kind, failed: Kind| {
            if retryable { unavailable } else { failed }
        };
        Ok(match self {
            Self::MalformedCtr(_) => Kind::MalformedCtr,
            Self::CtrReference { .. } => Kind::CtrReferenceInvalid,
            Self::InvalidConfiguration { .. } => Kind::InvalidConfiguration,
            Self::NoRecording { .. } => Kind::NoRecording,
            Self::NotPlanned { .. } => Kind::NotPlanned,
            Self::ContactAnalyticsPending { .. } => Kind::ContactAnalyticsPending,
            Self::Markers { source, .. } => either(
                source.is_retryable(),
                Kind::MarkersUnavailable,
                Kind::MarkersFailed,
            ),
            Self::Salesforce { source, .. } => return Err(source),
            Self::Transcriber { source, .. } => either(
                source.is_retryable(),
                Kind::TranscribeUnavailable,
                Kind::TranscribeRejected,
            ),
            Self::TranscriptionFailed { .. } => Kind::TranscribeJobFailed,
            Self::TranscriptionNotComplete { .. } => Kind::TranscribeNotComplete,
            Self::UnsupportedMediaFormat { .. } => Kind::TranscribeUnsupportedMediaFormat,
            Self::TranscriptNotFound { .. } => Kind::TranscriptNotFound,
            Self::MalformedTranscript { .. } => Kind::TranscriptMalformed,
            Self::ObjectStore(source) => either(
                source.is_retryable(),
                Kind::ObjectStoreUnavailable,
                Kind::ObjectStoreFailed,
            ),
            Self::TextAnalysis { source, .. } => either(
                source.is_retryable(),
                Kind::ComprehendUnavailable,
                Kind::ComprehendRejected,
            ),
        })
    }

    /// The stable error name (see the module documentation).
    pub fn error_type(&self) -> &'static str {
        match self.kind() {
            Ok(kind) => kind.name(),
            Err(salesforce) => salesforce.error_type(),
        }
    }

    /// Whether a later attempt may succeed: transient outages, throttling, Salesforce's API
    /// limit, and another execution still creating the CCA. Never a bad input.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::ContactAnalyticsPending { .. } => true,
            Self::Markers { source, .. } => source.is_retryable(),
            Self::Salesforce { source, .. } => source.is_retryable_later(),
            Self::Transcriber { source, .. } => source.is_retryable(),
            Self::ObjectStore(source) => source.is_retryable(),
            Self::TextAnalysis { source, .. } => source.is_retryable(),
            _ => false,
        }
    }
}

impl NamedError for PostCallError {
    fn error_name(&self) -> &'static str {
        self.error_type()
    }

    fn is_retryable(&self) -> bool {
        PostCallError::is_retryable(self)
    }

    fn error_names() -> Vec<ErrorName> {
        let mut names = PostCallErrorKind::error_names();
        names.extend(SalesforceError::error_names());
        names
    }
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
    fn when_an_error_is_retryable_should_carry_a_name_listed_as_retryable() {
        let retryable: Vec<&str> = PostCallError::error_names()
            .into_iter()
            .filter(|name| name.retryable)
            .map(|name| name.name)
            .collect();
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
            assert!(
                retryable.contains(&error.error_type()),
                "{}",
                error.error_type()
            );
        }
        let not_complete = PostCallError::TranscriptionNotComplete {
            job_name: "j".into(),
            status: "IN_PROGRESS".into(),
        };
        assert!(!not_complete.is_retryable());
        assert!(!retryable.contains(&not_complete.error_type()));
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
