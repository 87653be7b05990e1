//! `SyncQueueMetrics`: one tick. Reads every listed queue's current metrics and upserts the
//! `AC_QueueMetrics__c` records of the queues that changed since they were last written (or
//! were written longer ago than the refresh interval), at most 200 a call; a record Salesforce
//! refuses is retried once when the refusal is transient and otherwise reported, and stays
//! unwritten in the state so the next tick sends it again. A tick that starts after its slot
//! (the one before ran long) and a tick while the org is over its API budget are skipped.

use std::collections::BTreeSet;
use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::budget::{BudgetDecision, SeenUsage, decide};
use crate::connect_reads::{ConnectCalls, current_values};
use crate::error::{MetricsError, MetricsErrorKind, names};
use crate::metrics::QueueMetricValues;
use crate::ports::{ConnectMetrics, MetricsWrites, ObjectStore, Queue};
use crate::records::{QUEUE_ID_FIELD, REGION_FIELD, queue_metrics_record};
use crate::settings::RealtimeSettings;
use crate::steps::{LATE_GRACE_SECONDS, Tick};
use crate::sync_state::{StoredSyncState, WrittenQueue};
use crate::telemetry;

/// Salesforce's per-record refusals that a second attempt may get past.
const TRANSIENT_RECORD_ERRORS: [&str; 3] = [
    "UNABLE_TO_LOCK_ROW",
    "SERVER_UNAVAILABLE",
    "REQUEST_LIMIT_EXCEEDED",
];

pub struct SyncQueueMetrics;

pub struct SyncQueueMetricsPorts {
    pub connect: Arc<dyn ConnectMetrics>,
    pub salesforce: Arc<dyn MetricsWrites>,
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<RealtimeSettings>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SyncQueueMetricsInput {
    pub tick: Tick,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// The tick started after its slot: the one before it ran long.
    Late,
    /// The org's daily API usage is over `SalesforceApiBudgetPercent`.
    ApiBudget,
}

/// A record Salesforce refused.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedQueue {
    pub queue_id: String,
    pub error_code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TickReport {
    pub tick: u32,
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<SkipReason>,
    pub queues: usize,
    /// Queues whose values or name changed since they were last written.
    pub changed: usize,
    /// Records written (changed, plus unchanged ones due for their refresh).
    pub written: usize,
    pub failed: Vec<FailedQueue>,
    pub connect_calls: u32,
    /// sObject Collections calls made (the describe is cached per container, not counted).
    pub upsert_calls: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_usage: Option<SeenUsage>,
}

impl TickReport {
    fn skipped(tick: &Tick, reason: SkipReason, api_usage: Option<SeenUsage>) -> Self {
        Self {
            tick: tick.index,
            at: tick.at,
            skipped: Some(reason),
            queues: 0,
            changed: 0,
            written: 0,
            failed: Vec::new(),
            connect_calls: 0,
            upsert_calls: 0,
            api_usage,
        }
    }
}

impl Task for SyncQueueMetrics {
    const STATE: &'static str = "SyncQueueMetrics";
    type Ports = SyncQueueMetricsPorts;
    type Input = SyncQueueMetricsInput;
    type Output = TickReport;
    type Error = MetricsError;

    fn error_names() -> Vec<ErrorName> {
        use MetricsErrorKind as Kind;
        names(
            &[
                Kind::ConnectThrottled,
                Kind::ConnectUnavailable,
                Kind::ConnectRejected,
                Kind::QueuesNotListed,
                Kind::SyncStateUnavailable,
                Kind::SyncStateFailed,
            ],
            true,
        )
    }

    async fn run(
        ports: &SyncQueueMetricsPorts,
        input: SyncQueueMetricsInput,
        context: &TaskContext,
    ) -> Result<TickReport, MetricsError> {
        sync_tick(ports, &input.tick, context).await
    }
}

async fn sync_tick(
    ports: &SyncQueueMetricsPorts,
    tick: &Tick,
    context: &TaskContext,
) -> Result<TickReport, MetricsError> {
    let settings = &ports.settings;
    let now = context.now;
    // Only a first attempt can be late: a retry of this tick carries on, and makes the next
    // tick late instead.
    let late = tick.index > 0
        && context.retry_count == 0
        && now > tick.at + Duration::seconds(LATE_GRACE_SECONDS);
    if late {
        tracing::warn!(tick = tick.index, due = %tick.at, "tick skipped: the previous tick ran past this one's time");
        telemetry::emit_count("realtime-queue-metrics", "TicksSkippedLate", 1.0);
        return Ok(TickReport::skipped(tick, SkipReason::Late, None));
    }

    let state_file = StoredSyncState {
        store: ports.store.as_ref(),
        location: settings.state_location(),
    };
    let state = state_file.load().await?;
    let Some(list) = state.queue_list.clone() else {
        return Err(MetricsError::QueuesNotListed {
            execution: context.execution_name.clone().unwrap_or_default(),
            location: settings.state_location().to_string(),
        });
    };

    match decide(state.api_usage, settings.api_budget_percent, now) {
        BudgetDecision::Proceed => {}
        BudgetDecision::Pause(usage) => return Ok(paused(tick, settings, usage)),
        BudgetDecision::Probe(_) => {
            let fresh = ports
                .salesforce
                .refresh_api_usage()
                .await
                .map_err(|source| MetricsError::salesforce("read its API usage", source))?
                .map(|usage| SeenUsage {
                    used: usage.used,
                    max: usage.max,
                    seen_at: now,
                });
            if let Some(usage) = fresh {
                state_file
                    .update(|state| state.api_usage = Some(usage))
                    .await?;
                if usage.over(settings.api_budget_percent) {
                    return Ok(paused(tick, settings, usage));
                }
                tracing::info!(
                    used = usage.used,
                    max = usage.max,
                    "API usage is under the budget again: the sync resumes"
                );
            }
        }
    }

    let mut calls = ConnectCalls::default();
    let queue_ids: Vec<String> = list.queues.iter().map(|queue| queue.id.clone()).collect();
    let values = current_values(
        ports.connect.as_ref(),
        &settings.instance_id,
        &queue_ids,
        settings.metrics_page_size,
        &mut calls,
    )
    .await?;

    let refresh_before = now - Duration::minutes(i64::from(settings.refresh_minutes));
    let empty = QueueMetricValues::default();
    let mut changed = 0;
    let due: Vec<(&Queue, &QueueMetricValues, String)> = list
        .queues
        .iter()
        .filter_map(|queue| {
            let queue_values = values.get(&queue.id).unwrap_or(&empty);
            let fingerprint = queue_values.fingerprint(&queue.name);
            let last = state.written.get(&queue.id);
            let is_changed = last.is_none_or(|last| last.fingerprint != fingerprint);
            changed += usize::from(is_changed);
            let stale = last.is_some_and(|last| last.written_at <= refresh_before);
            (is_changed || stale).then_some((queue, queue_values, fingerprint))
        })
        .collect();

    let mut written: Vec<(String, String)> = Vec::new();
    let mut failed = Vec::new();
    let mut upsert_calls = 0;
    if !due.is_empty() {
        let object = settings.queue_metrics_object();
        let with_region = ports
            .salesforce
            .object_has_field(&object, &settings.field(REGION_FIELD))
            .await
            .map_err(|source| {
                MetricsError::salesforce("describe the queue metrics object", source)
            })?;
        let mut pending: Vec<(&Queue, &QueueMetricValues, String)> = due;
        for attempt in 1..=2 {
            let records: Vec<_> = pending
                .iter()
                .map(|(queue, queue_values, _)| {
                    queue_metrics_record(settings, queue, queue_values, with_region)
                })
                .collect();
            upsert_calls += records.len().div_ceil(200);
            let results = ports
                .salesforce
                .upsert_records(&object, &settings.field(QUEUE_ID_FIELD), &records)
                .await
                .map_err(|source| MetricsError::salesforce("upsert the queue metrics", source))?;
            let mut retry = Vec::new();
            for ((queue, queue_values, fingerprint), result) in pending.into_iter().zip(results) {
                if result.success {
                    written.push((queue.id.clone(), fingerprint));
                    continue;
                }
                let first = result.errors.first();
                let error_code = first.map(|e| e.status_code.clone()).unwrap_or_default();
                if attempt == 1 && TRANSIENT_RECORD_ERRORS.contains(&error_code.as_str()) {
                    retry.push((queue, queue_values, fingerprint));
                } else {
                    failed.push(FailedQueue {
                        queue_id: queue.id.clone(),
                        error_code,
                        message: first.map(|e| e.message.clone()).unwrap_or_default(),
                    });
                }
            }
            if retry.is_empty() {
                break;
            }
            pending = retry;
        }
    }

    let usage = ports.salesforce.api_usage().map(|usage| SeenUsage {
        used: usage.used,
        max: usage.max,
        seen_at: now,
    });
    let listed: BTreeSet<&str> = list.queues.iter().map(|queue| queue.id.as_str()).collect();
    if !written.is_empty()
        || usage.is_some()
        || state.written.keys().any(|id| !listed.contains(id.as_str()))
    {
        state_file
            .update(|state| {
                for (queue_id, fingerprint) in &written {
                    state.written.insert(
                        queue_id.clone(),
                        WrittenQueue {
                            fingerprint: fingerprint.clone(),
                            written_at: now,
                        },
                    );
                }
                // A queue removed from the instance is forgotten (a newer list may differ).
                let current = state.queue_list.as_ref().map(|list| {
                    list.queues
                        .iter()
                        .map(|queue| queue.id.clone())
                        .collect::<BTreeSet<_>>()
                });
                if let Some(current) = current {
                    state.written.retain(|id, _| current.contains(id));
                }
                if usage.is_some() {
                    state.api_usage = usage;
                }
            })
            .await?;
    }
    if !failed.is_empty() {
        let error_codes: BTreeSet<&str> = failed
            .iter()
            .map(|failed| failed.error_code.as_str())
            .collect();
        tracing::warn!(
            failed = failed.len(),
            error_codes = %error_codes.into_iter().collect::<Vec<_>>().join(","),
            first_queue = %failed[0].queue_id,
            first_message = %redaction::redact_personal_data(&failed[0].message),
            "Salesforce refused some queue metrics records; they are sent again next tick"
        );
        telemetry::emit_count(
            "realtime-queue-metrics",
            "QueueRecordsRefused",
            failed.len() as f64,
        );
    }
    tracing::info!(
        tick = tick.index,
        queues = list.queues.len(),
        changed,
        written = written.len(),
        connect_calls = calls.calls,
        upsert_calls,
        "tick synced"
    );
    Ok(TickReport {
        tick: tick.index,
        at: tick.at,
        skipped: None,
        queues: list.queues.len(),
        changed,
        written: written.len(),
        failed,
        connect_calls: calls.calls,
        upsert_calls,
        api_usage: usage,
    })
}

fn paused(tick: &Tick, settings: &RealtimeSettings, usage: SeenUsage) -> TickReport {
    tracing::warn!(
        used = usage.used,
        max = usage.max,
        threshold_percent = settings.api_budget_percent,
        "the org is over the API budget: the scheduled sync pauses so contact flows keep theirs"
    );
    telemetry::emit_count("realtime-queue-metrics", "SyncPausedForApiBudget", 1.0);
    TickReport::skipped(tick, SkipReason::ApiBudget, Some(usage))
}
