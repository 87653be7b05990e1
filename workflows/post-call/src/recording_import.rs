//! The `ImportRecording` step: the contact's Contact Channel Analytics record, with the recording
//! path (`recording` variant) or without it (`redacted`), created exactly once.
//!
//! Input: `{"ctr": <CTR>, "switches": <PackageSwitches>, "executionName": "…"}` (the
//! execution name is optional: it lets a duplicate execution wait instead of racing);
//! output: `{"ccaId":"a01…","created":true,"variant":"recording"}` — `ccaId` is null when the
//! plan needs no CCA.

#[cfg(test)]
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::contact_analytics::{Claim, ensure_contact_analytics};
use crate::ctr::ContactTraceRecord;
use crate::error::PostCallError;
use crate::plan::{RecordingImport, plan_post_call};
use crate::ports::{ContactMarkers, MarkerState, SalesforceWrites};
use crate::switches::PackageSwitches;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingImportInput {
    pub ctr: ContactTraceRecord,
    #[serde(default)]
    pub switches: PackageSwitches,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingImportOutput {
    pub cca_id: Option<String>,
    pub created: bool,
    pub variant: RecordingImport,
}

/// Ensures the CCA the plan calls for. The marker ends `COMPLETED` when nothing else is
/// planned for the contact, else stays `IN_PROGRESS` for the transcript import.
pub async fn import_recording(
    salesforce: &dyn SalesforceWrites,
    markers: &dyn ContactMarkers,
    input: &RecordingImportInput,
    claim: Claim<'_>,
) -> Result<RecordingImportOutput, PostCallError> {
    let plan = plan_post_call(&input.ctr, &input.switches);
    if !plan.contact_analytics {
        return Ok(RecordingImportOutput {
            cca_id: None,
            created: false,
            variant: RecordingImport::None,
        });
    }
    let final_state = if plan.transcribe {
        MarkerState::InProgress
    } else {
        MarkerState::Completed
    };
    let ensured = ensure_contact_analytics(
        salesforce,
        markers,
        &input.ctr,
        &input.switches,
        plan.recording_import == RecordingImport::Recording,
        final_state,
        claim,
    )
    .await?;
    Ok(RecordingImportOutput {
        cca_id: Some(ensured.cca_id),
        created: ensured.created,
        variant: plan.recording_import,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures;
    use crate::testing::{MemoryMarkers, MemorySalesforce};
    use serde_json::json;

    #[tokio::test]
    async fn when_the_same_ctr_is_delivered_twice_should_create_one_cca() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", false);
        let markers = MemoryMarkers::new();
        let input: RecordingImportInput = serde_json::from_value(json!({
            "ctr": serde_json::to_value(fixtures::voice_ctr()).unwrap(),
            "switches": {},
            "executionName": "exec-1",
            "plan": {"ignored": true}
        }))
        .unwrap();
        let first = import_recording(&salesforce, &markers, &input, Claim::at(Utc::now()))
            .await
            .unwrap();
        let second = import_recording(&salesforce, &markers, &input, Claim::at(Utc::now()))
            .await
            .unwrap();
        assert_eq!(first.variant, RecordingImport::Recording);
        assert!(first.created && !second.created);
        assert_eq!(first.cca_id, second.cca_id);
        assert_eq!(
            salesforce
                .records("amazonconnect__AC_ContactChannelAnalytics__c")
                .len(),
            1
        );
        assert_eq!(
            serde_json::to_value(&first).unwrap()["variant"],
            json!("recording")
        );
    }

    #[tokio::test]
    async fn when_only_the_redacted_variant_applies_should_complete_without_a_path() {
        let salesforce = MemorySalesforce::cti_org("", false);
        let markers = MemoryMarkers::new();
        let mut ctr = fixtures::voice_ctr();
        ctr.attributes = Some(
            json!({"postcallRedactedRecordingImportEnabled": "true"})
                .as_object()
                .unwrap()
                .clone(),
        );
        let input = RecordingImportInput {
            ctr,
            switches: PackageSwitches {
                namespace: crate::namespace::Namespace::none(),
                ..PackageSwitches::default()
            },
        };
        let output = import_recording(&salesforce, &markers, &input, Claim::at(Utc::now()))
            .await
            .unwrap();
        assert_eq!(output.variant, RecordingImport::Redacted);
        let records = salesforce.records("AC_ContactChannelAnalytics__c");
        assert!(!records[0].contains_key("RecordingPath__c"));
        assert_eq!(
            markers.marker(&input.ctr.contact_id).unwrap().state,
            MarkerState::Completed
        );
    }

    #[tokio::test]
    async fn when_the_plan_needs_no_cca_should_write_nothing() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", false);
        let markers = MemoryMarkers::new();
        let input = RecordingImportInput {
            ctr: fixtures::chat_ctr(),
            switches: PackageSwitches::default(),
        };
        let output = import_recording(&salesforce, &markers, &input, Claim::at(Utc::now()))
            .await
            .unwrap();
        assert_eq!(output.cca_id, None);
        assert!(markers.marker(&input.ctr.contact_id).is_none());
    }
}
