//! What the historical imports call: the Salesforce writes (below, with their adapter on the
//! Salesforce client) and the object store the reports are read from (`object_storage`). The
//! tests' doubles are in [`crate::testing`].

use std::sync::Arc;

use async_trait::async_trait;
use salesforce_client::{
    ApiUsage, SalesforceClient, SalesforceError,
    describe::ObjectDescribe,
    records::{CollectionRecordResult, Record},
};

pub use object_storage::{ObjectLocation, ObjectStore, StoreError};

/// The most records one sObject Collections call takes.
pub const COLLECTION_LIMIT: usize = 200;

/// The Salesforce calls of the historical imports.
#[async_trait]
pub trait HistoricalWrites: Send + Sync {
    /// The object's describe, cached per container (at most one describe call per object while
    /// the cache is fresh).
    async fn describe(&self, object: &str) -> Result<Arc<ObjectDescribe>, SalesforceError>;

    /// sObject Collections upsert by `external_id_field` of at most [`COLLECTION_LIMIT`]
    /// records (a caller sends one call's worth); one result per record, in order; a refused
    /// record does not fail the others.
    async fn upsert_records(
        &self,
        object: &str,
        external_id_field: &str,
        records: &[Record],
    ) -> Result<Vec<CollectionRecordResult>, SalesforceError>;

    /// The org's daily API usage as the last response reported it (`Sforce-Limit-Info`).
    fn api_usage(&self) -> Option<ApiUsage>;

    /// Asks the org for its usage now with one request (the `limits` resource): the figure
    /// [`Self::api_usage`] holds may be an earlier invocation's.
    async fn refresh_api_usage(&self) -> Result<Option<ApiUsage>, SalesforceError>;
}

#[async_trait]
impl HistoricalWrites for SalesforceClient {
    async fn describe(&self, object: &str) -> Result<Arc<ObjectDescribe>, SalesforceError> {
        SalesforceClient::describe(self, object).await
    }

    async fn upsert_records(
        &self,
        object: &str,
        external_id_field: &str,
        records: &[Record],
    ) -> Result<Vec<CollectionRecordResult>, SalesforceError> {
        self.upsert_collection(object, external_id_field, records, false)
            .await
    }

    fn api_usage(&self) -> Option<ApiUsage> {
        SalesforceClient::api_usage(self)
    }

    async fn refresh_api_usage(&self) -> Result<Option<ApiUsage>, SalesforceError> {
        self.limits().await?;
        Ok(SalesforceClient::api_usage(self))
    }
}
