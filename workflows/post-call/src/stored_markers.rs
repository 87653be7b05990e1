//! Contact markers kept in an [`ObjectStore`] (a directory for laptop runs): the object
//! `locks/<ContactId>.lock` holds the S3 body and metadata as one JSON document, created with
//! the store's put-if-absent so the creation stays atomic.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::ports::markers::marker_key;
use crate::ports::{
    ContactMarker, ContactMarkers, MarkerCreation, MarkerError, ObjectLocation, ObjectStore,
    StoreError,
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

    fn location(&self, contact_id: &str) -> ObjectLocation {
        ObjectLocation::new(self.bucket.clone(), marker_key(contact_id))
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

fn decode(bytes: &[u8]) -> Result<ContactMarker, MarkerError> {
    let stored: StoredMarker =
        serde_json::from_slice(bytes).map_err(|error| MarkerError::Corrupt {
            reason: error.to_string(),
        })?;
    ContactMarker::from_parts(&stored.body, &stored.metadata)
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
        let location = self.location(contact_id);
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

    async fn get(&self, contact_id: &str) -> Result<Option<ContactMarker>, MarkerError> {
        match self
            .store
            .get(&self.location(contact_id))
            .await
            .map_err(marker_error)?
        {
            Some(bytes) => decode(&bytes).map(Some),
            None => Ok(None),
        }
    }

    async fn replace(&self, contact_id: &str, marker: &ContactMarker) -> Result<(), MarkerError> {
        self.store
            .put(&self.location(contact_id), &encode(marker)?)
            .await
            .map_err(marker_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MarkerState;
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
        assert_eq!(
            markers.create_if_absent("c-1", &second).await.unwrap(),
            MarkerCreation::AlreadyExists(first.clone())
        );
        markers
            .set_state("c-1", MarkerState::Completed, Some("a01x"))
            .await
            .unwrap();
        let stored = markers.get("c-1").await.unwrap().unwrap();
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
}
