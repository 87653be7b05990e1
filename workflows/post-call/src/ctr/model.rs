//! A serde model of the CTR (data model "2017-03-10"), null-safe for every kind of contact.
//!
//! Chat, task, transfer and callback contacts carry `null` (or omit) `Agent`, `Queue`,
//! `Recording`, `CustomerEndpoint`, `SystemEndpoint` and most timestamps, so everything but
//! `ContactId` is optional. Timestamps stay the ISO strings Connect sends (they are written to
//! Salesforce unchanged) and durations keep their JSON number, whatever its form.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

/// One contact trace record. Fields this workflow does not use are ignored when reading.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContactTraceRecord {
    pub contact_id: String,
    #[serde(rename = "AWSAccountId", default)]
    pub aws_account_id: Option<String>,
    #[serde(default)]
    pub agent: Option<Agent>,
    #[serde(default)]
    pub agent_connection_attempts: Option<Number>,
    /// Contact attributes; Connect sends strings, but a null or other value must not fail
    /// the whole record.
    #[serde(default)]
    pub attributes: Option<Map<String, Value>>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub connected_to_system_timestamp: Option<String>,
    #[serde(default)]
    pub customer_endpoint: Option<Endpoint>,
    #[serde(default)]
    pub disconnect_reason: Option<String>,
    #[serde(default)]
    pub disconnect_timestamp: Option<String>,
    #[serde(default)]
    pub initial_contact_id: Option<String>,
    #[serde(default)]
    pub initiation_method: Option<String>,
    #[serde(default)]
    pub initiation_timestamp: Option<String>,
    #[serde(rename = "InstanceARN", default)]
    pub instance_arn: Option<String>,
    #[serde(default)]
    pub last_update_timestamp: Option<String>,
    #[serde(default)]
    pub next_contact_id: Option<String>,
    #[serde(default)]
    pub previous_contact_id: Option<String>,
    #[serde(default)]
    pub queue: Option<Queue>,
    #[serde(default)]
    pub recording: Option<Recording>,
    #[serde(default)]
    pub system_endpoint: Option<Endpoint>,
    #[serde(default)]
    pub transfer_completed_timestamp: Option<String>,
    #[serde(default)]
    pub transferred_to_endpoint: Option<Endpoint>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Agent {
    #[serde(rename = "ARN", default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub after_contact_work_duration: Option<Number>,
    #[serde(default)]
    pub after_contact_work_end_timestamp: Option<String>,
    #[serde(default)]
    pub after_contact_work_start_timestamp: Option<String>,
    #[serde(default)]
    pub agent_interaction_duration: Option<Number>,
    #[serde(default)]
    pub connected_to_agent_timestamp: Option<String>,
    #[serde(default)]
    pub customer_hold_duration: Option<Number>,
    #[serde(default)]
    pub hierarchy_groups: Option<HierarchyGroups>,
    #[serde(default)]
    pub longest_hold_duration: Option<Number>,
    #[serde(default)]
    pub number_of_holds: Option<Number>,
    #[serde(default)]
    pub routing_profile: Option<RoutingProfile>,
    #[serde(default)]
    pub username: Option<String>,
}

/// The agent's hierarchy (up to five levels); serialised back as Connect sent it, nulls kept,
/// because Salesforce receives it as JSON text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HierarchyGroups {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level1: Option<HierarchyGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level2: Option<HierarchyGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level3: Option<HierarchyGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level4: Option<HierarchyGroup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level5: Option<HierarchyGroup>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HierarchyGroup {
    #[serde(rename = "ARN", default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub group_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoutingProfile {
    #[serde(rename = "ARN", default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// A customer, system or transfer endpoint (a phone number, a queue, an agent...).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Endpoint {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(rename = "Type", default)]
    pub endpoint_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Queue {
    #[serde(rename = "ARN", default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub dequeue_timestamp: Option<String>,
    #[serde(default)]
    pub duration: Option<Number>,
    #[serde(default)]
    pub enqueue_timestamp: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Recording {
    #[serde(default)]
    pub deletion_reason: Option<String>,
    /// `bucket/key` of the recording object.
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(rename = "Type", default)]
    pub recording_type: Option<String>,
}

impl ContactTraceRecord {
    /// The value of a contact attribute when it is a string.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.as_ref()?.get(key)?.as_str()
    }

    /// True only when the attribute is exactly the string `true` (the package's rule: keys and
    /// value are case-sensitive).
    pub fn attribute_is_true(&self, key: &str) -> bool {
        self.attribute(key) == Some("true")
    }

    /// The call recording when it can be imported and transcribed: Status `AVAILABLE`, Type
    /// `AUDIO` and a non-empty location.
    pub fn available_audio_recording(&self) -> Option<&Recording> {
        self.recording.as_ref().filter(|recording| {
            recording.status.as_deref() == Some("AVAILABLE")
                && recording.recording_type.as_deref() == Some("AUDIO")
                && recording
                    .location
                    .as_deref()
                    .is_some_and(|location| !location.trim().is_empty())
        })
    }

    pub fn customer_endpoint_address(&self) -> Option<&str> {
        self.customer_endpoint.as_ref()?.address.as_deref()
    }

    /// The Connect instance id: the last segment of `InstanceARN`.
    pub fn instance_id(&self) -> Option<&str> {
        let arn = self.instance_arn.as_deref()?;
        let id = arn.rsplit('/').next()?;
        (!id.is_empty()).then_some(id)
    }
}
