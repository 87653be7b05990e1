//! Objects in memory, with S3-style user metadata and content versions.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::{ObjectLocation, ObjectStore, ObjectVersion, StoreError, StoredObject};

#[derive(Debug, Clone)]
struct MemoryObject {
    bytes: Vec<u8>,
    metadata: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
pub struct MemoryObjectStore {
    objects: Mutex<BTreeMap<ObjectLocation, MemoryObject>>,
}

impl MemoryObjectStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored location, in order.
    pub fn locations(&self) -> Vec<ObjectLocation> {
        self.lock().keys().cloned().collect()
    }

    /// Stores an object with user metadata, as another writer (the old package) would.
    pub fn put_with_metadata(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        metadata: BTreeMap<String, String>,
    ) {
        self.lock().insert(
            location.clone(),
            MemoryObject {
                bytes: bytes.to_vec(),
                metadata,
            },
        );
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<ObjectLocation, MemoryObject>> {
        self.objects
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn plain(bytes: &[u8]) -> MemoryObject {
    MemoryObject {
        bytes: bytes.to_vec(),
        metadata: BTreeMap::new(),
    }
}

#[async_trait]
impl ObjectStore for MemoryObjectStore {
    async fn get(&self, location: &ObjectLocation) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock().get(location).map(|object| object.bytes.clone()))
    }

    async fn get_versioned(
        &self,
        location: &ObjectLocation,
    ) -> Result<Option<StoredObject>, StoreError> {
        Ok(self.lock().get(location).map(|object| StoredObject {
            bytes: object.bytes.clone(),
            metadata: object.metadata.clone(),
            version: ObjectVersion::of_content(&object.bytes),
        }))
    }

    async fn put(&self, location: &ObjectLocation, bytes: &[u8]) -> Result<(), StoreError> {
        self.lock().insert(location.clone(), plain(bytes));
        Ok(())
    }

    async fn put_if_absent(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
    ) -> Result<bool, StoreError> {
        let mut objects = self.lock();
        if objects.contains_key(location) {
            return Ok(false);
        }
        objects.insert(location.clone(), plain(bytes));
        Ok(true)
    }

    async fn put_if_version(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        version: &ObjectVersion,
    ) -> Result<bool, StoreError> {
        let mut objects = self.lock();
        match objects.get(location) {
            Some(current) if ObjectVersion::of_content(&current.bytes) == *version => {
                objects.insert(location.clone(), plain(bytes));
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

/// S3 as a reader without `s3:ListBucket` sees it: a key that does not exist is denied (403),
/// never "not found". Writes go to the store inside.
#[derive(Debug, Default)]
pub struct ListlessStore(pub MemoryObjectStore);

impl ListlessStore {
    fn denied(location: &ObjectLocation) -> StoreError {
        StoreError::Denied {
            location: location.to_string(),
            message: "AccessDenied (HTTP 403): Access Denied".into(),
        }
    }
}

#[async_trait]
impl ObjectStore for ListlessStore {
    async fn get(&self, location: &ObjectLocation) -> Result<Option<Vec<u8>>, StoreError> {
        match self.0.get(location).await? {
            Some(bytes) => Ok(Some(bytes)),
            None => Err(Self::denied(location)),
        }
    }

    async fn get_versioned(
        &self,
        location: &ObjectLocation,
    ) -> Result<Option<StoredObject>, StoreError> {
        match self.0.get_versioned(location).await? {
            Some(object) => Ok(Some(object)),
            None => Err(Self::denied(location)),
        }
    }

    async fn put_if_version(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        version: &ObjectVersion,
    ) -> Result<bool, StoreError> {
        self.0.put_if_version(location, bytes, version).await
    }

    async fn put(&self, location: &ObjectLocation, bytes: &[u8]) -> Result<(), StoreError> {
        self.0.put(location, bytes).await
    }

    async fn put_if_absent(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
    ) -> Result<bool, StoreError> {
        self.0.put_if_absent(location, bytes).await
    }
}
