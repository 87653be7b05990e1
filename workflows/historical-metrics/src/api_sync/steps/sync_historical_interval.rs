//! `SyncHistoricalInterval`: one 30-minute interval. Reads GetMetricDataV2 for every listed
//! queue and agent (at most 100 a call), builds the records exactly as the report import does
//! (same object, same `AC_Record_Id__c`, same fields from the report columns' header mapping),
//! upserts them with sObject Collections (200 a call) and then moves the checkpoint to this
//! interval. Re-running an interval rewrites the same records. A record Salesforce refuses for
//! now (a locked row) is sent once more, and if it is still refused the interval fails
//! retryably without moving the checkpoint; a record refused for good is reported.
//!
//! Before the first upsert the real-time sync's API budget guard applies: when the org is at
//! or over `SalesforceApiBudgetPercent` of its daily allowance the interval fails with
//! `HistoricalSync.ApiBudgetExceeded` (not retried; the state machine ends the run at
//! `PausedForApiBudget`), nothing written and the checkpoint where it was, so the next run
//! backfills from there.

use std::collections::BTreeMap;
use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};
use connect_metrics::budget::{BudgetDecision, SeenUsage, decide};
use connect_metrics::connect_reads::ConnectCalls;
use salesforce_client::ApiUsage;
use serde::{Deserialize, Serialize};

use crate::api_sync::error::{ApiSyncError, ApiSyncErrorKind, names};
use crate::api_sync::intervals::Interval;
use crate::api_sync::metrics::{metrics_for, report_value};
use crate::api_sync::ports::{ConnectHistory, Grouping};
use crate::api_sync::reads::interval_values;
use crate::api_sync::settings::ApiSyncSettings;
use crate::api_sync::state::{ListedResources, StoredJson, advance_checkpoint};
use crate::api_sync::telemetry;
use crate::mapping::field_for_header;
use crate::objects::{CREATED_DATE_FIELD, HistoricalObject, interval_text};
use crate::ports::{COLLECTION_LIMIT, HistoricalWrites, ObjectStore};
use crate::record::{FieldValue, HistoricalRecord, ObjectTarget};

/// Refused records listed per object in the output (all are counted and logged): the Map's
/// output of a day's intervals stays far under Step Functions' 256 KB.
const FAILED_LISTED: usize = 20;

/// Salesforce's per-record refusals that a later attempt may get past.
const TRANSIENT_RECORD_ERRORS: [&str; 3] = [
    "UNABLE_TO_LOCK_ROW",
    "SERVER_UNAVAILABLE",
    "REQUEST_LIMIT_EXCEEDED",
];

pub struct SyncHistoricalInterval;

pub struct SyncHistoricalIntervalPorts {
    pub connect: Arc<dyn ConnectHistory>,
    pub salesforce: Arc<dyn HistoricalWrites>,
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<ApiSyncSettings>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SyncHistoricalIntervalInput {
    pub interval: Interval,
}

/// A record Salesforce refused for good.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedRecord {
    pub record_id: String,
    pub error_code: String,
    pub message: String,
}

/// What one object's part of the interval did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReport {
    /// Queues or agents Connect reported metrics for (one record each).
    pub records: usize,
    pub written: usize,
    /// Records Salesforce refused for good.
    pub refused: usize,
    /// The first [`FAILED_LISTED`] of them, with Salesforce's code.
    pub failed: Vec<FailedRecord>,
    /// Report columns the org's object has no field for (not sent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_fields: Vec<String>,
    pub upsert_calls: usize,
}

impl ObjectReport {
    fn refuse(&mut self, failed: FailedRecord) {
        tracing::warn!(
            // An agent's login may be an e-mail address.
            record_id = %redaction::redact_personal_data(&failed.record_id),
            error_code = %failed.error_code,
            "Salesforce refused a historical record"
        );
        self.refused += 1;
        if self.failed.len() < FAILED_LISTED {
            self.failed.push(failed);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// `StartInterval` of the records (`2024-03-05T14:30:00Z`).
    pub start_interval: String,
    pub queues: ObjectReport,
    pub agents: ObjectReport,
    pub connect_calls: u32,
    /// The checkpoint afterwards (the newest interval synced).
    pub checkpoint: String,
}

impl Task for SyncHistoricalInterval {
    const STATE: &'static str = "SyncHistoricalInterval";
    type Ports = SyncHistoricalIntervalPorts;
    type Input = SyncHistoricalIntervalInput;
    type Output = SyncReport;
    type Error = ApiSyncError;

    fn error_names() -> Vec<ErrorName> {
        use ApiSyncErrorKind as Kind;
        names(
            &[
                Kind::InvalidConfiguration,
                Kind::InvalidInterval,
                Kind::ConnectThrottled,
                Kind::ConnectUnavailable,
                Kind::ConnectRejected,
                Kind::ResourcesNotListed,
                Kind::RecordsPending,
                Kind::ApiBudgetExceeded,
                Kind::SyncStateUnavailable,
                Kind::SyncStateFailed,
            ],
            true,
        )
    }

    async fn run(
        ports: &SyncHistoricalIntervalPorts,
        input: SyncHistoricalIntervalInput,
        context: &TaskContext,
    ) -> Result<SyncReport, ApiSyncError> {
        let interval = input.interval;
        if !interval.is_aligned() {
            return Err(ApiSyncError::InvalidInterval {
                interval: interval.to_string(),
            });
        }
        let settings = &ports.settings;
        let listed: ListedResources = StoredJson {
            store: ports.store.as_ref(),
            location: settings.resources_location(),
        }
        .load()
        .await?
        .ok_or_else(|| ApiSyncError::ResourcesNotListed {
            location: settings.resources_location().to_string(),
        })?;

        let mut calls = ConnectCalls::default();
        let mut prepared = Vec::new();
        if let Some(instance_arn) = &listed.instance_arn {
            for object in HistoricalObject::ALL {
                prepared.push(
                    prepare_object(
                        ports,
                        &listed,
                        instance_arn,
                        object,
                        interval,
                        context,
                        &mut calls,
                    )
                    .await?,
                );
            }
        }
        if prepared.iter().any(|part| !part.pending.is_empty()) {
            check_api_budget(ports, interval, context).await?;
        }
        let mut reports = BTreeMap::new();
        for part in prepared {
            let object = part.object;
            reports.insert(object, write_object(ports, part, interval).await?);
        }
        let checkpoint = advance_checkpoint(
            &StoredJson {
                store: ports.store.as_ref(),
                location: settings.checkpoint_location(),
            },
            interval.start,
            context.now,
            context.execution_name.as_deref(),
        )
        .await?;
        let queues = reports.remove(&HistoricalObject::Queue).unwrap_or_default();
        let agents = reports.remove(&HistoricalObject::Agent).unwrap_or_default();
        let refused = queues.refused + agents.refused;
        if refused > 0 {
            tracing::warn!(
                refused,
                interval = %interval,
                "Salesforce refused some historical records"
            );
            telemetry::emit_count("HistoricalRecordsRefused", refused as f64);
        }
        tracing::info!(
            interval = %interval,
            queue_records = queues.written,
            agent_records = agents.written,
            connect_calls = calls.calls,
            "historical interval synced"
        );
        Ok(SyncReport {
            start_interval: interval.start_text(),
            queues,
            agents,
            connect_calls: calls.calls,
            checkpoint: interval_text(checkpoint.last_synced),
        })
    }
}

/// Applies the real-time sync's API budget guard ([`decide`]) to the usage the Salesforce
/// client has seen (this run's describe reported it, or an earlier invocation's call in a warm
/// container). Over the budget, one `limits` request looks again before pausing, so a figure
/// from before usage came down never pauses the sync; still over, the interval fails with
/// [`ApiSyncError::ApiBudgetExceeded`].
async fn check_api_budget(
    ports: &SyncHistoricalIntervalPorts,
    interval: Interval,
    context: &TaskContext,
) -> Result<(), ApiSyncError> {
    let percent = ports.settings.api_budget_percent;
    let now = context.now;
    let refresh = || async {
        ports
            .salesforce
            .refresh_api_usage()
            .await
            .map_err(|source| ApiSyncError::salesforce("read its API usage", source))
    };
    let over = |usage: Option<ApiUsage>| {
        let seen = usage.map(|usage| SeenUsage {
            used: usage.used,
            max: usage.max,
            seen_at: now,
        });
        match decide(seen, percent, now) {
            BudgetDecision::Proceed => None,
            BudgetDecision::Pause(usage) | BudgetDecision::Probe(usage) => Some(usage),
        }
    };
    let (seen, fresh) = match ports.salesforce.api_usage() {
        Some(usage) => (Some(usage), false),
        None => (refresh().await?, true),
    };
    let Some(mut usage) = over(seen) else {
        return Ok(());
    };
    if !fresh {
        match over(refresh().await?) {
            Some(again) => usage = again,
            None => {
                tracing::info!(
                    interval = %interval,
                    "API usage is under the budget again: the historical sync writes"
                );
                return Ok(());
            }
        }
    }
    tracing::warn!(
        used = usage.used,
        max = usage.max,
        threshold_percent = percent,
        interval = %interval,
        "the org is over the API budget: the historical sync pauses so contact flows keep theirs; the next run backfills from the checkpoint"
    );
    telemetry::emit_count("SyncPausedForApiBudget", 1.0);
    Err(ApiSyncError::ApiBudgetExceeded {
        used: usage.used,
        max: usage.max,
        threshold_percent: percent,
        interval: interval.to_string(),
    })
}

/// One object's records of the interval, read and built, not yet written.
struct PreparedObject {
    object: HistoricalObject,
    /// Set when there is anything to write.
    target: Option<ObjectTarget>,
    pending: Vec<crate::record::SalesforceRecord>,
    report: ObjectReport,
}

/// One object's records of the interval: read from Connect and built against the org's
/// describe.
async fn prepare_object(
    ports: &SyncHistoricalIntervalPorts,
    listed: &ListedResources,
    instance_arn: &str,
    object: HistoricalObject,
    interval: Interval,
    context: &TaskContext,
    calls: &mut ConnectCalls,
) -> Result<PreparedObject, ApiSyncError> {
    let mut prepared = PreparedObject {
        object,
        target: None,
        pending: Vec::new(),
        report: ObjectReport::default(),
    };
    let (grouping, named): (Grouping, BTreeMap<&str, &str>) = match object {
        HistoricalObject::Queue => (
            Grouping::Queue,
            listed
                .queues
                .iter()
                .map(|queue| (queue.id.as_str(), queue.name.as_str()))
                .collect(),
        ),
        HistoricalObject::Agent => (
            Grouping::Agent,
            listed
                .agents
                .iter()
                .map(|user| (user.id.as_str(), user.username.as_str()))
                .collect(),
        ),
    };
    let report = &mut prepared.report;
    if named.is_empty() {
        return Ok(prepared);
    }
    let ids: Vec<String> = named.keys().map(|id| (*id).to_string()).collect();
    let metrics = metrics_for(object);
    let values = interval_values(
        ports.connect.as_ref(),
        instance_arn,
        interval,
        grouping,
        &ids,
        metrics,
        calls,
    )
    .await?;
    let records: Vec<HistoricalRecord> = values
        .iter()
        .filter_map(|(id, values)| {
            let name = named.get(id.as_str())?;
            Some(historical_record(object, name, interval, values, context))
        })
        .collect();
    report.records = records.len();
    if records.is_empty() {
        return Ok(prepared);
    }

    let settings = &ports.settings;
    let api_name = settings.historical.object_name(object);
    let describe = ports
        .salesforce
        .describe(&api_name)
        .await
        .map_err(|source| ApiSyncError::salesforce("describe the historical object", source))?;
    let target = ObjectTarget::new(
        object,
        &settings.historical.namespace,
        describe,
        &settings.historical.region,
    )
    .with_global_analytics(settings.historical.global_analytics);
    if !target.has_record_id_field() {
        return Err(ApiSyncError::InvalidConfiguration {
            reason: format!(
                "{} has no {} field to upsert by: is the CTI adapter installed with this namespace?",
                target.api_name, target.record_id_field
            ),
        });
    }
    let mut pending = Vec::with_capacity(records.len());
    for record in &records {
        match target.record(record) {
            Ok(built) => {
                for unknown in &built.unknown {
                    if !report.unknown_fields.contains(unknown) {
                        report.unknown_fields.push(unknown.clone());
                    }
                }
                pending.push(built);
            }
            Err(error) => report.refuse(FailedRecord {
                record_id: target.record_id(record),
                error_code: "INVALID_VALUE".to_string(),
                message: error.to_string(),
            }),
        }
    }
    if !report.unknown_fields.is_empty() {
        tracing::warn!(
            object = %object,
            unknown = ?report.unknown_fields,
            "the org's object has no field for these columns; they are not written"
        );
        telemetry::emit_count(
            "HistoricalColumnsWithoutField",
            report.unknown_fields.len() as f64,
        );
    }
    prepared.pending = pending;
    prepared.target = Some(target);
    Ok(prepared)
}

/// One object's prepared records upserted (a record refused for now sent once more).
async fn write_object(
    ports: &SyncHistoricalIntervalPorts,
    prepared: PreparedObject,
    interval: Interval,
) -> Result<ObjectReport, ApiSyncError> {
    let PreparedObject {
        object,
        target,
        mut pending,
        mut report,
    } = prepared;
    let Some(target) = target else {
        return Ok(report);
    };
    for attempt in 1..=2 {
        if pending.is_empty() {
            break;
        }
        let mut retry = Vec::new();
        for chunk in pending.chunks(COLLECTION_LIMIT) {
            let fields: Vec<_> = chunk.iter().map(|built| built.fields.clone()).collect();
            report.upsert_calls += 1;
            let results = ports
                .salesforce
                .upsert_records(&target.api_name, &target.record_id_field, &fields)
                .await
                .map_err(|source| {
                    ApiSyncError::salesforce("upsert the historical records", source)
                })?;
            for (built, result) in chunk.iter().zip(results) {
                if result.success {
                    report.written += 1;
                    continue;
                }
                let first = result.errors.first();
                let error_code = first.map(|e| e.status_code.clone()).unwrap_or_default();
                if TRANSIENT_RECORD_ERRORS.contains(&error_code.as_str()) {
                    retry.push((built.clone(), error_code));
                } else {
                    report.refuse(FailedRecord {
                        record_id: built.record_id.clone(),
                        error_code,
                        message: first.map(|e| e.message.clone()).unwrap_or_default(),
                    });
                }
            }
        }
        if retry.is_empty() {
            break;
        }
        if attempt == 2 {
            let mut codes: Vec<String> = retry.iter().map(|(_, code)| code.clone()).collect();
            codes.sort();
            codes.dedup();
            return Err(ApiSyncError::RecordsPending {
                object: object.as_str(),
                interval: interval.to_string(),
                count: retry.len(),
                codes: codes.join(", "),
            });
        }
        pending = retry.into_iter().map(|(built, _)| built).collect();
    }
    Ok(report)
}

/// The record the report import would build for this queue or agent and interval: the name,
/// StartInterval and EndInterval as the report writes them, every metric column (rounded as
/// the report shows it, null where Connect has no value) and the time of the import.
pub(crate) fn historical_record(
    object: HistoricalObject,
    name: &str,
    interval: Interval,
    values: &[Option<f64>],
    context: &TaskContext,
) -> HistoricalRecord {
    let mut record = HistoricalRecord::new(object, name, interval.start_text());
    record.push(
        "EndInterval",
        field_for_header("EndInterval"),
        FieldValue::Text(interval.end_text()),
    );
    for (metric, value) in metrics_for(object).iter().zip(values) {
        record.push(
            metric.column,
            field_for_header(metric.column),
            match value {
                Some(value) => FieldValue::Number(report_value(*value)),
                None => FieldValue::Null,
            },
        );
    }
    record.push(
        CREATED_DATE_FIELD,
        CREATED_DATE_FIELD,
        FieldValue::Text(interval_text(context.now)),
    );
    record
}
