//! `ImportContactLensFile`: a checked file onto the contact's one CCA, once.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};
use post_call::stored_markers::StoredMarkers;

use crate::check::CheckedFile;
use crate::error::{ContactLensError, ContactLensErrorKind, names};
use crate::import::{ImportPorts, ImportReport, import_file};
use crate::ports::{ObjectStore, SalesforceWrites};
use crate::settings::ContactLensSettings;

pub struct ImportContactLensFile;

pub struct ImportContactLensFilePorts {
    pub salesforce: Arc<dyn SalesforceWrites>,
    /// Reads the file from the recording bucket; holds the contact markers and import claims
    /// (`locks/` in the transcript bucket).
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<ContactLensSettings>,
}

impl Task for ImportContactLensFile {
    const STATE: &'static str = "ImportContactLensFile";
    type Ports = ImportContactLensFilePorts;
    type Input = CheckedFile;
    type Output = ImportReport;
    type Error = ContactLensError;

    fn error_names() -> Vec<ErrorName> {
        use ContactLensErrorKind as Kind;
        names(
            &[
                Kind::InvalidConfiguration,
                Kind::InvalidEvent,
                Kind::FileNotFound,
                Kind::FileUnreadable,
                Kind::FileMalformed,
                Kind::ObjectStoreUnavailable,
                Kind::ObjectStoreFailed,
                Kind::ContactAnalyticsPending,
                Kind::MarkersUnavailable,
                Kind::MarkersFailed,
            ],
            true,
        )
    }

    fn retry_budget(input: &CheckedFile) -> Option<chrono::Duration> {
        Some(chrono::Duration::minutes(i64::from(
            input.outage_tolerance_minutes.max(1),
        )))
    }

    async fn run(
        ports: &ImportContactLensFilePorts,
        input: CheckedFile,
        context: &TaskContext,
    ) -> Result<ImportReport, ContactLensError> {
        let bucket = ports.settings.transcript_bucket.clone().unwrap_or_default();
        let markers = StoredMarkers::new(ports.store.clone(), bucket);
        let step_ports = ImportPorts {
            salesforce: ports.salesforce.as_ref(),
            markers: &markers,
            store: ports.store.as_ref(),
        };
        import_file(
            &step_ports,
            &ports.settings,
            &input,
            context.execution_name.as_deref(),
            context.now,
        )
        .await
    }
}
