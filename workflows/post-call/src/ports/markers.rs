//! The per-contact marker: an atomic "this contact is being (or has been) processed" record
//! that also remembers the Contact Channel Analytics id for later steps.
//!
//! It is the object `locks/<ContactId>.lock` in the transcript bucket (the old package's key),
//! created with the store's put-if-absent — S3 `If-None-Match: *` in production — so two
//! executions cannot both create it. Its state is `IN_PROGRESS` then `COMPLETED`, with the ids
//! as the old package's metadata keys: [`ContactMarker::body`] and [`ContactMarker::metadata`]
//! give them, [`ContactMarker::from_parts`] reads them back (keys compared case-insensitively).
//! [`crate::stored_markers::StoredMarkers`] keeps both in the object's body as one JSON document, because an
//! atomic create must carry the whole marker; it also reads the old package's plain-body locks.
//!
//! Every write after the creation is a compare-and-swap on the version read ([`ContactMarkers::update`]):
//! two executions of one contact never lose each other's update, a `COMPLETED` marker never
//! goes back to `IN_PROGRESS`, and the first CCA id and transcription job recorded stay.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::ObjectVersion;

/// Conflicting writers a marker update outlasts before it reports the store as contended.
const MAX_CONFLICTS: usize = 8;

/// Metadata key of the CCA id (the old package's key, lower-cased as S3 stores it).
pub const CCA_ID_METADATA_KEY: &str = "accontactchannelanalyticsid";
/// Metadata key of the contact's requested Comprehend analyses (old package's key).
pub const COMPREHEND_METADATA_KEY: &str = "postcalltranscribecomprehendanalysis";
pub const OWNER_METADATA_KEY: &str = "owner";
pub const CREATED_AT_METADATA_KEY: &str = "createdat";
pub const TRANSCRIPTION_JOB_METADATA_KEY: &str = "transcriptionjobname";
pub const TRANSCRIPT_IMPORTER_METADATA_KEY: &str = "transcriptimporter";
pub const TRANSCRIPT_IMPORT_SINCE_METADATA_KEY: &str = "transcriptimportsince";

/// The S3 key of a contact's marker in the transcript bucket.
pub fn marker_key(contact_id: &str) -> String {
    format!("locks/{contact_id}.lock")
}

/// Ordered: a marker only moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MarkerState {
    /// Created; without a CCA id it means "the CCA may be being created right now".
    InProgress,
    /// Every planned step has finished.
    Completed,
}

impl MarkerState {
    pub fn body(self) -> &'static str {
        match self {
            Self::InProgress => "IN_PROGRESS",
            Self::Completed => "COMPLETED",
        }
    }
}

/// A contact's marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMarker {
    pub state: MarkerState,
    pub cca_id: Option<String>,
    /// Who created it (the workflow execution), to tell a re-run from a concurrent duplicate.
    pub owner: Option<String>,
    /// RFC 3339; lets a later execution take over a marker whose owner died long ago.
    pub created_at: Option<String>,
    pub transcription_job_name: Option<String>,
    pub comprehend_analyses: Option<String>,
    /// The execution attaching the transcripts now, and since when (RFC 3339): two executions
    /// of one contact never attach at the same time.
    pub transcript_importer: Option<String>,
    pub transcript_import_since: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkerError {
    /// The store could not be reached or throttled: worth retrying.
    #[error("the contact marker store is unavailable: {message}")]
    Unavailable { message: String },
    #[error("the contact marker store refused the request: {message}")]
    Failed { message: String },
    #[error("the contact marker is unreadable: {reason}")]
    Corrupt { reason: String },
    #[error("the contact marker does not exist")]
    Missing,
    /// The stack has no transcript bucket, where the markers live.
    #[error(
        "recording import needs TranscribeOutputS3BucketName: the contact markers live there (set the stack parameter, or turn PostcallRecordingImportEnabled and PostcallTranscribeEnabled off)"
    )]
    NoBucket,
}

impl MarkerError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// A marker as read, with the version a conditional write must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionedMarker {
    pub marker: ContactMarker,
    pub version: ObjectVersion,
}

/// What `create_if_absent` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerCreation {
    Created,
    AlreadyExists(VersionedMarker),
}

/// How a marker should change, given the stored one; `None` when nothing needs writing.
pub type MarkerChange<'a> = &'a (dyn Fn(&ContactMarker) -> Option<ContactMarker> + Send + Sync);

#[async_trait]
pub trait ContactMarkers: Send + Sync {
    /// Atomically creates the marker unless one exists (then returns the existing one).
    async fn create_if_absent(
        &self,
        contact_id: &str,
        marker: &ContactMarker,
    ) -> Result<MarkerCreation, MarkerError>;
    async fn get(&self, contact_id: &str) -> Result<Option<VersionedMarker>, MarkerError>;
    /// Writes `marker` only while the stored one is still at `version`; `false` when another
    /// execution wrote first (read again and decide again).
    async fn replace_if(
        &self,
        contact_id: &str,
        marker: &ContactMarker,
        version: &ObjectVersion,
    ) -> Result<bool, MarkerError>;

    /// Applies `change` to the stored marker by compare-and-swap, reading again after each
    /// conflict, and returns the marker as stored.
    async fn update(
        &self,
        contact_id: &str,
        change: MarkerChange<'_>,
    ) -> Result<ContactMarker, MarkerError> {
        for _ in 0..MAX_CONFLICTS {
            let current = self.get(contact_id).await?.ok_or(MarkerError::Missing)?;
            let Some(next) = change(&current.marker) else {
                return Ok(current.marker);
            };
            if self.replace_if(contact_id, &next, &current.version).await? {
                return Ok(next);
            }
        }
        Err(MarkerError::Unavailable {
            message: format!("the marker changed under {MAX_CONFLICTS} consecutive writes"),
        })
    }

    /// Moves the marker forward to `state` (a `COMPLETED` marker never goes back), recording
    /// `cca_id` unless a CCA id is recorded already; returns the marker as stored.
    async fn set_state(
        &self,
        contact_id: &str,
        state: MarkerState,
        cca_id: Option<&str>,
    ) -> Result<ContactMarker, MarkerError> {
        let change = move |current: &ContactMarker| {
            let mut next = current.clone();
            next.state = next.state.max(state);
            if next.cca_id.is_none() {
                next.cca_id = cca_id.map(str::to_string);
            }
            (next != *current).then_some(next)
        };
        self.update(contact_id, &change).await
    }
}

impl ContactMarker {
    pub fn new(owner: Option<String>, created_at: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            state: MarkerState::InProgress,
            cca_id: None,
            owner,
            created_at: Some(created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            transcription_job_name: None,
            comprehend_analyses: None,
            transcript_importer: None,
            transcript_import_since: None,
        }
    }

    pub fn body(&self) -> &'static str {
        self.state.body()
    }

    /// S3 user metadata (lower-case keys, absent values omitted).
    pub fn metadata(&self) -> BTreeMap<String, String> {
        [
            (CCA_ID_METADATA_KEY, &self.cca_id),
            (OWNER_METADATA_KEY, &self.owner),
            (CREATED_AT_METADATA_KEY, &self.created_at),
            (TRANSCRIPTION_JOB_METADATA_KEY, &self.transcription_job_name),
            (COMPREHEND_METADATA_KEY, &self.comprehend_analyses),
            (TRANSCRIPT_IMPORTER_METADATA_KEY, &self.transcript_importer),
            (
                TRANSCRIPT_IMPORT_SINCE_METADATA_KEY,
                &self.transcript_import_since,
            ),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key.to_string(), value.clone()?)))
        .collect()
    }

    /// Reads a marker from its body and metadata (keys compared case-insensitively).
    pub fn from_parts(
        body: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<Self, MarkerError> {
        let state = match body.trim() {
            "IN_PROGRESS" => MarkerState::InProgress,
            "COMPLETED" => MarkerState::Completed,
            other => {
                return Err(MarkerError::Corrupt {
                    reason: format!(
                        "unknown marker body {:?}",
                        other.chars().take(40).collect::<String>()
                    ),
                });
            }
        };
        let value = |key: &str| {
            metadata
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(key))
                .map(|(_, value)| value.clone())
                .filter(|value| !value.is_empty())
        };
        Ok(Self {
            state,
            cca_id: value(CCA_ID_METADATA_KEY),
            owner: value(OWNER_METADATA_KEY),
            created_at: value(CREATED_AT_METADATA_KEY),
            transcription_job_name: value(TRANSCRIPTION_JOB_METADATA_KEY),
            comprehend_analyses: value(COMPREHEND_METADATA_KEY),
            transcript_importer: value(TRANSCRIPT_IMPORTER_METADATA_KEY),
            transcript_import_since: value(TRANSCRIPT_IMPORT_SINCE_METADATA_KEY),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_marker_is_written_and_read_back_should_be_equal() {
        let mut marker = ContactMarker::new(Some("exec-1".into()), chrono::Utc::now());
        marker.cca_id = Some("a015e00000AbCdEAAV".into());
        marker.state = MarkerState::Completed;
        let read = ContactMarker::from_parts(marker.body(), &marker.metadata()).unwrap();
        assert_eq!(read, marker);
        assert_eq!(marker.body(), "COMPLETED");
        assert_eq!(
            marker
                .metadata()
                .get("accontactchannelanalyticsid")
                .map(String::as_str),
            Some("a015e00000AbCdEAAV")
        );
    }

    #[test]
    fn when_old_package_lock_is_read_should_find_its_cca_id() {
        let metadata = BTreeMap::from([(
            "ACContactChannelAnalyticsId".to_string(),
            "a015e00000AbCdEAAV".to_string(),
        )]);
        let marker = ContactMarker::from_parts("IN_PROGRESS", &metadata).unwrap();
        assert_eq!(marker.cca_id.as_deref(), Some("a015e00000AbCdEAAV"));
        assert!(ContactMarker::from_parts("garbage", &metadata).is_err());
    }

    #[test]
    fn when_marker_key_is_built_should_be_under_locks() {
        assert_eq!(marker_key("c-1"), "locks/c-1.lock");
    }
}
