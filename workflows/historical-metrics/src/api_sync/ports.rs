//! What the API sync asks Amazon Connect: the STANDARD queues (ListQueues), the agents
//! (ListUsers) and one interval's metrics of up to 100 queues or agents (GetMetricDataV2). The
//! SDK adapter lives in `aws-adapters` (feature `connect`); the tests' double in
//! [`super::testing`]. Failures are `connect_metrics`' [`ConnectError`] (throttled, unavailable,
//! refused), so both metrics syncs retry and name them alike.

use async_trait::async_trait;

pub use connect_metrics::ports::{ConnectError, Queue, QueuePage};

use super::intervals::Interval;
use super::metrics::ApiMetric;

/// A user as ListUsers summarises it: `username` is the login the agent report shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct User {
    pub id: String,
    pub arn: String,
    pub username: String,
}

/// One page of ListUsers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserPage {
    pub users: Vec<User>,
    pub next_token: Option<String>,
}

/// What a GetMetricDataV2 call groups and filters by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// `QUEUE`.
    Queue,
    /// `AGENT` (a user id).
    Agent,
}

impl Grouping {
    /// The filter key and grouping as Connect names it.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Queue => "QUEUE",
            Self::Agent => "AGENT",
        }
    }
}

/// One GetMetricDataV2 call: `metrics` of one 30-minute interval, grouped by `grouping`, for at
/// most [`super::metrics::MAX_RESOURCES_PER_CALL`] queues or agents.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDataRequest<'a> {
    /// The instance's ARN (GetMetricDataV2's `ResourceArn`).
    pub instance_arn: &'a str,
    pub interval: Interval,
    pub grouping: Grouping,
    pub resource_ids: &'a [String],
    pub metrics: &'a [ApiMetric],
    pub next_token: Option<String>,
}

/// One result: a queue or agent and, per requested metric (by its index in the request's
/// `metrics`), the value Connect reported (`None`: no value, e.g. an average of nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub resource_id: String,
    /// The interval the result is for, when Connect said (`MetricInterval.StartTime`).
    pub interval_start: Option<chrono::DateTime<chrono::Utc>>,
    pub values: Vec<(usize, Option<f64>)>,
}

/// One page of GetMetricDataV2.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricDataPage {
    pub rows: Vec<MetricRow>,
    pub next_token: Option<String>,
}

/// Amazon Connect's calls of the historical sync.
#[async_trait]
pub trait ConnectHistory: Send + Sync {
    /// One page of the instance's STANDARD queues.
    async fn list_queues_page(
        &self,
        instance_id: &str,
        page_size: u32,
        next_token: Option<String>,
    ) -> Result<QueuePage, ConnectError>;

    /// One page of the instance's users (at most 1,000 a page).
    async fn list_users_page(
        &self,
        instance_id: &str,
        next_token: Option<String>,
    ) -> Result<UserPage, ConnectError>;

    /// One page of GetMetricDataV2 (`THIRTY_MIN` in UTC, at most 100 results a page).
    async fn metric_data_page(
        &self,
        request: &MetricDataRequest<'_>,
    ) -> Result<MetricDataPage, ConnectError>;
}
