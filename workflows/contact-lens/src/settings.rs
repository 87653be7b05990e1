//! The Contact Lens import's configuration, read once per container from the function's
//! environment (`template.yaml` sets it from the stack parameters).

use env_config::{ConfigError, flag, number_in, optional, required};
use post_call::{Namespace, PackageSwitches};

pub const IMPORT_ENABLED_VARIABLE: &str = "CONTACT_LENS_IMPORT_ENABLED";
pub const INSTANCE_ID_VARIABLE: &str = "AMAZON_CONNECT_INSTANCE_ID";
pub const TRANSCRIPT_BUCKET_VARIABLE: &str = "TRANSCRIBE_OUTPUT_S3_BUCKET";
pub const NAMESPACE_VARIABLE: &str = "SF_ADAPTER_NAMESPACE";
pub const REGION_VARIABLE: &str = "AWS_REGION";
pub const OUTAGE_TOLERANCE_VARIABLE: &str = "POSTCALL_OUTAGE_TOLERANCE_MINUTES";

#[derive(Debug, Clone, PartialEq)]
pub struct ContactLensSettings {
    /// `ContactLensImportEnabled`: the package switch, checked for every file.
    pub import_enabled: bool,
    /// `AmazonConnectInstanceId`: files of another instance are skipped.
    pub instance_id: String,
    /// `TranscribeOutputS3BucketName`: the contact markers and import claims (`locks/`).
    pub transcript_bucket: Option<String>,
    pub namespace: Namespace,
    /// Fills `Region__c` where the org's CCA has it.
    pub region: String,
    /// `PostcallOutageToleranceMinutes`: how long the import rides out a Salesforce outage.
    pub outage_tolerance_minutes: u32,
}

impl ContactLensSettings {
    pub fn from_env(lookup: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let namespace = Namespace::from_env(lookup, NAMESPACE_VARIABLE)?;
        Ok(Self {
            import_enabled: flag(lookup, IMPORT_ENABLED_VARIABLE, true)?,
            instance_id: required(lookup, INSTANCE_ID_VARIABLE)?,
            transcript_bucket: optional(lookup, TRANSCRIPT_BUCKET_VARIABLE),
            namespace,
            region: optional(lookup, REGION_VARIABLE).unwrap_or_default(),
            outage_tolerance_minutes: number_in(
                lookup,
                OUTAGE_TOLERANCE_VARIABLE,
                1..=1440,
                post_call::switches::DEFAULT_OUTAGE_TOLERANCE_MINUTES,
                "a whole number of minutes between 1 and 1440",
            )?,
        })
    }

    /// The post-call switches the CCA's creation reads (namespace, region, outage tolerance,
    /// the markers' bucket).
    pub fn post_call_switches(&self) -> PackageSwitches {
        PackageSwitches {
            namespace: self.namespace.clone(),
            region: self.region.clone(),
            outage_tolerance_minutes: self.outage_tolerance_minutes,
            transcript_bucket: self.transcript_bucket.clone().unwrap_or_default(),
            ..PackageSwitches::default()
        }
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
    fn defaults_are_the_stacks_and_every_error_names_its_variable() {
        let base = [(INSTANCE_ID_VARIABLE, "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35")];
        let settings = ContactLensSettings::from_env(&lookup(&base)).expect("valid");
        assert!(settings.import_enabled);
        assert_eq!(settings.transcript_bucket, None);
        assert_eq!(settings.outage_tolerance_minutes, 60);
        assert_eq!(settings.namespace.prefix(), None);

        let mut off = base.to_vec();
        off.push((IMPORT_ENABLED_VARIABLE, "False"));
        assert!(
            !ContactLensSettings::from_env(&lookup(&off))
                .unwrap()
                .import_enabled
        );
        let mut bad = base.to_vec();
        bad.push((IMPORT_ENABLED_VARIABLE, "yes"));
        let error = ContactLensSettings::from_env(&lookup(&bad)).unwrap_err();
        assert!(
            error.to_string().contains(IMPORT_ENABLED_VARIABLE),
            "{error}"
        );
        let error = ContactLensSettings::from_env(&lookup(&[])).unwrap_err();
        assert!(error.to_string().contains(INSTANCE_ID_VARIABLE), "{error}");
    }
}
