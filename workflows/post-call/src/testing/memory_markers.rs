//! In-memory contact markers, with fault injection to simulate a crash at a marker write.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::ports::{ContactMarker, ContactMarkers, MarkerCreation, MarkerError};

#[derive(Debug, Default)]
struct State {
    markers: HashMap<String, ContactMarker>,
    fail_next_replace: Option<MarkerError>,
    fail_next_create: Option<MarkerError>,
}

#[derive(Debug, Default)]
pub struct MemoryMarkers {
    state: Mutex<State>,
}

impl MemoryMarkers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn marker(&self, contact_id: &str) -> Option<ContactMarker> {
        self.lock().markers.get(contact_id).cloned()
    }

    /// Stores a marker as if another execution had written it.
    pub fn insert(&self, contact_id: &str, marker: ContactMarker) {
        self.lock().markers.insert(contact_id.to_string(), marker);
    }

    /// The next `replace` (and so `set_state`) fails and changes nothing.
    pub fn fail_next_replace(&self, error: MarkerError) {
        self.lock().fail_next_replace = Some(error);
    }

    /// The next `create_if_absent` fails and changes nothing.
    pub fn fail_next_create(&self, error: MarkerError) {
        self.lock().fail_next_create = Some(error);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl ContactMarkers for MemoryMarkers {
    async fn create_if_absent(
        &self,
        contact_id: &str,
        marker: &ContactMarker,
    ) -> Result<MarkerCreation, MarkerError> {
        let mut state = self.lock();
        if let Some(error) = state.fail_next_create.take() {
            return Err(error);
        }
        if let Some(existing) = state.markers.get(contact_id) {
            return Ok(MarkerCreation::AlreadyExists(existing.clone()));
        }
        state.markers.insert(contact_id.to_string(), marker.clone());
        Ok(MarkerCreation::Created)
    }

    async fn get(&self, contact_id: &str) -> Result<Option<ContactMarker>, MarkerError> {
        Ok(self.lock().markers.get(contact_id).cloned())
    }

    async fn replace(&self, contact_id: &str, marker: &ContactMarker) -> Result<(), MarkerError> {
        let mut state = self.lock();
        if let Some(error) = state.fail_next_replace.take() {
            return Err(error);
        }
        if !state.markers.contains_key(contact_id) {
            return Err(MarkerError::Missing);
        }
        state.markers.insert(contact_id.to_string(), marker.clone());
        Ok(())
    }
}
