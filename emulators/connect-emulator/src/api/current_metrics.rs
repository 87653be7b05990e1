//! GetCurrentMetricData: `POST /metrics/current/{InstanceId}`, served from the instance's
//! real-time snapshots.
//!
//! Selection: a result is returned when its `Queue` is in `Filters.Queues` (by id or ARN) and its
//! `RoutingProfile` in `Filters.RoutingProfiles` (when those filters are given), and its `Channel`,
//! when it has one, in `Filters.Channels`. Grouping: results with the same values of the requested
//! groupings are merged (counts summed, `OLDEST_CONTACT_AGE` the largest); a seed without a
//! `Channel` dimension answers a CHANNEL grouping without one. Only the requested metrics are
//! returned, in the requested order; a metric the seed lacks comes back without a value.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{Instance, Operation, page_size, parse_body, required, without_paging};
use crate::error::{ConnectError, too_long};
use crate::paging::{PageToken, fingerprint, page};
use crate::seed::{CurrentMetric, CurrentMetricResult, Dimensions};

/// Connect's limit on queues (and routing profiles) in one request's filters.
pub const MAX_FILTER_QUEUES: usize = 100;
const MAX_RESULTS: i64 = 100;
const DEFAULT_MAX_RESULTS: usize = 100;
const GROUPINGS: [&str; 7] = [
    "QUEUE",
    "CHANNEL",
    "ROUTING_PROFILE",
    "ROUTING_STEP_EXPRESSION",
    "AGENT_STATUS",
    "SUBTYPE",
    "VALIDATION_TEST_TYPE",
];
/// Metrics that are a largest value rather than a count when results are merged.
const MAXIMUM_METRICS: [&str; 1] = ["OLDEST_CONTACT_AGE"];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    filters: Option<Filters>,
    groupings: Option<Vec<String>>,
    current_metrics: Option<Vec<CurrentMetric>>,
    next_token: Option<String>,
    max_results: Option<i64>,
    sort_criteria: Option<Vec<SortCriterion>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Filters {
    queues: Option<Vec<String>>,
    channels: Option<Vec<String>>,
    routing_profiles: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SortCriterion {
    sort_by_metric: Option<String>,
    sort_order: Option<String>,
}

pub fn get_current_metric_data(
    instance: &mut Instance,
    instance_id: &str,
    body: &[u8],
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let (request, raw): (Request, Value) = parse_body(body)?;
    let filters = request
        .filters
        .as_ref()
        .ok_or_else(|| required("filters"))?;
    let metrics = request
        .current_metrics
        .as_deref()
        .ok_or_else(|| required("currentMetrics"))?;
    if filters
        .queues
        .as_ref()
        .is_some_and(|q| q.len() > MAX_FILTER_QUEUES)
    {
        return Err(too_long("filters.queues", MAX_FILTER_QUEUES));
    }
    if filters
        .routing_profiles
        .as_ref()
        .is_some_and(|r| r.len() > MAX_FILTER_QUEUES)
    {
        return Err(too_long("filters.routingProfiles", MAX_FILTER_QUEUES));
    }
    let groupings = request.groupings.clone().unwrap_or_default();
    if let Some(bad) = groupings.iter().find(|g| !GROUPINGS.contains(&g.as_str())) {
        return Err(ConnectError::InvalidParameter(format!(
            "1 validation error detected: Value '[{bad}]' at 'groupings' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            GROUPINGS.join(", ")
        )));
    }
    let page_size = page_size(
        "maxResults",
        request.max_results,
        MAX_RESULTS,
        DEFAULT_MAX_RESULTS,
    )?;
    let fingerprint = fingerprint(
        Operation::GetCurrentMetricData.name(),
        &(&instance.seed.instance_id, without_paging(&raw)),
    );
    let position = match &request.next_token {
        Some(token) => PageToken::decode(token, fingerprint)?,
        None => PageToken {
            offset: 0,
            snapshot: instance.start_read(),
            snapshot_time_ms: chrono::Utc::now().timestamp_millis(),
        },
    };

    let selected = select(instance.seed.snapshot(position.snapshot), filters);
    let mut results = group(&selected, &groupings, metrics);
    sort(
        &mut results,
        request.sort_criteria.as_deref().unwrap_or_default(),
    );
    let total = results.len();
    let (results, next_token) = page(&results, position.offset, page_size, |next| {
        PageToken {
            offset: next,
            ..position
        }
        .encode(fingerprint)
    });
    let mut answer = json!({
        "MetricResults": results.into_iter().map(|r| r.to_json()).collect::<Vec<_>>(),
        "DataSnapshotTime": position.snapshot_time_ms as f64 / 1000.0,
        "ApproximateTotalCount": total,
    });
    if let Some(token) = next_token {
        answer["NextToken"] = json!(token);
    }
    Ok(answer)
}

fn select<'a>(
    snapshot: &'a [CurrentMetricResult],
    filters: &Filters,
) -> Vec<&'a CurrentMetricResult> {
    let queues: Option<HashSet<&str>> = filters
        .queues
        .as_ref()
        .map(|q| q.iter().map(String::as_str).collect());
    let profiles: Option<HashSet<&str>> = filters
        .routing_profiles
        .as_ref()
        .map(|r| r.iter().map(String::as_str).collect());
    snapshot
        .iter()
        .filter(|result| {
            let dimensions = &result.dimensions;
            let queue_ok = queues.as_ref().is_none_or(|wanted| {
                dimensions.queue.as_ref().is_some_and(|queue| {
                    [&queue.id, &queue.arn]
                        .into_iter()
                        .flatten()
                        .any(|key| wanted.contains(key.as_str()))
                })
            });
            let profile_ok = profiles.as_ref().is_none_or(|wanted| {
                dimensions.routing_profile.as_ref().is_some_and(|profile| {
                    [&profile.id, &profile.arn]
                        .into_iter()
                        .flatten()
                        .any(|key| wanted.contains(key.as_str()))
                })
            });
            let channel_ok = match (&filters.channels, &dimensions.channel) {
                (Some(wanted), Some(channel)) => wanted.contains(channel),
                _ => true,
            };
            queue_ok && profile_ok && channel_ok
        })
        .collect()
}

/// A result being built: its dimensions and one value per requested metric.
#[derive(Debug, Clone)]
struct Grouped {
    dimensions: Dimensions,
    metrics: Vec<CurrentMetric>,
    values: Vec<Option<f64>>,
}

impl Grouped {
    fn to_json(&self) -> Value {
        let collections: Vec<Value> = self
            .metrics
            .iter()
            .zip(&self.values)
            .map(|(metric, value)| {
                let mut data = json!({ "Metric": metric });
                if let Some(value) = value {
                    data["Value"] = json!(value);
                }
                data
            })
            .collect();
        json!({ "Dimensions": self.dimensions, "Collections": collections })
    }
}

/// The seed's key in `Dimensions.other` for a grouping without a typed field.
fn other_dimension_key(grouping: &str) -> Option<&'static str> {
    match grouping {
        "ROUTING_STEP_EXPRESSION" => Some("RoutingStepExpression"),
        "AGENT_STATUS" => Some("AgentStatus"),
        "SUBTYPE" => Some("Subtype"),
        "VALIDATION_TEST_TYPE" => Some("ValidationTestType"),
        _ => None,
    }
}

/// The dimensions of `result` that the groupings keep.
fn grouped_dimensions(result: &CurrentMetricResult, groupings: &[String]) -> Dimensions {
    let source = &result.dimensions;
    let mut dimensions = Dimensions::default();
    for grouping in groupings {
        match grouping.as_str() {
            "QUEUE" => dimensions.queue.clone_from(&source.queue),
            "CHANNEL" => dimensions.channel.clone_from(&source.channel),
            "ROUTING_PROFILE" => dimensions
                .routing_profile
                .clone_from(&source.routing_profile),
            other => {
                if let Some(key) = other_dimension_key(other)
                    && let Some(value) = source.other.get(key)
                {
                    dimensions.other.insert(key.to_owned(), value.clone());
                }
            }
        }
    }
    dimensions
}

fn group_key(dimensions: &Dimensions) -> String {
    let queue = dimensions
        .queue
        .as_ref()
        .and_then(|q| q.id.as_ref().or(q.arn.as_ref()));
    let profile = dimensions
        .routing_profile
        .as_ref()
        .and_then(|p| p.id.as_ref().or(p.arn.as_ref()));
    json!([
        queue,
        dimensions.channel,
        profile,
        Value::Object(dimensions.other.clone())
    ])
    .to_string()
}

fn group(
    selected: &[&CurrentMetricResult],
    groupings: &[String],
    metrics: &[CurrentMetric],
) -> Vec<Grouped> {
    let mut groups: Vec<Grouped> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for result in selected {
        let dimensions = grouped_dimensions(result, groupings);
        let key = group_key(&dimensions);
        let slot = *index.entry(key).or_insert_with(|| {
            groups.push(Grouped {
                dimensions,
                metrics: metrics.iter().map(|m| answered_metric(m, result)).collect(),
                values: vec![None; metrics.len()],
            });
            groups.len() - 1
        });
        let group = &mut groups[slot];
        for (position, metric) in metrics.iter().enumerate() {
            let Some(value) = result.value(&metric.name) else {
                continue;
            };
            let merged = &mut group.values[position];
            *merged = Some(match *merged {
                None => value,
                Some(so_far) if MAXIMUM_METRICS.contains(&metric.name.as_str()) => {
                    so_far.max(value)
                }
                Some(so_far) => so_far + value,
            });
        }
    }
    groups
}

/// The metric as the answer names it: the request's name and id, its unit or else the seed's.
fn answered_metric(requested: &CurrentMetric, result: &CurrentMetricResult) -> CurrentMetric {
    let seed_unit = result
        .collections
        .iter()
        .find(|data| data.metric.name == requested.name)
        .and_then(|data| data.metric.unit.clone());
    CurrentMetric {
        name: requested.name.clone(),
        unit: requested.unit.clone().or(seed_unit),
        metric_id: requested.metric_id.clone(),
    }
}

fn sort(results: &mut [Grouped], criteria: &[SortCriterion]) {
    if criteria.is_empty() {
        return;
    }
    let position = |group: &Grouped, name: &str| {
        group
            .metrics
            .iter()
            .position(|m| m.name == name)
            .and_then(|i| group.values[i])
    };
    results.sort_by(|a, b| {
        for criterion in criteria {
            let Some(name) = criterion.sort_by_metric.as_deref() else {
                continue;
            };
            let ordering = position(a, name)
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&position(b, name).unwrap_or(f64::NEG_INFINITY));
            let ordering = if criterion.sort_order.as_deref() == Some("DESCENDING") {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering.is_ne() {
                return ordering;
            }
        }
        std::cmp::Ordering::Equal
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Seed;

    fn body(value: Value) -> Vec<u8> {
        serde_json::to_vec(&value).expect("serializable")
    }

    fn request(queues: &[String], metrics: &[&str], groupings: &[&str]) -> Value {
        json!({
            "Filters": { "Queues": queues, "Channels": ["VOICE", "CHAT", "TASK"] },
            "Groupings": groupings,
            "CurrentMetrics": metrics.iter().map(|m| json!({"Name": m, "Unit": "COUNT"})).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn should_answer_only_the_requested_queues_and_metrics() {
        let mut instance = Instance::new(Seed::demo());
        let id = instance.seed.instance_id.clone();
        let billing = instance.seed.queues[0].id.clone();
        let answer = get_current_metric_data(
            &mut instance,
            &id,
            &body(request(
                std::slice::from_ref(&billing),
                &["AGENTS_ONLINE", "CONTACTS_IN_QUEUE"],
                &["QUEUE"],
            )),
        )
        .expect("answered");
        let results = answer["MetricResults"].as_array().expect("results");
        assert_eq!(results.len(), 1);
        assert_eq!(results[0]["Dimensions"]["Queue"]["Id"], json!(billing));
        assert_eq!(
            results[0]["Collections"],
            json!([
                {"Metric": {"Name": "AGENTS_ONLINE", "Unit": "COUNT"}, "Value": 9.0},
                {"Metric": {"Name": "CONTACTS_IN_QUEUE", "Unit": "COUNT"}, "Value": 3.0},
            ])
        );
        assert_eq!(answer["ApproximateTotalCount"], json!(1));
    }

    #[test]
    fn when_grouped_by_queue_and_channel_should_keep_channels_and_merge_otherwise() {
        let seed = Seed::with_queues(1);
        let queue = seed.queues[0].clone();
        let mut seed = seed;
        seed.current_metrics = vec![
            CurrentMetricResult::for_queue(&queue.id, &queue.arn)
                .with_channel("VOICE")
                .with_metric("CONTACTS_IN_QUEUE", "COUNT", 2.0)
                .with_metric("OLDEST_CONTACT_AGE", "SECONDS", 40.0),
            CurrentMetricResult::for_queue(&queue.id, &queue.arn)
                .with_channel("CHAT")
                .with_metric("CONTACTS_IN_QUEUE", "COUNT", 3.0)
                .with_metric("OLDEST_CONTACT_AGE", "SECONDS", 90.0),
        ];
        let mut instance = Instance::new(seed);
        let id = instance.seed.instance_id.clone();
        let metrics = ["CONTACTS_IN_QUEUE", "OLDEST_CONTACT_AGE"];
        let by_channel = get_current_metric_data(
            &mut instance,
            &id,
            &body(request(
                std::slice::from_ref(&queue.id),
                &metrics,
                &["QUEUE", "CHANNEL"],
            )),
        )
        .expect("answered");
        assert_eq!(
            by_channel["MetricResults"].as_array().map(Vec::len),
            Some(2)
        );
        assert_eq!(
            by_channel["MetricResults"][1]["Dimensions"]["Channel"],
            json!("CHAT")
        );
        let by_queue = get_current_metric_data(
            &mut instance,
            &id,
            &body(request(
                std::slice::from_ref(&queue.id),
                &metrics,
                &["QUEUE"],
            )),
        )
        .expect("answered");
        let merged = &by_queue["MetricResults"][0];
        assert!(merged["Dimensions"].get("Channel").is_none());
        assert_eq!(merged["Collections"][0]["Value"], json!(5.0));
        assert_eq!(merged["Collections"][1]["Value"], json!(90.0));
        assert_eq!(merged["Collections"][1]["Metric"]["Unit"], json!("COUNT"));
    }

    #[test]
    fn when_more_than_100_queues_are_filtered_should_refuse() {
        let mut instance = Instance::new(Seed::with_queues(101));
        let id = instance.seed.instance_id.clone();
        let queues = instance.seed.queue_ids();
        let error = get_current_metric_data(
            &mut instance,
            &id,
            &body(request(&queues, &["AGENTS_ONLINE"], &["QUEUE"])),
        )
        .expect_err("over the limit");
        assert_eq!(error.error_type(), "InvalidParameterException");
        assert!(error.to_string().contains("filters.queues"), "{error}");
        assert_eq!(instance.reads_started, 0, "a refused call starts no read");
    }

    #[test]
    fn sort_criteria_should_order_by_the_metric() {
        let mut instance = Instance::new(Seed::demo());
        let id = instance.seed.instance_id.clone();
        let mut body_json = request(
            &instance.seed.queue_ids(),
            &["CONTACTS_IN_QUEUE"],
            &["QUEUE"],
        );
        body_json["SortCriteria"] =
            json!([{"SortByMetric": "CONTACTS_IN_QUEUE", "SortOrder": "DESCENDING"}]);
        let answer =
            get_current_metric_data(&mut instance, &id, &body(body_json)).expect("answered");
        let values: Vec<f64> = answer["MetricResults"]
            .as_array()
            .expect("results")
            .iter()
            .filter_map(|r| r["Collections"][0]["Value"].as_f64())
            .collect();
        assert_eq!(values, [7.0, 3.0, 0.0]);
    }
}
