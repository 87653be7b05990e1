//! The CTR trigger: each Kinesis record of a batch becomes one execution of the post-call
//! workflow, with the CTR and the package switches as its input.
//!
//! - The execution name is derived from the contact id, so a record Kinesis delivers again
//!   (a retried batch, a re-sharded stream) starts nothing new.
//! - A malformed record (not base64, not JSON, no ContactId) is logged with the reason and
//!   skipped: retrying cannot fix it, and blocking the shard behind it would delay every
//!   contact after it.
//! - A record whose execution could not be started is reported in `batchItemFailures`, so
//!   Lambda retries from that record only.

mod batch;
mod execution_name;
mod kinesis_event;
mod settings;
mod starter;
mod trigger;

pub use batch::{BatchErrorKind, MalformedEvent, batch_response, handle_batch};
pub use execution_name::execution_name;
pub use kinesis_event::{KinesisCtrEvent, KinesisCtrRecord, KinesisRecordData};
pub use settings::{SettingsError, switches_from_lookup};
pub use starter::{ExecutionStarter, StartError, StartOutcome};
pub use trigger::{SkippedRecord, StartedExecution, TriggerReport, trigger_post_call};
