//! The ports on a laptop, for `connect-sf` and the end-to-end tests: what stands in for S3,
//! Amazon Transcribe, Amazon Comprehend and Step Functions' StartExecution when no AWS account
//! is there. Each implements the same trait as its `aws-adapters` counterpart.
//!
//! **Architecture invariant:** no AWS SDK and no Lambda here; test doubles that merely record
//! calls live in `post-call`'s `testing` module, not here.

mod directory_object_store;
mod local_transcriber;
mod queueing_starter;
mod word_list_analysis;

pub use directory_object_store::DirectoryObjectStore;
pub use local_transcriber::LocalTranscriber;
pub use queueing_starter::QueueingStarter;
pub use word_list_analysis::WordListAnalysis;
