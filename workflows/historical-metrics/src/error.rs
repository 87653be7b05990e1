//! Why a report import failed, with a stable Step Functions error name (what `Retry`/`Catch`
//! match); Salesforce failures keep the client's names.

use salesforce_client::SalesforceError;

use crate::ports::StoreError;

activity_contract::error_kinds! {
    /// Every import failure other than Salesforce's, with its stable name.
    pub enum ImportErrorKind {
        InvalidConfiguration => "InvalidConfiguration", retryable = false;
        /// Not an S3 notification or EventBridge `Object Created` event, or a key outside
        /// `…/SFDC/Queue/` and `…/SFDC/Agent/`.
        NotAReport => "HistoricalReport.NotAReport", retryable = false;
        /// The object the event names is not in the bucket (deleted since).
        ReportMissing => "HistoricalReport.Missing", retryable = false;
        /// Not CSV, not UTF-8, no name or StartInterval column, or two columns for one field.
        MalformedReport => "HistoricalReport.Malformed", retryable = false;
        /// Rows whose values do not fit their fields; every other row was imported.
        InvalidValues => "HistoricalReport.InvalidValues", retryable = false;
        /// Records Salesforce refused; every other row was imported.
        RecordsRefused => "HistoricalReport.RecordsRefused", retryable = false;
        /// Records Salesforce refused for a transient reason (a locked row): the retry imports
        /// the report again, which rewrites the same records.
        RecordsNotWritten => "HistoricalReport.RecordsNotWritten", retryable = true;
        StorageUnavailable => "HistoricalReport.StorageUnavailable", retryable = true;
        StorageFailed => "HistoricalReport.StorageFailed", retryable = false;
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ImportError {
    #[error("the historical import's configuration is invalid: {reason}")]
    InvalidConfiguration { reason: String },
    #[error("{reason}")]
    NotAReport { reason: String },
    #[error("{location} does not exist (removed after the event?)")]
    ReportMissing { location: String },
    #[error("{location} is not a report this import reads: {reason}")]
    MalformedReport { location: String, reason: String },
    /// The message lists the rows and columns (the first few) and what was imported.
    #[error("{location}: {message}")]
    InvalidValues { location: String, message: String },
    #[error("{location}: {message}")]
    RecordsRefused {
        location: String,
        message: String,
        transient: bool,
    },
    #[error("cannot read {location}: {source}")]
    Storage {
        location: String,
        source: StoreError,
    },
    #[error("Salesforce failed to {action}: {source}")]
    Salesforce {
        action: &'static str,
        source: SalesforceError,
    },
}

impl ImportError {
    pub fn salesforce(action: &'static str, source: SalesforceError) -> Self {
        Self::Salesforce { action, source }
    }

    /// The kind of a non-Salesforce failure, or the Salesforce error (its kind is the client's).
    pub fn kind(&self) -> Result<ImportErrorKind, &SalesforceError> {
        use ImportErrorKind as Kind;
        Ok(match self {
            Self::InvalidConfiguration { .. } => Kind::InvalidConfiguration,
            Self::NotAReport { .. } => Kind::NotAReport,
            Self::ReportMissing { .. } => Kind::ReportMissing,
            Self::MalformedReport { .. } => Kind::MalformedReport,
            Self::InvalidValues { .. } => Kind::InvalidValues,
            Self::RecordsRefused {
                transient: true, ..
            } => Kind::RecordsNotWritten,
            Self::RecordsRefused { .. } => Kind::RecordsRefused,
            Self::Storage { source, .. } if source.is_retryable() => Kind::StorageUnavailable,
            Self::Storage { .. } => Kind::StorageFailed,
            Self::Salesforce { source, .. } => return Err(source),
        })
    }
}

salesforce_client::named_error_or_salesforce!(ImportError, ImportErrorKind);
