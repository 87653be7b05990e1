//! A create that timed out on our side may still commit on Salesforce's: the request reached
//! the org, our client gave up after its timeout (5 s), and the insert lands a moment later.
//! A retry that looked before writing at once would miss it and insert a second CCA or a
//! second transcript attachment. So after a timed-out create the step keeps looking for what
//! it may have written, once a second for up to [`SETTLE_LIMIT`]; only if nothing appears does
//! it report the timeout (retryable), and the retry's look-before-write then runs long after
//! any late commit.

use std::future::Future;
use std::time::Duration;

use salesforce_client::SalesforceError;
use tracing::{info, warn};

/// How long a timed-out create is given to commit. Salesforce answers a REST insert within a
/// few seconds even under load; with the client's 5 s timeout this covers a 20 s request.
pub const SETTLE_LIMIT: Duration = Duration::from_secs(15);
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Whether the write's outcome is unknown: the request was sent and may have been applied
/// (a timeout, a connection lost mid-answer; not a refused connection).
pub fn outcome_unknown(error: &SalesforceError) -> bool {
    matches!(error.error_code(), "TIMEOUT" | "TRANSPORT_ERROR")
}

/// After a create timed out, looks for its record until it appears or [`SETTLE_LIMIT`] passes.
/// `Ok(Some(id))`: the create did commit; `Ok(None)`: it did not within the limit.
pub async fn settle<F, Fut>(what: &str, look: F) -> Result<Option<String>, SalesforceError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Option<String>, SalesforceError>>,
{
    let started = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(LOOK_EVERY).await;
        // A failed look (the org is still struggling) is "not yet", not the end of the wait.
        if let Ok(Some(id)) = look().await {
            info!(
                what,
                waited_ms = started.elapsed().as_millis() as u64,
                "a timed-out create committed late; adopting its record"
            );
            return Ok(Some(id));
        }
        if started.elapsed() >= SETTLE_LIMIT {
            warn!(
                what,
                "a timed-out create left no record; the retry will write it"
            );
            return Ok(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn when_the_record_appears_late_should_adopt_it() {
        let looks = AtomicUsize::new(0);
        let found = settle("CCA", || async {
            let look = looks.fetch_add(1, Ordering::SeqCst);
            Ok((look >= 2).then(|| "a01late".to_string()))
        })
        .await
        .unwrap();
        assert_eq!(found.as_deref(), Some("a01late"));
        assert_eq!(looks.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn when_nothing_appears_should_give_up_after_the_limit() {
        let started = tokio::time::Instant::now();
        let found = settle("CCA", || async { Ok(None) }).await.unwrap();
        assert_eq!(found, None);
        assert!(started.elapsed() >= SETTLE_LIMIT);
        assert!(outcome_unknown(&SalesforceError::Transient {
            error_code: "TIMEOUT".into(),
            message: "the request timed out".into(),
        }));
    }
}
