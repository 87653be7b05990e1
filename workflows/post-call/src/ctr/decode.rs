//! Kinesis record data → CTR: base64, then JSON, then the CTR model, each failure typed so a
//! poison record can be reported (and skipped) instead of blocking its shard.

use base64::Engine;
use serde_json::Value;

use super::model::ContactTraceRecord;
use redaction::redact_personal_data;

/// Why a Kinesis record is not a usable CTR. Messages never quote the record's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MalformedCtr {
    #[error("the record data is not base64: {reason}")]
    NotBase64 { reason: String },
    #[error("the record data is not UTF-8 JSON: {reason}")]
    NotJson { reason: String },
    #[error("the record is JSON but not an object (found {found})")]
    NotAnObject { found: &'static str },
    #[error("the record has no ContactId (a string) so it cannot be a contact trace record")]
    MissingContactId,
    #[error("the contact trace record {contact_id} does not match the CTR data model: {reason}")]
    InvalidShape { contact_id: String, reason: String },
}

/// Decodes the base64 `data` of one Kinesis record into a CTR.
pub fn decode_kinesis_data(data: &str) -> Result<ContactTraceRecord, MalformedCtr> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|error| MalformedCtr::NotBase64 {
            reason: error.to_string(),
        })?;
    parse_ctr_json(&bytes)
}

/// Parses a CTR from JSON bytes (the decoded Kinesis data, or a CTR file).
pub fn parse_ctr_json(bytes: &[u8]) -> Result<ContactTraceRecord, MalformedCtr> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| MalformedCtr::NotJson {
        // Only the position and class: serde's message could quote the payload.
        reason: format!(
            "{:?} error at line {} column {}",
            error.classify(),
            error.line(),
            error.column()
        ),
    })?;
    let object = match &value {
        Value::Object(object) => object,
        other => {
            return Err(MalformedCtr::NotAnObject {
                found: json_kind(other),
            });
        }
    };
    let contact_id = match object.get("ContactId") {
        Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
        _ => return Err(MalformedCtr::MissingContactId),
    };
    serde_json::from_value(value).map_err(|error| MalformedCtr::InvalidShape {
        contact_id,
        reason: redact_personal_data(&error.to_string()),
    })
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures;

    fn encode(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    #[test]
    fn when_data_is_the_voice_ctr_should_decode_every_part() {
        let ctr = decode_kinesis_data(&encode(&fixtures::text(
            "connect/contact-trace-record-voice.json",
        )))
        .unwrap();
        assert_eq!(ctr.contact_id, "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08");
        assert_eq!(
            ctr.agent.as_ref().unwrap().username.as_deref(),
            Some("priya.raman")
        );
        assert_eq!(ctr.customer_endpoint_address(), Some("+12065550143"));
        assert_eq!(
            ctr.instance_id(),
            Some("5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35")
        );
        assert!(ctr.available_audio_recording().is_some());
        assert!(ctr.attribute_is_true("postcallTranscribeEnabled"));
    }

    #[test]
    fn when_ctr_is_a_chat_with_nulls_should_decode_without_agent_queue_or_recording() {
        let ctr =
            parse_ctr_json(fixtures::text("connect/contact-trace-record-chat.json").as_bytes())
                .unwrap();
        assert_eq!(ctr.channel.as_deref(), Some("CHAT"));
        assert!(ctr.agent.is_none() && ctr.queue.is_none() && ctr.recording.is_none());
        assert!(ctr.customer_endpoint_address().is_none());
        assert!(ctr.available_audio_recording().is_none());
    }

    #[test]
    fn when_optional_parts_are_missing_entirely_should_still_decode() {
        let ctr = parse_ctr_json(br#"{"ContactId":"task-1","Channel":"TASK"}"#).unwrap();
        assert_eq!(ctr.contact_id, "task-1");
        assert!(ctr.attributes.is_none());
        assert!(!ctr.attribute_is_true("postcallCTRImportEnabled"));
    }

    #[test]
    fn when_data_is_not_base64_should_say_so() {
        assert!(matches!(
            decode_kinesis_data("not base64 at all!"),
            Err(MalformedCtr::NotBase64 { .. })
        ));
    }

    #[test]
    fn when_data_is_not_json_should_say_so_without_quoting_it() {
        let error = decode_kinesis_data(&encode("+12065550143 called")).unwrap_err();
        assert!(matches!(error, MalformedCtr::NotJson { .. }));
        assert!(!error.to_string().contains("2065550143"));
    }

    #[test]
    fn when_json_is_not_an_object_should_name_what_it_is() {
        assert_eq!(
            decode_kinesis_data(&encode("[1,2]")).unwrap_err(),
            MalformedCtr::NotAnObject { found: "an array" }
        );
    }

    #[test]
    fn when_contact_id_is_missing_or_not_a_string_should_be_missing_contact_id() {
        for body in [
            r#"{"Channel":"VOICE"}"#,
            r#"{"ContactId":7}"#,
            r#"{"ContactId":""}"#,
        ] {
            assert_eq!(
                decode_kinesis_data(&encode(body)).unwrap_err(),
                MalformedCtr::MissingContactId,
                "{body}"
            );
        }
    }

    #[test]
    fn when_a_part_has_the_wrong_type_should_name_the_contact_and_mask_digits() {
        let error = parse_ctr_json(br#"{"ContactId":"c-1","CustomerEndpoint":"+12065550143"}"#)
            .unwrap_err();
        assert!(
            matches!(error, MalformedCtr::InvalidShape { ref contact_id, .. } if contact_id == "c-1")
        );
        assert!(!error.to_string().contains("2065550143"), "{error}");
    }
}
