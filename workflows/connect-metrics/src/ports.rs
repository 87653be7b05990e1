//! What the metrics syncs call: Amazon Connect's metrics API, the Salesforce writes, and the
//! object store that keeps the sync's state (`object_storage`). One SDK adapter each lives in
//! `aws-adapters` (feature `connect`) and the Salesforce client (below); the tests' doubles in
//! [`crate::testing`].

use async_trait::async_trait;
use salesforce_client::{
    ApiUsage, SalesforceClient, SalesforceError,
    records::{CollectionRecordResult, Record},
};
use serde::{Deserialize, Serialize};

pub use object_storage::{ObjectLocation, ObjectStore, ObjectVersion, StoreError};

/// A queue as ListQueues summarises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub id: String,
    pub arn: String,
    pub name: String,
}

/// One page of ListQueues.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueuePage {
    pub queues: Vec<Queue>,
    pub next_token: Option<String>,
}

/// One GetCurrentMetricData call: STANDARD queues' current metrics grouped by queue.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentMetricsRequest<'a> {
    pub instance_id: &'a str,
    /// At most [`crate::metrics::MAX_QUEUES_PER_CALL`].
    pub queue_ids: &'a [String],
    pub page_size: u32,
    pub next_token: Option<String>,
}

/// One result row: a queue and the values Connect reported for it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueMetricsRow {
    pub queue_id: String,
    pub values: Vec<(String, f64)>,
}

/// One page of GetCurrentMetricData.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CurrentMetricsPage {
    pub rows: Vec<QueueMetricsRow>,
    pub next_token: Option<String>,
}

/// Why a Connect call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// `ThrottlingException` / `TooManyRequestsException`: retry after a pause.
    #[error("Amazon Connect throttled {operation}: {message}")]
    Throttled {
        operation: &'static str,
        message: String,
    },
    /// 5xx, a timeout or no connection: worth retrying.
    #[error("Amazon Connect is unavailable for {operation}: {message}")]
    Unavailable {
        operation: &'static str,
        message: String,
    },
    /// A bad request, unknown instance or missing permission: retrying cannot help.
    #[error("Amazon Connect refused {operation} ({code}): {message}")]
    Rejected {
        operation: &'static str,
        code: String,
        message: String,
    },
}

impl ConnectError {
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Self::Rejected { .. })
    }
}

/// Amazon Connect's queue and metrics API.
#[async_trait]
pub trait ConnectMetrics: Send + Sync {
    /// One page of the instance's STANDARD queues.
    async fn list_queues_page(
        &self,
        instance_id: &str,
        page_size: u32,
        next_token: Option<String>,
    ) -> Result<QueuePage, ConnectError>;

    /// One page of GetCurrentMetricData for [`crate::metrics::REALTIME_METRICS`] over
    /// [`crate::metrics::CHANNELS`], grouped by queue.
    async fn current_metrics_page(
        &self,
        request: &CurrentMetricsRequest<'_>,
    ) -> Result<CurrentMetricsPage, ConnectError>;
}

/// The Salesforce calls of the metrics syncs.
#[async_trait]
pub trait MetricsWrites: Send + Sync {
    /// Whether the org's `object` has `field` (from the describe, cached per container).
    async fn object_has_field(&self, object: &str, field: &str) -> Result<bool, SalesforceError>;

    /// sObject Collections upsert by `external_id_field`, at most 200 records a call; one
    /// result per record, in order.
    async fn upsert_records(
        &self,
        object: &str,
        external_id_field: &str,
        records: &[Record],
    ) -> Result<Vec<CollectionRecordResult>, SalesforceError>;

    /// The org's daily API usage as the last response reported it (`Sforce-Limit-Info`).
    fn api_usage(&self) -> Option<ApiUsage>;

    /// Asks the org for its usage with one request (the `limits` resource), when no response
    /// has reported it yet.
    async fn refresh_api_usage(&self) -> Result<Option<ApiUsage>, SalesforceError>;
}

#[async_trait]
impl MetricsWrites for SalesforceClient {
    async fn object_has_field(&self, object: &str, field: &str) -> Result<bool, SalesforceError> {
        Ok(self.describe(object).await?.has_field(field))
    }

    async fn upsert_records(
        &self,
        object: &str,
        external_id_field: &str,
        records: &[Record],
    ) -> Result<Vec<CollectionRecordResult>, SalesforceError> {
        self.upsert_collection(object, external_id_field, records, false)
            .await
    }

    fn api_usage(&self) -> Option<ApiUsage> {
        SalesforceClient::api_usage(self)
    }

    async fn refresh_api_usage(&self) -> Result<Option<ApiUsage>, SalesforceError> {
        self.limits().await?;
        Ok(SalesforceClient::api_usage(self))
    }
}
