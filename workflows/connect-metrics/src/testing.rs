//! An in-memory Amazon Connect for the domain's tests: queues and current metrics, Connect's
//! paging and its 100-queue filter limit, and throttling on demand.

use std::sync::Mutex;

use async_trait::async_trait;

use crate::metrics::MAX_QUEUES_PER_CALL;
use crate::ports::{
    ConnectError, ConnectMetrics, CurrentMetricsPage, CurrentMetricsRequest, Queue,
    QueueMetricsRow, QueuePage,
};

#[derive(Debug, Default)]
pub struct MemoryConnect {
    state: Mutex<MemoryState>,
}

#[derive(Debug, Default)]
struct MemoryState {
    queues: Vec<Queue>,
    rows: Vec<QueueMetricsRow>,
    throttle_next: u32,
    calls: u32,
}

impl MemoryConnect {
    /// `n` queues `q-0001`…, with no metrics yet.
    pub fn with_queues(n: usize) -> Self {
        let connect = Self::default();
        connect.lock().queues = (1..=n)
            .map(|i| Queue {
                id: format!("q-{i:04}"),
                arn: format!("arn:aws:connect:us-west-2:1:instance/i/queue/q-{i:04}"),
                name: format!("Queue {i:04}"),
            })
            .collect();
        connect
    }

    pub fn set_value(&self, queue_id: &str, metric: &str, value: f64) {
        let mut state = self.lock();
        if let Some(row) = state.rows.iter_mut().find(|row| row.queue_id == queue_id) {
            row.values.retain(|(name, _)| name != metric);
            row.values.push((metric.to_string(), value));
        } else {
            state.rows.push(QueueMetricsRow {
                queue_id: queue_id.to_string(),
                values: vec![(metric.to_string(), value)],
            });
        }
    }

    pub fn remove_queue(&self, queue_id: &str) {
        let mut state = self.lock();
        state.queues.retain(|queue| queue.id != queue_id);
        state.rows.retain(|row| row.queue_id != queue_id);
    }

    /// The next `n` calls answer with throttling.
    pub fn throttle(&self, n: u32) {
        self.lock().throttle_next = n;
    }

    pub fn calls(&self) -> u32 {
        self.lock().calls
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn count_call(&self, operation: &'static str) -> Result<(), ConnectError> {
        let mut state = self.lock();
        state.calls += 1;
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

fn page<T: Clone>(items: &[T], size: u32, token: Option<String>) -> (Vec<T>, Option<String>) {
    let start: usize = token.and_then(|token| token.parse().ok()).unwrap_or(0);
    let end = (start + size as usize).min(items.len());
    let next = (end < items.len()).then(|| end.to_string());
    (items[start.min(end)..end].to_vec(), next)
}

#[async_trait]
impl ConnectMetrics for MemoryConnect {
    async fn list_queues_page(
        &self,
        _instance_id: &str,
        page_size: u32,
        next_token: Option<String>,
    ) -> Result<QueuePage, ConnectError> {
        self.count_call("ListQueues")?;
        let (queues, next_token) = page(&self.lock().queues, page_size, next_token);
        Ok(QueuePage { queues, next_token })
    }

    async fn current_metrics_page(
        &self,
        request: &CurrentMetricsRequest<'_>,
    ) -> Result<CurrentMetricsPage, ConnectError> {
        self.count_call("GetCurrentMetricData")?;
        if request.queue_ids.len() > MAX_QUEUES_PER_CALL {
            return Err(ConnectError::Rejected {
                operation: "GetCurrentMetricData",
                code: "InvalidParameterException".into(),
                message: "at most 100 queues".into(),
            });
        }
        let rows: Vec<QueueMetricsRow> = self
            .lock()
            .rows
            .iter()
            .filter(|row| request.queue_ids.contains(&row.queue_id))
            .cloned()
            .collect();
        let (rows, next_token) = page(&rows, request.page_size, request.next_token.clone());
        Ok(CurrentMetricsPage { rows, next_token })
    }
}

/// An in-memory org for the metrics writes: upserted records by external id, per-record
/// refusals on demand, and the API usage its responses would report.
#[derive(Debug, Default)]
pub struct MemoryMetricsWrites {
    org: Mutex<MemoryOrg>,
}

#[derive(Debug, Default)]
struct MemoryOrg {
    with_region: bool,
    records: std::collections::BTreeMap<String, salesforce_client::records::Record>,
    upsert_calls: usize,
    records_sent: usize,
    /// External ids refused with (code, times left).
    refusals: std::collections::BTreeMap<String, (String, u32)>,
    usage: Option<salesforce_client::ApiUsage>,
    limits_calls: usize,
}

impl MemoryMetricsWrites {
    pub fn new(with_region: bool) -> Self {
        let writes = Self::default();
        writes.lock().with_region = with_region;
        writes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryOrg> {
        self.org
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The record upserted under `external_id`.
    pub fn record(&self, external_id: &str) -> Option<salesforce_client::records::Record> {
        self.lock().records.get(external_id).cloned()
    }

    pub fn record_count(&self) -> usize {
        self.lock().records.len()
    }

    /// (sObject Collections calls, records sent) so far.
    pub fn upserts(&self) -> (usize, usize) {
        let org = self.lock();
        (org.upsert_calls, org.records_sent)
    }

    pub fn limits_calls(&self) -> usize {
        self.lock().limits_calls
    }

    /// Refuses the record `external_id` with `code` the next `times` times it is sent.
    pub fn refuse(&self, external_id: &str, code: &str, times: u32) {
        self.lock()
            .refusals
            .insert(external_id.to_string(), (code.to_string(), times));
    }

    pub fn set_usage(&self, used: u64, max: u64) {
        self.lock().usage = Some(salesforce_client::ApiUsage { used, max });
    }
}

#[async_trait]
impl crate::ports::MetricsWrites for MemoryMetricsWrites {
    async fn object_has_field(
        &self,
        _object: &str,
        field: &str,
    ) -> Result<bool, salesforce_client::SalesforceError> {
        Ok(field.ends_with("Region__c") && self.lock().with_region)
    }

    async fn upsert_records(
        &self,
        _object: &str,
        external_id_field: &str,
        records: &[salesforce_client::records::Record],
    ) -> Result<
        Vec<salesforce_client::records::CollectionRecordResult>,
        salesforce_client::SalesforceError,
    > {
        let mut org = self.lock();
        org.upsert_calls += records.len().div_ceil(200);
        org.records_sent += records.len();
        let mut results = Vec::new();
        for record in records {
            let key = record[external_id_field]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let refused = match org.refusals.get_mut(&key) {
                Some((code, times)) if *times > 0 => {
                    *times -= 1;
                    Some(code.clone())
                }
                _ => None,
            };
            results.push(match refused {
                Some(code) => salesforce_client::records::CollectionRecordResult {
                    id: None,
                    success: false,
                    created: None,
                    errors: vec![salesforce_client::records::CollectionError {
                        status_code: code,
                        message: "refused".into(),
                        fields: Vec::new(),
                    }],
                },
                None => {
                    let created = !org.records.contains_key(&key);
                    org.records.insert(key, record.clone());
                    salesforce_client::records::CollectionRecordResult {
                        id: Some("a02000000000001AAA".into()),
                        success: true,
                        created: Some(created),
                        errors: Vec::new(),
                    }
                }
            });
        }
        Ok(results)
    }

    fn api_usage(&self) -> Option<salesforce_client::ApiUsage> {
        self.lock().usage
    }

    async fn refresh_api_usage(
        &self,
    ) -> Result<Option<salesforce_client::ApiUsage>, salesforce_client::SalesforceError> {
        let mut org = self.lock();
        org.limits_calls += 1;
        Ok(org.usage)
    }
}
