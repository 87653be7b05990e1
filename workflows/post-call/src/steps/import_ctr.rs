//! `ImportCtr`: upserts the contact's `AC_ContactTraceRecord__c` by `ContactId__c`.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};

use crate::PostCallError;
use crate::ctr_import::{CtrImportInput, CtrImportOutput, import_ctr};
use crate::ports::SalesforceWrites;

pub struct ImportCtr;

impl Task for ImportCtr {
    const STATE: &'static str = "ImportCtr";
    type Ports = Arc<dyn SalesforceWrites>;
    type Input = CtrImportInput;
    type Output = CtrImportOutput;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        super::names(&[], true)
    }

    fn retry_budget(input: &Self::Input) -> Option<chrono::Duration> {
        Some(input.switches.outage_tolerance())
    }

    async fn run(
        salesforce: &Arc<dyn SalesforceWrites>,
        input: CtrImportInput,
        _: &TaskContext,
    ) -> Result<CtrImportOutput, PostCallError> {
        import_ctr(salesforce.as_ref(), &input.ctr, &input.switches).await
    }
}
