//! Every client the local engine's steps may use, one of each: the engine hosts every step in
//! one process, and each step takes from it only the ports its `Task` asks for.

use std::{path::Path, sync::Arc};

use local_adapters::{DirectoryObjectStore, LocalTranscriber, WordListAnalysis};
use post_call::ports::{ObjectStore, TextAnalysis, Transcriber};
use salesforce_client::SalesforceClient;

#[derive(Clone)]
pub struct EmbeddedPorts {
    /// Our Salesforce client: the emulator, or a real org.
    pub salesforce: Arc<SalesforceClient>,
    pub store: Arc<dyn ObjectStore>,
    pub transcriber: Arc<dyn Transcriber>,
    pub analysis: Arc<dyn TextAnalysis>,
}

/// The laptop ports: S3 as a directory, a local Transcribe completing after
/// `transcribe_polls` status checks, a deterministic word-list analysis.
pub fn local_ports(
    salesforce: Arc<SalesforceClient>,
    storage: &Path,
    transcribe_polls: u32,
) -> EmbeddedPorts {
    let store: Arc<dyn ObjectStore> = Arc::new(DirectoryObjectStore::new(storage));
    EmbeddedPorts {
        salesforce,
        store: store.clone(),
        transcriber: Arc::new(LocalTranscriber::new(store).completing_after(transcribe_polls)),
        analysis: Arc::new(WordListAnalysis::new()),
    }
}
