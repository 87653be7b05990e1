//! Amazon Connect's metrics into Salesforce.
//!
//! The real-time queue metrics sync (`statemachines/realtime-queue-metrics.asl.json`): once per
//! execution [`steps::ListQueues`] lists the instance's STANDARD queues into the sync's stored
//! state and plans four ticks 15 s apart; each tick, [`steps::SyncQueueMetrics`] reads
//! GetCurrentMetricData for every queue (at most 100 queues a call) and upserts the
//! `AC_QueueMetrics__c` records of the queues whose values changed (or that were last written
//! longer ago than the refresh interval) with sObject Collections, at most 200 a call. A tick
//! that starts after its slot is skipped, and the Salesforce API budget guard pauses the sync
//! when the org's daily usage passes its threshold.

pub mod budget;
pub mod connect_reads;
pub mod error;
pub mod metrics;
pub mod ports;
pub mod records;
pub mod settings;
pub mod steps;
pub mod sync_state;
pub mod telemetry;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{MetricsError, MetricsErrorKind};
pub use settings::RealtimeSettings;
