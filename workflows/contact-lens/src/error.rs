//! Why a Contact Lens step failed, with a stable Step Functions error name; Salesforce failures
//! keep the client's names.

use activity_contract::ErrorName;
use post_call::PostCallError;
use post_call::ports::MarkerError;
use redaction::redact_personal_data;
use salesforce_client::SalesforceError;

use crate::ports::{ConnectError, StoreError};

activity_contract::error_kinds! {
    /// Every Contact Lens failure other than Salesforce's, with its stable name.
    pub enum ContactLensErrorKind {
        InvalidConfiguration => "InvalidConfiguration", retryable = false;
        /// The input is neither an S3 notification nor an EventBridge `Object Created` event.
        InvalidEvent => "InvalidEvent", retryable = false;
        /// The file the event names is gone (deleted before it was read), said by a store that
        /// may list it (locally); S3 answers the functions, which may not list the recording
        /// bucket, with 403: `ContactLensFile.Unreadable`.
        FileNotFound => "ContactLensFile.NotFound", retryable = false;
        /// The store refused to read the file the event names: on S3 a 403, access denied or
        /// the object no longer exists (the message says both, with S3's answer).
        FileUnreadable => "ContactLensFile.Unreadable", retryable = false;
        /// The file is not the analysis or transcript its key says it is.
        FileMalformed => "ContactLensFile.Malformed", retryable = false;
        ObjectStoreUnavailable => "ObjectStore.Unavailable", retryable = true;
        ObjectStoreFailed => "ObjectStore.Failed", retryable = false;
        ConnectThrottled => "Connect.Throttled", retryable = true;
        ConnectUnavailable => "Connect.Unavailable", retryable = true;
        ConnectRejected => "Connect.Rejected", retryable = false;
        /// Another execution is creating the contact's CCA or importing this contact's file.
        ContactAnalyticsPending => "ContactAnalytics.Pending", retryable = true;
        MarkersUnavailable => "Markers.Unavailable", retryable = true;
        MarkersFailed => "Markers.Failed", retryable = false;
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ContactLensError {
    #[error("the Contact Lens import's configuration is invalid: {reason}")]
    InvalidConfiguration { reason: String },
    #[error("the input is not an S3 Object Created event: {reason}")]
    InvalidEvent { reason: String },
    #[error("{location} does not exist")]
    FileNotFound { location: String },
    /// The file could not be read; an outage keeps `ObjectStore.Unavailable` (retried).
    #[error("the Contact Lens or chat transcript file could not be read: {source}")]
    FileUnreadable { source: StoreError },
    #[error("{location} is not a {what}: {reason}")]
    FileMalformed {
        location: String,
        what: &'static str,
        reason: String,
    },
    #[error(transparent)]
    ObjectStore(#[from] StoreError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(
        "contact {contact_id}: another execution ({owner}) is importing this contact's {what}; retry later"
    )]
    ImportPending {
        contact_id: String,
        owner: String,
        what: &'static str,
    },
    /// The CCA's creation (the post-call discipline) failed.
    #[error(transparent)]
    ContactAnalytics(PostCallError),
    #[error("contact {contact_id}: cannot {action} the import claim: {source}")]
    Claim {
        contact_id: String,
        action: &'static str,
        source: StoreError,
    },
    #[error("contact {contact_id}: Salesforce failed to {action}: {}", redact_personal_data(&source.to_string()))]
    Salesforce {
        contact_id: String,
        action: String,
        source: SalesforceError,
    },
}

impl ContactLensError {
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

    /// The kind of a non-Salesforce failure, or the Salesforce error (its kind is the client's).
    pub fn kind(&self) -> Result<ContactLensErrorKind, &SalesforceError> {
        use ContactLensErrorKind as Kind;
        let either = |retryable: bool, unavailable: Kind, failed: Kind| {
            if retryable { unavailable } else { failed }
        };
        Ok(match self {
            Self::InvalidConfiguration { .. } => Kind::InvalidConfiguration,
            Self::InvalidEvent { .. } => Kind::InvalidEvent,
            Self::FileNotFound { .. } => Kind::FileNotFound,
            Self::FileUnreadable { source } => either(
                source.is_retryable(),
                Kind::ObjectStoreUnavailable,
                Kind::FileUnreadable,
            ),
            Self::FileMalformed { .. } => Kind::FileMalformed,
            Self::ObjectStore(source) => either(
                source.is_retryable(),
                Kind::ObjectStoreUnavailable,
                Kind::ObjectStoreFailed,
            ),
            Self::Connect(ConnectError::Throttled { .. }) => Kind::ConnectThrottled,
            Self::Connect(ConnectError::Unavailable { .. }) => Kind::ConnectUnavailable,
            Self::Connect(ConnectError::Rejected { .. }) => Kind::ConnectRejected,
            Self::ImportPending { .. } => Kind::ContactAnalyticsPending,
            Self::Claim { source, .. } => either(
                source.is_retryable(),
                Kind::MarkersUnavailable,
                Kind::MarkersFailed,
            ),
            Self::Salesforce { source, .. } => return Err(source),
            Self::ContactAnalytics(error) => return post_call_kind(error),
        })
    }
}

/// The CCA creation's failures in this crate's names (the same names post-call uses).
fn post_call_kind(error: &PostCallError) -> Result<ContactLensErrorKind, &SalesforceError> {
    use ContactLensErrorKind as Kind;
    Ok(match error {
        PostCallError::Salesforce { source, .. } => return Err(source),
        PostCallError::ContactAnalyticsPending { .. } => Kind::ContactAnalyticsPending,
        PostCallError::Markers { source, .. } => match source {
            MarkerError::Unavailable { .. } => Kind::MarkersUnavailable,
            _ => Kind::MarkersFailed,
        },
        PostCallError::ObjectStore(source) if source.is_retryable() => Kind::ObjectStoreUnavailable,
        PostCallError::ObjectStore(_) => Kind::ObjectStoreFailed,
        // InvalidConfiguration (no transcript bucket for the markers) and anything else the
        // creation cannot return.
        _ => Kind::InvalidConfiguration,
    })
}

salesforce_client::named_error_or_salesforce!(ContactLensError, ContactLensErrorKind);

/// The names of `kinds`, plus every Salesforce name when the step calls Salesforce.
pub(crate) fn names(kinds: &[ContactLensErrorKind], calls_salesforce: bool) -> Vec<ErrorName> {
    salesforce_client::step_errors::step_error_names(kinds, calls_salesforce)
}

#[cfg(test)]
mod tests {
    use super::*;
    use activity_contract::NamedError;

    #[test]
    fn when_the_cca_creation_fails_should_keep_post_calls_names() {
        let pending = ContactLensError::ContactAnalytics(PostCallError::ContactAnalyticsPending {
            contact_id: "c-1".into(),
            owner: "exec-A".into(),
        });
        assert_eq!(pending.error_name(), "ContactAnalytics.Pending");
        assert!(pending.is_retryable());
        let transient = ContactLensError::ContactAnalytics(PostCallError::salesforce(
            "c-1",
            "create",
            SalesforceError::Transient {
                error_code: "SERVER_UNAVAILABLE".into(),
                message: "down".into(),
            },
        ));
        assert_eq!(transient.error_name(), "Salesforce.Transient");
        assert!(transient.is_retryable());
        let no_bucket = ContactLensError::ContactAnalytics(PostCallError::markers(
            "c-1",
            "create",
            MarkerError::NoBucket,
        ));
        assert_eq!(no_bucket.error_name(), "InvalidConfiguration");
        assert!(!no_bucket.is_retryable());
    }
}
