//! The setup helper's configuration, read once per container from the function's environment
//! (`template.yaml` sets it; Lambda sets `AWS_REGION`).

use std::time::Duration;

use env_config::{ConfigError, optional, required};

pub const REGION_VARIABLE: &str = "AWS_REGION";
/// The old package's variable: the stack's id (`!Ref AWS::StackId`).
pub const STACK_ID_VARIABLE: &str = "CLOUDFORMATION_STACK_ID";

/// How often, and how far apart, a storage association is tried while Connect still answers
/// that a just-created instance is not found (the old package: 5 tries, 2 s apart).
pub const STORAGE_CONFIG_ATTEMPTS: u32 = 5;
pub const STORAGE_CONFIG_RETRY_DELAY: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupSettings {
    /// `get_aws_region`'s answer and the buckets' location constraint.
    pub region: String,
    /// `retrieve_lambda_parameters`' `cloudFormationStackId`; blank outside a stack.
    pub stack_id: String,
    pub storage_config_attempts: u32,
    pub storage_config_retry_delay: Duration,
}

impl SetupSettings {
    pub fn from_env(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Self {
            region: required(lookup, REGION_VARIABLE)?,
            stack_id: optional(lookup, STACK_ID_VARIABLE).unwrap_or_default(),
            storage_config_attempts: STORAGE_CONFIG_ATTEMPTS,
            storage_config_retry_delay: STORAGE_CONFIG_RETRY_DELAY,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_the_region_is_missing_should_name_the_variable() {
        let error = SetupSettings::from_env(&|_| None).expect_err("no region");
        assert!(error.to_string().contains(REGION_VARIABLE), "{error}");
    }

    #[test]
    fn the_stack_id_is_optional() {
        let settings = SetupSettings::from_env(&|name| {
            (name == REGION_VARIABLE).then(|| "eu-west-2".to_string())
        })
        .expect("valid");
        assert_eq!(settings.region, "eu-west-2");
        assert_eq!(settings.stack_id, "");
        assert_eq!(settings.storage_config_attempts, 5);
    }
}
