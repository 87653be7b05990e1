//! `ListQueues`: the instance's STANDARD queues (every page), stored in the sync state for this
//! execution's ticks, and the ticks planned from when the list was complete.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};
use serde::{Deserialize, Serialize};

use crate::connect_reads::{ConnectCalls, list_all_queues};
use crate::error::{MetricsError, MetricsErrorKind, names};
use crate::ports::{ConnectMetrics, ObjectStore};
use crate::settings::RealtimeSettings;
use crate::steps::{Tick, plan_ticks};
use crate::sync_state::{QueueList, StoredSyncState};

pub struct ListQueues;

pub struct ListQueuesPorts {
    pub connect: Arc<dyn ConnectMetrics>,
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<RealtimeSettings>,
}

/// The schedule's input: nothing is needed (the instance and page sizes are the function's
/// configuration); anything given is ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQueuesInput {}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQueuesOutput {
    pub queue_count: usize,
    pub connect_calls: u32,
    pub ticks: Vec<Tick>,
}

impl Task for ListQueues {
    const STATE: &'static str = "ListQueues";
    type Ports = ListQueuesPorts;
    type Input = ListQueuesInput;
    type Output = ListQueuesOutput;
    type Error = MetricsError;

    fn error_names() -> Vec<ErrorName> {
        use MetricsErrorKind as Kind;
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
        ports: &ListQueuesPorts,
        _input: ListQueuesInput,
        context: &TaskContext,
    ) -> Result<ListQueuesOutput, MetricsError> {
        let settings = &ports.settings;
        let mut calls = ConnectCalls::default();
        let queues = list_all_queues(
            ports.connect.as_ref(),
            &settings.instance_id,
            settings.queue_page_size,
            &mut calls,
        )
        .await?;
        let queue_count = queues.len();
        let execution = context
            .execution_name
            .clone()
            .unwrap_or_else(|| "unnamed".to_string());
        let listed_at = context.now;
        let list = QueueList {
            execution,
            listed_at,
            queues,
        };
        StoredSyncState {
            store: ports.store.as_ref(),
            location: settings.state_location(),
        }
        .update(|state| {
            // An overlapping older execution must not replace a newer list.
            if state
                .queue_list
                .as_ref()
                .is_none_or(|stored| stored.listed_at <= list.listed_at)
            {
                state.queue_list = Some(list.clone());
            }
        })
        .await?;
        tracing::info!(
            queue_count,
            connect_calls = calls.calls,
            "listed the queues"
        );
        Ok(ListQueuesOutput {
            queue_count,
            connect_calls: calls.calls,
            ticks: plan_ticks(listed_at),
        })
    }
}
