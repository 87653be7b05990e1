//! The emulator's "now" for GetMetricDataV2's time rules (EndTime not in the future, StartTime
//! within the retention): the wall clock, unless a test ties it to its own (virtual) clock.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

type Now = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

#[derive(Default)]
pub struct EmulatorClock {
    now: Mutex<Option<Now>>,
}

impl EmulatorClock {
    pub fn now(&self) -> DateTime<Utc> {
        let now = self
            .now
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        now.map_or_else(Utc::now, |now| now())
    }

    /// Answers with `now()` from here on (`None`: the wall clock again).
    pub fn set(&self, now: Option<Now>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }
}

impl fmt::Debug for EmulatorClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmulatorClock")
    }
}
