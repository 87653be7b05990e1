//! The `Sforce-Limit-Info` response header: how much of the org's daily API allowance is used.

use std::fmt;

/// Daily API usage as Salesforce reports it on every REST response (`api-usage=N/M`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiUsage {
    pub used: u64,
    pub max: u64,
}

impl ApiUsage {
    /// Parses a `Sforce-Limit-Info` header value such as `api-usage=25/15000`.
    ///
    /// The header may carry several comma-separated entries (e.g. `per-app-api-usage=...`);
    /// only the org-wide `api-usage` entry is read. Returns `None` when it is absent or garbled.
    pub fn parse_header(value: &str) -> Option<ApiUsage> {
        value.split(',').map(str::trim).find_map(|entry| {
            let usage = entry.strip_prefix("api-usage=")?;
            let (used, max) = usage.split_once('/')?;
            Some(ApiUsage {
                used: used.trim().parse().ok()?,
                max: max.trim().parse().ok()?,
            })
        })
    }

    /// Calls left before Salesforce starts refusing requests with `REQUEST_LIMIT_EXCEEDED`.
    pub fn remaining(&self) -> u64 {
        self.max.saturating_sub(self.used)
    }

    /// Usage as a percentage of the allowance (100 when the allowance is unknown, i.e. 0).
    pub fn percent(&self) -> f64 {
        if self.max == 0 {
            100.0
        } else {
            self.used as f64 * 100.0 / self.max as f64
        }
    }
}

/// Publishes the usage as the metric `SalesforceApiUsagePercent` (the stack's
/// `SalesforceApiUsageAlarm`), at most once per `interval` per container: every response carries
/// the header, and a metric line per call would cost more log volume than it tells.
#[derive(Debug)]
pub(crate) struct UsagePublisher {
    interval: std::time::Duration,
    last: std::sync::Mutex<Option<std::time::Instant>>,
}

impl UsagePublisher {
    pub(crate) fn every(interval: std::time::Duration) -> Self {
        Self {
            interval,
            last: std::sync::Mutex::new(None),
        }
    }

    /// Whether `usage` seen now is published (and publishes it).
    pub(crate) fn observe(&self, usage: ApiUsage) -> bool {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if last.is_some_and(|at| at.elapsed() < self.interval) {
            return false;
        }
        *last = Some(std::time::Instant::now());
        package_metrics::emit(
            package_metrics::SALESFORCE_API_USAGE_PERCENT,
            usage.percent(),
            package_metrics::Unit::Percent,
            &[],
        );
        true
    }
}

impl fmt::Display for ApiUsage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.used, self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_is_published_at_most_once_per_interval() {
        let publisher = UsagePublisher::every(std::time::Duration::from_secs(60));
        let usage = ApiUsage { used: 45, max: 50 };
        assert_eq!(usage.percent(), 90.0);
        assert!(publisher.observe(usage), "the first sighting is published");
        assert!(
            !publisher.observe(usage),
            "then not again within the minute"
        );
        let eager = UsagePublisher::every(std::time::Duration::ZERO);
        assert!(eager.observe(usage) && eager.observe(usage));
    }

    #[test]
    fn when_header_is_plain_should_parse_used_and_max() {
        let usage = ApiUsage::parse_header("api-usage=25/15000").unwrap();
        assert_eq!(
            usage,
            ApiUsage {
                used: 25,
                max: 15000
            }
        );
        assert_eq!(usage.remaining(), 14975);
    }

    #[test]
    fn when_header_has_per_app_entry_should_read_org_usage() {
        let usage =
            ApiUsage::parse_header("per-app-api-usage=3/100(appName=x), api-usage=7/20").unwrap();
        assert_eq!(usage, ApiUsage { used: 7, max: 20 });
    }

    #[test]
    fn when_header_is_garbled_should_return_none() {
        assert_eq!(ApiUsage::parse_header("api-usage=abc/20"), None);
        assert_eq!(ApiUsage::parse_header("nothing"), None);
    }
}
