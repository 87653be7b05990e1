//! Objects in memory.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::ports::{ObjectLocation, ObjectStore, StoreError};

#[derive(Debug, Default)]
pub struct MemoryObjectStore {
    objects: Mutex<BTreeMap<ObjectLocation, Vec<u8>>>,
}

impl MemoryObjectStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored location, in order.
    pub fn locations(&self) -> Vec<ObjectLocation> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<ObjectLocation, Vec<u8>>> {
        self.objects
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl ObjectStore for MemoryObjectStore {
    async fn get(&self, location: &ObjectLocation) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock().get(location).cloned())
    }

    async fn put(&self, location: &ObjectLocation, bytes: &[u8]) -> Result<(), StoreError> {
        self.lock().insert(location.clone(), bytes.to_vec());
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
        objects.insert(location.clone(), bytes.to_vec());
        Ok(true)
    }
}
