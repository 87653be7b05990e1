//! The Task states of `statemachines/post-call.asl.json`, one file each, named as the state.
//! Each is an [`activity_contract::Task`]: typed input, the ports that step calls and nothing
//! else, typed output, and the error names it can return. The Lambda `main` of
//! `activities/<state in kebab-case>` and the local engine both run it with `run_task`.

mod check_transcription;
mod import_ctr;
mod import_recording;
mod import_transcript;
mod plan_contact;
mod start_transcription;

use activity_contract::ErrorName;

use crate::error::PostCallErrorKind;

pub use check_transcription::CheckTranscription;
pub use import_ctr::{ImportCtr, ImportCtrPorts};
pub use import_recording::{ImportRecording, ImportRecordingPorts};
pub use import_transcript::{ImportTranscript, ImportTranscriptPorts, TranscriptionField};
pub use plan_contact::PlanContact;
pub use start_transcription::{StartTranscription, StartTranscriptionPorts};

/// What reading the contact's CTR can fail with: a `ctrReference` is read from the object
/// store (`ctr_reference`), which may be unavailable, refuse, lack the object or hold no CTR.
const READS_CTR: [PostCallErrorKind; 4] = [
    PostCallErrorKind::ObjectStoreUnavailable,
    PostCallErrorKind::ObjectStoreFailed,
    PostCallErrorKind::CtrReferenceInvalid,
    PostCallErrorKind::MalformedCtr,
];

/// [`names`] of a step that reads the contact's CTR: `kinds` and [`READS_CTR`].
fn names_reading_ctr(kinds: &[PostCallErrorKind], calls_salesforce: bool) -> Vec<ErrorName> {
    let mut all = kinds.to_vec();
    all.extend(READS_CTR.iter().filter(|kind| !kinds.contains(kind)));
    names(&all, calls_salesforce)
}

/// The names of `kinds`, plus every Salesforce name when the step calls Salesforce.
fn names(kinds: &[PostCallErrorKind], calls_salesforce: bool) -> Vec<ErrorName> {
    salesforce_client::step_errors::step_error_names(kinds, calls_salesforce)
}
