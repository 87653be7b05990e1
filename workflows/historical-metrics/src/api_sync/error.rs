//! Why an API-sync step failed, with a stable Step Functions error name (what `Retry`/`Catch`
//! match); Connect's and Salesforce's failures keep the names the real-time sync uses.

use activity_contract::ErrorName;
use salesforce_client::SalesforceError;

use super::ports::ConnectError;
use crate::ports::StoreError;
use crate::record::ValueError;

activity_contract::error_kinds! {
    /// Every API-sync failure other than Salesforce's, with its stable name.
    pub enum ApiSyncErrorKind {
        InvalidConfiguration => "InvalidConfiguration", retryable = false;
        InvalidInterval => "HistoricalSync.InvalidInterval", retryable = false;
        ConnectThrottled => "Connect.Throttled", retryable = true;
        ConnectUnavailable => "Connect.Unavailable", retryable = true;
        ConnectRejected => "Connect.Rejected", retryable = false;
        /// The interval ran before any PlanHistoricalIntervals stored the queues and agents.
        ResourcesNotListed => "HistoricalSync.NotListed", retryable = false;
        /// Salesforce refused records for a reason a later attempt may get past (a locked
        /// row): the interval is not checkpointed and is written again.
        RecordsPending => "HistoricalSync.RecordsPending", retryable = true;
        /// The org is at or over `SalesforceApiBudgetPercent` of its daily API allowance: the
        /// run stops before writing (the state machine ends it at `PausedForApiBudget`) and
        /// the next run, from the unchanged checkpoint, backfills.
        ApiBudgetExceeded => "HistoricalSync.ApiBudgetExceeded", retryable = false;
        SyncStateUnavailable => "SyncState.Unavailable", retryable = true;
        SyncStateFailed => "SyncState.Failed", retryable = false;
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiSyncError {
    #[error("the historical metrics sync's configuration is invalid: {reason}")]
    InvalidConfiguration { reason: String },
    #[error("the interval {interval} is not a 30-minute interval on the hour or half hour")]
    InvalidInterval { interval: String },
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(
        "no queues and agents are stored in {location}: PlanHistoricalIntervals must run first"
    )]
    ResourcesNotListed { location: String },
    #[error(
        "Salesforce refused {count} {object} records of {interval} for now ({codes}); the interval is written again"
    )]
    RecordsPending {
        object: &'static str,
        interval: String,
        count: usize,
        codes: String,
    },
    #[error(
        "the org has used {used} of its {max} daily API requests, at or over the {threshold_percent} % budget (SalesforceApiBudgetPercent): the historical sync pauses before writing {interval} so contact flows keep theirs; the checkpoint stays, so the next run syncs it"
    )]
    ApiBudgetExceeded {
        used: u64,
        max: u64,
        threshold_percent: u32,
        interval: String,
    },
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

impl ApiSyncError {
    pub fn salesforce(action: &'static str, source: SalesforceError) -> Self {
        Self::Salesforce { action, source }
    }

    /// A metric value the object's field cannot hold: the org's field type is not what the
    /// CTI adapter gives it.
    pub fn value(error: &ValueError) -> Self {
        Self::InvalidConfiguration {
            reason: format!("the org's field does not take the metric: {error}"),
        }
    }

    /// The kind of a non-Salesforce failure, or the Salesforce error (its kind is the client's).
    pub fn kind(&self) -> Result<ApiSyncErrorKind, &SalesforceError> {
        use ApiSyncErrorKind as Kind;
        Ok(match self {
            Self::InvalidConfiguration { .. } => Kind::InvalidConfiguration,
            Self::InvalidInterval { .. } => Kind::InvalidInterval,
            Self::Connect(ConnectError::Throttled { .. }) => Kind::ConnectThrottled,
            Self::Connect(ConnectError::Unavailable { .. }) => Kind::ConnectUnavailable,
            Self::Connect(ConnectError::Rejected { .. }) => Kind::ConnectRejected,
            Self::ResourcesNotListed { .. } => Kind::ResourcesNotListed,
            Self::RecordsPending { .. } => Kind::RecordsPending,
            Self::ApiBudgetExceeded { .. } => Kind::ApiBudgetExceeded,
            Self::SyncState { source, .. } if source.is_retryable() => Kind::SyncStateUnavailable,
            Self::SyncState { .. } | Self::MalformedSyncState { .. } => Kind::SyncStateFailed,
            Self::Salesforce { source, .. } => return Err(source),
        })
    }
}

salesforce_client::named_error_or_salesforce!(ApiSyncError, ApiSyncErrorKind);

/// The names of `kinds`, plus every Salesforce name when the step calls Salesforce.
pub(crate) fn names(kinds: &[ApiSyncErrorKind], calls_salesforce: bool) -> Vec<ErrorName> {
    salesforce_client::step_errors::step_error_names(kinds, calls_salesforce)
}

impl From<object_storage::stored_json::StoredJsonError> for ApiSyncError {
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
