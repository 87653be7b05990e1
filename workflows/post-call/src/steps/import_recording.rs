//! `ImportRecording`: the contact's Contact Channel Analytics record, created exactly once
//! (the contact marker in the transcript bucket makes the creation atomic).

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};

use crate::PostCallError;
use crate::contact_analytics::Claim;
use crate::ctr::ContactState;
use crate::error::PostCallErrorKind;
use crate::ports::{ObjectStore, SalesforceWrites};
use crate::recording_import::{RecordingImportInput, RecordingImportOutput, import_recording};
use crate::stored_markers::StoredMarkers;

pub struct ImportRecording;

pub struct ImportRecordingPorts {
    pub salesforce: Arc<dyn SalesforceWrites>,
    /// Holds the contact markers (`locks/<ContactId>.lock` in the transcript bucket) and a
    /// CTR passed by reference.
    pub store: Arc<dyn ObjectStore>,
}

impl Task for ImportRecording {
    const STATE: &'static str = "ImportRecording";
    type Ports = ImportRecordingPorts;
    type Input = ContactState;
    type Output = RecordingImportOutput;
    type Error = PostCallError;

    fn error_names() -> Vec<ErrorName> {
        use PostCallErrorKind as Kind;
        super::names_reading_ctr(
            &[
                Kind::InvalidConfiguration,
                Kind::ContactAnalyticsPending,
                Kind::MarkersUnavailable,
                Kind::MarkersFailed,
            ],
            true,
        )
    }

    fn retry_budget(input: &Self::Input) -> Option<chrono::Duration> {
        Some(input.switches.outage_tolerance())
    }

    async fn run(
        ports: &ImportRecordingPorts,
        input: ContactState,
        context: &TaskContext,
    ) -> Result<RecordingImportOutput, PostCallError> {
        let input = RecordingImportInput {
            ctr: input.ctr.resolve(ports.store.as_ref()).await?,
            switches: input.switches,
        };
        let markers = StoredMarkers::new(ports.store.clone(), &input.switches.transcript_bucket);
        import_recording(
            ports.salesforce.as_ref(),
            &markers,
            &input,
            Claim::of(context),
        )
        .await
    }
}
