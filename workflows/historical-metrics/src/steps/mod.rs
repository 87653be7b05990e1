//! One [`activity_contract::Task`] per Task state of `statemachines/historical-report-import.asl.json`.

mod import_historical_report;

pub use import_historical_report::{
    ImportHistoricalReport, ImportHistoricalReportOutput, ImportHistoricalReportPorts,
};
