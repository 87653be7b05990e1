//! Injected faults: the throttling, service errors and slowness a real instance produces, on demand.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A fault to apply to matching Connect API calls (never to control calls).
///
/// JSON form: `{"kind": {"throttle": {}}, "schedule": {"times": 2}, "operation": "GetCurrentMetricData"}`;
/// `schedule` defaults to `"once"`, no `operation` means every operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    pub kind: FaultKind,
    #[serde(default)]
    pub schedule: FaultSchedule,
    /// The operation name (`ListQueues`, `GetCurrentMetricData`, `GetMetricDataV2`,
    /// `GetContactAttributes`); `None` matches every operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

impl Fault {
    /// A fault on the next call of any operation.
    pub fn once(kind: FaultKind) -> Self {
        Self {
            kind,
            schedule: FaultSchedule::Once,
            operation: None,
        }
    }

    /// 429 ThrottlingException, once.
    pub fn throttle() -> Self {
        Self::once(FaultKind::Throttle {})
    }

    /// `status` InternalServiceException, once.
    pub fn server_error(status: u16) -> Self {
        Self::once(FaultKind::ServerError(status))
    }

    /// A delay before normal handling, once.
    pub fn latency(delay: Duration) -> Self {
        Self::once(FaultKind::LatencyMs(
            u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
        ))
    }

    pub fn with_schedule(mut self, schedule: FaultSchedule) -> Self {
        self.schedule = schedule;
        self
    }

    pub fn on_operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    fn matches(&self, operation: &str) -> bool {
        self.operation.as_deref().is_none_or(|o| o == operation)
    }
}

/// What happens to a faulted call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// 429 `ThrottlingException` "Rate exceeded" (JSON `{"throttle": {}}`).
    Throttle {},
    /// This status (5xx) with `InternalServiceException` (JSON `{"server_error": 500}`).
    ServerError(u16),
    /// Wait this many milliseconds, then serve normally (JSON `{"latency_ms": 250}`).
    LatencyMs(u64),
}

impl FaultKind {
    /// Short label recorded in the request log and in [`FaultInjector::applied`].
    pub fn label(&self) -> String {
        match self {
            Self::Throttle {} => "throttle".to_owned(),
            Self::ServerError(status) => format!("server_error {status}"),
            Self::LatencyMs(ms) => format!("latency {ms}ms"),
        }
    }
}

/// Which of the matching calls a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultSchedule {
    /// The next matching call.
    #[default]
    Once,
    /// The next n matching calls.
    Times(u32),
    /// The n-th, 2n-th, … matching call.
    #[serde(alias = "every_nth")]
    Every(u32),
    /// Every matching call until cleared.
    Always,
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
            FaultSchedule::Every(n) => n > 0 && self.matched.is_multiple_of(u64::from(n)),
            FaultSchedule::Always => true,
        }
    }

    fn exhausted(&self) -> bool {
        match self.fault.schedule {
            FaultSchedule::Once => self.fired >= 1,
            FaultSchedule::Times(n) => self.fired >= u64::from(n),
            FaultSchedule::Every(_) | FaultSchedule::Always => false,
        }
    }
}

/// The faults waiting to be applied, in the order they were injected.
#[derive(Debug, Default)]
pub struct FaultInjector {
    active: Mutex<Vec<ActiveFault>>,
    applied: Mutex<BTreeMap<String, u64>>,
}

impl FaultInjector {
    pub fn inject(&self, fault: Fault) {
        lock(&self.active).push(ActiveFault {
            fault,
            matched: 0,
            fired: 0,
        });
    }

    pub fn clear(&self) {
        lock(&self.active).clear();
    }

    /// Counts this call against every matching fault and returns the first one due.
    pub fn fault_for(&self, operation: &str) -> Option<FaultKind> {
        let mut active = lock(&self.active);
        let mut chosen = None;
        for (index, entry) in active.iter_mut().enumerate() {
            if !entry.fault.matches(operation) {
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
        *lock(&self.applied).entry(kind.label()).or_default() += 1;
        Some(kind)
    }

    /// `(label, calls)` for every kind of fault applied so far, exhausted ones included.
    pub fn applied(&self) -> Vec<(String, u64)> {
        lock(&self.applied)
            .iter()
            .map(|(label, count)| (label.clone(), *count))
            .collect()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(injector: &FaultInjector, operation: &str, calls: usize) -> Vec<bool> {
        (0..calls)
            .map(|_| injector.fault_for(operation).is_some())
            .collect()
    }

    #[test]
    fn schedules_should_hit_once_times_every_and_always() {
        let once = FaultInjector::default();
        once.inject(Fault::throttle());
        assert_eq!(hits(&once, "ListQueues", 3), [true, false, false]);

        let times = FaultInjector::default();
        times.inject(Fault::server_error(500).with_schedule(FaultSchedule::Times(2)));
        assert_eq!(hits(&times, "ListQueues", 3), [true, true, false]);

        let every = FaultInjector::default();
        every.inject(Fault::throttle().with_schedule(FaultSchedule::Every(3)));
        assert_eq!(
            hits(&every, "ListQueues", 6),
            [false, false, true, false, false, true]
        );

        let always = FaultInjector::default();
        always.inject(Fault::throttle().with_schedule(FaultSchedule::Always));
        assert_eq!(hits(&always, "ListQueues", 3), [true, true, true]);
    }

    #[test]
    fn when_the_operation_differs_should_not_hit_or_count() {
        let injector = FaultInjector::default();
        injector.inject(
            Fault::throttle()
                .with_schedule(FaultSchedule::Every(2))
                .on_operation("GetCurrentMetricData"),
        );
        assert_eq!(hits(&injector, "ListQueues", 3), [false, false, false]);
        assert_eq!(hits(&injector, "GetCurrentMetricData", 2), [false, true]);
        assert_eq!(injector.applied(), [("throttle".to_owned(), 1)]);
    }

    #[test]
    fn fault_json_should_read_the_documented_forms() {
        let fault: Fault = serde_json::from_str(
            r#"{"kind":{"throttle":{}},"schedule":{"every":2},"operation":"GetCurrentMetricData"}"#,
        )
        .expect("valid fault JSON");
        assert_eq!(
            fault,
            Fault::throttle()
                .with_schedule(FaultSchedule::Every(2))
                .on_operation("GetCurrentMetricData")
        );
        let fault: Fault =
            serde_json::from_str(r#"{"kind":{"server_error":503},"schedule":"always"}"#)
                .expect("valid fault JSON");
        assert_eq!(
            fault,
            Fault::server_error(503).with_schedule(FaultSchedule::Always)
        );
        let fault: Fault =
            serde_json::from_str(r#"{"kind":{"latency_ms":250}}"#).expect("valid fault JSON");
        assert_eq!(fault, Fault::latency(Duration::from_millis(250)));
        assert_eq!(
            serde_json::to_value(Fault::throttle().with_schedule(FaultSchedule::Times(2)))
                .expect("serializable"),
            serde_json::json!({"kind": {"throttle": {}}, "schedule": {"times": 2}})
        );
    }
}
