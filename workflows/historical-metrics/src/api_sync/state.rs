//! What the API sync keeps in the state bucket: the checkpoint (the last interval written, so
//! missed runs backfill) and this run's queues and agents. Each is one small JSON object
//! rewritten only by compare-and-swap on the version read (S3 `If-Match` / `If-None-Match`), so
//! two overlapping runs never move the checkpoint back or lose each other's write.

use chrono::{DateTime, Utc};
pub use object_storage::stored_json::StoredJson;
use serde::{Deserialize, Serialize};

use super::error::ApiSyncError;
use super::ports::{Queue, User};

/// The last interval synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    /// The start of the newest interval whose records were all written (`2024-03-05T14:30:00Z`).
    pub last_synced: DateTime<Utc>,
    pub synced_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<String>,
}

/// The queues and agents a run reads the metrics of, with the instance's ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedResources {
    pub execution: String,
    pub listed_at: DateTime<Utc>,
    /// GetMetricDataV2's ResourceArn (from the queues' or users' ARNs); `None` when the
    /// instance has neither.
    pub instance_arn: Option<String>,
    pub queues: Vec<Queue>,
    pub agents: Vec<User>,
}

/// Moves the checkpoint to the interval starting at `start`, never back: an older interval
/// re-run (a console re-run, an overlapping run) leaves a newer checkpoint as it is. Returns the
/// checkpoint stored afterwards.
pub async fn advance_checkpoint(
    stored: &StoredJson<'_>,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    execution: Option<&str>,
) -> Result<Checkpoint, ApiSyncError> {
    let checkpoint = stored
        .update::<Checkpoint>(|current| {
            if current.is_some_and(|current| current.last_synced >= start) {
                return None;
            }
            Some(Checkpoint {
                last_synced: start,
                synced_at: now,
                execution: execution.map(str::to_string),
            })
        })
        .await?;
    Ok(checkpoint.unwrap_or(Checkpoint {
        last_synced: start,
        synced_at: now,
        execution: execution.map(str::to_string),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::ObjectLocation;
    use chrono::TimeZone;
    use object_storage::testing::MemoryObjectStore;
    use std::collections::BTreeMap;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
            .single()
            .expect("time")
    }

    #[tokio::test]
    async fn the_checkpoint_starts_empty_moves_forward_only_and_survives_a_racing_writer() {
        let store = MemoryObjectStore::new();
        let stored = StoredJson {
            store: &store,
            location: ObjectLocation::new("state", "historical-metrics/checkpoint.json"),
        };
        assert_eq!(stored.load::<Checkpoint>().await.expect("empty"), None);
        let first = advance_checkpoint(&stored, at(8, 0), at(9, 5), Some("run-1"))
            .await
            .expect("written");
        assert_eq!(first.last_synced, at(8, 0));
        // An older interval re-run leaves the newer checkpoint.
        advance_checkpoint(&stored, at(7, 30), at(9, 6), Some("rerun"))
            .await
            .expect("kept");
        let kept: Checkpoint = stored.load().await.expect("read").expect("stored");
        assert_eq!(
            (kept.last_synced, kept.execution.as_deref()),
            (at(8, 0), Some("run-1"))
        );

        // Another run writes a newer checkpoint between this update's read and its write: the
        // compare-and-swap fails, the change is applied to what is there, which is newer.
        let mut raced = false;
        let after = stored
            .update::<Checkpoint>(|current| {
                if !raced {
                    raced = true;
                    let newer = Checkpoint {
                        last_synced: at(9, 0),
                        synced_at: at(9, 35),
                        execution: Some("run-2".into()),
                    };
                    store.put_with_metadata(
                        &stored.location,
                        &serde_json::to_vec(&newer).expect("json"),
                        BTreeMap::new(),
                    );
                }
                let start = at(8, 30);
                (current.is_none_or(|current| current.last_synced < start)).then(|| Checkpoint {
                    last_synced: start,
                    synced_at: at(9, 36),
                    execution: Some("run-1".into()),
                })
            })
            .await
            .expect("updated")
            .expect("stored");
        assert_eq!(after.last_synced, at(9, 0), "the newer checkpoint stays");
        assert_eq!(after.execution.as_deref(), Some("run-2"));
    }

    #[tokio::test]
    async fn a_state_object_that_is_not_ours_is_a_typed_error() {
        let store = MemoryObjectStore::new();
        let location = ObjectLocation::new("state", "historical-metrics/checkpoint.json");
        store.put_with_metadata(&location, b"{\"lastSynced\": 3}", BTreeMap::new());
        let stored = StoredJson {
            store: &store,
            location,
        };
        let error = ApiSyncError::from(stored.load::<Checkpoint>().await.expect_err("malformed"));
        assert!(
            matches!(error, ApiSyncError::MalformedSyncState { .. }),
            "{error:?}"
        );
    }
}
