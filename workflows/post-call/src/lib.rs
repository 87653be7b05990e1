//! Domain library of the per-contact post-call workflow (the CTR stream's Step Functions
//! state machine).
//!
//! Each step is one Task activity, safe to re-run (nothing written twice, nothing lost), and
//! a plain async function over narrow ports ([`ports`]); this crate knows nothing of Lambda,
//! AWS SDKs or HTTP except our own Salesforce client, for which it provides the adapter (the
//! orphan rule keeps `impl SalesforceWrites for SalesforceClient` here).
//!
//! | state | function | input → output |
//! |---|---|---|
//! | PlanContact | [`plan::plan_post_call`] | CTR + switches → [`plan::PostCallPlan`] |
//! | ImportCtr | [`ctr_import::import_ctr`] | → `{recordId, created}` |
//! | ImportRecording | [`recording_import::import_recording`] | → `{ccaId, created, variant}` |
//! | StartTranscription | [`transcription::start_transcription`] | → [`transcription::TranscriptionProgress`] |
//! | CheckTranscription | [`transcription::check_transcription`] | progress → progress |
//! | ImportTranscript | [`transcript_import::import_transcript`] | → attachments, analyses |
//!
//! [`steps`] wraps each as an `activity_contract::Task` with exactly the ports it calls.
//! Errors are [`PostCallError`]: `error_type()` is the Step Functions error name and
//! `is_retryable()` says whether a Retry may help. The test doubles of every port are in
//! `testing` (tests and the `testing` feature only); the laptop adapters are in
//! `local-adapters`, the AWS ones in `aws-adapters`.

pub mod analysis_text;
pub mod comprehend;
pub mod contact_analytics;
pub mod ctr;
pub mod ctr_import;
pub mod error;
pub mod late_commit;
pub mod namespace;
pub mod plan;
pub mod ports;
pub mod recording_import;
mod salesforce_adapter;
pub mod steps;
pub mod stored_markers;
pub mod switches;
pub mod transcript;
pub mod transcript_import;
pub mod transcription;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use ctr::{ContactState, ContactTraceRecord, CtrSource, MalformedCtr, decode_kinesis_data};
pub use error::PostCallError;
pub use namespace::Namespace;
pub use plan::{ComprehendAnalysis, PlanInput, PostCallPlan, RecordingImport, plan_post_call};
pub use switches::PackageSwitches;
