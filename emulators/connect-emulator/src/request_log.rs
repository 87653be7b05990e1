//! The record of Connect API calls the emulator answered, for tests to assert on.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

/// One answered call (control calls under `/__emulator` are never logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// `ListQueues`, `GetCurrentMetricData`, `GetMetricDataV2`, `GetContactAttributes`, or
    /// `Unknown` for a path no operation serves.
    pub operation: String,
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub status: u16,
    /// The `x-amzn-ErrorType` of an error answer (`ThrottlingException`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    /// Label of the injected fault that shaped this answer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<Vec<LoggedRequest>>,
}

impl RequestLog {
    pub fn push(&self, entry: LoggedRequest) {
        lock(&self.entries).push(entry);
    }

    pub fn entries(&self) -> Vec<LoggedRequest> {
        lock(&self.entries).clone()
    }

    /// Calls per operation, failed ones included.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for entry in lock(&self.entries).iter() {
            *counts.entry(entry.operation.clone()).or_default() += 1;
        }
        counts
    }

    pub fn clear(&self) {
        lock(&self.entries).clear();
    }
}

/// A panic while logging must not stop every later call from being logged.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
