//! The org's daily API request allowance, as reported in `Sforce-Limit-Info`.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counts authenticated API calls against the daily maximum.
#[derive(Debug)]
pub struct ApiUsage {
    used: AtomicU64,
    max: u64,
}

/// The usage right after one call was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageSnapshot {
    pub used: u64,
    pub max: u64,
}

impl UsageSnapshot {
    /// Salesforce refuses the call that takes usage past the maximum.
    pub fn exceeded(&self) -> bool {
        self.used > self.max
    }

    /// Value of the `Sforce-Limit-Info` header.
    pub fn header_value(&self) -> String {
        format!("api-usage={}/{}", self.used, self.max)
    }
}

impl ApiUsage {
    pub fn new(max: u64) -> Self {
        Self {
            used: AtomicU64::new(0),
            max,
        }
    }

    /// Counts one call and returns the usage including it.
    pub fn record_call(&self) -> UsageSnapshot {
        let used = self.used.fetch_add(1, Ordering::SeqCst) + 1;
        UsageSnapshot {
            used,
            max: self.max,
        }
    }

    pub fn set_used(&self, used: u64) {
        self.used.store(used, Ordering::SeqCst);
    }

    pub fn current(&self) -> UsageSnapshot {
        UsageSnapshot {
            used: self.used.load(Ordering::SeqCst),
            max: self.max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_usage_passes_the_max_should_report_exceeded() {
        let usage = ApiUsage::new(2);
        assert!(!usage.record_call().exceeded());
        let second = usage.record_call();
        assert!(!second.exceeded());
        assert_eq!(second.header_value(), "api-usage=2/2");
        assert!(usage.record_call().exceeded());
    }
}
