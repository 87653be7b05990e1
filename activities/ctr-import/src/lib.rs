//! The `CtrImport` step of `statemachines/post-call.asl.json`: Upserts the contact's `AC_ContactTraceRecord__c` by `ContactId__c`.
//!
//! Thin: decode the state input, run the `post-call` step, encode its output.

use activity_support::{ActivityError, PostCallPorts, decode, encode};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The activity's name: its crate, and the handler name the local engine registers.
pub const ACTIVITY: &str = "ctr-import";

use post_call::ctr_import::{CtrImportInput, import_ctr};

pub async fn handle(
    ports: &PostCallPorts,
    input: Value,
    _now: DateTime<Utc>,
) -> Result<Value, ActivityError> {
    let input: CtrImportInput = decode(ACTIVITY, input)?;
    let output = import_ctr(ports.salesforce.as_ref(), &input.ctr, &input.switches).await?;
    encode(ACTIVITY, &output)
}
