//! `connect-sf invoke historical-report-import`: the historical report import workflow
//! (`statemachines/historical-report-import.asl.json`) on one S3 notification or EventBridge
//! `Object Created` event, against the report in the local S3 directory (`DIR/<bucket>/<key>`)
//! and the embedded org.

use std::process::ExitCode;

use activity_contract::ErrorBody;
use anyhow::bail;

use crate::invoke::InvokeOptions;
use crate::local_connect::EmbeddedConnect;
use crate::local_runtime::LocalStorage;
use crate::project::read_json;

pub async fn historical_report_import(
    options: InvokeOptions,
    storage: LocalStorage,
) -> anyhow::Result<ExitCode> {
    if !options.params.is_empty() {
        bail!("--param applies to contact-flow events (sf-invoke-api) only");
    }
    let event = read_json(&options.event)?;
    // An event that names no report is the rehearsal's mistake: say what was expected.
    if let Err(error) = historical_metrics::report::event::reports_of(&event) {
        eprintln!("{}", serde_json::to_string_pretty(&ErrorBody::of(&error))?);
        return Ok(ExitCode::FAILURE);
    }
    if storage.directory.is_none() {
        eprintln!(
            "connect-sf: no --storage DIR: the local S3 is an empty temporary directory, so the report the event names is not there"
        );
    }
    crate::event_workflow::run_on_event(
        "historical-report-import",
        event,
        &options,
        &EmbeddedConnect::default(),
        &storage,
    )
    .await
}
