//! In-memory contact markers, with fault injection to simulate a crash at a marker write.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use crate::ports::{
    ContactMarker, ContactMarkers, MarkerCreation, MarkerError, ObjectVersion, VersionedMarker,
};

#[derive(Debug, Default)]
struct State {
    /// Each marker with its write count, the version a conditional write must match.
    markers: HashMap<String, (ContactMarker, u64)>,
    fail_next_replace: Option<MarkerError>,
    /// Successful `replace_if`s still allowed before `fail_next_replace` applies.
    replaces_before_failing: usize,
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
        self.lock()
            .markers
            .get(contact_id)
            .map(|(marker, _)| marker.clone())
    }

    /// Stores a marker as if another execution had written it.
    pub fn insert(&self, contact_id: &str, marker: ContactMarker) {
        let mut state = self.lock();
        let writes = state
            .markers
            .get(contact_id)
            .map_or(0, |(_, writes)| *writes);
        state
            .markers
            .insert(contact_id.to_string(), (marker, writes + 1));
    }

    /// The `replace_if` after the next `successful` ones fails and changes nothing.
    pub fn fail_replace_after(&self, successful: usize, error: MarkerError) {
        let mut state = self.lock();
        state.replaces_before_failing = successful;
        state.fail_next_replace = Some(error);
    }

    /// The next `replace_if` (and so `set_state`) fails and changes nothing.
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
        if let Some((existing, writes)) = state.markers.get(contact_id) {
            return Ok(MarkerCreation::AlreadyExists(versioned(existing, *writes)));
        }
        state
            .markers
            .insert(contact_id.to_string(), (marker.clone(), 1));
        Ok(MarkerCreation::Created)
    }

    async fn get(&self, contact_id: &str) -> Result<Option<VersionedMarker>, MarkerError> {
        Ok(self
            .lock()
            .markers
            .get(contact_id)
            .map(|(marker, writes)| versioned(marker, *writes)))
    }

    async fn replace_if(
        &self,
        contact_id: &str,
        marker: &ContactMarker,
        version: &ObjectVersion,
    ) -> Result<bool, MarkerError> {
        let mut state = self.lock();
        if state.fail_next_replace.is_some() {
            if state.replaces_before_failing == 0 {
                if let Some(error) = state.fail_next_replace.take() {
                    return Err(error);
                }
            } else {
                state.replaces_before_failing -= 1;
            }
        }
        match state.markers.get(contact_id) {
            Some((_, writes)) if ObjectVersion(writes.to_string()) == *version => {
                let writes = writes + 1;
                state
                    .markers
                    .insert(contact_id.to_string(), (marker.clone(), writes));
                Ok(true)
            }
            Some(_) => Ok(false),
            None => Err(MarkerError::Missing),
        }
    }
}

fn versioned(marker: &ContactMarker, writes: u64) -> VersionedMarker {
    VersionedMarker {
        marker: marker.clone(),
        version: ObjectVersion(writes.to_string()),
    }
}
