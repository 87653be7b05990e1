//! `CheckContactLensFile`'s rules, in this order: the file's key (a Contact Lens analysis or a
//! chat transcript), the file's instance id against ours (read from the file, before any
//! Connect or Salesforce call), the package switch (`ContactLensImportEnabled`), then the
//! contact's attribute read with GetContactAttributes (`contactLensImportEnabled` for an
//! analysis, `postchatTranscriptImportEnabled` for a chat transcript, the exact string `true`).
//! A file that fails a rule is skipped: a success that writes nothing, with its reason. An
//! original analysis to import says `waitForRedactedVariant`: its redacted variant, if the flow
//! redacts, lands just after it and is what the import writes.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::info;

use crate::analysis::Analysis;
use crate::chat_transcript::ChatTranscript;
use crate::error::ContactLensError;
use crate::file_key::{FileKey, FileKind};
use crate::object_event::created_object;
use crate::ports::{ContactAttributes, ObjectLocation, ObjectStore};
use crate::settings::ContactLensSettings;

pub const ANALYSIS_ATTRIBUTE: &str = "contactLensImportEnabled";
pub const CHAT_TRANSCRIPT_ATTRIBUTE: &str = "postchatTranscriptImportEnabled";
pub const REDACTED_RECORDING_ATTRIBUTE: &str = "postcallRedactedRecordingImportEnabled";
/// How long `WaitForRedactedVariant` holds an original analysis before its import: Contact
/// Lens writes the redacted variant just after the original.
pub const REDACTED_VARIANT_GRACE_SECONDS: u64 = 60;

/// Why a file is not imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// Not a Contact Lens analysis or chat transcript key (another object under the prefix).
    UnrecognisedKey,
    /// The file's `InstanceId` is not `AmazonConnectInstanceId`.
    ForeignInstance,
    /// `ContactLensImportEnabled` is off.
    ImportDisabled,
    /// The contact's attribute is not `true`.
    ContactNotEnabled,
}

/// The check's verdict, the import step's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckedFile {
    pub import: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<SkipReason>,
    pub bucket: String,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// The contact's `postcallRedactedRecordingImportEnabled` (voice analyses).
    #[serde(default)]
    pub redacted_recording_import: bool,
    /// An original analysis to import: the state machine waits `WaitForRedactedVariant` before
    /// the import, so that a redacted variant written just after it is there to win. Always
    /// written (a Choice on a missing field fails the execution).
    #[serde(default)]
    pub wait_for_redacted_variant: bool,
    /// How long the import rides out an outage (`PostcallOutageToleranceMinutes`).
    pub outage_tolerance_minutes: u32,
}

impl CheckedFile {
    pub fn location(&self) -> ObjectLocation {
        ObjectLocation::new(&self.bucket, &self.key)
    }
}

/// What a file says about itself: its instance and contact.
pub(crate) struct FileIds {
    pub instance_id: String,
    pub contact_id: Option<String>,
}

/// Reads the file the key names (`ContactLensFile.NotFound` when the store says it is gone,
/// `ContactLensFile.Unreadable` when it refuses: S3's 403 to a reader that may not list the
/// bucket, for a deleted file too) and its ids.
pub(crate) async fn read_file(
    store: &dyn ObjectStore,
    location: &ObjectLocation,
    key: &FileKey,
) -> Result<(Vec<u8>, FileIds), ContactLensError> {
    let bytes = store
        .get(location)
        .await
        .map_err(|source| ContactLensError::FileUnreadable { source })?
        .ok_or_else(|| ContactLensError::FileNotFound {
            location: location.to_string(),
        })?;
    let malformed = |what: &'static str| {
        move |reason: String| ContactLensError::FileMalformed {
            location: location.to_string(),
            what,
            reason,
        }
    };
    let ids = if key.kind.is_analysis() {
        let analysis =
            Analysis::parse(key.kind, &bytes).map_err(malformed("Contact Lens analysis"))?;
        FileIds {
            instance_id: analysis.instance_id().unwrap_or_default().to_string(),
            contact_id: analysis.contact_id().map(str::to_string),
        }
    } else {
        let transcript = ChatTranscript::parse(&bytes).map_err(malformed("chat transcript"))?;
        FileIds {
            instance_id: transcript.instance_id,
            contact_id: transcript.contact_id,
        }
    };
    Ok((bytes, ids))
}

#[tracing::instrument(skip_all)]
pub async fn check_file(
    store: &dyn ObjectStore,
    connect: &dyn ContactAttributes,
    settings: &ContactLensSettings,
    event: &Value,
) -> Result<CheckedFile, ContactLensError> {
    let location = created_object(event)?;
    let mut checked = CheckedFile {
        import: false,
        skipped: None,
        bucket: location.bucket.clone(),
        key: location.key.clone(),
        file: None,
        contact_id: None,
        instance_id: None,
        redacted_recording_import: false,
        wait_for_redacted_variant: false,
        outage_tolerance_minutes: settings.outage_tolerance_minutes,
    };
    let skip = |mut checked: CheckedFile, reason: SkipReason| {
        info!(reason = ?reason, "file skipped");
        checked.skipped = Some(reason);
        checked
    };
    let Some(key) = FileKey::parse(&location.key) else {
        return Ok(skip(checked, SkipReason::UnrecognisedKey));
    };
    checked.file = Some(key.clone());
    let (_, ids) = read_file(store, &location, &key).await?;
    let contact_id = ids.contact_id.unwrap_or_else(|| key.contact_id.clone());
    checked.contact_id = Some(contact_id.clone());
    checked.instance_id = Some(ids.instance_id.clone());
    if ids.instance_id != settings.instance_id {
        return Ok(skip(checked, SkipReason::ForeignInstance));
    }
    if !settings.import_enabled {
        return Ok(skip(checked, SkipReason::ImportDisabled));
    }
    let attributes = connect
        .contact_attributes(&settings.instance_id, &contact_id)
        .await?;
    let is_true = |name: &str| attributes.get(name).map(String::as_str) == Some("true");
    let attribute = match key.kind {
        FileKind::ChatTranscript => CHAT_TRANSCRIPT_ATTRIBUTE,
        _ => ANALYSIS_ATTRIBUTE,
    };
    if !is_true(attribute) {
        return Ok(skip(checked, SkipReason::ContactNotEnabled));
    }
    checked.redacted_recording_import =
        key.kind == FileKind::VoiceAnalysis && is_true(REDACTED_RECORDING_ATTRIBUTE);
    checked.wait_for_redacted_variant = key.is_original_analysis();
    checked.import = true;
    info!(kind = ?key.kind, redacted = key.redacted, "file to import");
    Ok(checked)
}
