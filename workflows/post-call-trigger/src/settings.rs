//! The package switches the trigger places in every execution's input, read once at cold start
//! from the function's environment (set by template.yaml from the stack parameters).

use post_call::{Namespace, PackageSwitches};

/// The longest `TranscriptionJobCheckWaitTime` the stack accepts, in seconds.
const MAX_WAIT_SECONDS: u32 = 3600;
/// The longest retry budget and transcription wait the stack accepts: one day, two days.
const MAX_OUTAGE_TOLERANCE_MINUTES: u32 = 1440;
const MAX_TRANSCRIPTION_WAIT_MINUTES: u32 = 2880;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SettingsError {
    #[error(transparent)]
    Variable(#[from] env_config::ConfigError),
    #[error("environment variable SF_ADAPTER_NAMESPACE is invalid: {reason}")]
    Namespace { reason: String },
}

/// The bucket the trigger keeps records in (`CTR_RECORDS_S3_BUCKET`, template.yaml's
/// `CtrRecordsBucket`): required, since without it a large CTR or a malformed record could only
/// be retried or logged.
pub fn records_bucket_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, SettingsError> {
    Ok(env_config::required(&lookup, RECORDS_BUCKET_VARIABLE)?)
}

/// The variable naming the trigger's records bucket.
pub const RECORDS_BUCKET_VARIABLE: &str = "CTR_RECORDS_S3_BUCKET";

/// The switches from any lookup: [`env_config::from_process`] in Lambda, a map in tests and
/// the local runner.
pub fn switches_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<PackageSwitches, SettingsError> {
    let defaults = PackageSwitches::default();
    let wait = env_config::number_in(
        &lookup,
        "TRANSCRIPTION_JOB_CHECK_WAIT_TIME",
        1..=MAX_WAIT_SECONDS,
        defaults.transcription_job_check_wait_time,
        "a whole number of seconds between 1 and 3600",
    )?;
    let outage_tolerance_minutes = env_config::number_in(
        &lookup,
        "POSTCALL_OUTAGE_TOLERANCE_MINUTES",
        1..=MAX_OUTAGE_TOLERANCE_MINUTES,
        defaults.outage_tolerance_minutes,
        "a whole number of minutes between 1 and 1440",
    )?;
    let transcription_max_wait_minutes = env_config::number_in(
        &lookup,
        "TRANSCRIPTION_MAX_WAIT_MINUTES",
        1..=MAX_TRANSCRIPTION_WAIT_MINUTES,
        defaults.transcription_max_wait_minutes,
        "a whole number of minutes between 1 and 2880",
    )?;
    let namespace = match lookup("SF_ADAPTER_NAMESPACE") {
        None => defaults.namespace.clone(),
        Some(text) => Namespace::parse(&text).map_err(|error| SettingsError::Namespace {
            reason: error.to_string(),
        })?,
    };
    Ok(PackageSwitches {
        ctr_import_enabled: env_config::flag(
            &lookup,
            "POSTCALL_CTR_IMPORT_ENABLED",
            defaults.ctr_import_enabled,
        )?,
        recording_import_enabled: env_config::flag(
            &lookup,
            "POSTCALL_RECORDING_IMPORT_ENABLED",
            defaults.recording_import_enabled,
        )?,
        transcribe_enabled: env_config::flag(
            &lookup,
            "POSTCALL_TRANSCRIBE_ENABLED",
            defaults.transcribe_enabled,
        )?,
        transcription_job_check_wait_time: wait,
        outage_tolerance_minutes,
        transcription_max_wait_minutes,
        namespace,
        recording_bucket: lookup("CONNECT_RECORDING_S3_BUCKET").unwrap_or_default(),
        transcript_bucket: lookup("TRANSCRIBE_OUTPUT_S3_BUCKET").unwrap_or_default(),
        region: lookup("AWS_REGION").unwrap_or_default(),
        ..defaults
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn switches(pairs: &[(&str, &str)]) -> Result<PackageSwitches, SettingsError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        switches_from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn stack_parameters_become_the_switches() {
        let switches = switches(&[
            ("POSTCALL_CTR_IMPORT_ENABLED", "True"),
            ("POSTCALL_RECORDING_IMPORT_ENABLED", "false"),
            ("POSTCALL_TRANSCRIBE_ENABLED", "true"),
            ("TRANSCRIPTION_JOB_CHECK_WAIT_TIME", "20"),
            ("CONNECT_RECORDING_S3_BUCKET", "recordings"),
            ("TRANSCRIBE_OUTPUT_S3_BUCKET", "transcripts"),
            ("AWS_REGION", "us-west-2"),
        ])
        .expect("valid");
        assert!(switches.ctr_import_enabled);
        assert!(!switches.recording_import_enabled);
        assert!(switches.transcribe_enabled);
        assert_eq!(switches.transcription_job_check_wait_time, 20);
        assert_eq!(switches.transcript_bucket, "transcripts");
        assert_eq!(switches.region, "us-west-2");
    }

    #[test]
    fn invalid_values_name_the_variable() {
        assert_eq!(
            switches(&[("POSTCALL_CTR_IMPORT_ENABLED", "yes")]),
            Err(SettingsError::Variable(
                env_config::ConfigError::NotABoolean {
                    name: "POSTCALL_CTR_IMPORT_ENABLED".into(),
                    value: "yes".into()
                }
            ))
        );
        let error = switches(&[("TRANSCRIPTION_JOB_CHECK_WAIT_TIME", "0")]).expect_err("zero");
        assert!(
            error
                .to_string()
                .contains("TRANSCRIPTION_JOB_CHECK_WAIT_TIME")
        );
    }
}
