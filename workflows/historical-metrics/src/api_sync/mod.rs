//! The scheduled sync from Amazon Connect's metrics API (GetMetricDataV2), for customers who
//! would rather not configure report exports.
//!
//! `statemachines/historical-metrics.asl.json`, started at :05 and :35 by
//! `schedules/historical-metrics.json`: [`steps::PlanHistoricalIntervals`] reads the
//! checkpoint (the last interval synced, in the state bucket) and plans every completed
//! 30-minute interval since, oldest first, bounded by the API's 93 days and a day a run, and
//! stores the instance's STANDARD queues and agents for the run; then, one interval at a time,
//! [`steps::SyncHistoricalInterval`] reads the interval's metrics of every queue and agent
//! (the report columns, [`metrics`]), writes `AC_HistoricalQueueMetrics__c` and
//! `AC_AgentPerformance__c` exactly as the report import writes them (same `AC_Record_Id__c`,
//! same fields), and moves the checkpoint. A missed run is backfilled by the next; re-running
//! an interval rewrites the same records. While the org is over the real-time sync's API
//! budget (`connect_metrics::budget`) an interval writes nothing and the run stops there
//! (`HistoricalSync.ApiBudgetExceeded`, caught as `PausedForApiBudget`); the next run
//! backfills from the checkpoint.

pub mod error;
pub mod intervals;
pub mod metrics;
pub mod ports;
pub mod reads;
pub mod settings;
pub mod state;
pub mod steps;
pub mod telemetry;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{ApiSyncError, ApiSyncErrorKind};
pub use ports::ConnectHistory;
pub use settings::ApiSyncSettings;
