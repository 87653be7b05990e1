//! `ImportCtr`: upserts the contact's `AC_ContactTraceRecord__c` by `ContactId__c`.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};

use crate::PostCallError;
use crate::ctr::ContactState;
use crate::ctr_import::{CtrImportOutput, import_ctr};
use crate::ports::{ObjectStore, SalesforceWrites};

pub struct ImportCtr;

pub struct ImportCtrPorts {
    pub salesforce: Arc<dyn SalesforceWrites>,
    /// Reads a CTR passed by reference (`ctrReference`).
    pub store: Arc<dyn ObjectStore>,
}

impl Task for ImportCtr {
    const STATE: &'static str = "ImportCtr";
    type Ports = ImportCtrPorts;
    type Input = ContactState;
    type Output = CtrImportOutput;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        super::names_reading_ctr(&[], true)
    }

    fn retry_budget(input: &Self::Input) -> Option<chrono::Duration> {
        Some(input.switches.outage_tolerance())
    }

    async fn run(
        ports: &ImportCtrPorts,
        input: ContactState,
        _: &TaskContext,
    ) -> Result<CtrImportOutput, PostCallError> {
        let ctr = input.ctr.resolve(ports.store.as_ref()).await?;
        import_ctr(ports.salesforce.as_ref(), &ctr, &input.switches).await
    }
}
