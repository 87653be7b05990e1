//! What the Contact Lens steps call: Amazon Connect's GetContactAttributes (the SDK adapter is
//! `aws_adapters::ConnectContactAttributes`, feature `connect`; the test double
//! [`crate::testing::MemoryContactAttributes`]), the object store (the files, the markers and
//! the import claims) and the post-call Salesforce writes.

use std::collections::BTreeMap;

use async_trait::async_trait;

pub use connect_metrics::ports::ConnectError;
pub use object_storage::{ObjectLocation, ObjectStore, ObjectVersion, StoreError};
pub use post_call::ports::SalesforceWrites;

/// Amazon Connect's contact attributes.
#[async_trait]
pub trait ContactAttributes: Send + Sync {
    /// GetContactAttributes: the user-defined attributes of `contact_id` (its initial contact).
    async fn contact_attributes(
        &self,
        instance_id: &str,
        contact_id: &str,
    ) -> Result<BTreeMap<String, String>, ConnectError>;
}
