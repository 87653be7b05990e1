//! [`ConnectMetrics`] on Amazon Connect: ListQueues (STANDARD queues) and GetCurrentMetricData
//! (the ten real-time metrics over VOICE, CHAT and TASK, grouped by queue).

use async_trait::async_trait;
use aws_sdk_connect::Client;
use aws_sdk_connect::types::{
    Channel, CurrentMetric, CurrentMetricName, CurrentMetricResult, Filters, Grouping,
    QueueSummary, QueueType, Unit,
};
use connect_metrics::metrics::{CHANNELS, REALTIME_METRICS};
use connect_metrics::ports::{
    ConnectError, ConnectMetrics, CurrentMetricsPage, CurrentMetricsRequest, Queue,
    QueueMetricsRow, QueuePage,
};

use crate::SdkFailure;

const LIST_QUEUES: &str = "ListQueues";
const GET_CURRENT_METRIC_DATA: &str = "GetCurrentMetricData";

/// Connect's throttling codes: `ThrottlingException` is what these operations declare,
/// `TooManyRequestsException` what some Connect APIs answer instead.
const THROTTLING_CODES: &[&str] = &[
    "ThrottlingException",
    "TooManyRequestsException",
    "Throttling",
    "ThrottledException",
];

pub struct ConnectMetricsClient {
    client: Client,
}

impl ConnectMetricsClient {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// From the Lambda's shared SDK configuration (region, credentials, retry policy, timeouts).
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(config))
    }

    /// The SDK client, for the other Connect ports on the same client (`connect_contact_attributes`,
    /// `connect_history`).
    pub(crate) fn client(&self) -> &Client {
        &self.client
    }
}

/// Throttling apart from an outage (both retried, the first after a longer pause) and both
/// apart from a refusal, which no retry can fix.
pub(crate) fn connect_error(operation: &'static str, failure: SdkFailure) -> ConnectError {
    let throttled = failure.status == Some(429)
        || failure
            .code
            .as_deref()
            .is_some_and(|code| THROTTLING_CODES.contains(&code));
    if throttled {
        ConnectError::Throttled {
            operation,
            message: failure.to_string(),
        }
    } else if failure.retryable || failure.is_code("InternalServiceException") {
        // 5xx, InternalServiceException, timeouts, dispatch and connection failures.
        ConnectError::Unavailable {
            operation,
            message: failure.to_string(),
        }
    } else {
        let code = match (&failure.code, failure.status) {
            (Some(code), _) => code.clone(),
            (None, Some(status)) => format!("HTTP {status}"),
            (None, None) => "RequestNotSent".to_string(),
        };
        ConnectError::Rejected {
            operation,
            code,
            message: failure.message,
        }
    }
}

/// Connect takes `MaxResults` as an `i32`; a larger page size than it allows is refused by
/// Connect itself (InvalidParameterException), not silently shrunk here.
fn max_results(page_size: u32) -> i32 {
    i32::try_from(page_size).unwrap_or(i32::MAX)
}

/// A summary without an id cannot be asked for metrics: skipped.
fn queue_from_sdk(summary: &QueueSummary) -> Option<Queue> {
    Some(Queue {
        id: summary.id()?.to_string(),
        arn: summary.arn().unwrap_or_default().to_string(),
        name: summary.name().unwrap_or_default().to_string(),
    })
}

/// A result without a queue cannot be attributed: skipped. Metrics without a value (Connect
/// sends none for some) are left out, so they count as 0.
fn row_from_sdk(result: &CurrentMetricResult) -> Option<QueueMetricsRow> {
    let queue_id = result.dimensions()?.queue()?.id()?.to_string();
    let values = result
        .collections()
        .iter()
        .filter_map(|data| {
            let name = data.metric()?.name()?.as_str().to_string();
            Some((name, data.value()?))
        })
        .collect();
    Some(QueueMetricsRow { queue_id, values })
}

fn realtime_metrics() -> Vec<CurrentMetric> {
    REALTIME_METRICS
        .iter()
        .map(|metric| {
            CurrentMetric::builder()
                .name(CurrentMetricName::from(metric.name))
                .unit(Unit::from(metric.unit))
                .build()
        })
        .collect()
}

fn filters(queue_ids: &[String]) -> Filters {
    Filters::builder()
        .set_queues(Some(queue_ids.to_vec()))
        .set_channels(Some(CHANNELS.iter().copied().map(Channel::from).collect()))
        .build()
}

#[async_trait]
impl ConnectMetrics for ConnectMetricsClient {
    async fn list_queues_page(
        &self,
        instance_id: &str,
        page_size: u32,
        next_token: Option<String>,
    ) -> Result<QueuePage, ConnectError> {
        let output = self
            .client
            .list_queues()
            .instance_id(instance_id)
            .queue_types(QueueType::Standard)
            .max_results(max_results(page_size))
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|error| connect_error(LIST_QUEUES, SdkFailure::from_sdk(&error)))?;
        Ok(QueuePage {
            queues: output
                .queue_summary_list()
                .iter()
                .filter_map(queue_from_sdk)
                .collect(),
            next_token: output.next_token().map(str::to_string),
        })
    }

    async fn current_metrics_page(
        &self,
        request: &CurrentMetricsRequest<'_>,
    ) -> Result<CurrentMetricsPage, ConnectError> {
        let output = self
            .client
            .get_current_metric_data()
            .instance_id(request.instance_id)
            .filters(filters(request.queue_ids))
            .groupings(Grouping::Queue)
            .set_current_metrics(Some(realtime_metrics()))
            .max_results(max_results(request.page_size))
            .set_next_token(request.next_token.clone())
            .send()
            .await
            .map_err(|error| {
                connect_error(GET_CURRENT_METRIC_DATA, SdkFailure::from_sdk(&error))
            })?;
        Ok(CurrentMetricsPage {
            rows: output
                .metric_results()
                .iter()
                .filter_map(row_from_sdk)
                .collect(),
            next_token: output.next_token().map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_connect::types::{CurrentMetricData, Dimensions, QueueReference};

    use super::*;

    fn failure(retryable: bool, status: Option<u16>, code: Option<&str>) -> SdkFailure {
        SdkFailure {
            retryable,
            status,
            code: code.map(str::to_string),
            message: "what Connect said".to_string(),
        }
    }

    #[test]
    fn throttling_codes_and_429_are_throttled() {
        for failure in [
            failure(true, Some(429), Some("ThrottlingException")),
            failure(true, Some(429), Some("TooManyRequestsException")),
            failure(true, Some(400), Some("TooManyRequestsException")),
            failure(true, Some(429), None),
        ] {
            let error = connect_error(LIST_QUEUES, failure);
            assert!(
                matches!(
                    error,
                    ConnectError::Throttled {
                        operation: "ListQueues",
                        ..
                    }
                ),
                "{error:?}"
            );
        }
    }

    #[test]
    fn outages_are_unavailable() {
        for failure in [
            failure(true, Some(500), Some("InternalServiceException")),
            failure(false, Some(400), Some("InternalServiceException")),
            failure(true, Some(503), None),
            // Timeouts and connection failures: no answer at all.
            failure(true, None, None),
        ] {
            let error = connect_error(GET_CURRENT_METRIC_DATA, failure);
            assert!(
                matches!(error, ConnectError::Unavailable { .. }),
                "{error:?}"
            );
            assert!(error.is_retryable());
        }
    }

    #[test]
    fn everything_else_is_rejected_with_its_code() {
        for code in [
            "InvalidParameterException",
            "InvalidRequestException",
            "ResourceNotFoundException",
            "AccessDeniedException",
        ] {
            let error = connect_error(
                GET_CURRENT_METRIC_DATA,
                failure(false, Some(400), Some(code)),
            );
            assert_eq!(
                error,
                ConnectError::Rejected {
                    operation: "GetCurrentMetricData",
                    code: code.to_string(),
                    message: "what Connect said".to_string(),
                }
            );
        }
        let error = connect_error(LIST_QUEUES, failure(false, None, None));
        assert!(matches!(&error, ConnectError::Rejected { code, .. } if code == "RequestNotSent"));
    }

    #[test]
    fn a_queue_without_an_id_is_skipped() {
        let named = QueueSummary::builder()
            .id("q-1")
            .arn("arn:aws:connect:us-west-2:1:instance/i/queue/q-1")
            .name("Billing")
            .build();
        assert_eq!(
            queue_from_sdk(&named),
            Some(Queue {
                id: "q-1".to_string(),
                arn: "arn:aws:connect:us-west-2:1:instance/i/queue/q-1".to_string(),
                name: "Billing".to_string(),
            })
        );
        assert_eq!(
            queue_from_sdk(&QueueSummary::builder().name("No id").build()),
            None
        );
    }

    #[test]
    fn a_row_keeps_the_values_connect_sent_and_skips_nulls() {
        let data = |name: &str, value: Option<f64>| {
            CurrentMetricData::builder()
                .metric(
                    CurrentMetric::builder()
                        .name(CurrentMetricName::from(name))
                        .build(),
                )
                .set_value(value)
                .build()
        };
        let result = CurrentMetricResult::builder()
            .dimensions(
                Dimensions::builder()
                    .queue(QueueReference::builder().id("q-1").build())
                    .build(),
            )
            .collections(data("AGENTS_ONLINE", Some(4.0)))
            .collections(data("OLDEST_CONTACT_AGE", None))
            .build();
        assert_eq!(
            row_from_sdk(&result),
            Some(QueueMetricsRow {
                queue_id: "q-1".to_string(),
                values: vec![("AGENTS_ONLINE".to_string(), 4.0)],
            })
        );
        let without_queue = CurrentMetricResult::builder()
            .collections(data("AGENTS_ONLINE", Some(4.0)))
            .build();
        assert_eq!(row_from_sdk(&without_queue), None);
    }

    #[test]
    fn every_realtime_metric_is_asked_with_its_unit() {
        let metrics = realtime_metrics();
        assert_eq!(metrics.len(), REALTIME_METRICS.len());
        // Names and units the SDK knows (an unknown one would be sent, and refused, as is).
        for (metric, asked) in REALTIME_METRICS.iter().zip(&metrics) {
            let name = asked.name().map(CurrentMetricName::as_str);
            let unit = asked.unit().map(Unit::as_str);
            assert_eq!((name, unit), (Some(metric.name), Some(metric.unit)));
            assert!(
                CurrentMetricName::values().contains(&metric.name),
                "{}",
                metric.name
            );
            assert!(Unit::values().contains(&metric.unit), "{}", metric.unit);
        }
        let filters = filters(&["q-1".to_string()]);
        assert_eq!(
            filters.channels(),
            [Channel::Voice, Channel::Chat, Channel::Task]
        );
    }
}
