//! The Salesforce calls the post-call steps make (and nothing else).

use async_trait::async_trait;
use salesforce_client::{Attachment, Record, SalesforceError, UpsertOutcome};

/// An attachment already on a record (enough to skip re-attaching it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingAttachment {
    pub id: String,
    pub name: String,
}

#[async_trait]
pub trait SalesforceWrites: Send + Sync {
    /// Inserts or updates the record whose `external_id_field` equals `value`.
    async fn upsert(
        &self,
        object: &str,
        external_id_field: &str,
        value: &str,
        fields: &Record,
    ) -> Result<UpsertOutcome, SalesforceError>;
    /// Creates a record and returns its id (never retried inside: it may have been applied).
    async fn create(&self, object: &str, fields: &Record) -> Result<String, SalesforceError>;
    async fn update(&self, object: &str, id: &str, fields: &Record) -> Result<(), SalesforceError>;
    /// Whether the object's describe lists the field (describe results are cached).
    async fn has_field(&self, object: &str, field: &str) -> Result<bool, SalesforceError>;
    async fn create_attachment(&self, attachment: &Attachment) -> Result<String, SalesforceError>;
    /// Ids of the `object` records whose `field` equals `value`, oldest first.
    async fn find_ids_by_field(
        &self,
        object: &str,
        field: &str,
        value: &str,
    ) -> Result<Vec<String>, SalesforceError>;
    /// Id and `read` field (`None` when empty) of the `object` records whose `field` equals
    /// `value`, oldest first.
    async fn field_by_key(
        &self,
        object: &str,
        field: &str,
        value: &str,
        read: &str,
    ) -> Result<Vec<(String, Option<String>)>, SalesforceError>;
    /// The attachments whose parent is `parent_id`.
    async fn attachments_of(
        &self,
        parent_id: &str,
    ) -> Result<Vec<ExistingAttachment>, SalesforceError>;
}
