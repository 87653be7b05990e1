//! The CTR trigger: each Kinesis record of a batch becomes one execution of the post-call
//! workflow, with the CTR and the package switches as its input.
//!
//! - The execution name is derived from the contact id, so a record Kinesis delivers again
//!   (a retried batch, a re-sharded stream) starts nothing new.
//! - A CTR whose execution input would not fit Step Functions' 256 KiB (with room for what
//!   the workflow adds) is stored in S3 and passed by reference (`ctrReference`).
//! - A malformed record (not base64, not JSON, no ContactId), and a record whose execution
//!   Step Functions refuses for good, is kept in the quarantine with its reason and skipped:
//!   retrying cannot fix it, and blocking the shard behind it would delay every contact after
//!   it.
//! - A record whose execution could not be started for now (throttling, 5xx, a timeout, a
//!   deployment error), or which could not be kept, is reported in `batchItemFailures`, so
//!   Lambda retries from that record only.

mod batch;
mod execution_name;
mod kinesis_event;
mod records;
mod settings;
mod starter;
mod trigger;

pub use batch::{BatchErrorKind, MalformedEvent, batch_response, handle_batch};
pub use execution_name::execution_name;
pub use kinesis_event::{KinesisCtrEvent, KinesisCtrRecord, KinesisRecordData};
pub use records::{
    QUARANTINE_PREFIX, QuarantineReason, QuarantinedRecord, RecordStore, quarantine_key,
};
pub use settings::{
    RECORDS_BUCKET_VARIABLE, SettingsError, records_bucket_from_lookup, switches_from_lookup,
};
pub use starter::{ExecutionStarter, StartError, StartErrorKind, StartOutcome};
pub use trigger::{
    INLINE_INPUT_LIMIT, STEP_FUNCTIONS_DATA_LIMIT, SkippedRecord, StartedExecution, TriggerReport,
    WORKFLOW_STATE_ROOM, trigger_post_call,
};
