//! The package-level switches of the post-call workflow, as the workflow input carries them.
//!
//! JSON (every key optional; the defaults are the stack parameters' defaults):
//!
//! ```json
//! {
//!   "postcallCTRImportEnabled": true,
//!   "postcallRecordingImportEnabled": true,
//!   "postcallRedactedRecordingImportEnabled": true,
//!   "postcallTranscribeEnabled": true,
//!   "postcallTranscribeLanguage": "en-US",
//!   "postcallTranscribeComprehendAnalysis": "snt,kw,dl,ne,syn",
//!   "transcriptionJobCheckWaitTime": 20,
//!   "salesforceAdapterNamespace": "amazonconnect",
//!   "connectRecordingS3BucketName": "amazon-connect-3e91c4d7a2b8",
//!   "transcribeOutputS3BucketName": "northwind-transcripts",
//!   "region": "us-west-2"
//! }
//! ```
//!
//! Flags accept JSON booleans or the stack parameters' strings `true`/`True`/`false`/`False`,
//! so a template can pass `!Ref` values unchanged. `postcallTranscribeLanguage` is the language
//! used when a contact enables transcription without `postcallTranscribeLanguage` (absent or
//! empty: such contacts are not transcribed). `postcallTranscribeComprehendAnalysis` (a comma
//! list or an array of `snt`, `kw`, `dl`, `ne`, `syn`) is the set of analyses the deployment
//! allows; a contact's own list is filtered by it. `region` fills `Region__c` where the org has
//! that field (blank: never).

use serde::{Deserialize, Deserializer, Serialize};

use crate::namespace::Namespace;
use crate::plan::ComprehendAnalysis;

/// Retry transient failures for an hour by default: rides out a Salesforce maintenance window.
pub const DEFAULT_OUTAGE_TOLERANCE_MINUTES: u32 = 60;
/// Transcribe finishes most jobs in minutes; four hours covers its worst queues.
pub const DEFAULT_TRANSCRIPTION_MAX_WAIT_MINUTES: u32 = 240;

/// The deploy-time switches and names the per-contact steps need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PackageSwitches {
    #[serde(rename = "postcallCTRImportEnabled", deserialize_with = "flag")]
    pub ctr_import_enabled: bool,
    #[serde(rename = "postcallRecordingImportEnabled", deserialize_with = "flag")]
    pub recording_import_enabled: bool,
    #[serde(
        rename = "postcallRedactedRecordingImportEnabled",
        deserialize_with = "flag"
    )]
    pub redacted_recording_import_enabled: bool,
    #[serde(rename = "postcallTranscribeEnabled", deserialize_with = "flag")]
    pub transcribe_enabled: bool,
    #[serde(
        rename = "postcallTranscribeLanguage",
        skip_serializing_if = "Option::is_none"
    )]
    pub default_transcribe_language: Option<String>,
    #[serde(
        rename = "postcallTranscribeComprehendAnalysis",
        deserialize_with = "analysis_list"
    )]
    pub allowed_comprehend_analyses: Vec<ComprehendAnalysis>,
    /// Seconds between two checks of a transcription job (the Wait state's `SecondsPath`).
    #[serde(rename = "transcriptionJobCheckWaitTime")]
    pub transcription_job_check_wait_time: u32,
    /// Minutes a step keeps retrying a service's transient failures (a Salesforce outage,
    /// `UNABLE_TO_LOCK_ROW`, throttling) before the contact fails with the last error kept.
    #[serde(rename = "outageToleranceMinutes")]
    pub outage_tolerance_minutes: u32,
    /// The longest a contact waits for its transcription job, from the job's start.
    #[serde(rename = "transcriptionMaxWaitMinutes")]
    pub transcription_max_wait_minutes: u32,
    #[serde(rename = "salesforceAdapterNamespace", alias = "namespace")]
    pub namespace: Namespace,
    #[serde(rename = "connectRecordingS3BucketName")]
    pub recording_bucket: String,
    /// Where Transcribe writes its output and where the contact markers live.
    #[serde(rename = "transcribeOutputS3BucketName")]
    pub transcript_bucket: String,
    pub region: String,
}

impl Default for PackageSwitches {
    fn default() -> Self {
        Self {
            ctr_import_enabled: true,
            recording_import_enabled: true,
            redacted_recording_import_enabled: true,
            transcribe_enabled: true,
            default_transcribe_language: None,
            allowed_comprehend_analyses: ComprehendAnalysis::ALL.to_vec(),
            transcription_job_check_wait_time: 20,
            outage_tolerance_minutes: DEFAULT_OUTAGE_TOLERANCE_MINUTES,
            transcription_max_wait_minutes: DEFAULT_TRANSCRIPTION_MAX_WAIT_MINUTES,
            namespace: Namespace::parse("amazonconnect").unwrap_or_default(),
            recording_bucket: String::new(),
            transcript_bucket: String::new(),
            region: String::new(),
        }
    }
}

impl PackageSwitches {
    pub fn outage_tolerance(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.outage_tolerance_minutes.max(1)))
    }

    pub fn transcription_max_wait(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.transcription_max_wait_minutes.max(1)))
    }
}

/// A boolean, or one of the strings CloudFormation parameters use.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Flag::deserialize(deserializer)? {
        Flag::Bool(value) => Ok(value),
        Flag::Text(text) => env_config::parse_bool(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected true/True/false/False, found {:?}",
                text.trim()
            ))
        }),
    }
}

/// A comma list (`"snt,kw"`) or an array of analysis codes; unknown codes are refused so a
/// typo in the stack parameter shows up at once.
fn analysis_list<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<ComprehendAnalysis>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        Text(String),
        Codes(Vec<String>),
    }
    let codes: Vec<String> = match Option::<List>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(List::Text(text)) => text.split(',').map(str::to_string).collect(),
        Some(List::Codes(codes)) => codes,
    };
    let mut analyses = Vec::new();
    for code in codes
        .iter()
        .map(|code| code.trim())
        .filter(|c| !c.is_empty())
    {
        let analysis = ComprehendAnalysis::from_code(code).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown Comprehend analysis {code:?}; expected snt, kw, dl, ne or syn"
            ))
        })?;
        if !analyses.contains(&analysis) {
            analyses.push(analysis);
        }
    }
    Ok(analyses)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn when_input_is_empty_should_use_the_stack_defaults() {
        let switches: PackageSwitches = serde_json::from_value(json!({})).unwrap();
        assert_eq!(switches, PackageSwitches::default());
        assert_eq!(switches.namespace.prefix(), Some("amazonconnect"));
    }

    #[test]
    fn when_flags_are_parameter_strings_should_read_them() {
        let switches: PackageSwitches = serde_json::from_value(json!({
            "postcallCTRImportEnabled": "False",
            "postcallRecordingImportEnabled": "true",
            "postcallTranscribeEnabled": false,
            "postcallTranscribeComprehendAnalysis": "snt, kw,snt",
            "salesforceAdapterNamespace": "-",
            "transcriptionJobCheckWaitTime": 5
        }))
        .unwrap();
        assert!(!switches.ctr_import_enabled);
        assert!(switches.recording_import_enabled);
        assert!(!switches.transcribe_enabled);
        assert_eq!(
            switches.allowed_comprehend_analyses,
            [
                ComprehendAnalysis::Sentiment,
                ComprehendAnalysis::KeyPhrases
            ]
        );
        assert_eq!(switches.namespace.prefix(), None);
        assert_eq!(switches.transcription_job_check_wait_time, 5);
    }

    #[test]
    fn when_a_flag_or_code_is_unknown_should_fail_with_its_value() {
        let error =
            serde_json::from_value::<PackageSwitches>(json!({"postcallCTRImportEnabled": "yes"}))
                .unwrap_err();
        assert!(error.to_string().contains("\"yes\""));
        let error = serde_json::from_value::<PackageSwitches>(
            json!({"postcallTranscribeComprehendAnalysis": ["snt", "mood"]}),
        )
        .unwrap_err();
        assert!(error.to_string().contains("mood"));
    }

    #[test]
    fn when_serialised_should_read_back_the_same() {
        let switches = PackageSwitches {
            region: "us-west-2".into(),
            default_transcribe_language: Some("en-US".into()),
            ..PackageSwitches::default()
        };
        let text = serde_json::to_string(&switches).unwrap();
        assert_eq!(
            serde_json::from_str::<PackageSwitches>(&text).unwrap(),
            switches
        );
    }
}
