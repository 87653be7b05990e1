//! The `StartTranscription` step.
//!
//! Input: `{"ctr": <CTR>, "switches": <PackageSwitches>, "executionName": "…"}`; output: a
//! [`TranscriptionProgress`].
//!
//! Safe to re-run: the job name is written into the contact marker *before* the job is
//! started, so a re-run finds it and follows that job (or starts it under the same name if the
//! crash came first) instead of paying for a second transcription. Only a FAILED job leads to a
//! new attempt, with a new name.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use tracing::info;

use super::job_request::{JobName, build_job_request};
use super::progress::TranscriptionProgress;
use crate::ctr::ContactTraceRecord;
use crate::error::PostCallError;
use crate::plan::plan_post_call;
use crate::ports::{
    ContactMarker, ContactMarkers, JobStatus, MarkerCreation, Transcriber, TranscriberError,
};
use crate::switches::PackageSwitches;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartTranscriptionInput {
    pub ctr: ContactTraceRecord,
    #[serde(default)]
    pub switches: PackageSwitches,
    #[serde(default)]
    pub execution_name: Option<String>,
}

#[tracing::instrument(skip_all, fields(contact_id = %input.ctr.contact_id))]
pub async fn start_transcription(
    markers: &dyn ContactMarkers,
    transcriber: &dyn Transcriber,
    input: &StartTranscriptionInput,
    now: DateTime<Utc>,
) -> Result<TranscriptionProgress, PostCallError> {
    let ctr = &input.ctr;
    let contact_id = ctr.contact_id.as_str();
    let plan = plan_post_call(ctr, &input.switches);
    let language = match (plan.transcribe, plan.transcribe_language.as_deref()) {
        (true, Some(language)) => language,
        _ => {
            return Err(PostCallError::NotPlanned {
                contact_id: contact_id.to_string(),
                step: "transcription",
            });
        }
    };
    // Validated before any write, so a contact that cannot be transcribed leaves no trace.
    let mut request = build_job_request(
        ctr,
        &JobName::random(contact_id),
        language,
        &input.switches.transcript_bucket,
    )?;
    let wait = input.switches.transcription_job_check_wait_time;
    let progress = |job: &crate::ports::TranscriptionJob| {
        TranscriptionProgress::from_job(job, 0, wait, Some(language))
    };

    let fresh = ContactMarker::new(input.execution_name.clone(), now);
    let mut marker = match markers
        .create_if_absent(contact_id, &fresh)
        .await
        .map_err(|error| PostCallError::markers(contact_id, "create", error))?
    {
        MarkerCreation::Created => fresh,
        MarkerCreation::AlreadyExists(marker) => marker,
    };

    let job_name = match marker.transcription_job_name.clone() {
        Some(previous) => match transcriber.get_job(&previous).await {
            Ok(job) if job.status != JobStatus::Failed => {
                info!(job_name = %previous, status = ?job.status, "following the job already started");
                return Ok(progress(&job));
            }
            Ok(_) => None,
            // Recorded but never started: the crash came between the two.
            Err(TranscriberError::JobNotFound { .. }) => Some(previous),
            Err(source) => {
                return Err(PostCallError::Transcriber {
                    job_name: previous,
                    source,
                });
            }
        },
        None => None,
    };
    let job_name = match job_name {
        Some(name) => name,
        None => {
            let name = JobName::random(contact_id).to_string();
            marker.transcription_job_name = Some(name.clone());
            markers
                .replace(contact_id, &marker)
                .await
                .map_err(|error| {
                    PostCallError::markers(contact_id, "record the job name in", error)
                })?;
            name
        }
    };

    request.job_name = job_name.clone();
    let job = match transcriber.start_job(&request).await {
        Ok(job) => job,
        // Started by an earlier attempt whose answer was lost.
        Err(TranscriberError::JobAlreadyExists { .. }) => transcriber
            .get_job(&job_name)
            .await
            .map_err(|source| PostCallError::Transcriber {
                job_name: job_name.clone(),
                source,
            })?,
        Err(source) => return Err(PostCallError::Transcriber { job_name, source }),
    };
    info!(job_name = %job.job_name, "transcription job started");
    Ok(progress(&job))
}
