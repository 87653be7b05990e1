//! The package's own CloudWatch metrics, as embedded-metric-format (EMF) log lines on stdout:
//! Lambda sends stdout to CloudWatch Logs, which turns each line into metric data points, so a
//! function needs no CloudWatch client and no `cloudwatch:PutMetricData` grant.
//!
//! Every metric is in [`NAMESPACE`]; the names the stack's alarms watch are constants here, so
//! `template.yaml` and the code cannot drift apart silently (`tests/tests/project/monitoring.rs`).

use serde_json::{Map, Value, json};

/// Every metric of the package is in this namespace.
pub const NAMESPACE: &str = "AmazonConnectSalesforce";

/// Salesforce refused a sign-in (or the secret lacks what the grant needs). No dimension: the
/// alarm `SalesforceAuthFailureAlarm` watches every function at once. Upstream's name.
pub const SALESFORCE_AUTH_FAILURE: &str = "SalesforceAuthFailure";

/// The org's daily API usage as a percentage of its allowance, from `Sforce-Limit-Info`
/// (at most once a minute per container). No dimension: `SalesforceApiUsageAlarm`.
pub const SALESFORCE_API_USAGE_PERCENT: &str = "SalesforceApiUsagePercent";

/// CloudWatch units the package uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Percent,
}

impl Unit {
    fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Percent => "Percent",
        }
    }
}

/// One EMF line: `value` of `name`, with `dimensions` (name, value) as its one dimension set
/// (none: the metric is aggregated over the whole namespace).
pub fn emf_line(
    name: &str,
    value: f64,
    unit: Unit,
    dimensions: &[(&str, &str)],
    timestamp_millis: i64,
) -> String {
    let mut line = Map::new();
    line.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_millis,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [dimensions.iter().map(|(key, _)| *key).collect::<Vec<_>>()],
                "Metrics": [{"Name": name, "Unit": unit.as_str()}]
            }]
        }),
    );
    for (key, dimension_value) in dimensions {
        line.insert((*key).into(), Value::String((*dimension_value).into()));
    }
    line.insert(name.into(), json!(value));
    Value::Object(line).to_string()
}

/// Writes one EMF line now: on stdout inside Lambda (where CloudWatch Logs reads it), as a
/// debug log line elsewhere, so a local run's stdout (`connect-sf --json`) stays its own.
pub fn emit(name: &str, value: f64, unit: Unit, dimensions: &[(&str, &str)]) {
    let line = emf_line(
        name,
        value,
        unit,
        dimensions,
        chrono::Utc::now().timestamp_millis(),
    );
    if in_lambda() {
        println!("{line}");
    } else {
        tracing::debug!(target: "package_metrics", metric = %line, "metric");
    }
}

/// Whether this process is a Lambda function (the runtime sets `AWS_LAMBDA_FUNCTION_NAME`).
fn in_lambda() -> bool {
    static IN_LAMBDA: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *IN_LAMBDA.get_or_init(|| std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some())
}

/// A count under the `Workflow` dimension (the workflow's name, e.g. `realtime-queue-metrics`).
pub fn emit_workflow_count(workflow: &str, name: &str, value: f64) {
    emit(name, value, Unit::Count, &[("Workflow", workflow)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_what_cloudwatch_logs_turns_into_a_metric() {
        let line: Value = serde_json::from_str(&emf_line(
            "TicksSkippedLate",
            2.0,
            Unit::Count,
            &[("Workflow", "realtime-queue-metrics")],
            1_700_000_000_000,
        ))
        .expect("JSON");
        let directive = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], NAMESPACE);
        assert_eq!(directive["Dimensions"], json!([["Workflow"]]));
        assert_eq!(
            directive["Metrics"],
            json!([{"Name": "TicksSkippedLate", "Unit": "Count"}])
        );
        assert_eq!(line["_aws"]["Timestamp"], 1_700_000_000_000_i64);
        assert_eq!(line["Workflow"], "realtime-queue-metrics");
        assert_eq!(line["TicksSkippedLate"], 2.0);
    }

    #[test]
    fn a_metric_without_dimensions_has_one_empty_dimension_set() {
        let line: Value = serde_json::from_str(&emf_line(
            SALESFORCE_API_USAGE_PERCENT,
            91.5,
            Unit::Percent,
            &[],
            0,
        ))
        .expect("JSON");
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([[]])
        );
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"],
            "Percent"
        );
        assert_eq!(line[SALESFORCE_API_USAGE_PERCENT], 91.5);
    }
}
