//! Contact Lens post-contact analyses (voice and chat) and post-chat transcripts into
//! Salesforce (`statemachines/contact-lens.asl.json`, started by an EventBridge rule on the
//! recording bucket's `Object Created` events).
//!
//! | state | step | input → output |
//! |---|---|---|
//! | CheckContactLensFile | [`steps::CheckContactLensFile`] | an S3 or EventBridge event → [`check::CheckedFile`]: import, or skipped with its [`check::SkipReason`] |
//! | ImportContactLensFile | [`steps::ImportContactLensFile`] | the checked file → [`import::ImportReport`] |
//!
//! The checks run in a fixed order: the file's instance id against ours (before any Connect
//! or Salesforce call), the package switch, then the contact's attribute
//! (`contactLensImportEnabled` for analyses, `postchatTranscriptImportEnabled` for chat
//! transcripts) read with GetContactAttributes. A file that fails one is a success that writes
//! nothing, with its reason. The import writes onto the contact's one Contact Channel Analytics
//! record, found through the post-call marker or by `ContactId__c`, else created once with the
//! post-call marker discipline (`post_call::contact_analytics::ensure_analytics`); a per-contact
//! claim (`locks/<ContactId>.contact-lens.lock`, `.chat-transcript.lock`) makes each import
//! happen once, whatever is redelivered or runs at the same time. An original analysis waits a
//! grace (`WaitForRedactedVariant`, 60 s) before its import, and the import writes its redacted
//! variant instead when Contact Lens wrote one: a redacting flow's transcript reaches Salesforce
//! redacted, whichever of the two files' executions imports.

pub mod analysis;
pub mod chat_transcript;
pub mod check;
pub mod claim;
pub mod error;
pub mod file_key;
pub mod import;
pub mod object_event;
pub mod ports;
pub mod settings;
pub mod steps;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{ContactLensError, ContactLensErrorKind};
pub use settings::ContactLensSettings;
