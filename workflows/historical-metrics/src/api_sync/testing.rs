//! An in-memory Amazon Connect for the API sync's tests (feature `testing`): queues, users and
//! per-interval metric values, Connect's paging and 100-value filter limit, and throttling on
//! demand.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::metrics::MAX_RESOURCES_PER_CALL;
use super::ports::{
    ConnectError, ConnectHistory, Grouping, MetricDataPage, MetricDataRequest, MetricRow, Queue,
    QueuePage, User, UserPage,
};

const INSTANCE_ARN: &str = "arn:aws:connect:us-west-2:482915370164:instance/i-1";

#[derive(Debug, Default)]
pub struct MemoryConnectHistory {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    queues: Vec<Queue>,
    users: Vec<User>,
    /// (resource id, interval start) → report column → value.
    values: BTreeMap<(String, DateTime<Utc>), BTreeMap<String, f64>>,
    throttle_next: u32,
    calls: BTreeMap<&'static str, u32>,
}

impl MemoryConnectHistory {
    /// The instance's ARN its queues and users carry.
    pub const INSTANCE_ARN: &'static str = INSTANCE_ARN;

    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn add_queue(&self, id: &str, name: &str) {
        self.lock().queues.push(Queue {
            id: id.to_string(),
            arn: format!("{INSTANCE_ARN}/queue/{id}"),
            name: name.to_string(),
        });
    }

    pub fn add_user(&self, id: &str, username: &str) {
        self.lock().users.push(User {
            id: id.to_string(),
            arn: format!("{INSTANCE_ARN}/agent/{id}"),
            username: username.to_string(),
        });
    }

    /// The value of a report column's metric for a queue or agent in the interval at `start`.
    pub fn set_value(&self, resource_id: &str, start: DateTime<Utc>, column: &str, value: f64) {
        self.lock()
            .values
            .entry((resource_id.to_string(), start))
            .or_default()
            .insert(column.to_string(), value);
    }

    /// The next `n` calls answer with throttling.
    pub fn throttle(&self, n: u32) {
        self.lock().throttle_next = n;
    }

    /// Calls of `operation` so far (throttled ones included).
    pub fn calls(&self, operation: &str) -> u32 {
        self.lock().calls.get(operation).copied().unwrap_or(0)
    }

    fn count_call(&self, operation: &'static str) -> Result<(), ConnectError> {
        let mut state = self.lock();
        *state.calls.entry(operation).or_default() += 1;
        if state.throttle_next > 0 {
            state.throttle_next -= 1;
            return Err(ConnectError::Throttled {
                operation,
                message: "Rate exceeded".into(),
            });
        }
        Ok(())
    }
}

fn page<T: Clone>(items: &[T], size: usize, token: Option<String>) -> (Vec<T>, Option<String>) {
    let start: usize = token.and_then(|token| token.parse().ok()).unwrap_or(0);
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    (items[start.min(end)..end].to_vec(), next)
}

#[async_trait]
impl ConnectHistory for MemoryConnectHistory {
    async fn list_queues_page(
        &self,
        _instance_id: &str,
        page_size: u32,
        next_token: Option<String>,
    ) -> Result<QueuePage, ConnectError> {
        self.count_call("ListQueues")?;
        let (queues, next_token) = page(&self.lock().queues, page_size as usize, next_token);
        Ok(QueuePage { queues, next_token })
    }

    async fn list_users_page(
        &self,
        _instance_id: &str,
        next_token: Option<String>,
    ) -> Result<UserPage, ConnectError> {
        self.count_call("ListUsers")?;
        let (users, next_token) = page(&self.lock().users, 1000, next_token);
        Ok(UserPage { users, next_token })
    }

    async fn metric_data_page(
        &self,
        request: &MetricDataRequest<'_>,
    ) -> Result<MetricDataPage, ConnectError> {
        self.count_call("GetMetricDataV2")?;
        if request.resource_ids.len() > MAX_RESOURCES_PER_CALL {
            return Err(ConnectError::Rejected {
                operation: "GetMetricDataV2",
                code: "InvalidParameterException".into(),
                message: "at most 100 filter values".into(),
            });
        }
        if request.instance_arn != INSTANCE_ARN {
            return Err(ConnectError::Rejected {
                operation: "GetMetricDataV2",
                code: "ResourceNotFoundException".into(),
                message: format!("no instance {}", request.instance_arn),
            });
        }
        let state = self.lock();
        let known: Vec<&str> = match request.grouping {
            Grouping::Queue => state.queues.iter().map(|q| q.id.as_str()).collect(),
            Grouping::Agent => state.users.iter().map(|u| u.id.as_str()).collect(),
        };
        let rows: Vec<MetricRow> = request
            .resource_ids
            .iter()
            .filter(|id| known.contains(&id.as_str()))
            .filter_map(|id| {
                let values = state.values.get(&(id.clone(), request.interval.start))?;
                Some(MetricRow {
                    resource_id: id.clone(),
                    interval_start: Some(request.interval.start),
                    values: request
                        .metrics
                        .iter()
                        .enumerate()
                        .map(|(index, metric)| (index, values.get(metric.column).copied()))
                        .collect(),
                })
            })
            .collect();
        drop(state);
        let (rows, next_token) = page(&rows, 100, request.next_token.clone());
        Ok(MetricDataPage { rows, next_token })
    }
}
