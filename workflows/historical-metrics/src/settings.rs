//! What both historical sources need from the function's environment (`template.yaml` sets it
//! from the stack parameters), read once per container.

use env_config::{ConfigError, flag, required};
use salesforce_client::namespace::Namespace;

use crate::objects::HistoricalObject;

pub const NAMESPACE_VARIABLE: &str = "SF_ADAPTER_NAMESPACE";
pub const REGION_VARIABLE: &str = "AWS_REGION";
pub const GLOBAL_ANALYTICS_VARIABLE: &str = "GLOBAL_ANALYTICS_ENABLED";

#[derive(Debug, Clone, PartialEq)]
pub struct HistoricalSettings {
    pub namespace: Namespace,
    /// The region the functions run in: the record id's suffix and `Region__c` when the org's
    /// object has `Region__c`, as the old package did.
    pub region: String,
    /// `GlobalAnalyticsEnabled`: record ids always end with the region.
    pub global_analytics: bool,
}

impl HistoricalSettings {
    pub fn from_env(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let namespace = Namespace::from_env(lookup, NAMESPACE_VARIABLE)?;
        Ok(Self {
            namespace,
            region: required(lookup, REGION_VARIABLE)?,
            global_analytics: flag(lookup, GLOBAL_ANALYTICS_VARIABLE, false)?,
        })
    }

    /// The object's API name with the namespace.
    pub fn object_name(&self, object: HistoricalObject) -> String {
        self.namespace.apply(object.api_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_reading_the_environment_should_apply_the_namespace_and_name_missing_variables() {
        let lookup = |name: &str| match name {
            NAMESPACE_VARIABLE => Some("amazonconnect".to_string()),
            REGION_VARIABLE => Some("us-west-2".to_string()),
            _ => None,
        };
        let settings = HistoricalSettings::from_env(&lookup).expect("settings");
        assert_eq!(
            settings.object_name(HistoricalObject::Agent),
            "amazonconnect__AC_AgentPerformance__c"
        );
        let blank = |name: &str| (name == REGION_VARIABLE).then(|| "eu-west-1".to_string());
        assert_eq!(
            HistoricalSettings::from_env(&blank)
                .expect("no namespace")
                .object_name(HistoricalObject::Queue),
            "AC_HistoricalQueueMetrics__c"
        );
        let error = HistoricalSettings::from_env(&|_: &str| None).expect_err("no region");
        assert!(error.to_string().contains(REGION_VARIABLE), "{error}");
    }
}
