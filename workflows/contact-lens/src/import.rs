//! `ImportContactLensFile`: a checked file onto the contact's Contact Channel Analytics record.
//!
//! 1. claim the contact's import (`crate::claim`): `COMPLETED` means an earlier file (the same
//!    one redelivered, or the other variant of the analysis) was imported: nothing is written;
//! 2. the content: for an original analysis its redacted variant when Contact Lens wrote one
//!    (read at the key derived from the original's, [`FileKey::redacted_analysis_key`]; not
//!    found, or S3's 403 to a reader that may not list the bucket, means there is none), else
//!    the file itself, so a redacting flow never puts the unredacted transcript in Salesforce;
//! 3. the CCA: the one the post-call workflow recorded in the contact's marker, else the one
//!    with the contact's `ContactId__c`, else created once under the marker
//!    (`post_call::contact_analytics::ensure_analytics`), with the analysis' fields in the
//!    create itself;
//! 4. an analysis' fields written on a CCA that existed (`DataSource__c` `Contact_Lens`, the
//!    redacted recording's `RecordingPath__c` when the contact imports it), then the attachment
//!    (`ContactLensTranscripts.json`, or `ChatTranscript.json` for a chat transcript) unless the
//!    CCA already has it;
//! 5. the claim `COMPLETED`, naming the file imported.
//!
//! A crash anywhere leaves the claim `IN_PROGRESS` with this execution as owner: its retry (or,
//! once given back or stale, any other execution) looks at the CCA's attachments before it
//! writes, so nothing is attached twice.

use chrono::{DateTime, Utc};
use post_call::contact_analytics::{
    AnalyticsRequest, CCA_OBJECT, Claim, ensure_analytics, takeover_after,
};
use post_call::ctr_import::{CONTACT_ID_FIELD, REGION_FIELD};
use post_call::late_commit;
use post_call::ports::{ContactMarkers, MarkerState};
use salesforce_client::{Attachment, Record};
use serde::Serialize;
use serde_json::Value;
use tracing::info;

use crate::analysis::{Analysis, TRANSCRIPTS_ATTACHMENT, TRANSCRIPTS_DESCRIPTION};
use crate::chat_transcript::{
    CHAT_TRANSCRIPT_ATTACHMENT, CHAT_TRANSCRIPT_DESCRIPTION, ChatTranscript,
};
use crate::check::{CheckedFile, read_file};
use crate::claim::{Claimed, Claims, claim_location};
use crate::error::ContactLensError;
use crate::file_key::{FileKey, FileKind};
use crate::ports::{ObjectLocation, ObjectStore, SalesforceWrites, StoreError};
use crate::settings::ContactLensSettings;

pub const JSON_CONTENT_TYPE: &str = "application/json";

/// Which variant of a Contact Lens analysis was imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Variant {
    Original,
    /// Personal data masked by Contact Lens (`Analysis/…/Redacted/…`).
    Redacted,
}

impl Variant {
    /// The variant of the analysis `key` names; `None` for a chat transcript.
    pub fn of_key(key: &str) -> Option<Self> {
        let file = FileKey::parse(key)?;
        file.kind.is_analysis().then_some(if file.redacted {
            Self::Redacted
        } else {
            Self::Original
        })
    }
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub contact_id: Option<String>,
    /// The file was skipped by the check (nothing to import).
    pub skipped: bool,
    /// An earlier file of this contact was imported already: nothing was written.
    pub already_imported: bool,
    /// The file whose content is on the CCA: this import's (an original analysis' redacted
    /// variant when there is one), or the earlier import's when `already_imported`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported_key: Option<String>,
    /// `imported_key`'s variant, for an analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<Variant>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cca_id: Option<String>,
    pub cca_created: bool,
    /// The CCA fields written (besides those of a CCA created with them).
    pub fields_written: usize,
    pub attachments_created: Vec<String>,
    /// Attachments found on the CCA from an earlier attempt.
    pub attachments_existing: Vec<String>,
}

impl ImportReport {
    fn nothing(contact_id: Option<String>) -> Self {
        Self {
            contact_id,
            skipped: false,
            already_imported: false,
            imported_key: None,
            variant: None,
            cca_id: None,
            cca_created: false,
            fields_written: 0,
            attachments_created: Vec::new(),
            attachments_existing: Vec::new(),
        }
    }
}

pub struct ImportPorts<'a> {
    pub salesforce: &'a dyn SalesforceWrites,
    pub markers: &'a dyn ContactMarkers,
    /// The recording bucket's files and the transcript bucket's claims.
    pub store: &'a dyn ObjectStore,
}

/// What the file writes: the CCA's fields and its attachment.
struct Writes {
    fields: Record,
    attachment: Option<(&'static str, &'static str, Vec<u8>)>,
}

/// The file whose content is imported.
struct Source {
    location: ObjectLocation,
    bytes: Vec<u8>,
}

/// An original analysis' redacted variant when Contact Lens wrote it, else the checked file.
/// The variant is read at its derived key: not found, or denied (S3's 403 for a missing key to
/// a reader that may not list the bucket; the functions may read the prefix, so a denial means
/// absent), is no variant; an outage stays `ObjectStore.Unavailable`, retried; any other refusal
/// fails the import rather than risk putting the unredacted text in Salesforce.
async fn source(
    store: &dyn ObjectStore,
    checked: &CheckedFile,
    file: &FileKey,
) -> Result<Source, ContactLensError> {
    if let Some(key) = file.redacted_analysis_key() {
        let location = ObjectLocation::new(&checked.bucket, key);
        match store.get(&location).await {
            Ok(Some(bytes)) => {
                info!(key = %location.key, "the redacted variant is imported instead of the original");
                return Ok(Source { location, bytes });
            }
            Ok(None) => info!("no redacted variant: the original is imported"),
            Err(denied @ StoreError::Denied { .. }) => {
                info!(answer = %denied, "no redacted variant (denied: absent to a reader that may not list): the original is imported");
            }
            Err(source) => {
                return Err(ContactLensError::FileUnreadable { source });
            }
        }
    }
    let location = checked.location();
    let (bytes, _) = read_file(store, &location, file).await?;
    Ok(Source { location, bytes })
}

fn writes(
    checked: &CheckedFile,
    kind: FileKind,
    source: &Source,
    settings: &ContactLensSettings,
) -> Result<Writes, ContactLensError> {
    let location = &source.location;
    let bytes = source.bytes.as_slice();
    let malformed = |what: &'static str| {
        move |reason: String| ContactLensError::FileMalformed {
            location: location.to_string(),
            what,
            reason,
        }
    };
    if kind == FileKind::ChatTranscript {
        let transcript = ChatTranscript::parse(bytes).map_err(malformed("chat transcript"))?;
        return Ok(Writes {
            fields: Record::new(),
            attachment: Some((
                CHAT_TRANSCRIPT_ATTACHMENT,
                CHAT_TRANSCRIPT_DESCRIPTION,
                transcript.bytes,
            )),
        });
    }
    let analysis = Analysis::parse(kind, bytes).map_err(malformed("Contact Lens analysis"))?;
    let recording_path = checked
        .redacted_recording_import
        .then(|| checked.file.as_ref()?.redacted_recording_key())
        .flatten()
        .map(|key| format!("{}/{key}", checked.bucket));
    Ok(Writes {
        fields: analysis.cca_fields(&settings.namespace, recording_path.as_deref()),
        attachment: analysis
            .transcript_attachment()
            .map(|body| (TRANSCRIPTS_ATTACHMENT, TRANSCRIPTS_DESCRIPTION, body)),
    })
}

#[tracing::instrument(skip_all, fields(contact_id = checked.contact_id.as_deref().unwrap_or_default()))]
pub async fn import_file(
    ports: &ImportPorts<'_>,
    settings: &ContactLensSettings,
    checked: &CheckedFile,
    owner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ImportReport, ContactLensError> {
    let (Some(file), Some(contact_id), true) = (
        checked.file.as_ref(),
        checked.contact_id.as_deref(),
        checked.import,
    ) else {
        return Ok(ImportReport {
            skipped: true,
            ..ImportReport::nothing(checked.contact_id.clone())
        });
    };
    let bucket = settings.transcript_bucket.as_deref().ok_or_else(|| {
        ContactLensError::InvalidConfiguration {
            reason: "Contact Lens import needs TranscribeOutputS3BucketName: the contact markers and import claims live there".into(),
        }
    })?;
    let switches = settings.post_call_switches();
    let what = if file.kind == FileKind::ChatTranscript {
        ("chat-transcript", "chat transcript")
    } else {
        ("contact-lens", "Contact Lens analysis")
    };
    let claims = Claims {
        store: ports.store,
        location: claim_location(bucket, contact_id, what.0),
        contact_id,
        what: what.1,
    };
    let fresh = match claims.claim(owner, now, takeover_after(&switches)).await? {
        Claimed::Completed { key } => {
            info!(imported_from = ?key, "the contact's file was imported already; nothing to write");
            return Ok(ImportReport {
                already_imported: true,
                variant: key.as_deref().and_then(Variant::of_key),
                imported_key: key,
                ..ImportReport::nothing(Some(contact_id.to_string()))
            });
        }
        Claimed::Ours { fresh } => fresh,
    };
    let imported = write(ports, settings, checked, contact_id, fresh, owner, now).await;
    match imported {
        Ok(report) => {
            let imported = report.imported_key.as_deref().unwrap_or(&checked.key);
            claims.complete(imported, now).await?;
            Ok(report)
        }
        Err(error) => {
            if let Some(owner) = owner {
                claims.release(owner).await;
            }
            Err(error)
        }
    }
}

async fn write(
    ports: &ImportPorts<'_>,
    settings: &ContactLensSettings,
    checked: &CheckedFile,
    contact_id: &str,
    fresh: bool,
    owner: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ImportReport, ContactLensError> {
    let kind = checked
        .file
        .as_ref()
        .map(|file| file.kind)
        .unwrap_or(FileKind::VoiceAnalysis);
    let file_key = checked
        .file
        .clone()
        .ok_or_else(|| ContactLensError::InvalidEvent {
            reason: "the checked file has no key".into(),
        })?;
    let source = source(ports.store, checked, &file_key).await?;
    let writes = writes(checked, kind, &source, settings)?;
    let namespace = &settings.namespace;
    let instance_id = checked.instance_id.clone().unwrap_or_default();
    let creation_fields = |region: Option<&str>| {
        let mut fields = Record::new();
        fields.insert(
            namespace.apply(CONTACT_ID_FIELD),
            Value::String(contact_id.to_string()),
        );
        if !instance_id.is_empty() {
            fields.insert(
                namespace.apply("InstanceId__c"),
                Value::String(instance_id.clone()),
            );
        }
        if let Some(region) = region {
            fields.insert(
                namespace.apply(REGION_FIELD),
                Value::String(region.to_string()),
            );
        }
        fields.extend(writes.fields.clone());
        fields
    };
    let request = AnalyticsRequest {
        contact_id,
        comprehend_analyses: None,
        fields: &creation_fields,
    };
    let claim = Claim { owner, now };
    // The marker stays IN_PROGRESS (or as it is): a later post-call transcript import must
    // still run.
    let ensured = ensure_analytics(
        ports.salesforce,
        ports.markers,
        &request,
        &settings.post_call_switches(),
        MarkerState::InProgress,
        claim,
    )
    .await
    .map_err(ContactLensError::ContactAnalytics)?;
    let cca_id = ensured.cca_id.clone();
    let mut report = ImportReport {
        variant: Variant::of_key(&source.location.key),
        imported_key: Some(source.location.key.clone()),
        cca_id: Some(cca_id.clone()),
        cca_created: ensured.created,
        ..ImportReport::nothing(Some(contact_id.to_string()))
    };

    // A first attempt knows nothing was attached; a resumed one looks.
    let attached_before = match (&writes.attachment, fresh || ensured.created) {
        (Some((name, _, _)), false) => ports
            .salesforce
            .attachments_of(&cca_id)
            .await
            .map_err(|error| {
                ContactLensError::salesforce(contact_id, "list the CCA's attachments", error)
            })?
            .iter()
            .any(|attachment| attachment.name == *name),
        _ => false,
    };
    if !ensured.created && !attached_before && !writes.fields.is_empty() {
        let object = namespace.apply(CCA_OBJECT);
        ports
            .salesforce
            .update(&object, &cca_id, &writes.fields)
            .await
            .map_err(|error| {
                ContactLensError::salesforce(
                    contact_id,
                    "write the Contact Lens fields on the CCA",
                    error,
                )
            })?;
        report.fields_written = writes.fields.len();
    }
    if let Some((name, description, body)) = writes.attachment {
        if attached_before {
            report.attachments_existing.push(name.to_string());
        } else {
            attach(
                ports.salesforce,
                contact_id,
                &cca_id,
                name,
                description,
                body,
            )
            .await?;
            report.attachments_created.push(name.to_string());
        }
    }
    info!(
        cca_created = report.cca_created,
        fields = report.fields_written,
        attached = report.attachments_created.len(),
        "file imported"
    );
    Ok(report)
}

/// Creates the attachment; after a timed-out create, looks for it before reporting the timeout.
async fn attach(
    salesforce: &dyn SalesforceWrites,
    contact_id: &str,
    cca_id: &str,
    name: &str,
    description: &str,
    body: Vec<u8>,
) -> Result<(), ContactLensError> {
    let attachment = Attachment {
        parent_id: cca_id.to_string(),
        name: name.to_string(),
        content_type: JSON_CONTENT_TYPE.to_string(),
        description: Some(description.to_string()),
        body,
    };
    let failed = |error| ContactLensError::salesforce(contact_id, format!("attach {name}"), error);
    match salesforce.create_attachment(&attachment).await {
        Ok(_) => Ok(()),
        Err(error) if late_commit::outcome_unknown(&error) => {
            let look = || async {
                let attachments = salesforce.attachments_of(cca_id).await?;
                Ok(attachments
                    .into_iter()
                    .find(|attachment| attachment.name == name)
                    .map(|attachment| attachment.id))
            };
            match late_commit::settle("Contact Lens attachment", look).await {
                Ok(Some(_)) => Ok(()),
                Ok(None) | Err(_) => Err(failed(error)),
            }
        }
        Err(error) => Err(failed(error)),
    }
}
