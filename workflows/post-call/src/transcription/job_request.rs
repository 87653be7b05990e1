//! The `StartTranscriptionJob` request for a contact's recording.

use std::fmt;

use crate::ctr::ContactTraceRecord;
use crate::error::PostCallError;
use crate::ports::{MediaFormat, ObjectLocation, TranscriptionJobRequest};

/// Transcribe's limit on `TranscriptionJobName`.
pub const MAX_JOB_NAME_LENGTH: usize = 200;

/// `<ContactId>_<suffix>`, within Transcribe's `^[0-9a-zA-Z._-]+` and 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobName(String);

impl JobName {
    /// A name for one attempt: any character Transcribe refuses becomes `-`, and the contact
    /// part is shortened (never the suffix) so attempts stay distinct.
    pub fn for_attempt(contact_id: &str, suffix: &str) -> Self {
        let clean = |text: &str| -> String {
            text.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        let suffix: String = clean(suffix).chars().take(64).collect();
        let suffix = if suffix.is_empty() {
            "0".to_string()
        } else {
            suffix
        };
        let room = MAX_JOB_NAME_LENGTH - suffix.len() - 1;
        let contact: String = clean(contact_id).chars().take(room).collect();
        Self(format!("{contact}_{suffix}"))
    }

    /// A fresh attempt with a random 32-hex suffix (the old package's form).
    pub fn random(contact_id: &str) -> Self {
        Self::for_attempt(contact_id, &uuid::Uuid::new_v4().simple().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JobName {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// Builds the request: media `s3://` URI and format from the CTR's AVAILABLE AUDIO recording,
/// channel identification on (customer and agent are separate channels).
pub fn build_job_request(
    ctr: &ContactTraceRecord,
    job_name: &JobName,
    language_code: &str,
    output_bucket: &str,
) -> Result<TranscriptionJobRequest, PostCallError> {
    let no_recording = |reason: &str| PostCallError::NoRecording {
        contact_id: ctr.contact_id.clone(),
        reason: reason.to_string(),
    };
    let location = ctr
        .available_audio_recording()
        .and_then(|recording| recording.location.as_deref())
        .ok_or_else(|| no_recording("the CTR has no AVAILABLE AUDIO recording to transcribe"))?;
    let media = ObjectLocation::from_recording_location(location)
        .ok_or_else(|| no_recording("the recording location is not bucket/key"))?;
    let media_format =
        MediaFormat::from_key(&media.key).ok_or_else(|| PostCallError::UnsupportedMediaFormat {
            contact_id: ctr.contact_id.clone(),
            key: media.key.clone(),
            reason: "the extension is none of wav, mp3, mp4, m4a, flac, ogg, webm, amr".into(),
        })?;
    if !is_language_code(language_code) {
        return Err(PostCallError::InvalidConfiguration {
            reason: format!(
                "contact {}: {language_code:?} is not a Transcribe language code such as en-US",
                ctr.contact_id
            ),
        });
    }
    if output_bucket.trim().is_empty() {
        return Err(PostCallError::InvalidConfiguration {
            reason: "transcribeOutputS3BucketName is empty".into(),
        });
    }
    Ok(TranscriptionJobRequest {
        job_name: job_name.to_string(),
        media_uri: media.to_string(),
        media_format,
        language_code: language_code.to_string(),
        output_bucket: output_bucket.trim().to_string(),
        channel_identification: true,
    })
}

/// `xx-XX` style codes (letters and one or two dashes), the shape of every Transcribe code.
fn is_language_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|part| {
            (2..=4).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphabetic())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures;

    #[test]
    fn when_voice_ctr_is_transcribed_should_point_at_its_wav_with_channels() {
        let ctr = fixtures::voice_ctr();
        let name = JobName::for_attempt(&ctr.contact_id, "7be1a94f0c3d4e2a9f61b0d8c5e2a173");
        let request = build_job_request(&ctr, &name, "en-US", "northwind-transcripts").unwrap();
        assert_eq!(
            request.job_name,
            "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_7be1a94f0c3d4e2a9f61b0d8c5e2a173"
        );
        assert_eq!(
            request.media_uri,
            "s3://amazon-connect-3e91c4d7a2b8/connect/northwind-care/CallRecordings/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_20240305T14:19_UTC.wav"
        );
        assert_eq!(request.media_format, MediaFormat::Wav);
        assert!(request.channel_identification);
        assert_eq!(request.output_bucket, "northwind-transcripts");
    }

    #[test]
    fn when_names_are_built_should_respect_transcribes_rule_and_differ_per_attempt() {
        let long_id = "x".repeat(300);
        let name = JobName::for_attempt(&format!("{long_id}/é"), "attempt 2");
        assert!(name.as_str().len() <= MAX_JOB_NAME_LENGTH);
        assert!(name.as_str().ends_with("_attempt-2"));
        assert!(
            name.as_str()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        );
        assert_ne!(JobName::random("c-1"), JobName::random("c-1"));
    }

    #[test]
    fn when_recording_or_language_is_unusable_should_say_which() {
        let mut ctr = fixtures::voice_ctr();
        let name = JobName::random(&ctr.contact_id);
        assert_eq!(
            build_job_request(&ctr, &name, "en US; drop", "b")
                .unwrap_err()
                .error_type(),
            "InvalidConfiguration"
        );
        if let Some(recording) = ctr.recording.as_mut() {
            recording.location = Some("bucket/call.txt".into());
        }
        assert_eq!(
            build_job_request(&ctr, &name, "en-US", "b")
                .unwrap_err()
                .error_type(),
            "Transcribe.UnsupportedMediaFormat"
        );
        let chat = fixtures::chat_ctr();
        assert_eq!(
            build_job_request(&chat, &name, "en-US", "b")
                .unwrap_err()
                .error_type(),
            "NoRecording"
        );
    }
}
