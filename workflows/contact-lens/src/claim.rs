//! One import per contact and kind of file: the claim `locks/<ContactId>.contact-lens.lock`
//! (analyses) or `locks/<ContactId>.chat-transcript.lock` in the transcript bucket, beside the
//! post-call marker. It is created with put-if-absent (S3 `If-None-Match: *`) and only ever
//! replaced by compare-and-swap on the version read, so of two executions (the original and the
//! redacted analysis land together; an event is redelivered) one imports and the other waits,
//! and once `COMPLETED` every later file of that contact writes nothing. Whichever execution
//! imports, an analysis' content is the redacted variant's when there is one
//! (`crate::import`), and the claim names the file imported.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ContactLensError;
use crate::ports::{ObjectLocation, ObjectStore, StoreError};

/// Conflicting writers a claim outlasts before it reports the store as contended.
const MAX_CONFLICTS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClaimState {
    InProgress,
    Completed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportClaim {
    pub state: ClaimState,
    /// The execution importing; `None` once given back (the next one looks before writing).
    pub owner: Option<String>,
    pub since: DateTime<Utc>,
    /// The file imported, once `COMPLETED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// The claim's object for `contact_id` and `what` (`contact-lens`, `chat-transcript`).
pub fn claim_location(bucket: &str, contact_id: &str, what: &str) -> ObjectLocation {
    ObjectLocation::new(bucket, format!("locks/{contact_id}.{what}.lock"))
}

/// What claiming found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// Already imported (from `key`): nothing to write.
    Completed { key: Option<String> },
    /// This execution imports; `fresh` when no attempt before it can have written anything.
    Ours { fresh: bool },
}

pub struct Claims<'a> {
    pub store: &'a dyn ObjectStore,
    pub location: ObjectLocation,
    pub contact_id: &'a str,
    pub what: &'static str,
}

impl Claims<'_> {
    fn failed(&self, action: &'static str) -> impl Fn(StoreError) -> ContactLensError + '_ {
        move |source| ContactLensError::Claim {
            contact_id: self.contact_id.to_string(),
            action,
            source,
        }
    }

    fn corrupt(&self) -> ContactLensError {
        ContactLensError::Claim {
            contact_id: self.contact_id.to_string(),
            action: "read",
            source: StoreError::Failed {
                location: self.location.to_string(),
                message: "the claim is not this package's JSON".into(),
            },
        }
    }

    fn encode(claim: &ImportClaim) -> Vec<u8> {
        serde_json::to_vec(claim).unwrap_or_default()
    }

    /// Makes this execution the importer, or says the import is done. Another live importer
    /// makes it wait (`ContactAnalytics.Pending`, retried); one older than `takeover` is
    /// replaced by compare-and-swap. Executions that pass no name are re-runs of one another.
    pub async fn claim(
        &self,
        owner: Option<&str>,
        now: DateTime<Utc>,
        takeover: chrono::Duration,
    ) -> Result<Claimed, ContactLensError> {
        let ours = ImportClaim {
            state: ClaimState::InProgress,
            owner: owner.map(str::to_string),
            since: now,
            key: None,
        };
        for _ in 0..MAX_CONFLICTS {
            let Some(stored) = self
                .store
                .get_versioned(&self.location)
                .await
                .map_err(self.failed("read"))?
            else {
                if self
                    .store
                    .put_if_absent(&self.location, &Self::encode(&ours))
                    .await
                    .map_err(self.failed("create"))?
                {
                    return Ok(Claimed::Ours { fresh: true });
                }
                continue;
            };
            let claim: ImportClaim =
                serde_json::from_slice(&stored.bytes).map_err(|_| self.corrupt())?;
            if claim.state == ClaimState::Completed {
                return Ok(Claimed::Completed { key: claim.key });
            }
            let free = claim.owner.is_none() || owner.is_none() || claim.owner.as_deref() == owner;
            if free {
                return Ok(Claimed::Ours { fresh: false });
            }
            if now.signed_duration_since(claim.since) < takeover {
                return Err(ContactLensError::ImportPending {
                    contact_id: self.contact_id.to_string(),
                    owner: claim.owner.unwrap_or_default(),
                    what: self.what,
                });
            }
            if self
                .store
                .put_if_version(&self.location, &Self::encode(&ours), &stored.version)
                .await
                .map_err(self.failed("take over"))?
            {
                tracing::warn!(previous_owner = ?claim.owner, "took over an import its owner left unfinished");
                return Ok(Claimed::Ours { fresh: false });
            }
        }
        Err(self.failed("claim")(StoreError::Unavailable {
            location: self.location.to_string(),
            message: format!("the claim changed under {MAX_CONFLICTS} consecutive writes"),
        }))
    }

    /// Marks the import done (from `key`), by compare-and-swap.
    pub async fn complete(&self, key: &str, now: DateTime<Utc>) -> Result<(), ContactLensError> {
        self.replace(|claim| {
            (claim.state != ClaimState::Completed).then(|| ImportClaim {
                state: ClaimState::Completed,
                owner: claim.owner.clone(),
                since: now,
                key: Some(key.to_string()),
            })
        })
        .await
    }

    /// Gives a failed attempt's claim back, so the next execution need not wait for it to go
    /// stale. Best effort: the failure being reported matters more.
    pub async fn release(&self, owner: &str) {
        let released = self
            .replace(|claim| {
                (claim.state == ClaimState::InProgress && claim.owner.as_deref() == Some(owner))
                    .then(|| ImportClaim {
                        owner: None,
                        ..claim.clone()
                    })
            })
            .await;
        if let Err(error) = released {
            tracing::warn!(error = %error, "could not give the import claim back; it goes stale");
        }
    }

    async fn replace(
        &self,
        change: impl Fn(&ImportClaim) -> Option<ImportClaim>,
    ) -> Result<(), ContactLensError> {
        for _ in 0..MAX_CONFLICTS {
            let Some(stored) = self
                .store
                .get_versioned(&self.location)
                .await
                .map_err(self.failed("read"))?
            else {
                return Ok(());
            };
            let claim: ImportClaim =
                serde_json::from_slice(&stored.bytes).map_err(|_| self.corrupt())?;
            let Some(next) = change(&claim) else {
                return Ok(());
            };
            if self
                .store
                .put_if_version(&self.location, &Self::encode(&next), &stored.version)
                .await
                .map_err(self.failed("update"))?
            {
                return Ok(());
            }
        }
        Err(self.failed("update")(StoreError::Unavailable {
            location: self.location.to_string(),
            message: format!("the claim changed under {MAX_CONFLICTS} consecutive writes"),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use object_storage::testing::MemoryObjectStore;

    #[tokio::test]
    async fn when_two_executions_claim_one_contact_should_let_one_import_then_none() {
        let store = MemoryObjectStore::new();
        let claims = Claims {
            store: &store,
            location: claim_location("transcripts", "c-1", "contact-lens"),
            contact_id: "c-1",
            what: "analysis",
        };
        let now = Utc::now();
        let takeover = chrono::Duration::minutes(75);
        assert_eq!(
            claims.claim(Some("exec-A"), now, takeover).await.unwrap(),
            Claimed::Ours { fresh: true }
        );
        let error = claims
            .claim(Some("exec-B"), now, takeover)
            .await
            .unwrap_err();
        assert_eq!(
            activity_contract::NamedError::error_name(&error),
            "ContactAnalytics.Pending"
        );
        assert_eq!(
            claims.claim(Some("exec-A"), now, takeover).await.unwrap(),
            Claimed::Ours { fresh: false },
            "a retry of the owner goes on"
        );
        claims.release("exec-A").await;
        assert_eq!(
            claims.claim(Some("exec-B"), now, takeover).await.unwrap(),
            Claimed::Ours { fresh: false },
            "given back"
        );
        claims.complete("Analysis/Voice/k.json", now).await.unwrap();
        assert_eq!(
            claims.claim(Some("exec-C"), now, takeover).await.unwrap(),
            Claimed::Completed {
                key: Some("Analysis/Voice/k.json".into())
            }
        );
    }

    #[tokio::test]
    async fn when_the_owner_left_it_unfinished_should_take_it_over_once_stale() {
        let store = MemoryObjectStore::new();
        let claims = Claims {
            store: &store,
            location: claim_location("transcripts", "c-1", "chat-transcript"),
            contact_id: "c-1",
            what: "chat transcript",
        };
        let takeover = chrono::Duration::minutes(75);
        let then = Utc::now() - chrono::Duration::minutes(80);
        claims.claim(Some("exec-A"), then, takeover).await.unwrap();
        assert_eq!(
            claims
                .claim(Some("exec-B"), Utc::now(), takeover)
                .await
                .unwrap(),
            Claimed::Ours { fresh: false }
        );
    }
}
