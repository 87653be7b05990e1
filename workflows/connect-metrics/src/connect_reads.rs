//! Reading Connect completely: every page, at most 100 queues per GetCurrentMetricData call,
//! and throttling or a passing outage ridden out with a few quick retries inside the call (a
//! tick has 15 s; the state machine's Retry covers longer outages).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::metrics::{MAX_QUEUES_PER_CALL, QueueMetricValues};
use crate::ports::{ConnectError, ConnectMetrics, CurrentMetricsRequest, Queue};

/// Attempts per Connect call, and the first pause (doubled each time).
const ATTEMPTS: u32 = 4;
const FIRST_PAUSE: Duration = Duration::from_millis(200);

/// What a read cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectCalls {
    pub calls: u32,
    /// Calls answered with throttling or an outage, then retried.
    pub retried: u32,
}

/// `call` with a few quick retries of throttling and outages; every attempt is counted.
pub async fn with_retries<T, F, Fut>(
    calls: &mut ConnectCalls,
    mut call: F,
) -> Result<T, ConnectError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ConnectError>>,
{
    let mut pause = FIRST_PAUSE;
    let mut attempt = 1;
    loop {
        calls.calls += 1;
        match call().await {
            Ok(value) => return Ok(value),
            Err(error) if error.is_retryable() && attempt < ATTEMPTS => {
                tracing::warn!(%error, attempt, "Amazon Connect call failed; retrying");
                calls.retried += 1;
                tokio::time::sleep(pause).await;
                pause *= 2;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    }
}

/// Every STANDARD queue of the instance, all pages.
pub async fn list_all_queues(
    connect: &dyn ConnectMetrics,
    instance_id: &str,
    page_size: u32,
    calls: &mut ConnectCalls,
) -> Result<Vec<Queue>, ConnectError> {
    let mut queues = Vec::new();
    let mut next_token = None;
    loop {
        let token = next_token.clone();
        let page = with_retries(calls, || {
            connect.list_queues_page(instance_id, page_size, token.clone())
        })
        .await?;
        queues.extend(page.queues);
        match page.next_token {
            Some(token) if !token.is_empty() => next_token = Some(token),
            _ => return Ok(queues),
        }
    }
}

/// The current values of every queue in `queue_ids`, by queue id; a queue Connect reported
/// nothing for is absent (its metrics are written as 0).
pub async fn current_values(
    connect: &dyn ConnectMetrics,
    instance_id: &str,
    queue_ids: &[String],
    page_size: u32,
    calls: &mut ConnectCalls,
) -> Result<BTreeMap<String, QueueMetricValues>, ConnectError> {
    let mut values: BTreeMap<String, QueueMetricValues> = BTreeMap::new();
    for chunk in queue_ids.chunks(MAX_QUEUES_PER_CALL) {
        let mut next_token = None;
        loop {
            let request = CurrentMetricsRequest {
                instance_id,
                queue_ids: chunk,
                page_size,
                next_token: next_token.clone(),
            };
            let page = with_retries(calls, || connect.current_metrics_page(&request)).await?;
            for row in page.rows {
                let queue = values.entry(row.queue_id).or_default();
                for (name, value) in row.values {
                    queue.add(&name, value);
                }
            }
            match page.next_token {
                Some(token) if !token.is_empty() => next_token = Some(token),
                _ => break,
            }
        }
    }
    Ok(values)
}
