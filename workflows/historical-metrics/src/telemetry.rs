//! The imports' own metrics, as CloudWatch embedded-metric-format log lines on stdout (Lambda
//! sends stdout to CloudWatch Logs, which turns each line into metric data points).

use serde_json::json;

/// Every metric of the package is in this namespace.
pub const NAMESPACE: &str = "AmazonConnectSalesforce";

/// Report columns the org's object has no field for (counted per report; the report's other
/// columns are still imported).
pub const UNKNOWN_COLUMNS_METRIC: &str = "HistoricalReportUnknownColumns";
/// Rows not imported: a value that does not fit its field, or a record Salesforce refused.
pub const ROWS_NOT_IMPORTED_METRIC: &str = "HistoricalReportRowsNotImported";

/// Writes one EMF line: `value` of `name` (unit `Count`) under the `Workflow` and `Object`
/// dimensions.
pub fn emit_count(workflow: &str, object: &str, name: &str, value: f64) {
    let line = json!({
        "_aws": {
            "Timestamp": chrono::Utc::now().timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Workflow", "Object"]],
                "Metrics": [{"Name": name, "Unit": "Count"}]
            }]
        },
        "Workflow": workflow,
        "Object": object,
        name: value
    });
    println!("{line}");
}
