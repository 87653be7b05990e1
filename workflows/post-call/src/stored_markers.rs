//! Contact markers kept in an [`ObjectStore`] (S3 in production, a directory for laptop runs):
//! the object `locks/<ContactId>.lock` holds the marker's body and metadata as one JSON
//! document, created with the store's put-if-absent so the creation stays atomic, and replaced
//! only by compare-and-swap on the version read.
//!
//! **Cutover.** The old package's lock is a plain body (`IN_PROGRESS`/`COMPLETED`) with the CCA
//! id in the object's user metadata; it is read as a marker without an owner, so a contact in
//! flight at cutover keeps its CCA and is neither lost nor duplicated.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::ports::markers::marker_key;
use crate::ports::{
    ContactMarker, ContactMarkers, MarkerCreation, MarkerError, ObjectLocation, ObjectStore,
    ObjectVersion, StoreError, StoredObject, VersionedMarker,
};

#[derive(Serialize, Deserialize)]
struct StoredMarker {
    body: String,
    metadata: BTreeMap<String, String>,
}

pub struct StoredMarkers<S> {
    store: S,
    bucket: String,
}

impl<S: ObjectStore> StoredMarkers<S> {
    /// Markers under `locks/` in `bucket` (the transcript bucket in production layouts).
    pub fn new(store: S, bucket: impl Into<String>) -> Self {
        Self {
            store,
            bucket: bucket.into(),
        }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    fn location(&self, contact_id: &str) -> Result<ObjectLocation, MarkerError> {
        if self.bucket.trim().is_empty() {
            return Err(MarkerError::NoBucket);
        }
        Ok(ObjectLocation::new(
            self.bucket.clone(),
            marker_key(contact_id),
        ))
    }
}

fn encode(marker: &ContactMarker) -> Result<Vec<u8>, MarkerError> {
    serde_json::to_vec(&StoredMarker {
        body: marker.body().to_string(),
        metadata: marker.metadata(),
    })
    .map_err(|error| MarkerError::Failed {
        message: error.to_string(),
    })
}

/// Ours (a JSON document) or the old package's (plain body, ids in the user metadata).
fn decode(object: &StoredObject) -> Result<ContactMarker, MarkerError> {
    match serde_json::from_slice::<StoredMarker>(&object.bytes) {
        Ok(stored) => ContactMarker::from_parts(&stored.body, &stored.metadata),
        Err(_) => {
            let body = std::str::from_utf8(&object.bytes).map_err(|_| MarkerError::Corrupt {
                reason: "the marker is neither a JSON document nor a plain-text lock".into(),
            })?;
            ContactMarker::from_parts(body, &object.metadata)
        }
    }
}

fn marker_error(error: StoreError) -> MarkerError {
    if error.is_retryable() {
        MarkerError::Unavailable {
            message: error.to_string(),
        }
    } else {
        MarkerError::Failed {
            message: error.to_string(),
        }
    }
}

#[async_trait]
impl<S: ObjectStore> ContactMarkers for StoredMarkers<S> {
    async fn create_if_absent(
        &self,
        contact_id: &str,
        marker: &ContactMarker,
    ) -> Result<MarkerCreation, MarkerError> {
        let location = self.location(contact_id)?;
        if self
            .store
            .put_if_absent(&location, &encode(marker)?)
            .await
            .map_err(marker_error)?
        {
            return Ok(MarkerCreation::Created);
        }
        let existing = self.get(contact_id).await?.ok_or(MarkerError::Missing)?;
        Ok(MarkerCreation::AlreadyExists(existing))
    }

    async fn get(&self, contact_id: &str) -> Result<Option<VersionedMarker>, MarkerError> {
        let Some(object) = self
            .store
            .get_versioned(&self.location(contact_id)?)
            .await
            .map_err(marker_error)?
        else {
            return Ok(None);
        };
        Ok(Some(VersionedMarker {
            marker: decode(&object)?,
            version: object.version,
        }))
    }

    async fn replace_if(
        &self,
        contact_id: &str,
        marker: &ContactMarker,
        version: &ObjectVersion,
    ) -> Result<bool, MarkerError> {
        self.store
            .put_if_version(&self.location(contact_id)?, &encode(marker)?, version)
            .await
            .map_err(marker_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MarkerState, markers::CCA_ID_METADATA_KEY};
    use crate::testing::MemoryObjectStore;

    #[tokio::test]
    async fn when_marker_is_created_twice_should_return_the_first_one() {
        let markers = StoredMarkers::new(MemoryObjectStore::new(), "transcripts");
        let first = ContactMarker::new(Some("exec-1".into()), chrono::Utc::now());
        let second = ContactMarker::new(Some("exec-2".into()), chrono::Utc::now());
        assert_eq!(
            markers.create_if_absent("c-1", &first).await.unwrap(),
            MarkerCreation::Created
        );
        match markers.create_if_absent("c-1", &second).await.unwrap() {
            MarkerCreation::AlreadyExists(existing) => assert_eq!(existing.marker, first),
            MarkerCreation::Created => panic!("created twice"),
        }
        markers
            .set_state("c-1", MarkerState::Completed, Some("a01x"))
            .await
            .unwrap();
        let stored = markers.get("c-1").await.unwrap().unwrap().marker;
        assert_eq!(stored.state, MarkerState::Completed);
        assert_eq!(stored.cca_id.as_deref(), Some("a01x"));
        assert!(
            markers
                .store()
                .get(&ObjectLocation::new("transcripts", "locks/c-1.lock"))
                .await
                .unwrap()
                .is_some()
        );
    }

    #[tokio::test]
    async fn when_the_stack_has_no_transcript_bucket_should_say_which_parameter() {
        let markers = StoredMarkers::new(MemoryObjectStore::new(), "");
        let marker = ContactMarker::new(None, chrono::Utc::now());
        let error = markers.create_if_absent("c-1", &marker).await.unwrap_err();
        let error = crate::PostCallError::markers("c-1", "create", error);
        assert_eq!(
            activity_contract::NamedError::error_name(&error),
            "InvalidConfiguration"
        );
        assert!(
            error.to_string().contains(
                "recording import needs TranscribeOutputS3BucketName: the contact markers live there"
            ),
            "{error}"
        );
    }

    #[tokio::test]
    async fn when_a_write_was_made_from_a_stale_read_should_be_refused() {
        let markers = StoredMarkers::new(MemoryObjectStore::new(), "transcripts");
        let marker = ContactMarker::new(Some("exec-1".into()), chrono::Utc::now());
        markers.create_if_absent("c-1", &marker).await.unwrap();
        let read_by_first = markers.get("c-1").await.unwrap().unwrap();
        let read_by_second = markers.get("c-1").await.unwrap().unwrap();

        let mut with_job = read_by_first.marker.clone();
        with_job.transcription_job_name = Some("job-1".into());
        assert!(
            markers
                .replace_if("c-1", &with_job, &read_by_first.version)
                .await
                .unwrap()
        );
        let mut other_job = read_by_second.marker.clone();
        other_job.transcription_job_name = Some("job-2".into());
        assert!(
            !markers
                .replace_if("c-1", &other_job, &read_by_second.version)
                .await
                .unwrap(),
            "the second writer read before the first wrote"
        );
        let stored = markers.get("c-1").await.unwrap().unwrap().marker;
        assert_eq!(stored.transcription_job_name.as_deref(), Some("job-1"));
    }

    #[tokio::test]
    async fn when_completed_should_never_go_back_and_keep_the_first_cca_id() {
        let markers = StoredMarkers::new(MemoryObjectStore::new(), "transcripts");
        let marker = ContactMarker::new(Some("exec-1".into()), chrono::Utc::now());
        markers.create_if_absent("c-1", &marker).await.unwrap();
        markers
            .set_state("c-1", MarkerState::Completed, Some("a01first"))
            .await
            .unwrap();
        let after = markers
            .set_state("c-1", MarkerState::InProgress, Some("a01second"))
            .await
            .unwrap();
        assert_eq!(after.state, MarkerState::Completed);
        assert_eq!(after.cca_id.as_deref(), Some("a01first"));
    }

    #[tokio::test]
    async fn when_the_old_package_left_a_plain_lock_should_read_its_state_and_cca_id() {
        let store = MemoryObjectStore::new();
        let location = ObjectLocation::new("transcripts", "locks/c-1.lock");
        store.put_with_metadata(
            &location,
            b"IN_PROGRESS",
            BTreeMap::from([(CCA_ID_METADATA_KEY.to_string(), "a01old".to_string())]),
        );
        let markers = StoredMarkers::new(store, "transcripts");
        let read = markers.get("c-1").await.unwrap().unwrap();
        assert_eq!(read.marker.state, MarkerState::InProgress);
        assert_eq!(read.marker.cca_id.as_deref(), Some("a01old"));
        assert_eq!(read.marker.owner, None);

        // Our first write replaces it by compare-and-swap and keeps its CCA id.
        let completed = markers
            .set_state("c-1", MarkerState::Completed, Some("a01new"))
            .await
            .unwrap();
        assert_eq!(completed.cca_id.as_deref(), Some("a01old"));
        assert_eq!(
            markers.get("c-1").await.unwrap().unwrap().marker.state,
            MarkerState::Completed
        );

        let garbage = MemoryObjectStore::new();
        garbage.put_with_metadata(&location, b"\xff\xfe", BTreeMap::new());
        let markers = StoredMarkers::new(garbage, "transcripts");
        assert!(matches!(
            markers.get("c-1").await,
            Err(MarkerError::Corrupt { .. })
        ));
    }
}
