//! `PlanContact`: which branches run for one contact (contact attributes, package switches).

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};

use crate::ctr::ContactState;
use crate::ports::ObjectStore;
use crate::{PostCallError, PostCallPlan, plan_post_call};

pub struct PlanContact;

impl Task for PlanContact {
    const STATE: &'static str = "PlanContact";
    /// Reads a CTR passed by reference (`ctrReference`); an inline CTR calls nothing.
    type Ports = Arc<dyn ObjectStore>;
    type Input = ContactState;
    type Output = PostCallPlan;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        super::names_reading_ctr(&[], false)
    }

    fn retry_budget(input: &Self::Input) -> Option<chrono::Duration> {
        Some(input.switches.outage_tolerance())
    }

    async fn run(
        store: &Arc<dyn ObjectStore>,
        input: ContactState,
        _: &TaskContext,
    ) -> Result<PostCallPlan, PostCallError> {
        let ctr = input.ctr.resolve(store.as_ref()).await?;
        Ok(plan_post_call(&ctr, &input.switches))
    }
}
