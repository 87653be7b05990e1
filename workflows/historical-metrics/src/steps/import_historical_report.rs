//! `ImportHistoricalReport`: the report an S3 `Object Created` event names (an EventBridge
//! event, or an S3 notification with one or more records) into its object.

use std::sync::Arc;

use activity_contract::{ErrorName, NamedError, Task, TaskContext};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ImportError;
use crate::ports::{HistoricalWrites, ObjectStore};
use crate::report::event::reports_of;
use crate::report::import::{ImportPorts, ReportImport, import_report};
use crate::settings::HistoricalSettings;

/// What the step calls: the org, the reporting bucket, the functions' configuration.
pub struct ImportHistoricalReportPorts {
    pub salesforce: Arc<dyn HistoricalWrites>,
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<HistoricalSettings>,
}

/// Every report the event named, imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportHistoricalReportOutput {
    pub reports: Vec<ReportImport>,
}

pub struct ImportHistoricalReport;

impl Task for ImportHistoricalReport {
    const STATE: &'static str = "ImportHistoricalReport";
    type Ports = ImportHistoricalReportPorts;
    /// The event as EventBridge (or an S3 notification) delivers it.
    type Input = Value;
    type Output = ImportHistoricalReportOutput;
    type Error = ImportError;

    fn error_names() -> Vec<ErrorName> {
        ImportError::error_names()
    }

    async fn run(
        ports: &Self::Ports,
        event: Value,
        _context: &TaskContext,
    ) -> Result<Self::Output, Self::Error> {
        let import = ImportPorts::new(
            ports.salesforce.as_ref(),
            ports.store.as_ref(),
            ports.settings.as_ref(),
        );
        let mut reports = Vec::new();
        for report in reports_of(&event)? {
            reports.push(import_report(&import, &report).await?);
        }
        Ok(ImportHistoricalReportOutput { reports })
    }
}
