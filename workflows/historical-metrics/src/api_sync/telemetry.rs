//! The sync's own metrics: CloudWatch embedded-metric-format lines under the package's
//! namespace, `Workflow` = `historical-metrics` (`connect_metrics::telemetry`'s format).

/// The `Workflow` dimension of the sync's metrics.
pub const WORKFLOW: &str = "historical-metrics";

pub fn emit_count(name: &str, value: f64) {
    connect_metrics::telemetry::emit_count(WORKFLOW, name, value);
}
