//! The Salesforce capabilities `sfInvokeAPI` needs, and the adapter onto the real client.

use async_trait::async_trait;
use salesforce_client::{
    FeedElement, MessageSegment, ParameterizedSearch, Record, SalesforceClient, SalesforceError,
};

/// Exactly the Salesforce calls a contact flow can trigger (records, queries, searches, Chatter).
#[async_trait]
pub trait SalesforceApi: Send + Sync {
    /// Creates a record and returns its id.
    async fn create(&self, object: &str, fields: &Record) -> Result<String, SalesforceError>;
    /// Updates a record and returns the HTTP status (204).
    async fn update(&self, object: &str, id: &str, fields: &Record)
    -> Result<u16, SalesforceError>;
    /// Deletes a record and returns the HTTP status (204).
    async fn delete(&self, object: &str, id: &str) -> Result<u16, SalesforceError>;
    /// Runs SOQL, following every page.
    async fn query(&self, soql: &str) -> Result<Vec<Record>, SalesforceError>;
    /// Runs SOQL, reading the next page only while `more` (given every record so far) says so.
    async fn query_while(
        &self,
        soql: &str,
        more: &(dyn for<'r> Fn(&'r [Record]) -> bool + Sync),
    ) -> Result<Vec<Record>, SalesforceError> {
        let _ = more;
        self.query(soql).await
    }
    /// Runs a SOSL `FIND`.
    async fn search(&self, sosl: &str) -> Result<Vec<Record>, SalesforceError>;
    /// Runs a parameterizedSearch.
    async fn parameterized_search(
        &self,
        search: &ParameterizedSearch,
    ) -> Result<Vec<Record>, SalesforceError>;
    /// Posts a Chatter feed element and returns its id.
    async fn post_feed_element(&self, element: &FeedElement) -> Result<String, SalesforceError>;
    /// Comments on a feed element and returns the comment id.
    async fn post_comment(
        &self,
        feed_element_id: &str,
        segments: &[MessageSegment],
    ) -> Result<String, SalesforceError>;
}

#[async_trait]
impl SalesforceApi for SalesforceClient {
    async fn create(&self, object: &str, fields: &Record) -> Result<String, SalesforceError> {
        SalesforceClient::create(self, object, fields).await
    }

    async fn update(
        &self,
        object: &str,
        id: &str,
        fields: &Record,
    ) -> Result<u16, SalesforceError> {
        SalesforceClient::update(self, object, id, fields).await
    }

    async fn delete(&self, object: &str, id: &str) -> Result<u16, SalesforceError> {
        SalesforceClient::delete(self, object, id).await
    }

    async fn query(&self, soql: &str) -> Result<Vec<Record>, SalesforceError> {
        SalesforceClient::query(self, soql).await
    }

    async fn query_while(
        &self,
        soql: &str,
        more: &(dyn for<'r> Fn(&'r [Record]) -> bool + Sync),
    ) -> Result<Vec<Record>, SalesforceError> {
        SalesforceClient::query_while(self, soql, more).await
    }

    async fn search(&self, sosl: &str) -> Result<Vec<Record>, SalesforceError> {
        SalesforceClient::search(self, sosl).await
    }

    async fn parameterized_search(
        &self,
        search: &ParameterizedSearch,
    ) -> Result<Vec<Record>, SalesforceError> {
        SalesforceClient::parameterized_search(self, search).await
    }

    async fn post_feed_element(&self, element: &FeedElement) -> Result<String, SalesforceError> {
        SalesforceClient::post_feed_element(self, element).await
    }

    async fn post_comment(
        &self,
        feed_element_id: &str,
        segments: &[MessageSegment],
    ) -> Result<String, SalesforceError> {
        SalesforceClient::post_comment(self, feed_element_id, segments).await
    }
}
