//! The external systems the post-call steps talk to, each behind a narrow async trait so an
//! activity asks only for what its IAM policy grants and tests run on local implementations.

pub mod markers;
pub mod object_store;
pub mod salesforce;
pub mod text_analysis;
pub mod transcriber;

pub use markers::{
    ContactMarker, ContactMarkers, MarkerCreation, MarkerError, MarkerState, VersionedMarker,
};
pub use object_store::{ObjectLocation, ObjectStore, ObjectVersion, StoreError, StoredObject};
pub use salesforce::{ExistingAttachment, SalesforceWrites};
pub use text_analysis::{
    DetectedEntity, DetectedLanguage, KeyPhrase, Sentiment, SentimentResult, SentimentScores,
    SyntaxToken, TextAnalysis, TextAnalysisError,
};
pub use transcriber::{
    JobStatus, MediaFormat, Transcriber, TranscriberError, TranscriptionJob,
    TranscriptionJobRequest,
};
