//! The chat transcript Amazon Connect stores when a chat ends
//! (`<prefix>/ChatTranscripts/YYYY/MM/DD/<contactId>_<yyyymmddThh:mm>_UTC.json` in the recording
//! bucket, `<prefix>` the instance's chat transcript location, `connect/<alias>` by default):
//!
//! ```json
//! {"Version": "2019-08-26", "AWSAccountId": "…", "InstanceId": "…", "InitialContactId": "…",
//!  "ContactId": "…", "Participants": [{"ParticipantId": "…"}],
//!  "Transcript": [{"AbsoluteTime": "…", "Content": "…", "ContentType": "text/plain", "Id": "…",
//!                  "Type": "MESSAGE", "ParticipantId": "…", "DisplayName": "…", "ParticipantRole": "CUSTOMER"}]}
//! ```
//!
//! Its items are the Participant Service's transcript `Item`s (GetTranscript). It is attached
//! to the contact's CCA as it is, as `ChatTranscript.json`.

use serde_json::Value;

pub const CHAT_TRANSCRIPT_ATTACHMENT: &str = "ChatTranscript.json";
pub const CHAT_TRANSCRIPT_DESCRIPTION: &str = "Chat Transcript";

/// A stored chat transcript: its ids and its bytes, attached unchanged.
#[derive(Debug, Clone)]
pub struct ChatTranscript {
    pub instance_id: String,
    pub contact_id: Option<String>,
    pub bytes: Vec<u8>,
}

impl ChatTranscript {
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let document: Value = serde_json::from_slice(bytes).map_err(|_| "not JSON".to_string())?;
        let text = |name: &str| {
            document
                .get(name)
                .and_then(Value::as_str)
                .filter(|text| !text.trim().is_empty())
                .map(str::to_string)
        };
        if !document.get("Transcript").is_some_and(Value::is_array) {
            return Err("it has no Transcript list".into());
        }
        let instance_id = text("InstanceId").ok_or("it has no InstanceId")?;
        Ok(Self {
            instance_id,
            contact_id: text("ContactId"),
            bytes: bytes.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_a_stored_transcript_is_read_should_keep_its_ids_and_bytes() {
        let bytes = include_bytes!("../fixtures/chat-transcript.json");
        let transcript = ChatTranscript::parse(bytes).unwrap();
        assert_eq!(
            transcript.instance_id,
            "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35"
        );
        assert_eq!(
            transcript.contact_id.as_deref(),
            Some("3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97")
        );
        assert_eq!(transcript.bytes, bytes);
        assert!(ChatTranscript::parse(br#"{"InstanceId": "i"}"#).is_err());
        assert!(ChatTranscript::parse(br#"{"Transcript": []}"#).is_err());
    }
}
