//! The Task states of `statemachines/realtime-queue-metrics.asl.json`, one file each, named as
//! the state; each is an [`activity_contract::Task`] that `activities/<state in kebab-case>`
//! and the local engine run with `run_task`.

mod list_queues;
#[cfg(test)]
mod realtime_tests;
mod sync_queue_metrics;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use list_queues::{ListQueues, ListQueuesInput, ListQueuesOutput, ListQueuesPorts};
pub use sync_queue_metrics::{
    FailedQueue, SkipReason, SyncQueueMetrics, SyncQueueMetricsInput, SyncQueueMetricsPorts,
    TickReport,
};

/// Ticks per execution, and the time between them: the old package's four runs a minute.
pub const TICKS: u32 = 4;
pub const TICK_SECONDS: i64 = 15;
/// A tick that starts more than this after its time is skipped: the one before it ran long.
pub const LATE_GRACE_SECONDS: i64 = 3;

/// One planned tick: its index in the execution and when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    pub index: u32,
    pub at: DateTime<Utc>,
}

/// The ticks of an execution whose queues were listed at `start`.
pub fn plan_ticks(start: DateTime<Utc>) -> Vec<Tick> {
    (0..TICKS)
        .map(|index| Tick {
            index,
            at: start + chrono::Duration::seconds(TICK_SECONDS * i64::from(index)),
        })
        .collect()
}
