//! One small JSON object changed only by compare-and-swap on the version read (S3 `If-Match` /
//! `If-None-Match`): the scheduled syncs' state and checkpoints. Two overlapping executions never
//! lose each other's write; a conflict re-reads and applies the change again.

use serde::{Serialize, de::DeserializeOwned};

use crate::{ObjectLocation, ObjectStore, StoreError};

/// Conditional writes that lose to another writer this many times in a row give up.
const MAX_CONFLICTS: usize = 8;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoredJsonError {
    /// The store failed (`action` is `read` or `write`), or every conditional write lost.
    #[error("cannot {action} {location}: {source}")]
    Store {
        action: &'static str,
        location: String,
        source: StoreError,
    },
    /// The object is not the JSON expected (the reason names no value it held).
    #[error("{location} is not the JSON expected: {reason}")]
    Malformed { location: String, reason: String },
}

/// One JSON object of a store.
pub struct StoredJson<'a> {
    pub store: &'a dyn ObjectStore,
    pub location: ObjectLocation,
}

impl StoredJson<'_> {
    /// The stored value, `None` when there is none.
    pub async fn load<T: DeserializeOwned>(&self) -> Result<Option<T>, StoredJsonError> {
        let stored = self
            .store
            .get_versioned(&self.location)
            .await
            .map_err(|source| self.store_error("read", source))?;
        stored.map(|object| self.parse(&object.bytes)).transpose()
    }

    /// Applies `change` to the stored value (`None` when there is none) and writes the result
    /// only if nobody wrote in between; on a conflict re-reads and applies `change` again.
    /// `change` answering `None` writes nothing. Returns what is stored afterwards.
    pub async fn update<T: Serialize + DeserializeOwned>(
        &self,
        mut change: impl FnMut(Option<&T>) -> Option<T>,
    ) -> Result<Option<T>, StoredJsonError> {
        for _ in 0..MAX_CONFLICTS {
            let stored = self
                .store
                .get_versioned(&self.location)
                .await
                .map_err(|source| self.store_error("read", source))?;
            let (current, version) = match stored {
                None => (None, None),
                Some(object) => (Some(self.parse::<T>(&object.bytes)?), Some(object.version)),
            };
            let Some(next) = change(current.as_ref()) else {
                return Ok(current);
            };
            let bytes = serde_json::to_vec(&next).map_err(|error| StoredJsonError::Malformed {
                location: self.location.to_string(),
                reason: error.to_string(),
            })?;
            let written = match &version {
                Some(version) => {
                    self.store
                        .put_if_version(&self.location, &bytes, version)
                        .await
                }
                None => self.store.put_if_absent(&self.location, &bytes).await,
            }
            .map_err(|source| self.store_error("write", source))?;
            if written {
                return Ok(Some(next));
            }
        }
        Err(self.store_error(
            "write",
            StoreError::Unavailable {
                location: self.location.to_string(),
                message: format!(
                    "{MAX_CONFLICTS} conditional writes in a row lost to other writers"
                ),
            },
        ))
    }

    fn store_error(&self, action: &'static str, source: StoreError) -> StoredJsonError {
        StoredJsonError::Store {
            action,
            location: self.location.to_string(),
            source,
        }
    }

    fn parse<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, StoredJsonError> {
        serde_json::from_slice(bytes).map_err(|error| StoredJsonError::Malformed {
            location: self.location.to_string(),
            reason: redaction::without_quoted_values(&error.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::testing::MemoryObjectStore;

    fn stored(store: &MemoryObjectStore) -> StoredJson<'_> {
        StoredJson {
            store,
            location: ObjectLocation::new("state", "sync/state.json"),
        }
    }

    #[tokio::test]
    async fn a_change_answering_none_writes_nothing() {
        let store = MemoryObjectStore::new();
        let json = stored(&store);
        let kept = json
            .update::<u32>(|current| current.map(|n| n + 1))
            .await
            .expect("nothing to change");
        assert_eq!(kept, None);
        assert_eq!(json.load::<u32>().await.expect("read"), None, "not created");
    }

    #[tokio::test]
    async fn a_writer_that_loses_every_race_gives_up_with_a_retryable_error() {
        let store = MemoryObjectStore::new();
        let json = stored(&store);
        json.update::<u32>(|_| Some(1)).await.expect("first write");
        let attempts = AtomicUsize::new(0);
        let error = json
            .update::<u32>(|current| {
                let n = attempts.fetch_add(1, Ordering::SeqCst) as u32;
                // Another writer always gets in between the read and the write.
                store.put_with_metadata(
                    &json.location,
                    &serde_json::to_vec(&(100 + n)).expect("json"),
                    BTreeMap::new(),
                );
                current.map(|value| value + 1)
            })
            .await
            .expect_err("every conditional write lost");
        assert_eq!(attempts.load(Ordering::SeqCst), MAX_CONFLICTS);
        assert!(
            matches!(&error, StoredJsonError::Store { action: "write", source, .. }
                if source.is_retryable()),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn an_object_that_is_not_the_json_expected_is_a_typed_error_without_its_values() {
        let store = MemoryObjectStore::new();
        let json = stored(&store);
        store.put_with_metadata(&json.location, b"{\"phone\": 15555550100}", BTreeMap::new());
        let error = json
            .load::<BTreeMap<String, String>>()
            .await
            .expect_err("malformed");
        let StoredJsonError::Malformed { location, reason } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(location, "s3://state/sync/state.json");
        assert!(!reason.contains("5555550100"), "{reason}");
    }
}
