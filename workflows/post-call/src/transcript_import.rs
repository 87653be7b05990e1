//! The `ImportTranscript` step: the finished transcript's two sides as attachments on the CCA, the
//! requested Comprehend analyses on the customer's side, then the contact marked COMPLETED.
//!
//! Input: `{"ctr": <CTR>, "switches": <PackageSwitches>, "executionName": "…",
//! "transcription": <TranscriptionProgress with complete = true>}`; output:
//!
//! ```json
//! {"ccaId":"a01…","alreadyCompleted":false,
//!  "attachmentsCreated":["CustomerTranscripts.json","AgentTranscripts.json"],
//!  "attachmentsExisting":[],"analyses":["snt","kw"],"refusedAnalyses":[]}
//! ```
//!
//! Safe to re-run: a contact whose marker is COMPLETED is skipped; otherwise each attachment
//! is created only if the CCA has none with that name, the CCA update writes the same values
//! again, and the marker moves to COMPLETED last — so a crash anywhere leaves work that the
//! re-run finishes without duplicating.

use salesforce_client::{Attachment, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::info;

use crate::comprehend::{FormattedAnalyses, RefusedAnalysis, analyse};
use crate::contact_analytics::{CCA_OBJECT, Claim, ensure_contact_analytics, takeover_after};
use crate::ctr::ContactTraceRecord;
use crate::error::PostCallError;
use crate::late_commit;
use crate::plan::{ComprehendAnalysis, RecordingImport, plan_post_call};
use crate::ports::{
    ContactMarkers, MarkerState, ObjectLocation, ObjectStore, SalesforceWrites, TextAnalysis,
};
use crate::switches::PackageSwitches;
use crate::transcript::{
    AGENT_CHANNEL, CUSTOMER_CHANNEL, TranscribeOutput, TranscriptSegment, full_text, segments,
};
use crate::transcription::TranscriptionProgress;

pub const CUSTOMER_TRANSCRIPT: &str = "CustomerTranscripts.json";
pub const CUSTOMER_TRANSCRIPT_DESCRIPTION: &str = "Call Recording Transcription - Customer Side";
pub const AGENT_TRANSCRIPT: &str = "AgentTranscripts.json";
pub const AGENT_TRANSCRIPT_DESCRIPTION: &str = "Call Recording Transcription - Agent Side";
pub const SYNTAX_ATTACHMENT: &str = "ComprehendSyntax.json";
pub const SYNTAX_DESCRIPTION: &str = "Comprehend Syntax";
pub const JSON_CONTENT_TYPE: &str = "application/json";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptImportInput {
    pub ctr: ContactTraceRecord,
    #[serde(default)]
    pub switches: PackageSwitches,
    pub transcription: TranscriptionProgress,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptImportOutput {
    pub cca_id: String,
    /// The contact was already COMPLETED: nothing was read or written.
    pub already_completed: bool,
    pub attachments_created: Vec<String>,
    /// Attachments found on the CCA from an earlier attempt.
    pub attachments_existing: Vec<String>,
    /// Analyses whose results were written.
    pub analyses: Vec<ComprehendAnalysis>,
    /// Analyses Comprehend refused (e.g. an unsupported language), with its reason.
    pub refused_analyses: Vec<RefusedAnalysis>,
}

/// The ports the transcript import uses.
pub struct TranscriptImportPorts<'a> {
    pub salesforce: &'a dyn SalesforceWrites,
    pub markers: &'a dyn ContactMarkers,
    /// Reads Transcribe's output from the transcript bucket.
    pub store: &'a dyn ObjectStore,
    pub analysis: &'a dyn TextAnalysis,
}

#[tracing::instrument(skip_all, fields(contact_id = %input.ctr.contact_id))]
pub async fn import_transcript(
    ports: &TranscriptImportPorts<'_>,
    input: &TranscriptImportInput,
    claim: Claim<'_>,
) -> Result<TranscriptImportOutput, PostCallError> {
    let ctr = &input.ctr;
    let contact_id = ctr.contact_id.as_str();
    let transcription = &input.transcription;
    if !transcription.complete {
        return Err(PostCallError::TranscriptionNotComplete {
            job_name: transcription.job_name.clone(),
            status: format!("{:?}", transcription.status),
        });
    }
    let plan = plan_post_call(ctr, &input.switches);

    let marker = ports
        .markers
        .get(contact_id)
        .await
        .map_err(|error| PostCallError::markers(contact_id, "read", error))?;
    if let Some(marker) = marker
        .map(|read| read.marker)
        .filter(|marker| marker.state == MarkerState::Completed)
        && let Some(cca_id) = marker.cca_id
    {
        info!("contact already completed; nothing to import");
        return Ok(TranscriptImportOutput {
            cca_id,
            already_completed: true,
            attachments_created: Vec::new(),
            attachments_existing: Vec::new(),
            analyses: Vec::new(),
            refused_analyses: Vec::new(),
        });
    }

    let cca_id = ensure_contact_analytics(
        ports.salesforce,
        ports.markers,
        ctr,
        &input.switches,
        plan.recording_import == RecordingImport::Recording,
        MarkerState::InProgress,
        claim,
    )
    .await?
    .cca_id;

    if claim_the_import(ports.markers, contact_id, &input.switches, claim).await? {
        info!("contact completed by another execution meanwhile; nothing to import");
        return Ok(TranscriptImportOutput {
            cca_id,
            already_completed: true,
            attachments_created: Vec::new(),
            attachments_existing: Vec::new(),
            analyses: Vec::new(),
            refused_analyses: Vec::new(),
        });
    }

    let imported = attach_and_analyse(ports, input, &plan, cca_id).await;
    if imported.is_err()
        && let Some(ours) = claim.owner
    {
        release_the_import(ports.markers, contact_id, ours).await;
    }
    imported
}

/// The claimed part of the import: the transcripts attached, the analyses written, the marker
/// COMPLETED.
async fn attach_and_analyse(
    ports: &TranscriptImportPorts<'_>,
    input: &TranscriptImportInput,
    plan: &crate::plan::PostCallPlan,
    cca_id: String,
) -> Result<TranscriptImportOutput, PostCallError> {
    let contact_id = input.ctr.contact_id.as_str();
    let transcription = &input.transcription;
    let output = read_transcript(ports.store, transcription).await?;
    let not_split = |location: &str| PostCallError::MalformedTranscript {
        location: location.to_string(),
        reason: "it has no channel_labels: the job ran without channel identification".into(),
    };
    let uri = transcription.transcript_uri.as_deref().unwrap_or_default();
    let customer = segments(
        output
            .channel(CUSTOMER_CHANNEL)
            .ok_or_else(|| not_split(uri))?,
    );
    let agent = segments(
        output
            .channel(AGENT_CHANNEL)
            .ok_or_else(|| not_split(uri))?,
    );

    let existing: Vec<String> = ports
        .salesforce
        .attachments_of(&cca_id)
        .await
        .map_err(|error| {
            PostCallError::salesforce(contact_id, "list the CCA's attachments", error)
        })?
        .into_iter()
        .map(|attachment| attachment.name)
        .collect();
    let mut attachments = AttachmentWriter {
        salesforce: ports.salesforce,
        contact_id,
        cca_id: &cca_id,
        existing: &existing,
        created: Vec::new(),
        found: Vec::new(),
    };
    attachments
        .attach_segments(
            CUSTOMER_TRANSCRIPT,
            CUSTOMER_TRANSCRIPT_DESCRIPTION,
            &customer,
        )
        .await?;
    attachments
        .attach_segments(AGENT_TRANSCRIPT, AGENT_TRANSCRIPT_DESCRIPTION, &agent)
        .await?;

    let language = transcription
        .language_code
        .clone()
        .or(plan.transcribe_language.clone())
        .unwrap_or_else(|| "en-US".into());
    let formatted = analyse(
        ports.analysis,
        &full_text(&customer),
        &language,
        &plan.comprehend,
    )
    .await
    .map_err(|(analysis, source)| PostCallError::TextAnalysis {
        contact_id: contact_id.to_string(),
        analysis: analysis.code(),
        source,
    })?;
    let fields = analysis_fields(&formatted, &input.switches);
    if !fields.is_empty() {
        let object = input.switches.namespace.apply(CCA_OBJECT);
        ports
            .salesforce
            .update(&object, &cca_id, &fields)
            .await
            .map_err(|error| {
                PostCallError::salesforce(
                    contact_id,
                    "write the Comprehend results on the CCA",
                    error,
                )
            })?;
    }
    if let Some(syntax) = &formatted.syntax_json {
        attachments
            .attach(
                SYNTAX_ATTACHMENT,
                SYNTAX_DESCRIPTION,
                syntax.as_bytes().to_vec(),
            )
            .await?;
    }

    ports
        .markers
        .set_state(contact_id, MarkerState::Completed, Some(&cca_id))
        .await
        .map_err(|error| PostCallError::markers(contact_id, "complete", error))?;
    let analyses = written_analyses(&formatted, &plan.comprehend);
    info!(created = attachments.created.len(), "transcript imported");
    Ok(TranscriptImportOutput {
        cca_id: cca_id.clone(),
        already_completed: false,
        attachments_created: attachments.created,
        attachments_existing: attachments.found,
        analyses,
        refused_analyses: formatted.refused,
    })
}

/// A failed attempt gives the import back, so a console re-run need not wait for the claim to
/// go stale (a crash leaves it to [`takeover_after`]; a retry or redrive of this execution
/// takes it again at once). Best effort: the failure being reported matters more.
async fn release_the_import(markers: &dyn ContactMarkers, contact_id: &str, ours: &str) {
    let release = |current: &crate::ports::ContactMarker| {
        (current.transcript_importer.as_deref() == Some(ours)).then(|| {
            let mut next = current.clone();
            next.transcript_importer = None;
            next.transcript_import_since = None;
            next
        })
    };
    if let Err(error) = markers.update(contact_id, &release).await {
        tracing::warn!(error = %error, "could not give the transcript import back; it goes stale");
    }
}

async fn read_transcript(
    store: &dyn ObjectStore,
    transcription: &TranscriptionProgress,
) -> Result<TranscribeOutput, PostCallError> {
    let uri = transcription.transcript_uri.clone().unwrap_or_default();
    let location =
        ObjectLocation::from_uri(&uri).ok_or_else(|| PostCallError::MalformedTranscript {
            location: format!("{uri:?}"),
            reason: "transcriptUri is not an S3 location".into(),
        })?;
    let bytes = store
        .get(&location)
        .await?
        .ok_or_else(|| PostCallError::TranscriptNotFound {
            location: location.to_string(),
        })?;
    TranscribeOutput::parse(&bytes).map_err(|reason| PostCallError::MalformedTranscript {
        location: location.to_string(),
        reason,
    })
}

/// Makes this execution the contact's transcript importer by compare-and-swap, so two
/// executions never list-then-attach at the same time (each would find no attachment and both
/// would attach). Another live importer makes this one wait (`ContactAnalytics.Pending`,
/// retried); one that has not finished within [`takeover_after`] is replaced. `Ok(true)`: the
/// contact was completed meanwhile. Executions that pass no name are re-runs of one another.
async fn claim_the_import(
    markers: &dyn ContactMarkers,
    contact_id: &str,
    switches: &PackageSwitches,
    claim: Claim<'_>,
) -> Result<bool, PostCallError> {
    let Some(ours) = claim.owner else {
        return Ok(false);
    };
    let takeover = takeover_after(switches);
    let now = claim.now;
    let change = |current: &crate::ports::ContactMarker| {
        if current.state == MarkerState::Completed {
            return None;
        }
        if let Some(theirs) = current.transcript_importer.as_deref()
            && theirs != ours
        {
            let since = current
                .transcript_import_since
                .as_deref()
                .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok());
            if since.is_some_and(|since| now.signed_duration_since(since) < takeover) {
                return None;
            }
        }
        let mut next = current.clone();
        next.transcript_importer = Some(ours.to_string());
        next.transcript_import_since = Some(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        Some(next)
    };
    let stored = markers.update(contact_id, &change).await.map_err(|error| {
        PostCallError::markers(contact_id, "claim the transcript import in", error)
    })?;
    if stored.state == MarkerState::Completed {
        return Ok(true);
    }
    match stored.transcript_importer {
        Some(importer) if importer != ours => Err(PostCallError::ContactAnalyticsPending {
            contact_id: contact_id.to_string(),
            owner: importer,
        }),
        _ => Ok(false),
    }
}

/// The CCA fields of the analyses that produced a value.
fn analysis_fields(formatted: &FormattedAnalyses, switches: &PackageSwitches) -> Record {
    let mut fields = Record::new();
    for (name, value) in [
        ("Sentiment__c", &formatted.sentiment),
        ("Keywords__c", &formatted.keywords),
        ("DominantLanguage__c", &formatted.dominant_language),
        ("NamedEntities__c", &formatted.named_entities),
    ] {
        if let Some(value) = value {
            fields.insert(switches.namespace.apply(name), Value::String(value.clone()));
        }
    }
    fields
}

fn written_analyses(
    formatted: &FormattedAnalyses,
    requested: &[ComprehendAnalysis],
) -> Vec<ComprehendAnalysis> {
    requested
        .iter()
        .copied()
        .filter(|analysis| match analysis {
            ComprehendAnalysis::Sentiment => formatted.sentiment.is_some(),
            ComprehendAnalysis::KeyPhrases => formatted.keywords.is_some(),
            ComprehendAnalysis::DominantLanguage => formatted.dominant_language.is_some(),
            ComprehendAnalysis::Entities => formatted.named_entities.is_some(),
            ComprehendAnalysis::Syntax => formatted.syntax_json.is_some(),
        })
        .collect()
}

/// Attaches files to the CCA unless one with the same name is already there.
struct AttachmentWriter<'a> {
    salesforce: &'a dyn SalesforceWrites,
    contact_id: &'a str,
    cca_id: &'a str,
    existing: &'a [String],
    created: Vec<String>,
    found: Vec<String>,
}

impl AttachmentWriter<'_> {
    async fn attach_segments(
        &mut self,
        name: &str,
        description: &str,
        segments: &[TranscriptSegment],
    ) -> Result<(), PostCallError> {
        // An empty side (silence) gets no attachment, as before.
        if segments.is_empty() {
            return Ok(());
        }
        let body =
            serde_json::to_vec(segments).map_err(|error| PostCallError::MalformedTranscript {
                location: name.to_string(),
                reason: error.to_string(),
            })?;
        self.attach(name, description, body).await
    }

    async fn attach(
        &mut self,
        name: &str,
        description: &str,
        body: Vec<u8>,
    ) -> Result<(), PostCallError> {
        if self.existing.iter().any(|existing| existing == name) {
            self.found.push(name.to_string());
            return Ok(());
        }
        let attachment = Attachment {
            parent_id: self.cca_id.to_string(),
            name: name.to_string(),
            content_type: JSON_CONTENT_TYPE.to_string(),
            description: Some(description.to_string()),
            body,
        };
        let failed =
            |error| PostCallError::salesforce(self.contact_id, format!("attach {name}"), error);
        match self.salesforce.create_attachment(&attachment).await {
            Ok(_) => {}
            Err(error) if late_commit::outcome_unknown(&error) => {
                let look = || async {
                    let attachments = self.salesforce.attachments_of(self.cca_id).await?;
                    Ok(attachments
                        .into_iter()
                        .find(|attachment| attachment.name == name)
                        .map(|attachment| attachment.id))
                };
                match late_commit::settle("transcript attachment", look).await {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => return Err(failed(error)),
                }
            }
            Err(error) => return Err(failed(error)),
        }
        self.created.push(name.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::ports::ContactMarker;
    use crate::testing::MemoryMarkers;

    const CONTACT: &str = "c-1";

    fn claim(owner: &str) -> Claim<'_> {
        Claim {
            owner: Some(owner),
            now: Utc::now(),
        }
    }

    #[tokio::test]
    async fn while_another_execution_attaches_should_wait_then_take_over_when_it_is_gone() {
        let markers = MemoryMarkers::new();
        let switches = PackageSwitches::default();
        markers.insert(
            CONTACT,
            ContactMarker::new(Some("exec-A".into()), Utc::now()),
        );

        assert!(
            !claim_the_import(&markers, CONTACT, &switches, claim("exec-A"))
                .await
                .unwrap()
        );
        let error = claim_the_import(&markers, CONTACT, &switches, claim("exec-B"))
            .await
            .expect_err("exec-A is attaching");
        assert_eq!(error.error_type(), "ContactAnalytics.Pending");
        assert!(error.is_retryable());
        // exec-A again (a retry, a redrive) goes on.
        assert!(
            !claim_the_import(&markers, CONTACT, &switches, claim("exec-A"))
                .await
                .unwrap()
        );

        let later = Claim {
            owner: Some("exec-B"),
            now: Utc::now() + takeover_after(&switches) + chrono::Duration::minutes(1),
        };
        assert!(
            !claim_the_import(&markers, CONTACT, &switches, later)
                .await
                .unwrap()
        );
        assert_eq!(
            markers
                .marker(CONTACT)
                .unwrap()
                .transcript_importer
                .as_deref(),
            Some("exec-B")
        );

        markers
            .set_state(CONTACT, MarkerState::Completed, Some("a01x"))
            .await
            .unwrap();
        assert!(
            claim_the_import(&markers, CONTACT, &switches, claim("exec-C"))
                .await
                .unwrap(),
            "completed meanwhile"
        );
    }
}
