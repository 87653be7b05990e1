//! The Salesforce API budget guard: the scheduled syncs stop spending the org's daily API
//! allowance once its usage (from `Sforce-Limit-Info` on every response) passes a threshold, so
//! contact flows keep theirs. While paused, one tick every [`PROBE_INTERVAL_MINUTES`] asks the
//! org for its usage with one request and resumes the sync once usage is back under.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How often a paused sync spends one request to see whether usage has come down.
pub const PROBE_INTERVAL_MINUTES: i64 = 5;

/// The org's usage as a response reported it, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeenUsage {
    pub used: u64,
    pub max: u64,
    pub seen_at: DateTime<Utc>,
}

impl SeenUsage {
    /// Whether usage is at or above `percent` of the allowance.
    pub fn over(&self, percent: u32) -> bool {
        self.max > 0 && self.used.saturating_mul(100) >= self.max.saturating_mul(u64::from(percent))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BudgetDecision {
    /// Under the threshold, or never seen: sync.
    Proceed,
    /// Over the threshold, seen recently: skip this tick.
    Pause(SeenUsage),
    /// Over the threshold, but long enough ago that one request should look again.
    Probe(SeenUsage),
}

pub fn decide(last: Option<SeenUsage>, percent: u32, now: DateTime<Utc>) -> BudgetDecision {
    match last {
        Some(usage) if usage.over(percent) => {
            if now.signed_duration_since(usage.seen_at) >= Duration::minutes(PROBE_INTERVAL_MINUTES)
            {
                BudgetDecision::Probe(usage)
            } else {
                BudgetDecision::Pause(usage)
            }
        }
        _ => BudgetDecision::Proceed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(used: u64, minutes_ago: i64, now: DateTime<Utc>) -> SeenUsage {
        SeenUsage {
            used,
            max: 15_000,
            seen_at: now - Duration::minutes(minutes_ago),
        }
    }

    #[test]
    fn the_guard_pauses_over_the_threshold_and_probes_after_a_while() {
        let now = Utc::now();
        assert_eq!(decide(None, 90, now), BudgetDecision::Proceed);
        assert_eq!(
            decide(Some(usage(13_499, 0, now)), 90, now),
            BudgetDecision::Proceed
        );
        let over = usage(13_500, 1, now);
        assert_eq!(decide(Some(over), 90, now), BudgetDecision::Pause(over));
        let old = usage(14_000, 6, now);
        assert_eq!(decide(Some(old), 90, now), BudgetDecision::Probe(old));
    }
}
