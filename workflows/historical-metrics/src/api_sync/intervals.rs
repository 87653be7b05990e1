//! Connect's 30-minute intervals (UTC, on the hour and the half hour) and which of them a run
//! syncs: every completed interval after the checkpoint, oldest first, no older than
//! GetMetricDataV2 keeps data, at most [`MAX_INTERVALS_PER_EXECUTION`] a run.

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde::{Deserialize, Serialize};

use crate::objects::interval_text;

pub const INTERVAL_MINUTES: i64 = 30;
/// How far back GetMetricDataV2 answers (its StartTime must be within the last 93 days).
pub const RETENTION_DAYS: i64 = 93;
/// An interval is synced once it ended this long ago, so Connect has counted its contacts
/// (the schedule runs at :05 and :35).
pub const SETTLE_MINUTES: i64 = 5;
/// A run syncs at most this many intervals (one day); a longer backlog continues next run.
pub const MAX_INTERVALS_PER_EXECUTION: usize = 48;
/// Kept clear of the retention edge: the oldest interval must still be answered by the time
/// its Task runs.
const RETENTION_MARGIN_MINUTES: i64 = 60;

/// One 30-minute interval `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Interval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Interval {
    /// The interval starting at `start` (which must be on an interval boundary).
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            start,
            end: start + Duration::minutes(INTERVAL_MINUTES),
        }
    }

    /// The interval `at` falls in.
    pub fn containing(at: DateTime<Utc>) -> Self {
        Self::starting_at(floor(at))
    }

    /// Whether `start` is on an interval boundary and `end` 30 minutes later.
    pub fn is_aligned(&self) -> bool {
        floor(self.start) == self.start
            && self.end == self.start + Duration::minutes(INTERVAL_MINUTES)
    }

    pub fn next(&self) -> Self {
        Self::starting_at(self.end)
    }

    /// `StartInterval` as the reports write it (`2024-03-05T14:30:00Z`).
    pub fn start_text(&self) -> String {
        interval_text(self.start)
    }

    pub fn end_text(&self) -> String {
        interval_text(self.end)
    }
}

impl std::fmt::Display for Interval {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}–{}", self.start_text(), self.end_text())
    }
}

fn floor(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(Duration::minutes(INTERVAL_MINUTES))
        .unwrap_or(at)
}

/// What a run syncs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntervalPlan {
    /// Oldest first.
    pub intervals: Vec<Interval>,
    /// Missed intervals that are older than GetMetricDataV2 keeps: they cannot be synced.
    pub beyond_retention: usize,
    /// Completed intervals left for the next run (over [`MAX_INTERVALS_PER_EXECUTION`]).
    pub remaining: usize,
}

/// The intervals due at `now` after the checkpoint's interval (`last_synced`, its start). With
/// no checkpoint (the first run) only the latest completed interval is due.
pub fn plan(last_synced: Option<DateTime<Utc>>, now: DateTime<Utc>) -> IntervalPlan {
    let latest = Interval::containing(now - Duration::minutes(SETTLE_MINUTES + INTERVAL_MINUTES));
    let Some(last_synced) = last_synced else {
        return IntervalPlan {
            intervals: vec![latest],
            beyond_retention: 0,
            remaining: 0,
        };
    };
    let first = Interval::containing(last_synced).next();
    if first.start > latest.start {
        return IntervalPlan {
            intervals: Vec::new(),
            beyond_retention: 0,
            remaining: 0,
        };
    }
    let oldest_kept = Interval::containing(
        now - Duration::days(RETENTION_DAYS) + Duration::minutes(RETENTION_MARGIN_MINUTES),
    )
    .next();
    let count = |from: Interval| {
        usize::try_from((latest.start - from.start).num_minutes() / INTERVAL_MINUTES + 1)
            .unwrap_or(0)
    };
    let (from, beyond_retention) = if first.start < oldest_kept.start {
        (oldest_kept, count(first) - count(oldest_kept))
    } else {
        (first, 0)
    };
    let due = count(from);
    let taken = due.min(MAX_INTERVALS_PER_EXECUTION);
    let mut intervals = Vec::with_capacity(taken);
    let mut interval = from;
    for _ in 0..taken {
        intervals.push(interval);
        interval = interval.next();
    }
    IntervalPlan {
        intervals,
        beyond_retention,
        remaining: due - taken,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0)
            .single()
            .expect("time")
    }

    fn starts(plan: &IntervalPlan) -> Vec<String> {
        plan.intervals
            .iter()
            .map(Interval::start_text)
            .collect::<Vec<_>>()
    }

    #[test]
    fn the_first_run_syncs_only_the_latest_completed_interval() {
        let plan = plan(None, at(9, 5));
        assert_eq!(starts(&plan), ["2026-12-01T08:30:00Z"]);
        assert_eq!(plan.intervals[0].end_text(), "2026-12-01T09:00:00Z");
        // Before the interval has settled, the one before it is the latest.
        assert_eq!(
            starts(&super::plan(None, at(9, 4))),
            ["2026-12-01T08:00:00Z"]
        );
    }

    #[test]
    fn missed_runs_are_backfilled_oldest_first_and_a_synced_interval_is_not_due_again() {
        // Synced up to 07:00–07:30; at 09:05 three intervals completed since.
        let plan = plan(Some(at(7, 0)), at(9, 5));
        assert_eq!(
            starts(&plan),
            [
                "2026-12-01T07:30:00Z",
                "2026-12-01T08:00:00Z",
                "2026-12-01T08:30:00Z"
            ]
        );
        assert_eq!((plan.beyond_retention, plan.remaining), (0, 0));
        assert!(super::plan(Some(at(8, 30)), at(9, 5)).intervals.is_empty());
        assert!(super::plan(Some(at(8, 30)), at(9, 34)).intervals.is_empty());
    }

    #[test]
    fn a_long_backlog_is_bounded_by_the_retention_and_split_across_runs() {
        let now = at(9, 5);
        let plan = plan(Some(now - Duration::days(200)), now);
        assert_eq!(plan.intervals.len(), MAX_INTERVALS_PER_EXECUTION);
        let oldest = plan.intervals[0].start;
        assert!(oldest >= now - Duration::days(RETENTION_DAYS), "{oldest}");
        assert!(oldest <= now - Duration::days(RETENTION_DAYS) + Duration::hours(2));
        assert!(
            plan.beyond_retention > 100 * 48,
            "{}",
            plan.beyond_retention
        );
        let due = plan.intervals.len() + plan.remaining;
        assert!((92 * 48..=93 * 48).contains(&due), "{due}");
        assert!(plan.intervals.iter().all(Interval::is_aligned));
        assert!(
            plan.intervals
                .windows(2)
                .all(|pair| pair[0].next() == pair[1])
        );
    }
}
