//! The `ImportCtr` step: the CTR as an `AC_ContactTraceRecord__c`, upserted by `ContactId__c` so
//! a redelivered CTR or a re-run updates the same record.
//!
//! Input: `{"ctr": <CTR>, "switches": <PackageSwitches>}`; output:
//! `{"recordId":"a00…","created":true}`.

use salesforce_client::{Record, UpsertOutcome};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::info;

use crate::ctr::ContactTraceRecord;
use crate::error::PostCallError;
use crate::namespace::Namespace;
use crate::ports::SalesforceWrites;
use crate::switches::PackageSwitches;

pub const CTR_OBJECT: &str = "AC_ContactTraceRecord__c";
pub const CONTACT_ID_FIELD: &str = "ContactId__c";
pub const REGION_FIELD: &str = "Region__c";

#[derive(Debug, Clone, Deserialize)]
pub struct CtrImportInput {
    pub ctr: ContactTraceRecord,
    #[serde(default)]
    pub switches: PackageSwitches,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CtrImportOutput {
    pub record_id: String,
    /// False when the record already existed (a redelivery or re-run).
    pub created: bool,
    /// True when the record holds a newer version of the contact's CTR, left as it is.
    #[serde(default)]
    pub kept_newer: bool,
}

pub const LAST_UPDATE_FIELD: &str = "LastUpdateTimestamp__c";

/// A CTR timestamp as Connect writes it (`2024-03-05T14:23:04Z`) or as Salesforce returns a
/// datetime field (`2024-03-05T14:23:04.000+0000`).
fn timestamp(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|parsed| parsed.with_timezone(&chrono::Utc))
}

/// The record's fields (without the external id, which the upsert path carries). Nulls are
/// omitted rather than sent, so a chat CTR never clears a field or fails on a null.
pub fn ctr_fields(ctr: &ContactTraceRecord, namespace: &Namespace, region: Option<&str>) -> Record {
    let mut fields = Record::new();
    let mut put = |name: &str, value: Option<Value>| {
        if let Some(value) = value.filter(|value| !value.is_null()) {
            fields.insert(namespace.apply(name), value);
        }
    };
    let text = |value: Option<&String>| value.map(|text| Value::String(text.clone()));
    let number = |value: Option<&serde_json::Number>| value.map(|n| Value::Number(n.clone()));

    put("AWSAccountId__c", text(ctr.aws_account_id.as_ref()));
    if let Some(agent) = &ctr.agent {
        put(
            "AfterContactWorkDuration__c",
            number(agent.after_contact_work_duration.as_ref()),
        );
        put(
            "AfterContactWorkEndTimestamp__c",
            text(agent.after_contact_work_end_timestamp.as_ref()),
        );
        put(
            "AfterContactWorkStartTimestamp__c",
            text(agent.after_contact_work_start_timestamp.as_ref()),
        );
        put(
            "AgentConnectedToAgentTimestamp__c",
            text(agent.connected_to_agent_timestamp.as_ref()),
        );
        put(
            "AgentInteractionDuration__c",
            number(agent.agent_interaction_duration.as_ref()),
        );
        put(
            "AgentCustomerHoldDuration__c",
            number(agent.customer_hold_duration.as_ref()),
        );
        put(
            "AgentHierarchyGroup__c",
            agent
                .hierarchy_groups
                .as_ref()
                .and_then(|groups| serde_json::to_string(groups).ok())
                .map(Value::String),
        );
        put(
            "AgentLongestHoldDuration__c",
            number(agent.longest_hold_duration.as_ref()),
        );
        put(
            "AgentNumberOfHolds__c",
            number(agent.number_of_holds.as_ref()),
        );
        put("AgentUsername__c", text(agent.username.as_ref()));
        if let Some(profile) = &agent.routing_profile {
            put("AgentRoutingProfileARN__c", text(profile.arn.as_ref()));
            put("AgentRoutingProfileName__c", text(profile.name.as_ref()));
        }
    }
    put(
        "AgentConnectionAttempts__c",
        number(ctr.agent_connection_attempts.as_ref()),
    );
    put(
        "Attributes__c",
        ctr.attributes
            .as_ref()
            .and_then(|attributes| serde_json::to_string(attributes).ok())
            .map(Value::String),
    );
    put("Channel__c", text(ctr.channel.as_ref()));
    put(
        "ConnectedToSystemTimestamp__c",
        text(ctr.connected_to_system_timestamp.as_ref()),
    );
    put(
        "CustomerEndpointAddress__c",
        ctr.customer_endpoint_address()
            .map(|address| Value::String(address.to_string())),
    );
    put(
        "InitiationTimestamp__c",
        text(ctr.initiation_timestamp.as_ref()),
    );
    put("InitialContactId__c", text(ctr.initial_contact_id.as_ref()));
    put("Initiation_Method__c", text(ctr.initiation_method.as_ref()));
    put("InstanceARN__c", text(ctr.instance_arn.as_ref()));
    put(
        "LastUpdateTimestamp__c",
        text(ctr.last_update_timestamp.as_ref()),
    );
    put("NextContactId__c", text(ctr.next_contact_id.as_ref()));
    put(
        "PreviousContactId__c",
        text(ctr.previous_contact_id.as_ref()),
    );
    put(
        "DisconnectTimestamp__c",
        text(ctr.disconnect_timestamp.as_ref()),
    );
    if let Some(queue) = &ctr.queue {
        put("QueueARN__c", text(queue.arn.as_ref()));
        put(
            "QueueDequeueTimestamp__c",
            text(queue.dequeue_timestamp.as_ref()),
        );
        put("QueueDuration__c", number(queue.duration.as_ref()));
        put(
            "QueueEnqueueTimestamp__c",
            text(queue.enqueue_timestamp.as_ref()),
        );
        put("QueueName__c", text(queue.name.as_ref()));
    }
    if let Some(recording) = &ctr.recording {
        put("RecordingLocation__c", text(recording.location.as_ref()));
        put("RecordingStatus__c", text(recording.status.as_ref()));
        put(
            "RecordingDeletionReason__c",
            text(recording.deletion_reason.as_ref()),
        );
    }
    put(
        "SystemEndpointAddress__c",
        ctr.system_endpoint
            .as_ref()
            .and_then(|endpoint| endpoint.address.clone())
            .map(Value::String),
    );
    put(
        "TransferredToEndpoint__c",
        ctr.transferred_to_endpoint
            .as_ref()
            .and_then(|endpoint| endpoint.address.clone())
            .map(Value::String),
    );
    put(
        "TransferCompletedTimestamp__c",
        text(ctr.transfer_completed_timestamp.as_ref()),
    );
    put(
        REGION_FIELD,
        region
            .filter(|region| !region.trim().is_empty())
            .map(|region| Value::String(region.to_string())),
    );
    fields
}

/// Whether `Region__c` should be written on `object`: a region is configured and the org's
/// object has the field (describe results are cached by the client, so this costs no call
/// per contact).
pub async fn region_for(
    salesforce: &dyn SalesforceWrites,
    contact_id: &str,
    object: &str,
    switches: &PackageSwitches,
) -> Result<Option<String>, PostCallError> {
    if switches.region.trim().is_empty() {
        return Ok(None);
    }
    let field = switches.namespace.apply(REGION_FIELD);
    let present = salesforce
        .has_field(object, &field)
        .await
        .map_err(|error| {
            PostCallError::salesforce(contact_id, format!("describe {object}"), error)
        })?;
    Ok(present.then(|| switches.region.trim().to_string()))
}

/// Upserts the contact's `AC_ContactTraceRecord__c`.
#[tracing::instrument(skip_all, fields(contact_id = %ctr.contact_id))]
pub async fn import_ctr(
    salesforce: &dyn SalesforceWrites,
    ctr: &ContactTraceRecord,
    switches: &PackageSwitches,
) -> Result<CtrImportOutput, PostCallError> {
    let object = switches.namespace.apply(CTR_OBJECT);
    let contact_id_field = switches.namespace.apply(CONTACT_ID_FIELD);
    // Connect republishes a contact's CTR when it changes, and two executions may run at once
    // or out of order: a CTR never replaces a newer one already in Salesforce.
    if let Some(ours) = ctr.last_update_timestamp.as_deref().and_then(timestamp) {
        let stored = salesforce
            .field_by_key(
                &object,
                &contact_id_field,
                &ctr.contact_id,
                &switches.namespace.apply(LAST_UPDATE_FIELD),
            )
            .await
            .map_err(|error| {
                PostCallError::salesforce(&ctr.contact_id, format!("read {object}"), error)
            })?;
        let newer = stored.into_iter().find(|(_, theirs)| {
            theirs
                .as_deref()
                .and_then(timestamp)
                .is_some_and(|theirs| theirs > ours)
        });
        if let Some((record_id, _)) = newer {
            info!("the record holds a newer CTR of this contact; left as it is");
            return Ok(CtrImportOutput {
                record_id,
                created: false,
                kept_newer: true,
            });
        }
    }
    let region = region_for(salesforce, &ctr.contact_id, &object, switches).await?;
    let fields = ctr_fields(ctr, &switches.namespace, region.as_deref());
    let outcome = salesforce
        .upsert(&object, &contact_id_field, &ctr.contact_id, &fields)
        .await
        .map_err(|error| {
            PostCallError::salesforce(&ctr.contact_id, format!("upsert {object}"), error)
        })?;
    let created = matches!(outcome, UpsertOutcome::Created(_));
    info!(created, "contact trace record imported");
    Ok(CtrImportOutput {
        record_id: outcome.id().to_string(),
        created,
        kept_newer: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemorySalesforce;
    use crate::testing::fixtures;
    use serde_json::json;

    fn switches(namespace: &str, region: &str) -> PackageSwitches {
        PackageSwitches {
            namespace: Namespace::parse(namespace).unwrap(),
            region: region.into(),
            ..PackageSwitches::default()
        }
    }

    #[test]
    fn when_voice_ctr_is_mapped_should_fill_every_anchor_field_with_the_prefix() {
        let fields = ctr_fields(
            &fixtures::voice_ctr(),
            &Namespace::parse("amazonconnect").unwrap(),
            None,
        );
        let expected = [
            ("AWSAccountId__c", json!("482915370164")),
            ("AfterContactWorkDuration__c", json!(85)),
            (
                "AfterContactWorkEndTimestamp__c",
                json!("2024-03-05T14:22:21Z"),
            ),
            (
                "AfterContactWorkStartTimestamp__c",
                json!("2024-03-05T14:20:56Z"),
            ),
            (
                "AgentConnectedToAgentTimestamp__c",
                json!("2024-03-05T14:19:49Z"),
            ),
            ("AgentInteractionDuration__c", json!(53)),
            ("AgentCustomerHoldDuration__c", json!(14)),
            ("AgentLongestHoldDuration__c", json!(14)),
            ("AgentNumberOfHolds__c", json!(1)),
            ("AgentUsername__c", json!("priya.raman")),
            ("AgentRoutingProfileName__c", json!("Billing Voice Tier 1")),
            ("AgentConnectionAttempts__c", json!(1)),
            ("Channel__c", json!("VOICE")),
            (
                "ConnectedToSystemTimestamp__c",
                json!("2024-03-05T14:18:07Z"),
            ),
            ("CustomerEndpointAddress__c", json!("+12065550143")),
            ("InitiationTimestamp__c", json!("2024-03-05T14:18:07Z")),
            ("Initiation_Method__c", json!("INBOUND")),
            ("LastUpdateTimestamp__c", json!("2024-03-05T14:23:04Z")),
            ("DisconnectTimestamp__c", json!("2024-03-05T14:20:56Z")),
            ("QueueDequeueTimestamp__c", json!("2024-03-05T14:19:49Z")),
            ("QueueDuration__c", json!(47)),
            ("QueueEnqueueTimestamp__c", json!("2024-03-05T14:19:02Z")),
            ("QueueName__c", json!("Billing")),
            ("RecordingStatus__c", json!("AVAILABLE")),
            ("SystemEndpointAddress__c", json!("+18885550172")),
        ];
        for (name, value) in expected {
            assert_eq!(
                fields.get(&format!("amazonconnect__{name}")),
                Some(&value),
                "{name}"
            );
        }
        for name in [
            "AgentRoutingProfileARN__c",
            "InstanceARN__c",
            "QueueARN__c",
            "RecordingLocation__c",
        ] {
            assert!(
                fields.contains_key(&format!("amazonconnect__{name}")),
                "{name}"
            );
        }
        let hierarchy: Value = serde_json::from_str(
            fields["amazonconnect__AgentHierarchyGroup__c"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(hierarchy["Level3"]["GroupName"], "Team Falcon");
        let attributes: Value =
            serde_json::from_str(fields["amazonconnect__Attributes__c"].as_str().unwrap()).unwrap();
        assert_eq!(attributes["intent"], "billing_dispute");
        for absent in [
            "NextContactId__c",
            "PreviousContactId__c",
            "InitialContactId__c",
            "RecordingDeletionReason__c",
            "TransferredToEndpoint__c",
            "TransferCompletedTimestamp__c",
            "Region__c",
        ] {
            assert!(
                !fields.contains_key(&format!("amazonconnect__{absent}")),
                "{absent}"
            );
        }
        assert!(fields.keys().all(|key| key.starts_with("amazonconnect__")));
    }

    #[test]
    fn when_chat_ctr_with_nulls_is_mapped_without_namespace_should_omit_missing_parts() {
        let fields = ctr_fields(&fixtures::chat_ctr(), &Namespace::none(), Some("us-west-2"));
        assert_eq!(fields["Channel__c"], "CHAT");
        assert_eq!(fields["AgentConnectionAttempts__c"], 0);
        assert_eq!(fields["Region__c"], "us-west-2");
        for absent in [
            "AgentUsername__c",
            "AgentHierarchyGroup__c",
            "QueueName__c",
            "RecordingLocation__c",
            "CustomerEndpointAddress__c",
            "SystemEndpointAddress__c",
        ] {
            assert!(!fields.contains_key(absent), "{absent}");
        }
        assert!(fields.values().all(|value| !value.is_null()));
    }

    #[tokio::test]
    async fn when_same_ctr_is_imported_twice_should_keep_one_record() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", true);
        let ctr = fixtures::voice_ctr();
        let switches = switches("amazonconnect", "us-west-2");
        let first = import_ctr(&salesforce, &ctr, &switches).await.unwrap();
        let second = import_ctr(&salesforce, &ctr, &switches).await.unwrap();
        assert!(first.created && !second.created);
        assert_eq!(first.record_id, second.record_id);
        let records = salesforce.records("amazonconnect__AC_ContactTraceRecord__c");
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["amazonconnect__Region__c"], "us-west-2");
        assert_eq!(
            records[0]["amazonconnect__ContactId__c"],
            "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08"
        );
    }

    #[tokio::test]
    async fn when_an_older_ctr_arrives_after_a_newer_one_should_keep_the_newer() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", true);
        let switches = switches("amazonconnect", "us-west-2");
        let older = fixtures::voice_ctr();
        let mut newer = older.clone();
        newer.last_update_timestamp = Some("2024-03-05T15:02:11Z".into());

        let first = import_ctr(&salesforce, &newer, &switches).await.unwrap();
        let second = import_ctr(&salesforce, &older, &switches).await.unwrap();
        assert!(first.created && !first.kept_newer);
        assert!(second.kept_newer && !second.created);
        assert_eq!(first.record_id, second.record_id);
        let records = salesforce.records("amazonconnect__AC_ContactTraceRecord__c");
        assert_eq!(records.len(), 1);
        assert_eq!(
            records[0]["amazonconnect__LastUpdateTimestamp__c"],
            "2024-03-05T15:02:11Z"
        );

        // The same version again, or a newer one, is written as usual.
        let again = import_ctr(&salesforce, &newer, &switches).await.unwrap();
        assert!(!again.kept_newer);
        assert_eq!(
            timestamp("2024-03-05T15:02:11.000+0000"),
            timestamp("2024-03-05T15:02:11Z")
        );
    }

    #[tokio::test]
    async fn when_org_has_no_region_field_should_not_send_it() {
        let salesforce = MemorySalesforce::cti_org("", false);
        import_ctr(
            &salesforce,
            &fixtures::chat_ctr(),
            &switches("-", "us-west-2"),
        )
        .await
        .unwrap();
        let records = salesforce.records("AC_ContactTraceRecord__c");
        assert_eq!(records.len(), 1);
        assert!(!records[0].contains_key("Region__c"));
    }

    #[tokio::test]
    async fn when_salesforce_is_down_should_be_a_retryable_error_naming_the_contact() {
        let salesforce = MemorySalesforce::cti_org("amazonconnect", false);
        salesforce.fail_next(
            crate::testing::SalesforceCall::Upsert,
            salesforce_client::SalesforceError::Transient {
                error_code: "SERVER_UNAVAILABLE".into(),
                message: "maintenance".into(),
            },
        );
        let error = import_ctr(
            &salesforce,
            &fixtures::voice_ctr(),
            &PackageSwitches::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(error.error_type(), "Salesforce.Transient");
        assert!(error.is_retryable());
        assert!(error.to_string().contains("8d3f6c2a"));
    }
}
