//! What the real-time sync remembers between ticks and executions, in one object of the state
//! bucket: this execution's queue list (too large for the state machine's 256 KB payload at a
//! few thousand queues), what was last written for each queue (so only changed queues are
//! sent), and the org's API usage last seen (for the budget guard).
//!
//! Every write is conditional on the version read (S3 `If-Match`), and a conflict re-applies
//! the change to the newer state, so two executions that overlap lose nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use object_storage::stored_json::StoredJson;

use crate::budget::SeenUsage;
use crate::error::MetricsError;
use crate::ports::{ObjectLocation, ObjectStore, Queue};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    /// The latest queue list, and the execution that listed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_list: Option<QueueList>,
    /// By queue id: what was last written to Salesforce, and when.
    #[serde(default)]
    pub written: BTreeMap<String, WrittenQueue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_usage: Option<SeenUsage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueList {
    pub execution: String,
    pub listed_at: DateTime<Utc>,
    pub queues: Vec<Queue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WrittenQueue {
    pub fingerprint: String,
    pub written_at: DateTime<Utc>,
}

/// The state object and how to change it.
pub struct StoredSyncState<'a> {
    pub store: &'a dyn ObjectStore,
    pub location: ObjectLocation,
}

impl StoredSyncState<'_> {
    pub async fn load(&self) -> Result<SyncState, MetricsError> {
        Ok(self.json().load().await?.unwrap_or_default())
    }

    /// Applies `change` to the stored state and writes it back only if nobody wrote in
    /// between; on a conflict, re-reads and applies `change` again. Returns the state written.
    pub async fn update(
        &self,
        mut change: impl FnMut(&mut SyncState),
    ) -> Result<SyncState, MetricsError> {
        let written = self
            .json()
            .update(|current: Option<&SyncState>| {
                let mut state = current.cloned().unwrap_or_default();
                change(&mut state);
                Some(state)
            })
            .await?;
        Ok(written.unwrap_or_default())
    }

    fn json(&self) -> StoredJson<'_> {
        StoredJson {
            store: self.store,
            location: self.location.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_storage::testing::MemoryObjectStore;

    #[tokio::test]
    async fn updates_start_from_nothing_and_a_conflict_reapplies_the_change() {
        let store = MemoryObjectStore::new();
        let state = StoredSyncState {
            store: &store,
            location: ObjectLocation::new("state", "realtime-queue-metrics/state.json"),
        };
        assert_eq!(state.load().await.expect("empty"), SyncState::default());
        let now = Utc::now();
        state
            .update(|s| {
                s.written.insert(
                    "q-1".into(),
                    WrittenQueue {
                        fingerprint: "a".into(),
                        written_at: now,
                    },
                );
            })
            .await
            .expect("first write");

        // Another writer slips in between this update's read and its write: its queue stays.
        let mut slipped = false;
        let written = state
            .update(|s| {
                if !slipped {
                    slipped = true;
                    let other = SyncState {
                        written: BTreeMap::from([(
                            "q-2".to_string(),
                            WrittenQueue {
                                fingerprint: "b".into(),
                                written_at: now,
                            },
                        )]),
                        ..SyncState::default()
                    };
                    another_writer_puts(&store, &state.location, &other);
                }
                s.written.insert(
                    "q-3".into(),
                    WrittenQueue {
                        fingerprint: "c".into(),
                        written_at: now,
                    },
                );
            })
            .await
            .expect("second write");
        assert_eq!(
            written.written.keys().collect::<Vec<_>>(),
            vec!["q-2", "q-3"],
            "the change was applied again to the other writer's state"
        );
        assert_eq!(state.load().await.expect("load"), written);
    }

    fn another_writer_puts(
        store: &MemoryObjectStore,
        location: &ObjectLocation,
        state: &SyncState,
    ) {
        store.put_with_metadata(
            location,
            &serde_json::to_vec(state).expect("json"),
            BTreeMap::new(),
        );
    }
}
