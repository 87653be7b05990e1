//! What a key in the recording bucket is, read from its shape alone (no listing, no year):
//!
//! | file | key |
//! |---|---|
//! | voice analysis | `Analysis/Voice/YYYY/MM/DD/<contactId>_analysis_<ts>.json` |
//! | redacted voice analysis | `Analysis/Voice/Redacted/YYYY/MM/DD/<contactId>_analysis_redacted_<ts>.json` |
//! | chat analysis | `Analysis/Chat/[Redacted/]YYYY/MM/DD/<contactId>_analysis[_redacted]_<ts>.json` |
//! | chat transcript | `<prefix>/ChatTranscripts/YYYY/MM/DD/<contactId>_<ts>.json` |
//!
//! The redacted analysis of an original one (voice or chat) is its key with `Redacted/` before
//! the date folders and `_analysis_redacted_` in the name: the same date folders and timestamp,
//! so it is derived, never looked for (the functions may not list the bucket).
//!
//! The redacted recording of a voice analysis is
//! `Analysis/Voice/Redacted/YYYY/MM/DD/<contactId>_call_recording_redacted_<ts>.wav`, the same
//! date folders and timestamp as either analysis ("Output file locations for files analyzed by
//! Contact Lens").

use serde::{Deserialize, Serialize};

/// What kind of file a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FileKind {
    VoiceAnalysis,
    ChatAnalysis,
    ChatTranscript,
}

impl FileKind {
    pub fn is_analysis(self) -> bool {
        !matches!(self, Self::ChatTranscript)
    }
}

/// A recognised key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileKey {
    pub kind: FileKind,
    /// `Analysis/…/Redacted/…`: the analysis with personal data masked.
    pub redacted: bool,
    /// The contact id in the file name.
    pub contact_id: String,
    /// `YYYY/MM/DD`.
    pub date_path: String,
    /// The timestamp in the file name (`2024-03-05T14:23:18Z`, `20240305T14:19_UTC`).
    pub timestamp: String,
}

const ANALYSIS: &str = "Analysis/";
const CHAT_TRANSCRIPTS: &str = "/ChatTranscripts/";

impl FileKey {
    /// The key's meaning, or `None` for any other object.
    pub fn parse(key: &str) -> Option<Self> {
        let file_name = key.strip_suffix(".json")?;
        if let Some(rest) = key.strip_prefix(ANALYSIS) {
            let (kind, rest) = if let Some(rest) = rest.strip_prefix("Voice/") {
                (FileKind::VoiceAnalysis, rest)
            } else {
                (FileKind::ChatAnalysis, rest.strip_prefix("Chat/")?)
            };
            let (redacted, rest) = match rest.strip_prefix("Redacted/") {
                Some(rest) => (true, rest),
                None => (false, rest),
            };
            let (date_path, name) = date_and_name(rest)?;
            let name = name.strip_suffix(".json")?;
            let (contact_id, tail) = name.split_once("_analysis_")?;
            let timestamp = if redacted {
                tail.strip_prefix("redacted_")?
            } else {
                tail.strip_prefix("redacted_").unwrap_or(tail)
            };
            return Self::new(kind, redacted, contact_id, date_path, timestamp);
        }
        let (_, rest) = file_name.split_once(CHAT_TRANSCRIPTS)?;
        let (date_path, name) = date_and_name(rest)?;
        let (contact_id, timestamp) = name.split_once('_').unwrap_or((name, ""));
        Self::new(
            FileKind::ChatTranscript,
            false,
            contact_id,
            date_path,
            timestamp,
        )
    }

    fn new(
        kind: FileKind,
        redacted: bool,
        contact_id: &str,
        date_path: String,
        timestamp: &str,
    ) -> Option<Self> {
        let valid_id = !contact_id.is_empty()
            && contact_id
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || character == '-');
        valid_id.then(|| Self {
            kind,
            redacted,
            contact_id: contact_id.to_string(),
            date_path,
            timestamp: timestamp.to_string(),
        })
    }

    /// The redacted variant of an original analysis (voice or chat), in the same bucket; `None`
    /// for a redacted analysis and a chat transcript.
    pub fn redacted_analysis_key(&self) -> Option<String> {
        let channel = match self.kind {
            FileKind::VoiceAnalysis => "Voice",
            FileKind::ChatAnalysis => "Chat",
            FileKind::ChatTranscript => return None,
        };
        (!self.redacted).then(|| {
            format!(
                "Analysis/{channel}/Redacted/{}/{}_analysis_redacted_{}.json",
                self.date_path, self.contact_id, self.timestamp
            )
        })
    }

    /// An original analysis: Contact Lens may still write its redacted variant, which wins.
    pub fn is_original_analysis(&self) -> bool {
        self.kind.is_analysis() && !self.redacted
    }

    /// The redacted recording of a voice analysis, in the same bucket.
    pub fn redacted_recording_key(&self) -> Option<String> {
        (self.kind == FileKind::VoiceAnalysis).then(|| {
            format!(
                "Analysis/Voice/Redacted/{}/{}_call_recording_redacted_{}.wav",
                self.date_path, self.contact_id, self.timestamp
            )
        })
    }
}

/// `YYYY/MM/DD/<name>`: the date folders (digits of the right lengths) and the file name.
fn date_and_name(rest: &str) -> Option<(String, &str)> {
    let mut parts = rest.splitn(4, '/');
    let (year, month, day, name) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let digits = |text: &str, length: usize| {
        text.len() == length && text.chars().all(|character| character.is_ascii_digit())
    };
    (digits(year, 4) && digits(month, 2) && digits(day, 2) && !name.contains('/'))
        .then(|| (format!("{year}/{month}/{day}"), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTACT: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";

    #[test]
    fn when_keys_are_any_year_and_either_variant_should_be_recognised() {
        let original = FileKey::parse(&format!(
            "Analysis/Voice/2024/03/05/{CONTACT}_analysis_2024-03-05T14:23:18Z.json"
        ))
        .unwrap();
        assert_eq!(original.kind, FileKind::VoiceAnalysis);
        assert!(!original.redacted);
        assert_eq!(original.contact_id, CONTACT);
        assert_eq!(original.timestamp, "2024-03-05T14:23:18Z");
        let redacted = FileKey::parse(&format!(
            "Analysis/Voice/Redacted/2031/12/31/{CONTACT}_analysis_redacted_2031-12-31T23:59:59Z.json"
        ))
        .unwrap();
        assert!(redacted.redacted);
        assert_eq!(redacted.date_path, "2031/12/31");
        let chat = FileKey::parse(&format!(
            "Analysis/Chat/Redacted/2026/12/01/{CONTACT}_analysis_redacted_2026-12-01T10:00:00Z.json"
        ))
        .unwrap();
        assert_eq!((chat.kind, chat.redacted), (FileKind::ChatAnalysis, true));
        let transcript = FileKey::parse(&format!(
            "connect/northwind-care/ChatTranscripts/2026/12/01/{CONTACT}_20261201T10:02_UTC.json"
        ))
        .unwrap();
        assert_eq!(transcript.kind, FileKind::ChatTranscript);
        assert_eq!(transcript.contact_id, CONTACT);
        assert_eq!(transcript.timestamp, "20261201T10:02_UTC");
    }

    #[test]
    fn when_a_key_is_not_a_contact_lens_file_should_not_be_recognised() {
        for key in [
            format!(
                "Analysis/Voice/Redacted/2024/03/05/{CONTACT}_call_recording_redacted_2024-03-05T14:23:18Z.wav"
            ),
            format!("Analysis/Voice/2024/3/5/{CONTACT}_analysis_x.json"),
            "Analysis/Voice/2024/03/05/notes.json".to_string(),
            format!(
                "Analysis/Voice/Redacted/2024/03/05/{CONTACT}_analysis_2024-03-05T14:23:18Z.json"
            ),
            format!("connect/x/CallRecordings/2024/03/05/{CONTACT}_20240305T14:19_UTC.wav"),
            "Analysis/Email/2026/03/10/x_analysis_20260310_T22:35UTC.json".to_string(),
        ] {
            assert_eq!(FileKey::parse(&key), None, "{key}");
        }
    }

    #[test]
    fn when_the_analysis_is_voice_should_derive_the_redacted_recording_from_its_key() {
        let expected = format!(
            "Analysis/Voice/Redacted/2024/03/05/{CONTACT}_call_recording_redacted_2024-03-05T14:23:18Z.wav"
        );
        for key in [
            format!("Analysis/Voice/2024/03/05/{CONTACT}_analysis_2024-03-05T14:23:18Z.json"),
            format!(
                "Analysis/Voice/Redacted/2024/03/05/{CONTACT}_analysis_redacted_2024-03-05T14:23:18Z.json"
            ),
        ] {
            let parsed = FileKey::parse(&key).unwrap();
            assert_eq!(
                parsed.redacted_recording_key().as_deref(),
                Some(expected.as_str())
            );
        }
        let chat = FileKey::parse(&format!(
            "Analysis/Chat/2026/12/01/{CONTACT}_analysis_2026-12-01T10:00:00Z.json"
        ))
        .unwrap();
        assert_eq!(chat.redacted_recording_key(), None);
    }

    #[test]
    fn when_the_analysis_is_original_should_derive_its_redacted_variant_from_its_key() {
        for (original, redacted) in [
            (
                format!("Analysis/Voice/2024/03/05/{CONTACT}_analysis_2024-03-05T14:23:18Z.json"),
                format!(
                    "Analysis/Voice/Redacted/2024/03/05/{CONTACT}_analysis_redacted_2024-03-05T14:23:18Z.json"
                ),
            ),
            (
                format!("Analysis/Chat/2031/12/31/{CONTACT}_analysis_2031-12-31T23:59:59Z.json"),
                format!(
                    "Analysis/Chat/Redacted/2031/12/31/{CONTACT}_analysis_redacted_2031-12-31T23:59:59Z.json"
                ),
            ),
        ] {
            let parsed = FileKey::parse(&original).unwrap();
            assert!(parsed.is_original_analysis(), "{original}");
            assert_eq!(
                parsed.redacted_analysis_key().as_deref(),
                Some(redacted.as_str())
            );
            let sibling = FileKey::parse(&redacted).expect("the derived key is recognised");
            assert_eq!(
                (sibling.kind, sibling.redacted, &sibling.contact_id),
                (parsed.kind, true, &parsed.contact_id)
            );
            assert_eq!(
                (&sibling.date_path, &sibling.timestamp),
                (&parsed.date_path, &parsed.timestamp)
            );
        }
    }

    #[test]
    fn when_the_file_is_redacted_or_a_chat_transcript_should_have_no_redacted_variant() {
        for key in [
            format!(
                "Analysis/Voice/Redacted/2024/03/05/{CONTACT}_analysis_redacted_2024-03-05T14:23:18Z.json"
            ),
            format!(
                "Analysis/Chat/Redacted/2026/12/01/{CONTACT}_analysis_redacted_2026-12-01T10:00:00Z.json"
            ),
            format!(
                "connect/northwind-care/ChatTranscripts/2026/12/01/{CONTACT}_20261201T10:02_UTC.json"
            ),
        ] {
            let parsed = FileKey::parse(&key).unwrap();
            assert!(!parsed.is_original_analysis(), "{key}");
            assert_eq!(parsed.redacted_analysis_key(), None, "{key}");
        }
    }
}
