//! Injected faults: the failures a real org or the network produces, on demand.

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A fault to apply to matching requests under `/services/`.
///
/// JSON form: `{"kind": {"server_error": 503}, "schedule": {"times": 2}, "path_contains": "/query", "method": "GET"}`;
/// `schedule` defaults to `"once"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub kind: FaultKind,
    #[serde(default)]
    pub schedule: FaultSchedule,
    #[serde(default)]
    pub path_contains: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
}

impl Fault {
    /// A fault on every request, once.
    pub fn once(kind: FaultKind) -> Self {
        Self {
            kind,
            schedule: FaultSchedule::Once,
            path_contains: None,
            method: None,
        }
    }

    pub fn with_schedule(mut self, schedule: FaultSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    pub fn on_path(mut self, path_contains: impl Into<String>) -> Self {
        self.path_contains = Some(path_contains.into());
        self
    }

    pub fn on_method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        let method_matches = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_matches = self
            .path_contains
            .as_deref()
            .is_none_or(|p| path.contains(p));
        method_matches && path_matches
    }
}

/// What happens to a faulted request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait this long (milliseconds in JSON), then serve normally.
    Latency(#[serde(with = "millis")] Duration),
    /// Answer with this status: 503 → SERVER_UNAVAILABLE, anything else → UNKNOWN_EXCEPTION.
    ServerError(u16),
    /// 403 REQUEST_LIMIT_EXCEEDED.
    RequestLimitExceeded,
    /// 401 INVALID_SESSION_ID for this request only.
    ExpiredSession,
    /// 400 UNABLE_TO_LOCK_ROW: another transaction holds the record (a busy org).
    RowLocked,
}

impl FaultKind {
    /// Short label recorded in the request log.
    pub fn label(&self) -> String {
        match self {
            Self::Latency(delay) => format!("latency {}ms", delay.as_millis()),
            Self::ServerError(status) => format!("server_error {status}"),
            Self::RequestLimitExceeded => "request_limit_exceeded".to_owned(),
            Self::ExpiredSession => "expired_session".to_owned(),
            Self::RowLocked => "row_locked".to_owned(),
        }
    }
}

/// Which of the matching requests a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultSchedule {
    /// The next matching request.
    #[default]
    Once,
    /// The next n matching requests.
    Times(u32),
    /// The n-th, 2n-th, ... matching request.
    EveryNth(u32),
    /// Every matching request until cleared.
    Always,
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(delay: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_millis)
    }
}

#[derive(Debug)]
struct ActiveFault {
    fault: Fault,
    matched: u64,
    fired: u64,
}

impl ActiveFault {
    fn due(&self) -> bool {
        match self.fault.schedule {
            FaultSchedule::Once => self.fired == 0,
            FaultSchedule::Times(n) => self.fired < u64::from(n),
            FaultSchedule::EveryNth(n) => n > 0 && self.matched.is_multiple_of(u64::from(n)),
            FaultSchedule::Always => true,
        }
    }

    fn exhausted(&self) -> bool {
        match self.fault.schedule {
            FaultSchedule::Once => self.fired >= 1,
            FaultSchedule::Times(n) => self.fired >= u64::from(n),
            FaultSchedule::EveryNth(_) | FaultSchedule::Always => false,
        }
    }
}

/// The faults waiting to be applied, in the order they were injected.
#[derive(Debug, Default)]
pub struct FaultInjector {
    active: Mutex<Vec<ActiveFault>>,
    /// How many requests each kind of fault (its label) was applied to, exhausted ones included.
    applied: Mutex<std::collections::BTreeMap<String, u64>>,
}

impl FaultInjector {
    pub fn inject(&self, fault: Fault) {
        self.lock().push(ActiveFault {
            fault,
            matched: 0,
            fired: 0,
        });
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Counts this request against every matching fault and returns the first one due.
    pub fn fault_for(&self, method: &str, path: &str) -> Option<FaultKind> {
        let mut active = self.lock();
        let mut chosen = None;
        for (index, entry) in active.iter_mut().enumerate() {
            if !entry.fault.matches(method, path) {
                continue;
            }
            entry.matched += 1;
            if chosen.is_none() && entry.due() {
                entry.fired += 1;
                chosen = Some((index, entry.fault.kind));
            }
        }
        let (index, kind) = chosen?;
        if active[index].exhausted() {
            active.remove(index);
        }
        *self
            .applied
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(kind.label())
            .or_default() += 1;
        Some(kind)
    }

    /// `(label, requests)` for every kind of fault applied so far, by label. Unlike the request
    /// log, this counts a request the client abandoned during a latency fault.
    pub fn applied(&self) -> Vec<(String, u64)> {
        self.applied
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(label, count)| (label.clone(), *count))
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ActiveFault>> {
        self.active
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(injector: &FaultInjector, requests: usize) -> Vec<bool> {
        (0..requests)
            .map(|_| {
                injector
                    .fault_for("GET", "/services/data/v60.0/query")
                    .is_some()
            })
            .collect()
    }

    #[test]
    fn when_scheduled_once_should_hit_only_the_next_request() {
        let injector = FaultInjector::default();
        injector.inject(Fault::once(FaultKind::ExpiredSession));
        assert_eq!(hits(&injector, 3), [true, false, false]);
    }

    #[test]
    fn when_scheduled_times_should_hit_that_many_requests() {
        let injector = FaultInjector::default();
        injector.inject(
            Fault::once(FaultKind::ServerError(503)).with_schedule(FaultSchedule::Times(2)),
        );
        assert_eq!(hits(&injector, 4), [true, true, false, false]);
    }

    #[test]
    fn when_scheduled_every_nth_should_hit_multiples_of_n() {
        let injector = FaultInjector::default();
        injector.inject(
            Fault::once(FaultKind::RequestLimitExceeded).with_schedule(FaultSchedule::EveryNth(3)),
        );
        assert_eq!(
            hits(&injector, 7),
            [false, false, true, false, false, true, false]
        );
    }

    #[test]
    fn when_path_or_method_differs_should_not_hit() {
        let injector = FaultInjector::default();
        injector.inject(
            Fault::once(FaultKind::ExpiredSession)
                .with_schedule(FaultSchedule::Always)
                .on_path("/sobjects/")
                .on_method("PATCH"),
        );
        assert!(
            injector
                .fault_for("GET", "/services/data/v60.0/sobjects/Case/x")
                .is_none()
        );
        assert!(
            injector
                .fault_for("PATCH", "/services/data/v60.0/query")
                .is_none()
        );
        assert!(
            injector
                .fault_for("patch", "/services/data/v60.0/sobjects/Case/x")
                .is_some()
        );
    }

    #[test]
    fn applied_should_count_each_label_including_exhausted_faults() {
        let injector = FaultInjector::default();
        injector.inject(Fault::once(FaultKind::ExpiredSession));
        injector.inject(
            Fault::once(FaultKind::ServerError(503)).with_schedule(FaultSchedule::EveryNth(2)),
        );
        hits(&injector, 5);
        assert_eq!(
            injector.applied(),
            [
                ("expired_session".to_owned(), 1),
                ("server_error 503".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn fault_json_should_use_snake_case_and_default_to_once() {
        let fault: Fault =
            serde_json::from_str(r#"{"kind":{"latency":250}}"#).expect("valid fault JSON");
        assert_eq!(
            fault,
            Fault::once(FaultKind::Latency(Duration::from_millis(250)))
        );
        let json = serde_json::to_value(
            Fault::once(FaultKind::ServerError(500)).with_schedule(FaultSchedule::EveryNth(2)),
        )
        .expect("serializable");
        assert_eq!(json["kind"], serde_json::json!({"server_error": 500}));
        assert_eq!(json["schedule"], serde_json::json!({"every_nth": 2}));
    }
}
