//! Domain library of the per-contact post-call workflow (the CTR stream's Step Functions
//! state machine).
//!
//! Each step is one Task activity, safe to re-run (nothing written twice, nothing lost), and
//! a plain async function over narrow ports ([`ports`]); this crate knows nothing of Lambda,
//! AWS SDKs or HTTP except our own Salesforce client, for which it provides the adapter.
//!
//! | step | function | input → output |
//! |---|---|---|
//! | Plan | [`plan::plan_post_call`] | CTR + switches → [`plan::PostCallPlan`] |
//! | CtrImport | [`ctr_import::import_ctr`] | → `{recordId, created}` |
//! | RecordingImport | [`recording_import::import_recording`] | → `{ccaId, created, variant}` |
//! | StartTranscription | [`transcription::start_transcription`] | → [`transcription::TranscriptionProgress`] |
//! | CheckTranscription | [`transcription::check_transcription`] | progress → progress |
//! | ImportTranscript | [`transcript_import::import_transcript`] | → attachments, analyses |
//!
//! Errors are [`PostCallError`]: `error_type()` is the Step Functions error name and
//! `is_retryable()` says whether a Retry may help. [`local`] holds a local implementation of
//! every port.

pub mod analysis_text;
pub mod comprehend;
pub mod contact_analytics;
pub mod ctr;
pub mod ctr_import;
pub mod error;
pub mod local;
pub mod namespace;
pub mod plan;
pub mod ports;
pub mod recording_import;
pub mod redact;
mod salesforce_adapter;
pub mod switches;
pub mod transcript;
pub mod transcript_import;
pub mod transcription;

#[cfg(test)]
mod test_fixtures;
#[cfg(test)]
mod workflow_tests;

pub use ctr::{ContactTraceRecord, MalformedCtr, decode_kinesis_data};
pub use error::PostCallError;
pub use namespace::Namespace;
pub use plan::{ComprehendAnalysis, PlanInput, PostCallPlan, RecordingImport, plan_post_call};
pub use switches::PackageSwitches;
