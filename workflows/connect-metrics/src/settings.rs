//! The real-time sync's configuration, read once per container from the function's
//! environment (`template.yaml` sets it from the stack parameters).

use env_config::{ConfigError, flag, number_in, required};
use salesforce_client::namespace::Namespace;

use crate::ports::ObjectLocation;

pub const INSTANCE_ID_VARIABLE: &str = "AMAZON_CONNECT_INSTANCE_ID";
pub const QUEUE_PAGE_SIZE_VARIABLE: &str = "AMAZON_CONNECT_QUEUE_MAX_RECORDS";
pub const METRICS_PAGE_SIZE_VARIABLE: &str = "AMAZON_CONNECT_QUEUE_METRICS_MAX_RECORDS";
pub const STATE_BUCKET_VARIABLE: &str = "SYNC_STATE_S3_BUCKET";
pub const REFRESH_MINUTES_VARIABLE: &str = "QUEUE_METRICS_REFRESH_MINUTES";
pub const API_BUDGET_PERCENT_VARIABLE: &str = "SALESFORCE_API_BUDGET_PERCENT";
pub const NAMESPACE_VARIABLE: &str = "SF_ADAPTER_NAMESPACE";
pub const REGION_VARIABLE: &str = "AWS_REGION";
pub const GLOBAL_ANALYTICS_VARIABLE: &str = "GLOBAL_ANALYTICS_ENABLED";

/// `SalesforceApiBudgetPercent` (default 90): the org's daily API usage at which the scheduled
/// syncs pause (`crate::budget`); one reading for the real-time and the historical sync.
pub fn api_budget_percent(lookup: &impl Fn(&str) -> Option<String>) -> Result<u32, ConfigError> {
    number_in(
        lookup,
        API_BUDGET_PERCENT_VARIABLE,
        1..=100,
        90,
        "a percentage from 1 to 100",
    )
}

/// Where the real-time sync keeps its state in the state bucket.
pub const STATE_KEY: &str = "realtime-queue-metrics/state.json";

#[derive(Debug, Clone, PartialEq)]
pub struct RealtimeSettings {
    pub instance_id: String,
    /// ListQueues page size (`AmazonConnectQueueMaxRecords`, 1–1000).
    pub queue_page_size: u32,
    /// GetCurrentMetricData page size (`AmazonConnectQueueMetricsMaxRecords`, 1–100).
    pub metrics_page_size: u32,
    /// The bucket of the sync's state (`SyncStateBucket`).
    pub state_bucket: String,
    /// The region the functions run in: the external id's suffix when the org's object has
    /// `Region__c` or `global_analytics` is on.
    pub region: String,
    /// Amazon Connect Global Resiliency (`GlobalAnalyticsEnabled`): the instance's replica in
    /// each region syncs the same queues, so the external id always carries the region (one
    /// record per queue and region), even when the org's object has no `Region__c`.
    pub global_analytics: bool,
    pub namespace: Namespace,
    /// Every queue is rewritten at least this often, changed or not (`QueueMetricsRefreshMinutes`).
    pub refresh_minutes: u32,
    /// The scheduled syncs pause above this share of the org's daily API allowance
    /// (`SalesforceApiBudgetPercent`).
    pub api_budget_percent: u32,
}

impl RealtimeSettings {
    pub fn from_env(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let namespace = Namespace::from_env(lookup, NAMESPACE_VARIABLE)?;
        Ok(Self {
            instance_id: required(lookup, INSTANCE_ID_VARIABLE)?,
            queue_page_size: number_in(
                lookup,
                QUEUE_PAGE_SIZE_VARIABLE,
                1..=1000,
                100,
                "a page size from 1 to 1000",
            )?,
            metrics_page_size: number_in(
                lookup,
                METRICS_PAGE_SIZE_VARIABLE,
                1..=100,
                100,
                "a page size from 1 to 100",
            )?,
            state_bucket: required(lookup, STATE_BUCKET_VARIABLE)?,
            region: required(lookup, REGION_VARIABLE)?,
            global_analytics: flag(lookup, GLOBAL_ANALYTICS_VARIABLE, false)?,
            namespace,
            refresh_minutes: number_in(
                lookup,
                REFRESH_MINUTES_VARIABLE,
                1..=60,
                5,
                "minutes from 1 to 60",
            )?,
            api_budget_percent: api_budget_percent(lookup)?,
        })
    }

    pub fn state_location(&self) -> ObjectLocation {
        ObjectLocation::new(&self.state_bucket, STATE_KEY)
    }

    /// `AC_QueueMetrics__c` with the namespace.
    pub fn queue_metrics_object(&self) -> String {
        self.namespace.apply("AC_QueueMetrics__c")
    }

    /// A custom field's API name with the namespace.
    pub fn field(&self, name: &str) -> String {
        self.namespace.apply(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn defaults_are_the_old_packages_and_every_error_names_its_variable() {
        let base = [
            (INSTANCE_ID_VARIABLE, "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35"),
            (STATE_BUCKET_VARIABLE, "state"),
            (REGION_VARIABLE, "us-west-2"),
            (NAMESPACE_VARIABLE, "amazonconnect"),
        ];
        let settings = RealtimeSettings::from_env(&lookup(&base)).expect("valid");
        assert_eq!(settings.queue_page_size, 100);
        assert_eq!(settings.metrics_page_size, 100);
        assert_eq!(settings.refresh_minutes, 5);
        assert_eq!(settings.api_budget_percent, 90);
        assert_eq!(
            settings.queue_metrics_object(),
            "amazonconnect__AC_QueueMetrics__c"
        );

        let mut too_big = base.to_vec();
        too_big.push((METRICS_PAGE_SIZE_VARIABLE, "101"));
        let error = RealtimeSettings::from_env(&lookup(&too_big)).expect_err("over 100");
        assert!(
            error.to_string().contains(METRICS_PAGE_SIZE_VARIABLE),
            "{error}"
        );

        let error = RealtimeSettings::from_env(&lookup(&base[1..])).expect_err("no instance");
        assert!(error.to_string().contains(INSTANCE_ID_VARIABLE), "{error}");
    }
}
