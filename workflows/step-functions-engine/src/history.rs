//! Execution history: the events `GetExecutionHistory` returns, and the observer hook.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// The event types of `GetExecutionHistory` that this engine records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
pub enum EventType {
    ExecutionStarted,
    ExecutionSucceeded,
    ExecutionFailed,
    ExecutionTimedOut,
    ExecutionAborted,
    /// The execution was redriven (`RedriveExecution`): what follows continues it.
    ExecutionRedriven,
    PassStateEntered,
    PassStateExited,
    TaskStateEntered,
    TaskStateExited,
    ChoiceStateEntered,
    ChoiceStateExited,
    WaitStateEntered,
    WaitStateExited,
    SucceedStateEntered,
    SucceedStateExited,
    FailStateEntered,
    ParallelStateEntered,
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    ParallelStateExited,
    MapStateEntered,
    MapStateStarted,
    MapStateSucceeded,
    MapStateFailed,
    MapStateExited,
    MapIterationStarted,
    MapIterationSucceeded,
    MapIterationFailed,
    TaskScheduled,
    TaskStarted,
    TaskSucceeded,
    TaskFailed,
    TaskTimedOut,
}

impl EventType {
    /// Whether this event marks a state being entered.
    pub fn is_state_entered(self) -> bool {
        matches!(
            self,
            Self::PassStateEntered
                | Self::TaskStateEntered
                | Self::ChoiceStateEntered
                | Self::WaitStateEntered
                | Self::SucceedStateEntered
                | Self::FailStateEntered
                | Self::ParallelStateEntered
                | Self::MapStateEntered
        )
    }

    /// Whether this event marks a state being left with an output.
    pub fn is_state_exited(self) -> bool {
        matches!(
            self,
            Self::PassStateExited
                | Self::TaskStateExited
                | Self::ChoiceStateExited
                | Self::WaitStateExited
                | Self::SucceedStateExited
                | Self::ParallelStateExited
                | Self::MapStateExited
        )
    }
}

/// The details of an event (the union of AWS's `*EventDetails` fields that apply).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDetails {
    /// State name (state and iteration events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Input (execution started, state entered, task scheduled parameters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// Output (execution succeeded, state exited, task succeeded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    /// Error name (failures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Cause (failures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// Task resource (task events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// Map iteration index (iteration events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Number of items (MapStateStarted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<usize>,
    /// Variables assigned by the state (state exited).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_variables: Option<serde_json::Map<String, Value>>,
    /// How many times the execution has been redriven (ExecutionRedriven).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redrive_count: Option<u32>,
}

/// One history event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEvent {
    /// 1-based event id.
    pub id: u64,
    /// The id of the previous event in the same branch of execution (0 for the first).
    pub previous_event_id: u64,
    /// When the event happened (clock time).
    pub timestamp: DateTime<Utc>,
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// The event's details.
    pub details: EventDetails,
}

/// A callback told about every history event as it is recorded (e.g. a CLI printing each
/// state as it is entered and left). It must not block.
pub type Observer = Arc<dyn Fn(&HistoryEvent) + Send + Sync>;

/// The history of one execution, shared by its branches.
#[derive(Clone)]
pub(crate) struct History {
    events: Arc<Mutex<Vec<HistoryEvent>>>,
    observers: Vec<Observer>,
}

impl History {
    /// A history that continues `events` (empty for a new execution; a redriven execution's
    /// events are appended to those of its earlier attempts), telling every observer.
    pub(crate) fn continuing(events: Vec<HistoryEvent>, observers: Vec<Observer>) -> Self {
        Self {
            events: Arc::new(Mutex::new(events)),
            observers,
        }
    }

    /// Records an event after `previous` and returns its id.
    pub(crate) fn record(
        &self,
        previous: u64,
        timestamp: DateTime<Utc>,
        event_type: EventType,
        details: EventDetails,
    ) -> u64 {
        let event = {
            let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
            let id = events.len() as u64 + 1;
            let event = HistoryEvent {
                id,
                previous_event_id: previous,
                timestamp,
                event_type,
                details,
            };
            events.push(event.clone());
            event
        };
        for observer in &self.observers {
            observer(&event);
        }
        event.id
    }

    pub(crate) fn last_id(&self) -> u64 {
        self.events.lock().unwrap_or_else(|e| e.into_inner()).len() as u64
    }

    pub(crate) fn into_events(self) -> Vec<HistoryEvent> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
