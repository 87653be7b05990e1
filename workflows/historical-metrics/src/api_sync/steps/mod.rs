//! The Task states of `statemachines/historical-metrics.asl.json`, one file each, named as the
//! state; each is an [`activity_contract::Task`] that `activities/<state in kebab-case>` and the
//! local engine run with `run_task`.

mod plan_historical_intervals;
mod sync_historical_interval;
#[cfg(test)]
mod sync_tests;

pub use plan_historical_intervals::{
    PlanHistoricalIntervals, PlanHistoricalIntervalsInput, PlanHistoricalIntervalsOutput,
    PlanHistoricalIntervalsPorts,
};
pub use sync_historical_interval::{
    FailedRecord, ObjectReport, SyncHistoricalInterval, SyncHistoricalIntervalInput,
    SyncHistoricalIntervalPorts, SyncReport,
};
