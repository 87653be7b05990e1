//! Reading Connect completely: every page of ListQueues and ListUsers, and one interval's
//! metrics of every queue or agent, at most 100 a GetMetricDataV2 call; throttling and passing
//! outages ridden out with a few quick retries inside each call (`connect_metrics`' rule), the
//! state machine's Retry covering longer ones.

use std::collections::BTreeMap;

use connect_metrics::connect_reads::{ConnectCalls, every_page};

use super::intervals::Interval;
use super::metrics::{ApiMetric, MAX_RESOURCES_PER_CALL};
use super::ports::{ConnectError, ConnectHistory, Grouping, MetricDataRequest, Queue, User};

/// Every STANDARD queue of the instance, all pages.
pub async fn all_queues(
    connect: &dyn ConnectHistory,
    instance_id: &str,
    page_size: u32,
    calls: &mut ConnectCalls,
) -> Result<Vec<Queue>, ConnectError> {
    every_page(calls, |token| async move {
        let page = connect
            .list_queues_page(instance_id, page_size, token)
            .await?;
        Ok((page.queues, page.next_token))
    })
    .await
}

/// Every user of the instance, all pages.
pub async fn all_users(
    connect: &dyn ConnectHistory,
    instance_id: &str,
    calls: &mut ConnectCalls,
) -> Result<Vec<User>, ConnectError> {
    every_page(calls, |token| async move {
        let page = connect.list_users_page(instance_id, token).await?;
        Ok((page.users, page.next_token))
    })
    .await
}

/// The instance's ARN, from a queue's or a user's ARN (`…:instance/<id>/queue/<queue id>`).
pub fn instance_arn(queues: &[Queue], users: &[User]) -> Option<String> {
    queues
        .iter()
        .map(|queue| queue.arn.as_str())
        .chain(users.iter().map(|user| user.arn.as_str()))
        .find_map(|arn| {
            let (instance, _) = arn.split_once(":instance/")?;
            let id = arn[instance.len() + ":instance/".len()..]
                .split('/')
                .next()?;
            (!id.is_empty()).then(|| format!("{instance}:instance/{id}"))
        })
}

/// One interval's values of `metrics` for every resource in `resource_ids`, by resource id; each
/// entry holds one value per metric, in `metrics`' order (`None`: Connect gave none). A resource
/// Connect reported nothing for is absent. A result for another interval is ignored.
pub async fn interval_values(
    connect: &dyn ConnectHistory,
    instance_arn: &str,
    interval: Interval,
    grouping: Grouping,
    resource_ids: &[String],
    metrics: &[ApiMetric],
    calls: &mut ConnectCalls,
) -> Result<BTreeMap<String, Vec<Option<f64>>>, ConnectError> {
    let mut values: BTreeMap<String, Vec<Option<f64>>> = BTreeMap::new();
    for chunk in resource_ids.chunks(MAX_RESOURCES_PER_CALL) {
        let rows = every_page(calls, |next_token| async move {
            let request = MetricDataRequest {
                instance_arn,
                interval,
                grouping,
                resource_ids: chunk,
                metrics,
                next_token,
            };
            let page = connect.metric_data_page(&request).await?;
            Ok((page.rows, page.next_token))
        })
        .await?;
        for row in rows {
            if row
                .interval_start
                .is_some_and(|start| start != interval.start)
            {
                continue;
            }
            let entry = values
                .entry(row.resource_id)
                .or_insert_with(|| vec![None; metrics.len()]);
            for (index, value) in row.values {
                if let (Some(slot), Some(value)) = (entry.get_mut(index), value) {
                    *slot = Some(value);
                }
            }
        }
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_instance_arn_comes_from_a_queue_or_a_user() {
        let queue = Queue {
            id: "q".into(),
            arn: "arn:aws:connect:us-west-2:482915370164:instance/i-1/queue/q".into(),
            name: "Billing".into(),
        };
        let user = User {
            id: "u".into(),
            arn: "arn:aws:connect:eu-west-2:1:instance/i-2/agent/u".into(),
            username: "jwu".into(),
        };
        assert_eq!(
            instance_arn(std::slice::from_ref(&queue), &[]).as_deref(),
            Some("arn:aws:connect:us-west-2:482915370164:instance/i-1")
        );
        assert_eq!(
            instance_arn(&[], std::slice::from_ref(&user)).as_deref(),
            Some("arn:aws:connect:eu-west-2:1:instance/i-2")
        );
        assert_eq!(instance_arn(&[], &[]), None);
    }
}
