//! The report import's own metrics (`package-metrics` writes them: CloudWatch embedded-metric
//! lines on stdout, which Lambda sends to CloudWatch Logs).

pub use package_metrics::NAMESPACE;

/// Report columns the org's object has no field for (counted per report; the report's other
/// columns are still imported).
pub const UNKNOWN_COLUMNS_METRIC: &str = "HistoricalReportUnknownColumns";
/// Rows not imported: a value that does not fit its field, or a record Salesforce refused.
pub const ROWS_NOT_IMPORTED_METRIC: &str = "HistoricalReportRowsNotImported";

/// `value` of `name` (a count) under the `Workflow` and `Object` (`queue`, `agent`) dimensions.
pub fn emit_count(workflow: &str, object: &str, name: &str, value: f64) {
    package_metrics::emit(
        name,
        value,
        package_metrics::Unit::Count,
        &[("Workflow", workflow), ("Object", object)],
    );
}
