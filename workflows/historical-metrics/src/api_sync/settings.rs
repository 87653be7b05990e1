//! The API sync's configuration, read once per container from the function's environment
//! (`template.yaml` sets it from the stack parameters).

use env_config::{ConfigError, number_in, required};

use crate::ports::ObjectLocation;
use crate::settings::HistoricalSettings;

pub use crate::settings::{NAMESPACE_VARIABLE, REGION_VARIABLE};
pub const INSTANCE_ID_VARIABLE: &str = "AMAZON_CONNECT_INSTANCE_ID";
pub const QUEUE_PAGE_SIZE_VARIABLE: &str = "AMAZON_CONNECT_QUEUE_MAX_RECORDS";
pub const STATE_BUCKET_VARIABLE: &str = "SYNC_STATE_S3_BUCKET";
/// The real-time sync's budget (`SalesforceApiBudgetPercent`): both scheduled syncs pause at it.
pub use connect_metrics::settings::API_BUDGET_PERCENT_VARIABLE;

/// Where the sync keeps its checkpoint in the state bucket (`SyncStateBucket`).
pub const CHECKPOINT_KEY: &str = "historical-metrics/checkpoint.json";
/// This run's queues and agents (a few thousand do not fit a state's 256 KB).
pub const RESOURCES_KEY: &str = "historical-metrics/resources.json";

#[derive(Debug, Clone, PartialEq)]
pub struct ApiSyncSettings {
    pub instance_id: String,
    /// ListQueues page size (`AmazonConnectQueueMaxRecords`, 1–1000).
    pub queue_page_size: u32,
    /// The bucket of the sync's state (`SyncStateBucket`).
    pub state_bucket: String,
    /// The namespace and region both historical sources use.
    pub historical: HistoricalSettings,
    /// The sync pauses, before any upsert, at this share of the org's daily API allowance
    /// (`SalesforceApiBudgetPercent`, as the real-time sync).
    pub api_budget_percent: u32,
}

impl ApiSyncSettings {
    pub fn from_env(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            instance_id: required(lookup, INSTANCE_ID_VARIABLE)?,
            queue_page_size: number_in(
                lookup,
                QUEUE_PAGE_SIZE_VARIABLE,
                1..=1000,
                100,
                "a page size from 1 to 1000",
            )?,
            state_bucket: required(lookup, STATE_BUCKET_VARIABLE)?,
            historical: HistoricalSettings::from_env(lookup)?,
            api_budget_percent: connect_metrics::settings::api_budget_percent(lookup)?,
        })
    }

    pub fn checkpoint_location(&self) -> ObjectLocation {
        ObjectLocation::new(&self.state_bucket, CHECKPOINT_KEY)
    }

    pub fn resources_location(&self) -> ObjectLocation {
        ObjectLocation::new(&self.state_bucket, RESOURCES_KEY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_reading_the_environment_should_default_the_page_size_and_name_what_is_missing() {
        let lookup = |name: &str| match name {
            INSTANCE_ID_VARIABLE => Some("5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35".to_string()),
            STATE_BUCKET_VARIABLE => Some("state".to_string()),
            REGION_VARIABLE => Some("us-west-2".to_string()),
            NAMESPACE_VARIABLE => Some("amazonconnect".to_string()),
            _ => None,
        };
        let settings = ApiSyncSettings::from_env(&lookup).expect("valid");
        assert_eq!(settings.queue_page_size, 100);
        assert_eq!(
            settings.api_budget_percent, 90,
            "the real-time sync's default"
        );
        let budget = ApiSyncSettings::from_env(&|name: &str| match name {
            API_BUDGET_PERCENT_VARIABLE => Some("75".to_string()),
            _ => lookup(name),
        })
        .expect("valid");
        assert_eq!(budget.api_budget_percent, 75);
        let error = ApiSyncSettings::from_env(&|name: &str| match name {
            API_BUDGET_PERCENT_VARIABLE => Some("0".to_string()),
            _ => lookup(name),
        })
        .expect_err("out of range");
        assert!(
            error.to_string().contains("SALESFORCE_API_BUDGET_PERCENT"),
            "{error}"
        );
        assert_eq!(
            settings.checkpoint_location().to_string(),
            "s3://state/historical-metrics/checkpoint.json"
        );
        let error = ApiSyncSettings::from_env(&|name: &str| {
            (name != STATE_BUCKET_VARIABLE)
                .then(|| lookup(name))
                .flatten()
        })
        .expect_err("no bucket");
        assert!(error.to_string().contains(STATE_BUCKET_VARIABLE), "{error}");
    }
}
