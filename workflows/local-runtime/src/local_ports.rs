//! The post-call ports on a laptop: Salesforce through our client (the emulator or a real
//! org), S3 as a directory, Transcribe and Comprehend as deterministic local implementations.

use std::{path::Path, sync::Arc};

use activity_support::PostCallPorts;
use post_call::{
    local::{DirectoryObjectStore, LocalTranscriber, WordListAnalysis},
    ports::{ObjectStore, SalesforceWrites},
};
use salesforce_client::SalesforceClient;

/// `transcribe_polls`: status checks before a local transcription job completes.
pub fn local_post_call_ports(
    salesforce: Arc<SalesforceClient>,
    storage: &Path,
    transcribe_polls: u32,
) -> PostCallPorts {
    let store: Arc<dyn ObjectStore> = Arc::new(DirectoryObjectStore::new(storage));
    PostCallPorts {
        salesforce: salesforce as Arc<dyn SalesforceWrites>,
        store: store.clone(),
        transcriber: Arc::new(LocalTranscriber::new(store).completing_after(transcribe_polls)),
        analysis: Arc::new(WordListAnalysis::new()),
    }
}
