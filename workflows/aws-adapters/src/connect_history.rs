//! [`ConnectHistory`] on Amazon Connect, on the same client as the real-time sync
//! ([`ConnectMetricsClient`]): ListQueues (STANDARD), ListUsers, and GetMetricDataV2 of one
//! 30-minute interval (`THIRTY_MIN`, UTC) grouped and filtered by queue or agent, each
//! report column's metric asked with its threshold or metric filter.

use async_trait::async_trait;
use aws_sdk_connect::primitives::DateTime as SdkDateTime;
use aws_sdk_connect::types::{
    FilterV2, IntervalDetails, IntervalPeriod, MetricFilterV2, MetricResultV2, MetricV2,
    ThresholdV2, UserSummary,
};
use chrono::{DateTime, Utc};
use connect_metrics::ports::ConnectMetrics;
use historical_metrics::api_sync::metrics::{ApiMetric, PAGE_SIZE};
use historical_metrics::api_sync::ports::{
    ConnectError, ConnectHistory, MetricDataPage, MetricDataRequest, MetricRow, QueuePage, User,
    UserPage,
};

use crate::SdkFailure;
use crate::connect_metrics_client::{ConnectMetricsClient, connect_error};

const LIST_USERS: &str = "ListUsers";
const GET_METRIC_DATA_V2: &str = "GetMetricDataV2";
/// ListUsers' largest page.
const USERS_PAGE_SIZE: i32 = 1000;

/// A summary without an id or a username cannot be named in a record: skipped.
fn user_from_sdk(summary: &UserSummary) -> Option<User> {
    Some(User {
        id: summary.id()?.to_string(),
        arn: summary.arn().unwrap_or_default().to_string(),
        username: summary.username()?.to_string(),
    })
}

fn sdk_metric(metric: &ApiMetric) -> MetricV2 {
    let mut builder = MetricV2::builder().name(metric.name);
    if let Some(threshold) = metric.threshold {
        builder = builder.threshold(
            ThresholdV2::builder()
                .comparison(threshold.comparison)
                .threshold_value(threshold.seconds)
                .build(),
        );
    }
    if let Some(filter) = metric.filter {
        builder = builder.metric_filters(
            MetricFilterV2::builder()
                .metric_filter_key(filter.key)
                .metric_filter_values(filter.value)
                .build(),
        );
    }
    builder.build()
}

/// Whether an answered metric is the requested one: same name, and the same threshold and
/// metric filter (Connect echoes the metric as asked).
fn answers(answered: &MetricV2, requested: &ApiMetric) -> bool {
    let same_threshold = match (answered.threshold().first(), requested.threshold) {
        (None, None) => true,
        (Some(answered), Some(requested)) => {
            answered.comparison() == Some(requested.comparison)
                && answered.threshold_value() == Some(requested.seconds)
        }
        _ => false,
    };
    let same_filter = match (answered.metric_filters().first(), requested.filter) {
        (None, None) => true,
        (Some(answered), Some(requested)) => {
            answered.metric_filter_key() == Some(requested.key)
                && answered.metric_filter_values() == [requested.value]
        }
        _ => false,
    };
    answered.name() == Some(requested.name) && same_threshold && same_filter
}

fn chrono_time(time: &SdkDateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(time.secs(), time.subsec_nanos())
}

/// A result without the grouping's dimension cannot be attributed: skipped.
fn row_from_sdk(
    result: &MetricResultV2,
    grouping: &str,
    metrics: &[ApiMetric],
) -> Option<MetricRow> {
    let resource_id = result.dimensions()?.get(grouping)?.clone();
    let values = result
        .collections()
        .iter()
        .filter_map(|data| {
            let answered = data.metric()?;
            let index = metrics
                .iter()
                .position(|requested| answers(answered, requested))?;
            Some((index, data.value()))
        })
        .collect();
    Some(MetricRow {
        resource_id,
        interval_start: result
            .metric_interval()
            .and_then(|interval| interval.start_time())
            .and_then(chrono_time),
        values,
    })
}

#[async_trait]
impl ConnectHistory for ConnectMetricsClient {
    async fn list_queues_page(
        &self,
        instance_id: &str,
        page_size: u32,
        next_token: Option<String>,
    ) -> Result<QueuePage, ConnectError> {
        ConnectMetrics::list_queues_page(self, instance_id, page_size, next_token).await
    }

    async fn list_users_page(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> Result<UserPage, ConnectError> {
        let output = self
            .client()
            .list_users()
            .instance_id(instance_id)
            .max_results(USERS_PAGE_SIZE)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|error| connect_error(LIST_USERS, SdkFailure::from_sdk(&error)))?;
        Ok(UserPage {
            users: output
                .user_summary_list()
                .iter()
                .filter_map(user_from_sdk)
                .collect(),
            next_token: output.next_token().map(str::to_string),
        })
    }

    async fn metric_data_page(
        &self,
        request: &MetricDataRequest<'_>,
    ) -> Result<MetricDataPage, ConnectError> {
        let grouping = request.grouping.key();
        let output = self
            .client()
            .get_metric_data_v2()
            .resource_arn(request.instance_arn)
            .start_time(SdkDateTime::from_secs(request.interval.start.timestamp()))
            .end_time(SdkDateTime::from_secs(request.interval.end.timestamp()))
            .interval(
                IntervalDetails::builder()
                    .interval_period(IntervalPeriod::ThirtyMin)
                    .time_zone("UTC")
                    .build(),
            )
            .filters(
                FilterV2::builder()
                    .filter_key(grouping)
                    .set_filter_values(Some(request.resource_ids.to_vec()))
                    .build(),
            )
            .groupings(grouping)
            .set_metrics(Some(request.metrics.iter().map(sdk_metric).collect()))
            .max_results(i32::try_from(PAGE_SIZE).unwrap_or(100))
            .set_next_token(request.next_token.clone())
            .send()
            .await
            .map_err(|error| connect_error(GET_METRIC_DATA_V2, SdkFailure::from_sdk(&error)))?;
        Ok(MetricDataPage {
            rows: output
                .metric_results()
                .iter()
                .filter_map(|result| row_from_sdk(result, grouping, request.metrics))
                .collect(),
            next_token: output.next_token().map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_connect::types::{MetricDataV2, MetricInterval};
    use historical_metrics::api_sync::metrics::{AGENT_METRICS, QUEUE_METRICS};

    use super::*;

    #[test]
    fn each_column_is_asked_with_its_threshold_or_filter_and_its_answer_found_again() {
        for metrics in [&QUEUE_METRICS[..], &AGENT_METRICS[..]] {
            for (index, metric) in metrics.iter().enumerate() {
                let asked = sdk_metric(metric);
                let found: Vec<usize> = metrics
                    .iter()
                    .enumerate()
                    .filter(|(_, requested)| answers(&asked, requested))
                    .map(|(position, _)| position)
                    .collect();
                assert_eq!(found, [index], "{}", metric.column);
            }
        }
        let level = sdk_metric(&QUEUE_METRICS[19]);
        assert_eq!(level.name(), Some("SERVICE_LEVEL"));
        assert_eq!(level.threshold()[0].threshold_value(), Some(20.0));
        let incoming = sdk_metric(&QUEUE_METRICS[3]);
        assert_eq!(
            incoming.metric_filters()[0].metric_filter_values(),
            ["INBOUND"]
        );
    }

    #[test]
    fn a_result_is_read_by_the_groupings_dimension_with_its_interval() {
        let result = MetricResultV2::builder()
            .dimensions("AGENT", "u-1")
            .dimensions("AGENT_ARN", "arn:…/agent/u-1")
            .metric_interval(
                MetricInterval::builder()
                    .interval(IntervalPeriod::ThirtyMin)
                    .start_time(SdkDateTime::from_secs(1_709_649_000))
                    .end_time(SdkDateTime::from_secs(1_709_650_800))
                    .build(),
            )
            .collections(
                MetricDataV2::builder()
                    .metric(sdk_metric(&AGENT_METRICS[13]))
                    .value(5.0)
                    .build(),
            )
            .collections(
                MetricDataV2::builder()
                    .metric(sdk_metric(&AGENT_METRICS[7]))
                    .build(),
            )
            .build();
        let row = row_from_sdk(&result, "AGENT", &AGENT_METRICS).expect("attributed");
        assert_eq!(row.resource_id, "u-1");
        assert_eq!(
            row.interval_start.map(|start| start.timestamp()),
            Some(1_709_649_000)
        );
        assert_eq!(row.values, [(13, Some(5.0)), (7, None)]);
        assert!(row_from_sdk(&result, "QUEUE", &AGENT_METRICS).is_none());
    }

    #[test]
    fn a_user_without_a_username_is_skipped() {
        let named = UserSummary::builder()
            .id("u-1")
            .arn("arn:aws:connect:us-west-2:1:instance/i/agent/u-1")
            .username("priya.raman")
            .build();
        assert_eq!(
            user_from_sdk(&named).map(|user| user.username),
            Some("priya.raman".to_string())
        );
        assert_eq!(
            user_from_sdk(&UserSummary::builder().id("u-2").build()),
            None
        );
    }
}
