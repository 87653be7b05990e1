//! `PlanHistoricalIntervals`: which completed 30-minute intervals this run syncs (every one
//! since the checkpoint, bounded by GetMetricDataV2's retention and a day a run), and, when any
//! is due, the instance's STANDARD queues and its agents, stored in the state bucket for the
//! run's `SyncHistoricalInterval`s.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};
use chrono::{DateTime, Duration, Utc};
use connect_metrics::connect_reads::ConnectCalls;
use serde::{Deserialize, Serialize};

use crate::api_sync::error::{ApiSyncError, ApiSyncErrorKind, names};
use crate::api_sync::intervals::{INTERVAL_MINUTES, Interval, plan};
use crate::api_sync::ports::ConnectHistory;
use crate::api_sync::reads::{all_queues, all_users, instance_arn};
use crate::api_sync::settings::ApiSyncSettings;
use crate::api_sync::state::{Checkpoint, ListedResources, StoredJson};
use crate::api_sync::telemetry;
use crate::ports::ObjectStore;

pub struct PlanHistoricalIntervals;

pub struct PlanHistoricalIntervalsPorts {
    pub connect: Arc<dyn ConnectHistory>,
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<ApiSyncSettings>,
}

/// The schedule's input is `{}`. An operator may start a run with `{"resyncFrom": "<interval
/// start>"}` to write every interval from that one again (after Connect recounted them); the
/// checkpoint is never moved back. Anything else given is ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanHistoricalIntervalsInput {
    #[serde(default)]
    pub resync_from: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanHistoricalIntervalsOutput {
    /// Oldest first; the Map runs them one at a time.
    pub intervals: Vec<Interval>,
    /// The checkpoint the plan started from (the last interval synced), if any.
    pub checkpoint: Option<DateTime<Utc>>,
    /// Missed intervals older than Connect keeps, which cannot be synced.
    pub beyond_retention: usize,
    /// Completed intervals left for the next run.
    pub remaining: usize,
    pub queues: usize,
    pub agents: usize,
    pub connect_calls: u32,
}

impl Task for PlanHistoricalIntervals {
    const STATE: &'static str = "PlanHistoricalIntervals";
    type Ports = PlanHistoricalIntervalsPorts;
    type Input = PlanHistoricalIntervalsInput;
    type Output = PlanHistoricalIntervalsOutput;
    type Error = ApiSyncError;

    fn error_names() -> Vec<ErrorName> {
        use ApiSyncErrorKind as Kind;
        names(
            &[
                Kind::ConnectThrottled,
                Kind::ConnectUnavailable,
                Kind::ConnectRejected,
                Kind::SyncStateUnavailable,
                Kind::SyncStateFailed,
            ],
            false,
        )
    }

    async fn run(
        ports: &PlanHistoricalIntervalsPorts,
        input: PlanHistoricalIntervalsInput,
        context: &TaskContext,
    ) -> Result<PlanHistoricalIntervalsOutput, ApiSyncError> {
        let settings = &ports.settings;
        let checkpoint: Option<Checkpoint> = StoredJson {
            store: ports.store.as_ref(),
            location: settings.checkpoint_location(),
        }
        .load()
        .await?;
        let last_synced = checkpoint.as_ref().map(|checkpoint| checkpoint.last_synced);
        let from = match input.resync_from {
            // Planning starts after the interval before the one to write again.
            Some(from) => {
                Some(Interval::containing(from).start - Duration::minutes(INTERVAL_MINUTES))
            }
            None => last_synced,
        };
        let planned = plan(from, context.now);
        if planned.beyond_retention > 0 {
            tracing::warn!(
                beyond_retention = planned.beyond_retention,
                "missed intervals are older than GetMetricDataV2 keeps and cannot be synced"
            );
            telemetry::emit_count(
                "HistoricalIntervalsBeyondRetention",
                planned.beyond_retention as f64,
            );
        }
        let mut output = PlanHistoricalIntervalsOutput {
            intervals: planned.intervals,
            checkpoint: last_synced,
            beyond_retention: planned.beyond_retention,
            remaining: planned.remaining,
            queues: 0,
            agents: 0,
            connect_calls: 0,
        };
        if output.intervals.is_empty() {
            tracing::info!(checkpoint = ?last_synced, "no completed interval since the checkpoint");
            return Ok(output);
        }

        let mut calls = ConnectCalls::default();
        let queues = all_queues(
            ports.connect.as_ref(),
            &settings.instance_id,
            settings.queue_page_size,
            &mut calls,
        )
        .await?;
        let agents = all_users(ports.connect.as_ref(), &settings.instance_id, &mut calls).await?;
        let listed = ListedResources {
            execution: context
                .execution_name
                .clone()
                .unwrap_or_else(|| "unnamed".to_string()),
            listed_at: context.now,
            instance_arn: instance_arn(&queues, &agents),
            queues,
            agents,
        };
        output.queues = listed.queues.len();
        output.agents = listed.agents.len();
        output.connect_calls = calls.calls;
        StoredJson {
            store: ports.store.as_ref(),
            location: settings.resources_location(),
        }
        .update::<ListedResources>(|stored| {
            // An overlapping older run must not replace a newer list.
            stored
                .is_none_or(|stored| stored.listed_at <= listed.listed_at)
                .then(|| listed.clone())
        })
        .await?;
        tracing::info!(
            intervals = output.intervals.len(),
            queues = output.queues,
            agents = output.agents,
            connect_calls = output.connect_calls,
            "planned the historical intervals"
        );
        Ok(output)
    }
}
