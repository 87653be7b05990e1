//! The per-contact decision: which post-call branches run, as plain values a Step Functions
//! Choice state can branch on.
//!
//! Output JSON of the Plan step:
//!
//! ```json
//! {"contactId":"8d3f…","ctrImport":true,"recordingImport":"recording","transcribe":true,
//!  "transcribeLanguage":"en-US","comprehend":["snt","kw"],"contactAnalytics":true}
//! ```
//!
//! Each branch needs the contact attribute to be exactly the string `true` AND the package
//! switch on:
//! - `ctrImport`: `postcallCTRImportEnabled`.
//! - `recordingImport`: `"recording"` when the CTR has a recording with Status `AVAILABLE` and
//!   Type `AUDIO` and `postcallRecordingImportEnabled`; otherwise `"redacted"` when
//!   `postcallRedactedRecordingImportEnabled` (Contact Lens fills the redacted path later);
//!   otherwise `"none"`.
//! - `transcribe`: `postcallTranscribeEnabled`, an `AVAILABLE` `AUDIO` recording, and a language
//!   (the `postcallTranscribeLanguage` attribute, else the package default).
//! - `comprehend`: the contact's `postcallTranscribeComprehendAnalysis` codes (unknown codes
//!   ignored, as the old package did) that the package allows; empty unless `transcribe`.
//! - `contactAnalytics`: a Contact Channel Analytics record is needed (recording import or
//!   transcription).

use serde::{Deserialize, Serialize};

use crate::ctr::ContactTraceRecord;
use crate::switches::PackageSwitches;

pub const CTR_IMPORT_ATTRIBUTE: &str = "postcallCTRImportEnabled";
pub const RECORDING_IMPORT_ATTRIBUTE: &str = "postcallRecordingImportEnabled";
pub const REDACTED_RECORDING_IMPORT_ATTRIBUTE: &str = "postcallRedactedRecordingImportEnabled";
pub const TRANSCRIBE_ATTRIBUTE: &str = "postcallTranscribeEnabled";
pub const TRANSCRIBE_LANGUAGE_ATTRIBUTE: &str = "postcallTranscribeLanguage";
pub const COMPREHEND_ANALYSIS_ATTRIBUTE: &str = "postcallTranscribeComprehendAnalysis";

/// Which Contact Channel Analytics record the `ImportRecording` step creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordingImport {
    /// With `RecordingPath__c` = the CTR's recording location.
    Recording,
    /// Without `RecordingPath__c`; Contact Lens supplies the redacted recording later.
    Redacted,
    None,
}

/// One Amazon Comprehend analysis of the customer's side of the transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ComprehendAnalysis {
    /// `snt` → `Sentiment__c`.
    #[serde(rename = "snt")]
    Sentiment,
    /// `kw` → `Keywords__c`.
    #[serde(rename = "kw")]
    KeyPhrases,
    /// `dl` → `DominantLanguage__c`.
    #[serde(rename = "dl")]
    DominantLanguage,
    /// `ne` → `NamedEntities__c`.
    #[serde(rename = "ne")]
    Entities,
    /// `syn` → attachment `ComprehendSyntax.json`.
    #[serde(rename = "syn")]
    Syntax,
}

impl ComprehendAnalysis {
    pub const ALL: [ComprehendAnalysis; 5] = [
        Self::Sentiment,
        Self::KeyPhrases,
        Self::DominantLanguage,
        Self::Entities,
        Self::Syntax,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Sentiment => "snt",
            Self::KeyPhrases => "kw",
            Self::DominantLanguage => "dl",
            Self::Entities => "ne",
            Self::Syntax => "syn",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|analysis| analysis.code() == code.trim())
    }
}

/// A CTR and the switches: `{"ctr": <CTR>, "switches": <PackageSwitches>}` (other keys of
/// the execution state are ignored). The `PlanContact` step reads a
/// [`crate::ContactState`], which may carry the CTR by reference instead.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanInput {
    pub ctr: ContactTraceRecord,
    #[serde(default)]
    pub switches: PackageSwitches,
}

/// What to do for one contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostCallPlan {
    pub contact_id: String,
    pub ctr_import: bool,
    pub recording_import: RecordingImport,
    pub transcribe: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcribe_language: Option<String>,
    #[serde(default)]
    pub comprehend: Vec<ComprehendAnalysis>,
    pub contact_analytics: bool,
}

/// Decides the branches for `ctr` under `switches` (pure: the same inputs give the same plan,
/// so every step may recompute it instead of trusting a stale copy).
pub fn plan_post_call(ctr: &ContactTraceRecord, switches: &PackageSwitches) -> PostCallPlan {
    let audio = ctr.available_audio_recording().is_some();
    let ctr_import = switches.ctr_import_enabled && ctr.attribute_is_true(CTR_IMPORT_ATTRIBUTE);

    let recording_import = if audio
        && switches.recording_import_enabled
        && ctr.attribute_is_true(RECORDING_IMPORT_ATTRIBUTE)
    {
        RecordingImport::Recording
    } else if switches.redacted_recording_import_enabled
        && ctr.attribute_is_true(REDACTED_RECORDING_IMPORT_ATTRIBUTE)
    {
        RecordingImport::Redacted
    } else {
        RecordingImport::None
    };

    let language = ctr
        .attribute(TRANSCRIBE_LANGUAGE_ATTRIBUTE)
        .map(str::trim)
        .filter(|language| !language.is_empty())
        .or_else(|| {
            switches
                .default_transcribe_language
                .as_deref()
                .map(str::trim)
                .filter(|language| !language.is_empty())
        })
        .map(str::to_string);
    let transcribe = audio
        && switches.transcribe_enabled
        && ctr.attribute_is_true(TRANSCRIBE_ATTRIBUTE)
        && language.is_some();

    let comprehend = if transcribe {
        let mut requested = Vec::new();
        for analysis in ctr
            .attribute(COMPREHEND_ANALYSIS_ATTRIBUTE)
            .unwrap_or_default()
            .split(',')
            .filter_map(ComprehendAnalysis::from_code)
        {
            if switches.allowed_comprehend_analyses.contains(&analysis)
                && !requested.contains(&analysis)
            {
                requested.push(analysis);
            }
        }
        requested
    } else {
        Vec::new()
    };

    PostCallPlan {
        contact_id: ctr.contact_id.clone(),
        ctr_import,
        recording_import,
        transcribe,
        transcribe_language: if transcribe { language } else { None },
        comprehend,
        contact_analytics: transcribe || recording_import != RecordingImport::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures;
    use serde_json::{Map, Value, json};

    fn ctr_with(attributes: &[(&str, &str)], audio: bool) -> ContactTraceRecord {
        let mut ctr = fixtures::voice_ctr();
        let mut map = Map::new();
        for (key, value) in attributes {
            map.insert((*key).into(), Value::String((*value).into()));
        }
        ctr.attributes = Some(map);
        if !audio {
            ctr.recording = None;
        }
        ctr
    }

    fn switches(ctr: bool, recording: bool, redacted: bool, transcribe: bool) -> PackageSwitches {
        PackageSwitches {
            ctr_import_enabled: ctr,
            recording_import_enabled: recording,
            redacted_recording_import_enabled: redacted,
            transcribe_enabled: transcribe,
            ..PackageSwitches::default()
        }
    }

    #[test]
    fn when_voice_fixture_is_planned_should_match_the_documented_json() {
        let plan = plan_post_call(&fixtures::voice_ctr(), &PackageSwitches::default());
        assert_eq!(
            serde_json::to_value(&plan).unwrap(),
            json!({"contactId":"8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08","ctrImport":true,
                   "recordingImport":"recording","transcribe":true,"transcribeLanguage":"en-US",
                   "comprehend":["snt","kw"],"contactAnalytics":true})
        );
    }

    #[test]
    fn when_plan_input_comes_from_the_execution_state_should_read_ctr_and_switches() {
        let input: PlanInput = serde_json::from_value(json!({
            "ctr": serde_json::to_value(fixtures::chat_ctr()).unwrap(),
            "switches": {"postcallCTRImportEnabled": "false"},
            "executionName": "ignored"
        }))
        .unwrap();
        assert!(!plan_post_call(&input.ctr, &input.switches).ctr_import);
    }

    #[test]
    fn when_chat_fixture_is_planned_should_only_import_the_ctr() {
        let plan = plan_post_call(&fixtures::chat_ctr(), &PackageSwitches::default());
        assert!(plan.ctr_import);
        assert_eq!(plan.recording_import, RecordingImport::None);
        assert!(!plan.transcribe && !plan.contact_analytics && plan.comprehend.is_empty());
    }

    #[test]
    fn when_every_attribute_and_switch_combination_is_planned_should_need_both() {
        for mask in 0u32..(1 << 9) {
            let bit = |n: u32| mask & (1 << n) != 0;
            let (ctr_attr, rec_attr, red_attr, tr_attr) = (bit(0), bit(1), bit(2), bit(3));
            let (ctr_sw, rec_sw, red_sw, tr_sw) = (bit(4), bit(5), bit(6), bit(7));
            let audio = bit(8);
            let mut attributes = vec![(TRANSCRIBE_LANGUAGE_ATTRIBUTE, "en-US")];
            for (on, key) in [
                (ctr_attr, CTR_IMPORT_ATTRIBUTE),
                (rec_attr, RECORDING_IMPORT_ATTRIBUTE),
                (red_attr, REDACTED_RECORDING_IMPORT_ATTRIBUTE),
                (tr_attr, TRANSCRIBE_ATTRIBUTE),
            ] {
                attributes.push((key, if on { "true" } else { "false" }));
            }
            let plan = plan_post_call(
                &ctr_with(&attributes, audio),
                &switches(ctr_sw, rec_sw, red_sw, tr_sw),
            );
            assert_eq!(plan.ctr_import, ctr_attr && ctr_sw, "mask {mask:09b}");
            let expected_recording = if audio && rec_attr && rec_sw {
                RecordingImport::Recording
            } else if red_attr && red_sw {
                RecordingImport::Redacted
            } else {
                RecordingImport::None
            };
            assert_eq!(plan.recording_import, expected_recording, "mask {mask:09b}");
            assert_eq!(
                plan.transcribe,
                audio && tr_attr && tr_sw,
                "mask {mask:09b}"
            );
            assert_eq!(
                plan.contact_analytics,
                plan.transcribe || expected_recording != RecordingImport::None
            );
        }
    }

    #[test]
    fn when_attribute_is_not_exactly_true_should_not_run() {
        for value in ["True", "TRUE", " true", "yes", "1"] {
            let plan = plan_post_call(
                &ctr_with(&[(CTR_IMPORT_ATTRIBUTE, value)], true),
                &PackageSwitches::default(),
            );
            assert!(!plan.ctr_import, "{value}");
        }
        let plan = plan_post_call(
            &ctr_with(&[("postcallctrimportenabled", "true")], true),
            &PackageSwitches::default(),
        );
        assert!(!plan.ctr_import, "keys are case-sensitive");
    }

    #[test]
    fn when_recording_is_not_available_audio_should_fall_back_to_redacted() {
        let mut ctr = ctr_with(
            &[
                (RECORDING_IMPORT_ATTRIBUTE, "true"),
                (REDACTED_RECORDING_IMPORT_ATTRIBUTE, "true"),
                (TRANSCRIBE_ATTRIBUTE, "true"),
                (TRANSCRIBE_LANGUAGE_ATTRIBUTE, "en-US"),
            ],
            true,
        );
        if let Some(recording) = ctr.recording.as_mut() {
            recording.status = Some("DELETED".into());
        }
        let plan = plan_post_call(&ctr, &PackageSwitches::default());
        assert_eq!(plan.recording_import, RecordingImport::Redacted);
        assert!(!plan.transcribe, "transcription needs a recording");
    }

    #[test]
    fn when_language_comes_only_from_the_package_should_use_it_and_without_any_skip() {
        let attributes = [(TRANSCRIBE_ATTRIBUTE, "true")];
        let plan = plan_post_call(&ctr_with(&attributes, true), &PackageSwitches::default());
        assert!(!plan.transcribe && plan.transcribe_language.is_none());
        let with_default = PackageSwitches {
            default_transcribe_language: Some("es-US".into()),
            ..PackageSwitches::default()
        };
        let plan = plan_post_call(&ctr_with(&attributes, true), &with_default);
        assert_eq!(plan.transcribe_language.as_deref(), Some("es-US"));
    }

    #[test]
    fn when_comprehend_codes_are_requested_should_keep_allowed_known_ones_in_order() {
        let ctr = ctr_with(
            &[
                (TRANSCRIBE_ATTRIBUTE, "true"),
                (TRANSCRIBE_LANGUAGE_ATTRIBUTE, "en-US"),
                (COMPREHEND_ANALYSIS_ATTRIBUTE, "syn, ne,bogus,snt,syn"),
            ],
            true,
        );
        let allowed = PackageSwitches {
            allowed_comprehend_analyses: vec![
                ComprehendAnalysis::Sentiment,
                ComprehendAnalysis::Syntax,
            ],
            ..PackageSwitches::default()
        };
        assert_eq!(
            plan_post_call(&ctr, &allowed).comprehend,
            [ComprehendAnalysis::Syntax, ComprehendAnalysis::Sentiment]
        );
    }
}
