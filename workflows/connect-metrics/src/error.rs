//! Why a metrics step failed, with a stable Step Functions error name (what `Retry`/`Catch`
//! match); Salesforce failures keep the client's names.

use activity_contract::ErrorName;
use salesforce_client::SalesforceError;

use crate::ports::{ConnectError, StoreError};

activity_contract::error_kinds! {
    /// Every metrics failure other than Salesforce's, with its stable name.
    pub enum MetricsErrorKind {
        InvalidConfiguration => "InvalidConfiguration", retryable = false;
        ConnectThrottled => "Connect.Throttled", retryable = true;
        ConnectUnavailable => "Connect.Unavailable", retryable = true;
        ConnectRejected => "Connect.Rejected", retryable = false;
        /// The tick ran before any ListQueues of this execution stored the queue list.
        QueuesNotListed => "Queues.NotListed", retryable = false;
        SyncStateUnavailable => "SyncState.Unavailable", retryable = true;
        SyncStateFailed => "SyncState.Failed", retryable = false;
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum MetricsError {
    #[error("the metrics sync's configuration is invalid: {reason}")]
    InvalidConfiguration { reason: String },
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(
        "no queue list of execution {execution} is stored in {location}: ListQueues must run first in the same execution"
    )]
    QueuesNotListed { execution: String, location: String },
    #[error("cannot {action} the sync state: {source}")]
    SyncState {
        action: &'static str,
        source: StoreError,
    },
    #[error("the sync state {location} is not this package's: {reason}")]
    MalformedSyncState { location: String, reason: String },
    #[error("Salesforce failed to {action}: {source}")]
    Salesforce {
        action: &'static str,
        source: SalesforceError,
    },
}

impl MetricsError {
    pub fn salesforce(action: &'static str, source: SalesforceError) -> Self {
        Self::Salesforce { action, source }
    }

    /// The kind of a non-Salesforce failure, or the Salesforce error (its kind is the client's).
    pub fn kind(&self) -> Result<MetricsErrorKind, &SalesforceError> {
        use MetricsErrorKind as Kind;
        Ok(match self {
            Self::InvalidConfiguration { .. } => Kind::InvalidConfiguration,
            Self::Connect(ConnectError::Throttled { .. }) => Kind::ConnectThrottled,
            Self::Connect(ConnectError::Unavailable { .. }) => Kind::ConnectUnavailable,
            Self::Connect(ConnectError::Rejected { .. }) => Kind::ConnectRejected,
            Self::QueuesNotListed { .. } => Kind::QueuesNotListed,
            Self::SyncState { source, .. } if source.is_retryable() => Kind::SyncStateUnavailable,
            Self::SyncState { .. } | Self::MalformedSyncState { .. } => Kind::SyncStateFailed,
            Self::Salesforce { source, .. } => return Err(source),
        })
    }
}

salesforce_client::named_error_or_salesforce!(MetricsError, MetricsErrorKind);

/// The names of `kinds`, plus every Salesforce name when the step calls Salesforce.
pub(crate) fn names(kinds: &[MetricsErrorKind], calls_salesforce: bool) -> Vec<ErrorName> {
    salesforce_client::step_errors::step_error_names(kinds, calls_salesforce)
}

impl From<object_storage::stored_json::StoredJsonError> for MetricsError {
    fn from(error: object_storage::stored_json::StoredJsonError) -> Self {
        use object_storage::stored_json::StoredJsonError;
        match error {
            StoredJsonError::Store { action, source, .. } => Self::SyncState { action, source },
            StoredJsonError::Malformed { location, reason } => {
                Self::MalformedSyncState { location, reason }
            }
        }
    }
}
