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

/// Every item of a paged Connect list: `page(token)` reads one page (retried as
/// [`with_retries`] does) and answers its items and the next token; pages are read until
/// Connect gives no next token.
pub async fn every_page<T, F, Fut>(
    calls: &mut ConnectCalls,
    mut page: F,
) -> Result<Vec<T>, ConnectError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), ConnectError>>,
{
    let mut items = Vec::new();
    let mut next_token: Option<String> = None;
    loop {
        let token = next_token.take();
        let (page_items, next) = with_retries(calls, || page(token.clone())).await?;
        items.extend(page_items);
        match next {
            Some(token) if !token.is_empty() => next_token = Some(token),
            _ => return Ok(items),
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
    every_page(calls, |token| async move {
        let page = connect
            .list_queues_page(instance_id, page_size, token)
            .await?;
        Ok((page.queues, page.next_token))
    })
    .await
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
        let rows = every_page(calls, |next_token| async move {
            let request = CurrentMetricsRequest {
                instance_id,
                queue_ids: chunk,
                page_size,
                next_token,
            };
            let page = connect.current_metrics_page(&request).await?;
            Ok((page.rows, page.next_token))
        })
        .await?;
        for row in rows {
            let queue = values.entry(row.queue_id).or_default();
            for (name, value) in row.values {
                queue.add(&name, value);
            }
        }
    }
    Ok(values)
}
