//! [`SalesforceWrites`] over our own REST client (thin: the client already types errors,
//! retries idempotent calls and caches describes).

use async_trait::async_trait;
use salesforce_client::escape::soql_quoted;
use salesforce_client::{Attachment, Record, SalesforceClient, SalesforceError, UpsertOutcome};
use serde_json::Value;

use crate::ports::{ExistingAttachment, SalesforceWrites};

#[async_trait]
impl SalesforceWrites for SalesforceClient {
    async fn upsert(
        &self,
        object: &str,
        external_id_field: &str,
        value: &str,
        fields: &Record,
    ) -> Result<UpsertOutcome, SalesforceError> {
        SalesforceClient::upsert(self, object, external_id_field, value, fields).await
    }

    async fn create(&self, object: &str, fields: &Record) -> Result<String, SalesforceError> {
        SalesforceClient::create(self, object, fields).await
    }

    async fn update(&self, object: &str, id: &str, fields: &Record) -> Result<(), SalesforceError> {
        SalesforceClient::update(self, object, id, fields)
            .await
            .map(|_| ())
    }

    async fn has_field(&self, object: &str, field: &str) -> Result<bool, SalesforceError> {
        Ok(SalesforceClient::describe(self, object)
            .await?
            .has_field(field))
    }

    async fn create_attachment(&self, attachment: &Attachment) -> Result<String, SalesforceError> {
        SalesforceClient::create_attachment(self, attachment).await
    }

    async fn find_ids_by_field(
        &self,
        object: &str,
        field: &str,
        value: &str,
    ) -> Result<Vec<String>, SalesforceError> {
        check_api_name(object)?;
        check_api_name(field)?;
        let soql = format!(
            "SELECT Id FROM {object} WHERE {field} = {} ORDER BY CreatedDate ASC LIMIT 200",
            soql_quoted(value)
        );
        Ok(ids(&SalesforceClient::query(self, &soql).await?))
    }

    async fn field_by_key(
        &self,
        object: &str,
        field: &str,
        value: &str,
        read: &str,
    ) -> Result<Vec<(String, Option<String>)>, SalesforceError> {
        check_api_name(object)?;
        check_api_name(field)?;
        check_api_name(read)?;
        let soql = format!(
            "SELECT Id, {read} FROM {object} WHERE {field} = {} ORDER BY CreatedDate ASC LIMIT 200",
            soql_quoted(value)
        );
        Ok(SalesforceClient::query(self, &soql)
            .await?
            .iter()
            .filter_map(|record| {
                let id = record.get("Id")?.as_str()?.to_string();
                let text = record
                    .get(read)
                    .and_then(serde_json::Value::as_str)
                    .filter(|text| !text.is_empty())
                    .map(str::to_string);
                Some((id, text))
            })
            .collect())
    }

    async fn attachments_of(
        &self,
        parent_id: &str,
    ) -> Result<Vec<ExistingAttachment>, SalesforceError> {
        let soql = format!(
            "SELECT Id, Name FROM Attachment WHERE ParentId = {}",
            soql_quoted(parent_id)
        );
        Ok(SalesforceClient::query(self, &soql)
            .await?
            .iter()
            .filter_map(|record| {
                Some(ExistingAttachment {
                    id: record.get("Id")?.as_str()?.to_string(),
                    name: record.get("Name")?.as_str()?.to_string(),
                })
            })
            .collect())
    }
}

fn ids(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .filter_map(|record| record.get("Id").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// Object and field names come from constants and a validated namespace; this is the last
/// guard before they meet SOQL text.
fn check_api_name(name: &str) -> Result<(), SalesforceError> {
    salesforce_client::names::checked_api_name(name).map(|_| ())
}
