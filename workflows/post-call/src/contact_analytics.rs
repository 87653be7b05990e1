//! Exactly one `AC_ContactChannelAnalytics__c` (CCA) per contact, whatever crashes, re-runs or
//! duplicate deliveries happen, using the contact marker as the atomic claim.
//!
//! Sequence (each arrow may be the last thing that happens before a crash):
//! 1. create the marker if absent (`IN_PROGRESS`, owner = this execution) →
//! 2. marker already names a CCA: done, nothing written →
//! 3. look the CCA up by `ContactId__c` (finds one created just before a crash, or by the
//!    Contact Lens import) → found: adopt it →
//! 4. not found and another live execution owns the marker: `ContactAnalytics.Pending`
//!    (retryable; that execution is between steps 1 and 5); owned by an execution that has
//!    not finished within [`takeover_after`]: claim the marker by compare-and-swap
//!    (of two executions finding it stale, one wins and the other waits) → create the CCA →
//! 5. record the CCA id in the marker (compare-and-swap; the first id recorded stays).
//!
//! A re-run after a crash at any point finds either the id in the marker (after 5) or the
//! record by query (after 4), so the CCA is never created twice and never lost. A marker whose
//! owner has not finished within [`takeover_after`] is taken over, so a dead execution
//! cannot block its contact for ever. Executions that pass no owner are treated as re-runs of
//! one another.

use chrono::{DateTime, Utc};
use salesforce_client::Record;
use serde_json::Value;
use tracing::{info, warn};

use crate::ctr::ContactTraceRecord;
use crate::ctr_import::{CONTACT_ID_FIELD, REGION_FIELD, region_for};
use crate::error::PostCallError;
use crate::late_commit;
use crate::namespace::Namespace;
use crate::ports::{
    ContactMarker, ContactMarkers, MarkerCreation, MarkerState, SalesforceWrites, VersionedMarker,
};
use crate::switches::PackageSwitches;

pub const CCA_OBJECT: &str = "AC_ContactChannelAnalytics__c";
pub const RECORDING_PATH_FIELD: &str = "RecordingPath__c";
/// Beyond its retry budget, how long an owner may still be creating the CCA (its last attempt,
/// a late-commit settle) before another execution may take its marker over.
pub const TAKEOVER_MARGIN_MINUTES: i64 = 15;

/// A marker without a CCA id older than this no longer blocks other executions: its owner's
/// retries have ended (the retry budget) and its last attempt with them.
pub fn takeover_after(switches: &PackageSwitches) -> chrono::Duration {
    switches.outage_tolerance() + chrono::Duration::minutes(TAKEOVER_MARGIN_MINUTES)
}

/// What the caller knows about the contact's execution.
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    /// The workflow execution (Step Functions `$$.Execution.Name`), if known.
    pub owner: Option<&'a str>,
    pub now: DateTime<Utc>,
}

impl<'a> Claim<'a> {
    /// A claim without an owner: executions that pass none are re-runs of one another.
    pub fn at(now: DateTime<Utc>) -> Self {
        Self { owner: None, now }
    }

    /// The execution's claim, from what the state machine passed the step.
    pub fn of(context: &'a activity_contract::TaskContext) -> Self {
        Self {
            owner: context.execution_name.as_deref(),
            now: context.now,
        }
    }
}

/// The CCA the contact now has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnsuredAnalytics {
    pub cca_id: String,
    /// True only for the execution that created the record.
    pub created: bool,
}

/// The CCA's fields at creation. `RecordingPath__c` is the CTR's recording location, only when
/// `with_recording_path` (the redacted variant leaves it for Contact Lens).
pub fn cca_fields(
    ctr: &ContactTraceRecord,
    namespace: &Namespace,
    with_recording_path: bool,
    region: Option<&str>,
) -> Record {
    let mut fields = Record::new();
    let mut put = |name: &str, value: Option<&str>| {
        if let Some(value) = value.filter(|value| !value.is_empty()) {
            fields.insert(namespace.apply(name), Value::String(value.to_string()));
        }
    };
    put(CONTACT_ID_FIELD, Some(&ctr.contact_id));
    if with_recording_path {
        put(
            RECORDING_PATH_FIELD,
            ctr.available_audio_recording()
                .and_then(|recording| recording.location.as_deref()),
        );
    }
    put(
        "CustomerEndpointAddress__c",
        ctr.customer_endpoint_address(),
    );
    put("InstanceId__c", ctr.instance_id());
    put(REGION_FIELD, region);
    fields
}

/// Finds or creates the contact's CCA and leaves its id in the marker with `final_state`.
#[tracing::instrument(skip_all, fields(contact_id = %ctr.contact_id))]
pub async fn ensure_contact_analytics(
    salesforce: &dyn SalesforceWrites,
    markers: &dyn ContactMarkers,
    ctr: &ContactTraceRecord,
    switches: &PackageSwitches,
    with_recording_path: bool,
    final_state: MarkerState,
    claim: Claim<'_>,
) -> Result<EnsuredAnalytics, PostCallError> {
    let fields =
        |region: Option<&str>| cca_fields(ctr, &switches.namespace, with_recording_path, region);
    let request = AnalyticsRequest {
        contact_id: &ctr.contact_id,
        comprehend_analyses: ctr.attribute(crate::plan::COMPREHEND_ANALYSIS_ATTRIBUTE),
        fields: &fields,
    };
    ensure_analytics(salesforce, markers, &request, switches, final_state, claim).await
}

/// What creating a contact's CCA needs, whoever creates it (the recording import from a CTR,
/// the Contact Lens import from an analysis file).
pub struct AnalyticsRequest<'a> {
    pub contact_id: &'a str,
    /// The contact's `postcallTranscribeComprehendAnalysis`, kept in a marker this creates.
    pub comprehend_analyses: Option<&'a str>,
    /// The record's fields at creation, given the `Region__c` value when the org has the field.
    pub fields: &'a (dyn Fn(Option<&str>) -> Record + Send + Sync),
}

/// [`ensure_contact_analytics`] for any creator: the marker claimed atomically, the CCA found
/// through the marker or by `ContactId__c`, else created once with `request.fields`.
pub async fn ensure_analytics(
    salesforce: &dyn SalesforceWrites,
    markers: &dyn ContactMarkers,
    request: &AnalyticsRequest<'_>,
    switches: &PackageSwitches,
    final_state: MarkerState,
    claim: Claim<'_>,
) -> Result<EnsuredAnalytics, PostCallError> {
    let contact_id = request.contact_id;
    let mut fresh = ContactMarker::new(claim.owner.map(str::to_string), claim.now);
    fresh.comprehend_analyses = request.comprehend_analyses.map(str::to_string);
    let existing = match markers
        .create_if_absent(contact_id, &fresh)
        .await
        .map_err(|error| PostCallError::markers(contact_id, "create", error))?
    {
        MarkerCreation::Created => None,
        MarkerCreation::AlreadyExists(read) => Some(read),
    };
    if let Some(cca_id) = existing
        .as_ref()
        .and_then(|read| read.marker.cca_id.clone())
    {
        info!("contact channel analytics already recorded in the marker");
        return Ok(EnsuredAnalytics {
            cca_id,
            created: false,
        });
    }

    let object = switches.namespace.apply(CCA_OBJECT);
    let found = salesforce
        .find_ids_by_field(
            &object,
            &switches.namespace.apply(CONTACT_ID_FIELD),
            contact_id,
        )
        .await
        .map_err(|error| {
            PostCallError::salesforce(contact_id, format!("look up {object} by contact id"), error)
        })?;
    let ensured = if let Some(cca_id) = found.first() {
        if found.len() > 1 {
            warn!(
                count = found.len(),
                "several CCAs exist for the contact; using the oldest"
            );
        }
        EnsuredAnalytics {
            cca_id: cca_id.clone(),
            created: false,
        }
    } else {
        if let Some(read) = &existing {
            claim_marker(markers, contact_id, read, claim, takeover_after(switches)).await?;
        }
        let region = region_for(salesforce, contact_id, &object, switches).await?;
        let fields = (request.fields)(region.as_deref());
        let contact_id_field = switches.namespace.apply(CONTACT_ID_FIELD);
        let cca_id = match salesforce.create(&object, &fields).await {
            Ok(id) => id,
            Err(error) if late_commit::outcome_unknown(&error) => {
                let look = || async {
                    let found = salesforce
                        .find_ids_by_field(&object, &contact_id_field, contact_id)
                        .await?;
                    Ok(found.into_iter().next())
                };
                match late_commit::settle("contact channel analytics", look).await {
                    Ok(Some(id)) => id,
                    Ok(None) | Err(_) => {
                        return Err(PostCallError::salesforce(
                            contact_id,
                            format!("create {object}"),
                            error,
                        ));
                    }
                }
            }
            Err(error) => {
                return Err(PostCallError::salesforce(
                    contact_id,
                    format!("create {object}"),
                    error,
                ));
            }
        };
        info!("contact channel analytics created");
        EnsuredAnalytics {
            cca_id,
            created: true,
        }
    };

    let stored = markers
        .set_state(contact_id, final_state, Some(&ensured.cca_id))
        .await
        .map_err(|error| PostCallError::markers(contact_id, "record the CCA id in", error))?;
    match stored.cca_id {
        // Another execution recorded its CCA first: the marker's id is the contact's.
        Some(recorded) if recorded != ensured.cca_id => {
            warn!("another execution recorded a different CCA first; using the recorded one");
            Ok(EnsuredAnalytics {
                cca_id: recorded,
                created: false,
            })
        }
        _ => Ok(ensured),
    }
}

/// Who may create the CCA a marker without one is waiting for.
#[derive(Debug, PartialEq, Eq)]
enum Ownership {
    /// This execution, or a re-run of it (an execution that passes no owner).
    Ours,
    /// Another execution that may be creating the CCA right now.
    Live(String),
    /// Another execution that has not finished in time (it died, or was stopped).
    Stale(String),
}

fn ownership(marker: &ContactMarker, claim: Claim<'_>, takeover: chrono::Duration) -> Ownership {
    let Some(ours) = claim.owner else {
        return Ownership::Ours;
    };
    // The old package's lock, or a marker of an execution that passed no name: recent ones may
    // still be live, and any is taken over by compare-and-swap, never simply written over.
    let theirs = marker
        .owner
        .as_deref()
        .unwrap_or("an execution without a name (the old package?)");
    if theirs == ours {
        return Ownership::Ours;
    }
    let age = marker
        .created_at
        .as_deref()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|created| claim.now.signed_duration_since(created.with_timezone(&Utc)));
    match age {
        Some(age) if age < takeover => Ownership::Live(theirs.to_string()),
        _ => Ownership::Stale(theirs.to_string()),
    }
}

/// Makes sure this execution may create the contact's CCA: a live owner makes it wait
/// (`ContactAnalytics.Pending`, retried), a stale one is replaced by compare-and-swap, so a
/// marker is taken over by claiming it, never by writing over it.
async fn claim_marker(
    markers: &dyn ContactMarkers,
    contact_id: &str,
    read: &VersionedMarker,
    claim: Claim<'_>,
    takeover: chrono::Duration,
) -> Result<(), PostCallError> {
    let pending = |owner: String| PostCallError::ContactAnalyticsPending {
        contact_id: contact_id.to_string(),
        owner,
    };
    match ownership(&read.marker, claim, takeover) {
        Ownership::Ours => Ok(()),
        Ownership::Live(owner) => Err(pending(owner)),
        Ownership::Stale(previous) => {
            let mut claimed = ContactMarker::new(claim.owner.map(str::to_string), claim.now);
            claimed.state = read.marker.state;
            claimed.transcription_job_name = read.marker.transcription_job_name.clone();
            claimed.comprehend_analyses = read.marker.comprehend_analyses.clone();
            let won = markers
                .replace_if(contact_id, &claimed, &read.version)
                .await
                .map_err(|error| PostCallError::markers(contact_id, "claim", error))?;
            if won {
                warn!(previous_owner = %previous, "took over a marker its owner left unfinished");
                Ok(())
            } else {
                // Someone changed it since we read it: they own it now; look again later.
                Err(pending(format!(
                    "the execution that claimed it after {previous}"
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MarkerError;
    use crate::testing::fixtures;
    use crate::testing::{MemoryMarkers, MemorySalesforce, SalesforceCall};
    use salesforce_client::SalesforceError;

    const CCA: &str = "amazonconnect__AC_ContactChannelAnalytics__c";

    fn claim(owner: &str) -> Claim<'_> {
        Claim {
            owner: Some(owner),
            now: Utc::now(),
        }
    }

    fn timeout() -> SalesforceError {
        SalesforceError::Transient {
            error_code: "TIMEOUT".into(),
            message: "no answer".into(),
        }
    }

    async fn ensure(
        salesforce: &MemorySalesforce,
        markers: &MemoryMarkers,
        owner: &str,
    ) -> Result<EnsuredAnalytics, PostCallError> {
        ensure_contact_analytics(
            salesforce,
            markers,
            &fixtures::voice_ctr(),
            &PackageSwitches {
                region: "us-west-2".into(),
                ..PackageSwitches::default()
            },
            true,
            MarkerState::InProgress,
            claim(owner),
        )
        .await
    }

    #[test]
    fn when_variant_is_redacted_should_leave_out_the_recording_path() {
        let ctr = fixtures::voice_ctr();
        let namespace = Namespace::parse("amazonconnect").unwrap();
        let with = cca_fields(&ctr, &namespace, true, Some("us-west-2"));
        assert_eq!(
            with["amazonconnect__RecordingPath__c"],
            ctr.recording
                .as_ref()
                .unwrap()
                .location
                .clone()
                .unwrap()
                .as_str()
        );
        assert_eq!(
            with["amazonconnect__InstanceId__c"],
            "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35"
        );
        assert_eq!(
            with["amazonconnect__CustomerEndpointAddress__c"],
            "+12065550143"
        );
        assert_eq!(with["amazonconnect__Region__c"], "us-west-2");
        let without = cca_fields(&ctr, &namespace, false, None);
        assert!(!without.contains_key("amazonconnect__RecordingPath__c"));
        assert!(!without.contains_key("amazonconnect__Region__c"));
    }

    #[tokio::test]
    async fn when_ensured_twice_should_create_one_cca_and_remember_it() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", true);
        let markers = MemoryMarkers::new();
        let first = ensure(&salesforce, &markers, "exec-1").await.unwrap();
        let again = ensure(&salesforce, &markers, "exec-2").await.unwrap();
        assert!(first.created && !again.created);
        assert_eq!(first.cca_id, again.cca_id);
        assert_eq!(salesforce.records(CCA).len(), 1);
        assert_eq!(
            salesforce.records(CCA)[0]["amazonconnect__Region__c"],
            "us-west-2"
        );
        let marker = markers
            .marker("8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08")
            .unwrap();
        assert_eq!(marker.cca_id, Some(first.cca_id));
        assert_eq!(marker.state, MarkerState::InProgress);
        assert_eq!(marker.comprehend_analyses.as_deref(), Some("snt,kw"));
    }

    #[tokio::test]
    async fn when_crashing_after_the_create_before_the_marker_update_should_adopt_on_rerun() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", false);
        let markers = MemoryMarkers::new();
        markers.fail_next_replace(MarkerError::Unavailable {
            message: "crash".into(),
        });
        let error = ensure(&salesforce, &markers, "exec-1").await.unwrap_err();
        assert_eq!(error.error_type(), "Markers.Unavailable");
        assert_eq!(salesforce.records(CCA).len(), 1, "created before the crash");
        let rerun = ensure(&salesforce, &markers, "exec-1").await.unwrap();
        assert!(!rerun.created);
        assert_eq!(salesforce.records(CCA).len(), 1);
        assert_eq!(
            markers
                .marker("8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08")
                .unwrap()
                .cca_id,
            Some(rerun.cca_id)
        );
    }

    // Paused time: the late-commit looks (once a second) run at once.
    #[tokio::test(start_paused = true)]
    async fn when_the_create_times_out_but_commits_should_adopt_it_without_a_second_create() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", false);
        let markers = MemoryMarkers::new();
        salesforce.lose_next_response(SalesforceCall::Create, timeout());
        let ensured = ensure(&salesforce, &markers, "exec-1").await.unwrap();
        assert_eq!(salesforce.records(CCA).len(), 1);
        assert_eq!(salesforce.records(CCA)[0]["Id"], ensured.cca_id.as_str());
        let rerun = ensure(&salesforce, &markers, "exec-1").await.unwrap();
        assert_eq!(rerun.cca_id, ensured.cca_id);
        assert_eq!(salesforce.records(CCA).len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn when_crashing_after_the_marker_before_the_create_should_create_on_rerun() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", false);
        let markers = MemoryMarkers::new();
        salesforce.fail_next(SalesforceCall::Create, timeout());
        assert!(ensure(&salesforce, &markers, "exec-1").await.is_err());
        assert!(salesforce.records(CCA).is_empty());
        let rerun = ensure(&salesforce, &markers, "exec-1").await.unwrap();
        assert!(rerun.created);
        assert_eq!(salesforce.records(CCA).len(), 1);
    }

    #[tokio::test]
    async fn when_another_live_execution_holds_the_marker_should_wait_then_take_over_when_stale() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", false);
        let markers = MemoryMarkers::new();
        let contact = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
        markers.insert(
            contact,
            ContactMarker::new(Some("exec-A".into()), Utc::now()),
        );
        let error = ensure(&salesforce, &markers, "exec-B").await.unwrap_err();
        assert_eq!(error.error_type(), "ContactAnalytics.Pending");
        assert!(error.is_retryable());
        assert!(salesforce.records(CCA).is_empty());

        let stale =
            Utc::now() - takeover_after(&PackageSwitches::default()) - chrono::Duration::minutes(1);
        markers.insert(contact, ContactMarker::new(Some("exec-A".into()), stale));
        assert!(
            ensure(&salesforce, &markers, "exec-B")
                .await
                .unwrap()
                .created
        );
    }

    #[tokio::test]
    async fn when_contact_lens_already_created_the_cca_should_adopt_it() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", false);
        let markers = MemoryMarkers::new();
        let mut existing = Record::new();
        existing.insert(
            "amazonconnect__ContactId__c".into(),
            Value::String("8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08".into()),
        );
        let id = salesforce.insert(CCA, existing);
        let ensured = ensure(&salesforce, &markers, "exec-1").await.unwrap();
        assert_eq!(ensured.cca_id, id);
        assert_eq!(salesforce.records(CCA).len(), 1);
        assert_eq!(salesforce.call_count(SalesforceCall::Create), 0);
    }
}
