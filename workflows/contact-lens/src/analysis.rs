//! A Contact Lens post-contact analysis file and what it writes on the contact's CCA.
//!
//! Voice ("Example Contact Lens output files for a call", `Version` 1.1.0): overall sentiment
//! per participant, quarter sentiment, interruptions, non-talk time, talk speed and talk time
//! per participant, categories, turns with offsets and loudness. Chat ("Example Contact Lens
//! output files for a chat", `Version` `CHAT-2022-11-30`): sentiment by participant role
//! (`OverallSentiment.DetailsByParticipantRole`), sentiment shift instead of quarters,
//! categories whose points of interest are transcript items, response times, and a transcript of
//! messages and events with `AbsoluteTime`. Only the fields a file has are written: a chat never
//! gets talk time, talk speed, interruptions, non-talk time or a sentiment curve, not even 0.

use salesforce_client::Record;
use serde::Serialize;
use serde_json::{Value, json};

use crate::file_key::FileKind;
use post_call::Namespace;

pub const DATA_SOURCE: &str = "Contact_Lens";
pub const TRANSCRIPTS_ATTACHMENT: &str = "ContactLensTranscripts.json";
pub const TRANSCRIPTS_DESCRIPTION: &str = "Contact Lens Transcripts";
/// A long text area holds at most 131,072 characters; longer text is cut there rather than
/// refused by Salesforce (`STRING_TOO_LONG`).
pub const LONG_TEXT_LIMIT: usize = 131_072;

/// An analysis file as read.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub kind: FileKind,
    document: Value,
}

/// One turn of the transcript attachment (the old package's `ContactLensTranscripts.json`
/// shape for calls; messages with their time for chats).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptTurn {
    pub id: Option<String>,
    pub participant_id: Option<String>,
    pub participant_role: Option<String>,
    pub content: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begin_offset_millis: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_offset_millis: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absolute_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<String>,
    #[serde(rename = "loudness_score", skip_serializing_if = "Option::is_none")]
    pub loudness_score: Option<Value>,
    #[serde(rename = "issues_detected", skip_serializing_if = "Option::is_none")]
    pub issues_detected: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redaction: Option<Value>,
}

impl Analysis {
    /// The file's JSON as the key's kind of analysis; `Err` says what is missing.
    pub fn parse(kind: FileKind, bytes: &[u8]) -> Result<Self, String> {
        let document: Value = serde_json::from_slice(bytes)
            .map_err(|error| format!("not JSON ({})", error.classify_name()))?;
        if !document.is_object() {
            return Err("not a JSON object".into());
        }
        let expected = match kind {
            FileKind::VoiceAnalysis => "VOICE",
            FileKind::ChatAnalysis => "CHAT",
            FileKind::ChatTranscript => return Err("a chat transcript is not an analysis".into()),
        };
        if let Some(channel) = document.get("Channel").and_then(Value::as_str)
            && channel != expected
        {
            return Err(format!(
                "its Channel is {channel:?}, but its key is a {expected} analysis's"
            ));
        }
        let analysis = Self { kind, document };
        if analysis.instance_id().is_none() {
            return Err("it has no CustomerMetadata.InstanceId".into());
        }
        Ok(analysis)
    }

    pub fn instance_id(&self) -> Option<&str> {
        self.text("/CustomerMetadata/InstanceId")
    }

    pub fn contact_id(&self) -> Option<&str> {
        self.text("/CustomerMetadata/ContactId")
    }

    fn at(&self, pointer: &str) -> Option<&Value> {
        self.document
            .pointer(pointer)
            .filter(|value| !value.is_null())
    }

    fn text(&self, pointer: &str) -> Option<&str> {
        self.at(pointer)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
    }

    /// The Contact Lens fields of the CCA (namespace applied); `recording_path` is the redacted
    /// recording's `bucket/key`, when the contact imports it.
    pub fn cca_fields(&self, namespace: &Namespace, recording_path: Option<&str>) -> Record {
        let mut fields = Record::new();
        let mut put = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                fields.insert(namespace.apply(name), value);
            }
        };
        let number = |pointer: &str| self.at(pointer).filter(|value| value.is_number()).cloned();
        let json_text = |pointer: &str| {
            self.at(pointer)
                .map(|value| Value::String(long_text(value.to_string())))
        };
        let characteristics = "/ConversationCharacteristics";
        match self.kind {
            FileKind::VoiceAnalysis => {
                let sentiment = format!("{characteristics}/Sentiment/OverallSentiment");
                put(
                    "ContactLensCustomerSentiment__c",
                    number(&format!("{sentiment}/CUSTOMER")),
                );
                put(
                    "ContactLensAgentSentiment__c",
                    number(&format!("{sentiment}/AGENT")),
                );
                let interruptions = format!("{characteristics}/Interruptions");
                put(
                    "ContactLensInterruptions__c",
                    number(&format!("{interruptions}/TotalCount")),
                );
                put(
                    "ContactLensAgentInterruptions__c",
                    json_text(&format!("{interruptions}/InterruptionsByInterrupter/AGENT")),
                );
                put(
                    "ContactLensCustomerInterruptions__c",
                    json_text(&format!(
                        "{interruptions}/InterruptionsByInterrupter/CUSTOMER"
                    )),
                );
                put(
                    "ContactLensNonTalkTime__c",
                    number(&format!("{characteristics}/NonTalkTime/TotalTimeMillis")),
                );
                let speed = format!("{characteristics}/TalkSpeed/DetailsByParticipant");
                put(
                    "ContactLensTalkSpeedCustomer__c",
                    number(&format!("{speed}/CUSTOMER/AverageWordsPerMinute")),
                );
                put(
                    "ContactLensTalkSpeedAgent__c",
                    number(&format!("{speed}/AGENT/AverageWordsPerMinute")),
                );
                let talk = format!("{characteristics}/TalkTime");
                put(
                    "ContactLensTalkTimeTotal__c",
                    number(&format!("{talk}/TotalTimeMillis")),
                );
                put(
                    "ContactLensTalkTimeCustomer__c",
                    number(&format!(
                        "{talk}/DetailsByParticipant/CUSTOMER/TotalTimeMillis"
                    )),
                );
                put(
                    "ContactLensTalkTimeAgent__c",
                    number(&format!(
                        "{talk}/DetailsByParticipant/AGENT/TotalTimeMillis"
                    )),
                );
                put(
                    "ContactLensCustomerSentimentCurve__c",
                    self.customer_sentiment_curve().map(|curve| json!(curve)),
                );
                put(
                    post_call::contact_analytics::RECORDING_PATH_FIELD,
                    recording_path.map(|path| json!(path)),
                );
            }
            FileKind::ChatAnalysis => {
                let sentiment = format!(
                    "{characteristics}/Sentiment/OverallSentiment/DetailsByParticipantRole"
                );
                put(
                    "ContactLensCustomerSentiment__c",
                    number(&format!("{sentiment}/CUSTOMER")),
                );
                put(
                    "ContactLensAgentSentiment__c",
                    number(&format!("{sentiment}/AGENT")),
                );
            }
            FileKind::ChatTranscript => {}
        }
        put(
            "ContactLensMatchedCategories__c",
            self.matched_categories().map(Value::String),
        );
        put(
            "ContactLensMatchedDetails__c",
            json_text("/Categories/MatchedDetails"),
        );
        put(
            "ContactLensTranscriptsFullText__c",
            Some(Value::String(long_text(self.full_text()))),
        );
        put("DataSource__c", Some(json!(DATA_SOURCE)));
        fields
    }

    /// `|`-joined matched categories; none when nothing matched.
    fn matched_categories(&self) -> Option<String> {
        let names: Vec<&str> = self
            .at("/Categories/MatchedCategories")?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        (!names.is_empty()).then(|| names.join("|"))
    }

    /// The customer's sentiment over the four quarters of a call: the middle quarters averaged,
    /// `S` when it rises by at least 1 then keeps rising, `Z` when it falls by at least 1 then
    /// keeps falling, else `Other` (the old package's rule). Needs the four quarter scores.
    pub fn customer_sentiment_curve(&self) -> Option<&'static str> {
        let scores: Vec<f64> = self
            .at("/ConversationCharacteristics/Sentiment/SentimentByPeriod/QUARTER/CUSTOMER")?
            .as_array()?
            .iter()
            .filter_map(|quarter| quarter.get("Score")?.as_f64())
            .collect();
        let [first, second, third, last] = scores.as_slice() else {
            return None;
        };
        let middle = (second + third) / 2.0;
        Some(if *first <= middle - 1.0 && middle < *last {
            "S"
        } else if *first >= middle + 1.0 && middle > *last {
            "Z"
        } else {
            "Other"
        })
    }

    fn participant_roles(&self) -> Vec<(String, String)> {
        self.at("/Participants")
            .and_then(Value::as_array)
            .map(|participants| {
                participants
                    .iter()
                    .filter_map(|participant| {
                        Some((
                            participant.get("ParticipantId")?.as_str()?.to_string(),
                            participant.get("ParticipantRole")?.as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The transcript's turns with text: a call's every turn, a chat's messages (its events,
    /// joins and leaves, carry no text).
    pub fn transcript(&self) -> Vec<TranscriptTurn> {
        let roles = self.participant_roles();
        let text =
            |item: &Value, name: &str| item.get(name).and_then(Value::as_str).map(str::to_string);
        let present =
            |item: &Value, name: &str| item.get(name).filter(|value| !value.is_null()).cloned();
        let Some(items) = self.at("/Transcript").and_then(Value::as_array) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| {
                let content = text(item, "Content")?;
                if self.kind == FileKind::ChatAnalysis
                    && text(item, "Type")
                        .as_deref()
                        .is_some_and(|kind| kind != "MESSAGE")
                {
                    return None;
                }
                let participant_id = text(item, "ParticipantId");
                let participant_role = text(item, "ParticipantRole").or_else(|| {
                    let id = participant_id.as_deref()?;
                    roles
                        .iter()
                        .find(|(known, _)| known == id)
                        .map(|(_, role)| role.clone())
                });
                Some(TranscriptTurn {
                    id: text(item, "Id"),
                    participant_id,
                    participant_role,
                    content,
                    begin_offset_millis: present(item, "BeginOffsetMillis"),
                    end_offset_millis: present(item, "EndOffsetMillis"),
                    absolute_time: text(item, "AbsoluteTime"),
                    sentiment: text(item, "Sentiment"),
                    loudness_score: present(item, "LoudnessScore"),
                    issues_detected: present(item, "IssuesDetected"),
                    redaction: present(item, "Redaction"),
                })
            })
            .collect()
    }

    /// Every turn's text, space-separated.
    pub fn full_text(&self) -> String {
        self.transcript()
            .iter()
            .map(|turn| turn.content.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The `ContactLensTranscripts.json` attachment's body; `None` without a turn (nothing is
    /// attached, as before).
    pub fn transcript_attachment(&self) -> Option<Vec<u8>> {
        let turns = self.transcript();
        if turns.is_empty() {
            return None;
        }
        serde_json::to_vec(&turns).ok()
    }
}

/// At most [`LONG_TEXT_LIMIT`] characters.
pub fn long_text(text: String) -> String {
    if text.chars().count() <= LONG_TEXT_LIMIT {
        return text;
    }
    text.chars().take(LONG_TEXT_LIMIT).collect()
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "a syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}
