//! The syncs' own metrics (`package-metrics` writes them: CloudWatch embedded-metric lines in
//! the package's one namespace, under the `Workflow` dimension).

pub use package_metrics::NAMESPACE;

/// One count of `name` for `workflow`.
pub fn emit_count(workflow: &str, name: &str, value: f64) {
    package_metrics::emit_workflow_count(workflow, name, value);
}
