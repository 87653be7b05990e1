//! `PlanContact`: which branches run for one contact (contact attributes, package switches).

use activity_contract::{ErrorName, Task, TaskContext};

use crate::{PlanInput, PostCallError, PostCallPlan, plan_post_call};

pub struct PlanContact;

impl Task for PlanContact {
    const STATE: &'static str = "PlanContact";
    /// Pure: no client at all.
    type Ports = ();
    type Input = PlanInput;
    type Output = PostCallPlan;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        Vec::new()
    }

    async fn run(
        _: &(),
        input: PlanInput,
        _: &TaskContext,
    ) -> Result<PostCallPlan, PostCallError> {
        Ok(plan_post_call(&input.ctr, &input.switches))
    }
}
