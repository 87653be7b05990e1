//! The syncs' own metrics, as CloudWatch embedded-metric-format log lines on stdout (Lambda
//! sends stdout to CloudWatch Logs, which turns each line into metric data points).

use serde_json::json;

/// Every metric of the package is in this namespace.
pub const NAMESPACE: &str = "AmazonConnectSalesforce";

/// Writes one EMF line: `value` of `name` (unit `Count`) under the `Workflow` dimension.
pub fn emit_count(workflow: &str, name: &str, value: f64) {
    let line = json!({
        "_aws": {
            "Timestamp": chrono::Utc::now().timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Workflow"]],
                "Metrics": [{"Name": name, "Unit": "Count"}]
            }]
        },
        "Workflow": workflow,
        name: value
    });
    println!("{line}");
}
