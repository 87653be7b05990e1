//! GetMetricDataV2: `POST /metrics/data`, served from the seed's `metricDataV2` results.
//!
//! Time rules (Connect's): StartTime before EndTime, EndTime not in the future, StartTime within
//! the last 93 days, and the range at most 3 days for the FIFTEEN_MIN, THIRTY_MIN and HOUR
//! intervals, 35 days for DAY, WEEK and TOTAL (the default).
//!
//! Selection: a seed result answers the request when its dimension keys (the `*_ARN` ones aside)
//! are exactly the requested Groupings; when, for every filter whose key is one of its dimensions,
//! its value is among the FilterValues (an ARN ending in `/<value>` matches too); when its
//! MetricInterval, if it has one, lies within [StartTime, EndTime] and has the requested
//! IntervalPeriod; and when it has at least one requested metric. Its Collections are the requested
//! metrics in order, echoed as requested, with the seed's value (none when the seed lacks it).

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{
    Instance, Operation, json_equivalent, page_size, parse_body, required, without_paging,
};
use crate::error::{ConnectError, too_long};
use crate::paging::{PageToken, fingerprint, page};
use crate::seed::{MetricResultV2, MetricV2};

const MAX_RESULTS: i64 = 100;
const DEFAULT_MAX_RESULTS: usize = 100;
const MAX_FILTER_KEYS: usize = 5;
const MAX_FILTER_VALUES: usize = 100;
const MAX_GROUPINGS: usize = 4;
/// How far back historical metrics reach.
pub const RETENTION_DAYS: i64 = 93;
const SHORT_INTERVALS: [&str; 3] = ["FIFTEEN_MIN", "THIRTY_MIN", "HOUR"];
const LONG_INTERVALS: [&str; 3] = ["DAY", "WEEK", "TOTAL"];
/// The filter keys that name Connect resources; a request needs at least one.
const RESOURCE_FILTER_KEYS: [&str; 11] = [
    "QUEUE",
    "ROUTING_PROFILE",
    "AGENT",
    "AGENT_HIERARCHY_LEVEL_ONE",
    "AGENT_HIERARCHY_LEVEL_TWO",
    "AGENT_HIERARCHY_LEVEL_THREE",
    "AGENT_HIERARCHY_LEVEL_FOUR",
    "AGENT_HIERARCHY_LEVEL_FIVE",
    "CAMPAIGN",
    "EVALUATION_FORM",
    "EVALUATOR_ID",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    resource_arn: Option<String>,
    start_time: Option<f64>,
    end_time: Option<f64>,
    interval: Option<IntervalDetails>,
    filters: Option<Vec<FilterV2>>,
    groupings: Option<Vec<String>>,
    metrics: Option<Vec<MetricV2>>,
    next_token: Option<String>,
    max_results: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct IntervalDetails {
    interval_period: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct FilterV2 {
    filter_key: Option<String>,
    filter_values: Option<Vec<String>>,
}

/// The instance id in an instance ARN (`arn:aws:connect:{region}:{account}:instance/{id}`).
fn instance_id_of(arn: &str) -> Option<&str> {
    let (_, rest) = arn.split_once(":instance/")?;
    let id = rest.split('/').next()?;
    (arn.starts_with("arn:") && !id.is_empty()).then_some(id)
}

pub fn get_metric_data_v2(
    instance: &Instance,
    body: &[u8],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Value, ConnectError> {
    let (request, raw): (Request, Value) = parse_body(body)?;
    let resource_arn = request
        .resource_arn
        .as_deref()
        .ok_or_else(|| required("resourceArn"))?;
    let instance_id = instance_id_of(resource_arn).ok_or_else(|| {
        ConnectError::InvalidParameter(format!("Invalid parameter: ResourceArn {resource_arn}"))
    })?;
    instance.check_instance(instance_id)?;
    let start = request.start_time.ok_or_else(|| required("startTime"))?;
    let end = request.end_time.ok_or_else(|| required("endTime"))?;
    let period = request
        .interval
        .as_ref()
        .and_then(|interval| interval.interval_period.as_deref());
    check_time_range(start, end, period, now)?;
    let filters = request
        .filters
        .as_deref()
        .ok_or_else(|| required("filters"))?;
    check_filters(filters)?;
    let metrics = request
        .metrics
        .as_deref()
        .ok_or_else(|| required("metrics"))?;
    if metrics.is_empty() {
        return Err(ConnectError::InvalidParameter(
            "1 validation error detected: Value '[]' at 'metrics' failed to satisfy constraint: Member must have length greater than or equal to 1".to_owned(),
        ));
    }
    let groupings = request.groupings.clone().unwrap_or_default();
    if groupings.len() > MAX_GROUPINGS {
        return Err(too_long("groupings", MAX_GROUPINGS));
    }
    let page_size = page_size(
        "maxResults",
        request.max_results,
        MAX_RESULTS,
        DEFAULT_MAX_RESULTS,
    )?;
    let fingerprint = fingerprint(Operation::GetMetricDataV2.name(), &without_paging(&raw));
    let offset = match &request.next_token {
        Some(token) => PageToken::decode(token, fingerprint)?.offset,
        None => 0,
    };

    let wanted_groupings: BTreeSet<&str> = groupings.iter().map(String::as_str).collect();
    let results: Vec<Value> = instance
        .seed
        .metric_data_v2
        .iter()
        .filter(|result| answers_groupings(result, &wanted_groupings))
        .filter(|result| passes_filters(result, filters))
        .filter(|result| within(result, start, end, period))
        .filter_map(|result| answer(result, metrics))
        .collect();
    let (results, next_token) = page(&results, offset, page_size, |next| {
        PageToken {
            offset: next,
            snapshot: 0,
            snapshot_time_ms: 0,
        }
        .encode(fingerprint)
    });
    let mut answer = json!({ "MetricResults": results });
    if let Some(token) = next_token {
        answer["NextToken"] = json!(token);
    }
    Ok(answer)
}

fn check_time_range(
    start: f64,
    end: f64,
    period: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ConnectError> {
    let invalid = |message: String| Err(ConnectError::InvalidParameter(message));
    let now = now.timestamp_millis() as f64 / 1000.0;
    const DAY: f64 = 86_400.0;
    if start >= end {
        return invalid("The StartTime must be before the EndTime.".to_owned());
    }
    if end > now {
        return invalid("The EndTime cannot be later than the current time.".to_owned());
    }
    if start < now - RETENTION_DAYS as f64 * DAY {
        return invalid(format!(
            "The StartTime must be within the last {RETENTION_DAYS} days: historical metrics are available for 3 months."
        ));
    }
    let period = period.unwrap_or("TOTAL");
    let max_days = if SHORT_INTERVALS.contains(&period) {
        3.0
    } else if LONG_INTERVALS.contains(&period) {
        35.0
    } else {
        return invalid(format!(
            "1 validation error detected: Value '{period}' at 'interval.intervalPeriod' failed to satisfy constraint: Member must satisfy enum value set: [FIFTEEN_MIN, THIRTY_MIN, HOUR, DAY, WEEK, TOTAL]"
        ));
    };
    if end - start > max_days * DAY {
        return invalid(format!(
            "The time range between StartTime and EndTime must not exceed {max_days} days for the IntervalPeriod {period}."
        ));
    }
    Ok(())
}

fn check_filters(filters: &[FilterV2]) -> Result<(), ConnectError> {
    if filters.is_empty() {
        return Err(ConnectError::InvalidParameter(
            "1 validation error detected: Value '[]' at 'filters' failed to satisfy constraint: Member must have length greater than or equal to 1".to_owned(),
        ));
    }
    if filters.len() > MAX_FILTER_KEYS {
        return Err(too_long("filters", MAX_FILTER_KEYS));
    }
    let values: usize = filters
        .iter()
        .filter(|f| f.filter_key.as_deref() != Some("CHANNEL"))
        .map(|f| f.filter_values.as_ref().map_or(0, Vec::len))
        .sum();
    if values > MAX_FILTER_VALUES {
        return Err(ConnectError::InvalidParameter(format!(
            "A maximum of {MAX_FILTER_VALUES} filter values are supported in a single request (CHANNEL values aside); this request has {values}."
        )));
    }
    let has_resource = filters.iter().any(|f| {
        f.filter_key
            .as_deref()
            .is_some_and(|key| RESOURCE_FILTER_KEYS.contains(&key))
    });
    if !has_resource {
        return Err(ConnectError::InvalidParameter(format!(
            "A GetMetricDataV2 request requires at least one of these filters: {}.",
            RESOURCE_FILTER_KEYS.join(", ")
        )));
    }
    Ok(())
}

fn answers_groupings(result: &MetricResultV2, groupings: &BTreeSet<&str>) -> bool {
    let keys: BTreeSet<&str> = result
        .dimensions
        .keys()
        .map(String::as_str)
        .filter(|key| !key.ends_with("_ARN"))
        .collect();
    &keys == groupings
}

fn passes_filters(result: &MetricResultV2, filters: &[FilterV2]) -> bool {
    filters.iter().all(|filter| {
        let Some(key) = filter.filter_key.as_deref() else {
            return true;
        };
        let Some(value) = result.dimensions.get(key) else {
            return true;
        };
        filter
            .filter_values
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|wanted| {
                wanted == value
                    || (wanted.starts_with("arn:") && wanted.ends_with(&format!("/{value}")))
            })
    })
}

fn within(result: &MetricResultV2, start: f64, end: f64, period: Option<&str>) -> bool {
    let Some(interval) = &result.metric_interval else {
        return true;
    };
    let starts_in = interval.start_time.is_none_or(|s| s >= start);
    let ends_in = interval.end_time.is_none_or(|e| e <= end);
    let same_period = match (period, interval.interval.as_deref()) {
        (Some(wanted), Some(given)) => wanted == given,
        _ => true,
    };
    starts_in && ends_in && same_period
}

/// Whether a seed metric answers a requested one: same name, and the same Threshold and
/// MetricFilters where both give them.
fn same_metric(seed: &MetricV2, requested: &MetricV2) -> bool {
    seed.name == requested.name
        && ["Threshold", "MetricFilters"].iter().all(|key| {
            match (seed.details.get(*key), requested.details.get(*key)) {
                (Some(a), Some(b)) => json_equivalent(a, b),
                _ => true,
            }
        })
}

/// Whether a seed metric is exactly the requested one: same name, and the same Threshold and
/// MetricFilters, or neither.
fn identical_metric(seed: &MetricV2, requested: &MetricV2) -> bool {
    seed.name == requested.name
        && ["Threshold", "MetricFilters"].iter().all(|key| {
            match (seed.details.get(*key), requested.details.get(*key)) {
                (Some(a), Some(b)) => json_equivalent(a, b),
                (None, None) => true,
                _ => false,
            }
        })
}

fn answer(result: &MetricResultV2, metrics: &[MetricV2]) -> Option<Value> {
    let mut found = false;
    let collections: Vec<Value> = metrics
        .iter()
        .map(|requested| {
            // A seed metric with the very Threshold and MetricFilters asked answers first; one
            // that gives fewer of them answers any.
            let data = result
                .collections
                .iter()
                .find(|data| identical_metric(&data.metric, requested))
                .or_else(|| {
                    result
                        .collections
                        .iter()
                        .find(|data| same_metric(&data.metric, requested))
                });
            found |= data.is_some();
            let mut entry = json!({ "Metric": requested });
            if let Some(value) = data.and_then(|d| d.value) {
                entry["Value"] = json!(value);
            }
            entry
        })
        .collect();
    if !found {
        return None;
    }
    let mut answer = json!({ "Dimensions": result.dimensions, "Collections": collections });
    if let Some(interval) = &result.metric_interval {
        answer["MetricInterval"] = json!(interval);
    }
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Seed;

    const HOUR: f64 = 3_600.0;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_750_000_000, 0).expect("a valid time")
    }

    fn instance() -> Instance {
        let mut seed = Seed::demo();
        let base = 1_750_000_000.0 - 24.0 * HOUR;
        seed.metric_data_v2 = vec![
            MetricResultV2::default()
                .with_dimension("QUEUE", "q1")
                .with_interval("HOUR", base, base + HOUR)
                .with_metric("CONTACTS_HANDLED", 4.0)
                .with_metric("AVG_HANDLE_TIME", 300.0),
            MetricResultV2::default()
                .with_dimension("QUEUE", "q1")
                .with_interval("HOUR", base + HOUR, base + 2.0 * HOUR)
                .with_metric("CONTACTS_HANDLED", 6.0),
            MetricResultV2::default()
                .with_dimension("QUEUE", "q2")
                .with_interval("HOUR", base, base + HOUR)
                .with_metric("CONTACTS_HANDLED", 9.0),
            MetricResultV2::default()
                .with_dimension("AGENT", "a1")
                .with_interval("HOUR", base, base + HOUR)
                .with_metric("CONTACTS_HANDLED", 2.0),
        ];
        Instance::new(seed)
    }

    fn request(instance: &Instance, start: f64, end: f64, queues: &[&str]) -> Value {
        json!({
            "ResourceArn": instance.seed.instance_arn(),
            "StartTime": start,
            "EndTime": end,
            "Interval": {"IntervalPeriod": "HOUR", "TimeZone": "UTC"},
            "Filters": [{"FilterKey": "QUEUE", "FilterValues": queues}],
            "Groupings": ["QUEUE"],
            "Metrics": [{"Name": "CONTACTS_HANDLED"}],
        })
    }

    fn call(instance: &Instance, body: &Value) -> Result<Value, ConnectError> {
        get_metric_data_v2(
            instance,
            &serde_json::to_vec(body).expect("serializable"),
            now(),
        )
    }

    #[test]
    fn should_select_by_filter_grouping_time_and_metric() {
        let instance = instance();
        let start = 1_750_000_000.0 - 24.0 * HOUR;
        let answer =
            call(&instance, &request(&instance, start, start + HOUR, &["q1"])).expect("answered");
        let results = answer["MetricResults"].as_array().expect("results");
        assert_eq!(results.len(), 1, "{answer}");
        assert_eq!(
            results[0]["Collections"],
            json!([{"Metric": {"Name": "CONTACTS_HANDLED"}, "Value": 4.0}])
        );
        let both = call(
            &instance,
            &request(&instance, start, start + 2.0 * HOUR, &["q1", "q2"]),
        )
        .expect("answered");
        assert_eq!(both["MetricResults"].as_array().map(Vec::len), Some(3));
    }

    #[test]
    fn time_rules_should_be_connects() {
        let instance = instance();
        let now = 1_750_000_000.0;
        let refused = |start: f64, end: f64, period: &str| {
            let mut body = request(&instance, start, end, &["q1"]);
            body["Interval"]["IntervalPeriod"] = json!(period);
            call(&instance, &body).expect_err("refused").error_type()
        };
        assert_eq!(
            refused(now - HOUR, now - HOUR, "HOUR"),
            "InvalidParameterException"
        );
        assert_eq!(
            refused(now - HOUR, now + HOUR, "HOUR"),
            "InvalidParameterException"
        );
        assert_eq!(
            refused(now - 94.0 * 24.0 * HOUR, now - 93.5 * 24.0 * HOUR, "HOUR"),
            "InvalidParameterException"
        );
        assert_eq!(
            refused(now - 4.0 * 24.0 * HOUR, now, "HOUR"),
            "InvalidParameterException"
        );
        assert_eq!(
            refused(now - 36.0 * 24.0 * HOUR, now, "DAY"),
            "InvalidParameterException"
        );
        let mut fine = request(&instance, now - 30.0 * 24.0 * HOUR, now, &["q1"]);
        fine["Interval"]["IntervalPeriod"] = json!("DAY");
        assert!(call(&instance, &fine).is_ok());
    }

    #[test]
    fn when_the_resource_arn_names_another_instance_should_be_not_found() {
        let instance = instance();
        let mut body = request(&instance, 1_749_990_000.0, 1_749_999_000.0, &["q1"]);
        body["ResourceArn"] = json!("arn:aws:connect:us-west-2:1:instance/other");
        assert_eq!(
            call(&instance, &body).expect_err("unknown").error_type(),
            "ResourceNotFoundException"
        );
        body["ResourceArn"] = json!("not-an-arn");
        assert_eq!(
            call(&instance, &body).expect_err("malformed").error_type(),
            "InvalidParameterException"
        );
    }

    #[test]
    fn filters_should_need_a_resource_key_and_at_most_100_values() {
        let instance = instance();
        let mut body = request(&instance, 1_749_990_000.0, 1_749_999_000.0, &["q1"]);
        body["Filters"] = json!([{"FilterKey": "CHANNEL", "FilterValues": ["VOICE"]}]);
        assert_eq!(
            call(&instance, &body)
                .expect_err("no resource")
                .error_type(),
            "InvalidParameterException"
        );
        let many: Vec<String> = (0..101).map(|i| format!("q{i}")).collect();
        body["Filters"] = json!([{"FilterKey": "QUEUE", "FilterValues": many}]);
        assert_eq!(
            call(&instance, &body).expect_err("too many").error_type(),
            "InvalidParameterException"
        );
    }
}
