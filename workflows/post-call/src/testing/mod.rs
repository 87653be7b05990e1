//! Test doubles of the post-call ports: in-memory Salesforce, object store and markers that
//! record what was asked of them. Compiled only for tests (`cfg(test)` here, the `testing`
//! feature for other crates' dev-dependencies).

/// The shared CTR fixtures (`CONNECT_SF_SHARED_DIR`, default `../shared` beside the clone).
pub mod fixtures;
mod memory_markers;

mod memory_salesforce;

pub use memory_markers::MemoryMarkers;
pub use memory_salesforce::{MemorySalesforce, SalesforceCall};
pub use object_storage::testing::MemoryObjectStore;
