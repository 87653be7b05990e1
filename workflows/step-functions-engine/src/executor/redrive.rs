//! Redrive and stop: what an execution ran with, which executions are running (so they can be
//! stopped, and are not redriven twice at once), and the redrive eligibility rules.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde_json::Value;
use tokio::sync::Notify;

use super::{ExecutionResult, ExecutionStatus, RedrivePoint};
use crate::StateMachine;
use crate::error::RedriveError;

/// What an execution runs, the same for its first run and every redrive.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Setup {
    /// The definition after substitutions.
    pub(crate) machine: StateMachine,
    /// The execution input.
    pub(crate) input: Value,
    /// `$$.Execution` without `RedriveCount` and `RedriveTime`.
    pub(crate) execution: Value,
    /// `$$.StateMachine`.
    pub(crate) state_machine: Value,
}

/// A request to stop one running attempt of an execution.
#[derive(Default)]
pub(crate) struct StopSignal {
    requested: Mutex<Option<(Option<String>, Option<String>)>>,
    notify: Notify,
}

impl StopSignal {
    fn lock(&self) -> MutexGuard<'_, Option<(Option<String>, Option<String>)>> {
        self.requested.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn request(&self, error: Option<String>, cause: Option<String>) {
        {
            let mut requested = self.lock();
            if requested.is_none() {
                *requested = Some((error, cause));
            }
        }
        self.notify.notify_waiters();
    }

    /// Completes with the stop's error and cause once a stop is requested.
    pub(crate) async fn stopped(&self) -> (Option<String>, Option<String>) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(requested) = self.lock().clone() {
                return requested;
            }
            notified.await;
        }
    }
}

struct Entry {
    /// The redrive count of the latest attempt started.
    latest: u32,
    /// The attempt running now, if any.
    running: Option<Arc<StopSignal>>,
}

/// The executions an engine has run, by ARN.
#[derive(Default)]
pub(crate) struct Registry(Mutex<HashMap<String, Entry>>);

impl Registry {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A first run starts: it is the latest attempt of its ARN (a new execution under a name
    /// used before replaces the old one).
    pub(crate) fn start(&self, execution_arn: &str, redrive_count: u32) -> Arc<StopSignal> {
        let signal = Arc::new(StopSignal::default());
        self.lock().insert(
            execution_arn.to_string(),
            Entry {
                latest: redrive_count,
                running: Some(signal.clone()),
            },
        );
        signal
    }

    /// A redrive of the attempt with `redrive_count` starts, unless that attempt is running or
    /// has been redriven since (checked and recorded at once, so two redrives never race).
    pub(crate) fn start_redrive(
        &self,
        execution_arn: &str,
        redrive_count: u32,
    ) -> Result<Arc<StopSignal>, RedriveError> {
        let mut executions = self.lock();
        if let Some(entry) = executions.get(execution_arn) {
            refusal(entry, redrive_count)?;
        }
        let signal = Arc::new(StopSignal::default());
        executions.insert(
            execution_arn.to_string(),
            Entry {
                latest: redrive_count + 1,
                running: Some(signal.clone()),
            },
        );
        Ok(signal)
    }

    /// The attempt that `signal` stops has ended.
    pub(crate) fn finish(&self, execution_arn: &str, signal: &Arc<StopSignal>) {
        if let Some(entry) = self.lock().get_mut(execution_arn)
            && entry
                .running
                .as_ref()
                .is_some_and(|running| Arc::ptr_eq(running, signal))
        {
            entry.running = None;
        }
    }

    /// Asks the running attempt of `execution_arn` to stop; whether one was running.
    pub(crate) fn stop(
        &self,
        execution_arn: &str,
        error: Option<String>,
        cause: Option<String>,
    ) -> bool {
        let running = self
            .lock()
            .get(execution_arn)
            .and_then(|entry| entry.running.clone());
        match running {
            Some(signal) => {
                signal.request(error, cause);
                true
            }
            None => false,
        }
    }

    fn check(&self, execution_arn: &str, redrive_count: u32) -> Result<(), RedriveError> {
        match self.lock().get(execution_arn) {
            Some(entry) => refusal(entry, redrive_count),
            None => Ok(()),
        }
    }
}

fn refusal(entry: &Entry, redrive_count: u32) -> Result<(), RedriveError> {
    if entry.running.is_some() {
        Err(RedriveError::Running)
    } else if entry.latest != redrive_count {
        Err(RedriveError::Superseded {
            latest: entry.latest,
        })
    } else {
        Ok(())
    }
}

/// Executions started before `RedriveExecution` was launched (15 November 2023) cannot be
/// redriven.
fn redrive_launch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2023, 11, 15, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A redrive appends `ExecutionRedriven` and at least one more event: the history must hold
/// fewer than this many.
const REDRIVE_HISTORY_LIMIT: usize = 24_999;
/// An execution cannot stay open longer than a year.
const MAX_OPEN_DAYS: i64 = 365;
/// An execution can be redriven for 14 days after it ended.
const REDRIVABLE_DAYS: i64 = 14;

/// The eligibility rules of `RedriveExecution`, in the order of the API reference: the
/// execution's redrive point when `execution` can be redriven at `now`.
pub(crate) fn check<'a>(
    execution: &'a ExecutionResult,
    now: DateTime<Utc>,
    registry: &Registry,
) -> Result<&'a RedrivePoint, RedriveError> {
    if execution.status == ExecutionStatus::Succeeded {
        return Err(RedriveError::Succeeded);
    }
    registry.check(&execution.execution_arn, execution.redrive_count)?;
    if execution.start_date < redrive_launch() {
        return Err(RedriveError::StartedBeforeRedriveLaunch);
    }
    if execution.history.len() >= REDRIVE_HISTORY_LIMIT {
        return Err(RedriveError::HistoryEventLimitExceeded {
            events: execution.history.len(),
        });
    }
    if now - execution.start_date > TimeDelta::days(MAX_OPEN_DAYS) {
        return Err(RedriveError::MaxExecutionTimeExceeded);
    }
    if now - execution.stop_date > TimeDelta::days(REDRIVABLE_DAYS) {
        return Err(RedriveError::RedrivablePeriodExceeded);
    }
    execution
        .redrive
        .as_deref()
        .ok_or(RedriveError::NotRecorded)
}
