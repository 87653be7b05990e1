//! The sync's own metrics: CloudWatch embedded-metric-format lines under the package's
//! namespace, `Workflow` = `historical-metrics` (`package_metrics`).

/// The `Workflow` dimension of the sync's metrics.
pub const WORKFLOW: &str = "historical-metrics";

pub fn emit_count(name: &str, value: f64) {
    package_metrics::emit_workflow_count(WORKFLOW, name, value);
}
