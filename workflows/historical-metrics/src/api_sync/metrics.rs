//! Which GetMetricDataV2 metric fills which report column (and so which CTI adapter field, by
//! the reports' header mapping): the table the README prints. Metrics that the V1 API had as
//! their own names are a V2 metric with a metric filter (`CONTACTS_HANDLED` with
//! `INITIATION_METHOD` `INBOUND` is "Contacts handled incoming"), and "Service level X" is
//! `SERVICE_LEVEL` with a threshold.

use crate::objects::HistoricalObject;

/// GetMetricDataV2 takes at most 100 filter values, so at most 100 queues or agents a call.
pub const MAX_RESOURCES_PER_CALL: usize = 100;
/// Results per page (GetMetricDataV2's `MaxResults` maximum).
pub const PAGE_SIZE: u32 = 100;

/// `SERVICE_LEVEL`'s threshold: contacts answered in less than `seconds`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub comparison: &'static str,
    pub seconds: f64,
}

/// A metric-level filter: one key, one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricFilter {
    pub key: &'static str,
    pub value: &'static str,
}

/// One report column and the metric that gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ApiMetric {
    /// The report column, as Connect's report header names it.
    pub column: &'static str,
    /// The GetMetricDataV2 metric name.
    pub name: &'static str,
    pub threshold: Option<Threshold>,
    pub filter: Option<MetricFilter>,
}

impl ApiMetric {
    /// Whether `other` asks Connect the same (name, threshold and filter): its answer cannot be
    /// told apart from this one's.
    pub fn same_request(&self, other: &Self) -> bool {
        self.name == other.name && self.threshold == other.threshold && self.filter == other.filter
    }
}

const fn metric(column: &'static str, name: &'static str) -> ApiMetric {
    ApiMetric {
        column,
        name,
        threshold: None,
        filter: None,
    }
}

const fn filtered(
    column: &'static str,
    name: &'static str,
    key: &'static str,
    value: &'static str,
) -> ApiMetric {
    ApiMetric {
        column,
        name,
        threshold: None,
        filter: Some(MetricFilter { key, value }),
    }
}

const fn service_level(column: &'static str, seconds: f64) -> ApiMetric {
    ApiMetric {
        column,
        name: "SERVICE_LEVEL",
        threshold: Some(Threshold {
            comparison: "LT",
            seconds,
        }),
        filter: None,
    }
}

const HANDLED_INCOMING: ApiMetric = filtered(
    "Contacts handled incoming",
    "CONTACTS_HANDLED",
    "INITIATION_METHOD",
    "INBOUND",
);
const HANDLED_OUTBOUND: ApiMetric = filtered(
    "Contacts handled outbound",
    "CONTACTS_HANDLED",
    "INITIATION_METHOD",
    "OUTBOUND",
);
const AGENT_HUNG_UP_FIRST: ApiMetric = filtered(
    "Contacts agent hung up first",
    "CONTACTS_HANDLED",
    "DISCONNECT_REASON",
    "AGENT_DISCONNECT",
);

/// The queue report's columns, in the report's order.
pub const QUEUE_METRICS: [ApiMetric; 24] = [
    metric("Contacts queued", "CONTACTS_QUEUED"),
    metric("Contacts handled", "CONTACTS_HANDLED"),
    metric("Contacts abandoned", "CONTACTS_ABANDONED"),
    HANDLED_INCOMING,
    HANDLED_OUTBOUND,
    metric("Contacts transferred out", "CONTACTS_TRANSFERRED_OUT"),
    metric("Contacts put on hold", "CONTACTS_PUT_ON_HOLD"),
    metric("Contacts hold disconnect", "CONTACTS_HOLD_ABANDONS"),
    AGENT_HUNG_UP_FIRST,
    metric("Average queue answer time", "AVG_QUEUE_ANSWER_TIME"),
    metric("Average queue abandon time", "AVG_ABANDON_TIME"),
    metric("Average handle time", "AVG_HANDLE_TIME"),
    metric(
        "Average after contact work time",
        "AVG_AFTER_CONTACT_WORK_TIME",
    ),
    metric("Average customer hold time", "AVG_HOLD_TIME"),
    metric("Average agent interaction time", "AVG_INTERACTION_TIME"),
    metric(
        "Average agent interaction and customer hold time",
        "AVG_INTERACTION_AND_HOLD_TIME",
    ),
    metric("Maximum queued time", "MAX_QUEUED_TIME"),
    metric("After contact work time", "SUM_AFTER_CONTACT_WORK_TIME"),
    metric("Agent on contact time", "SUM_CONTACT_TIME_AGENT"),
    service_level("Service level 20 seconds", 20.0),
    service_level("Service level 60 seconds", 60.0),
    metric("Agent non-response", "AGENT_NON_RESPONSE"),
    metric(
        "Agent non-response without customer abandons",
        "AGENT_NON_RESPONSE_WITHOUT_CUSTOMER_ABANDONS",
    ),
    metric(
        "Contacts handled (connected to agent timestamp)",
        "CONTACTS_HANDLED_BY_CONNECTED_TO_AGENT",
    ),
];

/// The agent report's columns, in the report's order.
pub const AGENT_METRICS: [ApiMetric; 23] = [
    metric("Agent on contact time", "SUM_CONTACT_TIME_AGENT"),
    metric("Agent idle time", "SUM_IDLE_TIME_AGENT"),
    metric("Non-Productive Time", "SUM_NON_PRODUCTIVE_TIME_AGENT"),
    metric("Online time", "SUM_ONLINE_TIME_AGENT"),
    metric("Error status time", "SUM_ERROR_STATUS_TIME_AGENT"),
    metric("After contact work time", "SUM_AFTER_CONTACT_WORK_TIME"),
    metric(
        "Average after contact work time",
        "AVG_AFTER_CONTACT_WORK_TIME",
    ),
    metric("Average handle time", "AVG_HANDLE_TIME"),
    metric("Average customer hold time", "AVG_HOLD_TIME"),
    metric(
        "Average agent interaction and customer hold time",
        "AVG_INTERACTION_AND_HOLD_TIME",
    ),
    metric("Average agent interaction time", "AVG_INTERACTION_TIME"),
    metric("Agent interaction time", "SUM_INTERACTION_TIME"),
    metric(
        "Agent interaction and hold time",
        "SUM_INTERACTION_AND_HOLD_TIME",
    ),
    metric("Contacts handled", "CONTACTS_HANDLED"),
    HANDLED_INCOMING,
    HANDLED_OUTBOUND,
    metric("Contacts put on hold", "CONTACTS_PUT_ON_HOLD"),
    metric("Contacts hold disconnect", "CONTACTS_HOLD_ABANDONS"),
    metric("Contacts transferred out", "CONTACTS_TRANSFERRED_OUT"),
    AGENT_HUNG_UP_FIRST,
    metric("Agent answer rate", "AGENT_ANSWER_RATE"),
    metric("Agent non-response", "AGENT_NON_RESPONSE"),
    metric("Occupancy", "AGENT_OCCUPANCY"),
];

/// Report columns a customer may have added to a report (and a field for to the object) that
/// GetMetricDataV2 has no metric for, with why: the API sync leaves those fields as they are.
pub const NO_API_EQUIVALENT: [(&str, &str); 4] = [
    (
        "Contacts consulted",
        "GetMetricData (V1) only: CONTACTS_CONSULTED",
    ),
    (
        "Contacts transferred in",
        "GetMetricData (V1) only: CONTACTS_TRANSFERRED_IN",
    ),
    (
        "Contacts transferred in from queue",
        "GetMetricData (V1) only: CONTACTS_TRANSFERRED_IN_FROM_QUEUE",
    ),
    (
        "Created_Date__c",
        "not a metric: the report import writes the S3 event's time, the API sync the time of the sync",
    ),
];

/// The metrics a record of `object` is read from.
pub fn metrics_for(object: HistoricalObject) -> &'static [ApiMetric] {
    match object {
        HistoricalObject::Queue => &QUEUE_METRICS,
        HistoricalObject::Agent => &AGENT_METRICS,
    }
}

/// A metric value as the reports show it: rounded to two decimals (percentages and averages
/// are reported so), so both sources write the same figure.
pub fn report_value(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::field_for_header;

    #[test]
    fn every_metric_fills_a_distinct_column_and_field_of_its_report() {
        for object in HistoricalObject::ALL {
            let metrics = metrics_for(object);
            let mut fields: Vec<String> = metrics
                .iter()
                .map(|metric| field_for_header(metric.column))
                .collect();
            fields.sort();
            fields.dedup();
            assert_eq!(
                fields.len(),
                metrics.len(),
                "{object}: two metrics, one field"
            );
            // Within one call every metric must be told apart by name, threshold and filter.
            for (index, metric) in metrics.iter().enumerate() {
                assert!(
                    !metrics[..index]
                        .iter()
                        .any(|other| other.same_request(metric)),
                    "{object}: {} is asked twice",
                    metric.column
                );
            }
        }
        assert_eq!(
            field_for_header(QUEUE_METRICS[23].column),
            "Contacts_handled_conn_to_agent_timestamp__c"
        );
    }

    #[test]
    fn values_are_rounded_as_the_reports_show_them() {
        assert_eq!(report_value(76.613_333), 76.61);
        assert_eq!(report_value(1284.0), 1284.0);
        assert_eq!(report_value(0.005), 0.01);
    }
}
