//! Local implementations of every port: for tests, the sandbox and laptop runs.

mod directory_object_store;
mod local_transcriber;
mod memory_markers;
mod memory_object_store;
mod memory_salesforce;
mod stored_markers;
mod word_list_analysis;

pub use directory_object_store::DirectoryObjectStore;
pub use local_transcriber::LocalTranscriber;
pub use memory_markers::MemoryMarkers;
pub use memory_object_store::MemoryObjectStore;
pub use memory_salesforce::{MemorySalesforce, SalesforceCall};
pub use stored_markers::StoredMarkers;
pub use word_list_analysis::WordListAnalysis;
