//! The `PostCallPlan` step of `statemachines/post-call.asl.json`: Which post-call branches run for one contact: contact attributes (exact string `true`) and package switches.
//!
//! Thin: decode the state input, run the `post-call` step, encode its output.

use activity_support::{ActivityError, PostCallPorts, decode, encode};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The activity's name: its crate, and the handler name the local engine registers.
pub const ACTIVITY: &str = "post-call-plan";

use serde::Deserialize;

/// `{"ctr": <CTR>, "switches": <package switches>}` (the workflow input).
#[derive(Debug, Deserialize)]
struct PlanInput {
    ctr: post_call::ContactTraceRecord,
    #[serde(default)]
    switches: post_call::PackageSwitches,
}

pub async fn handle(
    _ports: &PostCallPorts,
    input: Value,
    _now: DateTime<Utc>,
) -> Result<Value, ActivityError> {
    let input: PlanInput = decode(ACTIVITY, input)?;
    encode(
        ACTIVITY,
        &post_call::plan_post_call(&input.ctr, &input.switches),
    )
}
