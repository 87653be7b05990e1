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
