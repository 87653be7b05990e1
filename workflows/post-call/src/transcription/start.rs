//! The `StartTranscription` step.
//!
//! Input: `{"ctr": <CTR>, "switches": <PackageSwitches>, "executionName": "…"}`; output: a
//! [`TranscriptionProgress`].
//!
//! Safe to re-run: the job name is written into the contact marker *before* the job is
//! started, so a re-run finds it and follows that job (or starts it under the same name if the
//! crash came first) instead of paying for a second transcription. Only a FAILED job leads to a
//! new attempt, with a new name.

use crate::contact_analytics::Claim;
use serde::Deserialize;
use tracing::info;

use super::job_request::{JobName, build_job_request};
use super::progress::{Polling, TranscriptionProgress};
use crate::ctr::ContactTraceRecord;
use crate::error::PostCallError;
use crate::plan::plan_post_call;
use crate::ports::{
    ContactMarker, ContactMarkers, JobStatus, MarkerCreation, MarkerState, Transcriber,
    TranscriberError,
};
use crate::switches::PackageSwitches;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartTranscriptionInput {
    pub ctr: ContactTraceRecord,
    #[serde(default)]
    pub switches: PackageSwitches,
}

#[tracing::instrument(skip_all, fields(contact_id = %input.ctr.contact_id))]
pub async fn start_transcription(
    markers: &dyn ContactMarkers,
    transcriber: &dyn Transcriber,
    input: &StartTranscriptionInput,
    claim: Claim<'_>,
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
        TranscriptionProgress::from_job(
            job,
            Polling {
                polls: 0,
                wait_seconds: wait,
                deadline: Some(claim.now + input.switches.transcription_max_wait()),
                now: claim.now,
            },
            Some(language),
        )
    };

    let fresh = ContactMarker::new(claim.owner.map(str::to_string), claim.now);
    let recorded = match markers
        .create_if_absent(contact_id, &fresh)
        .await
        .map_err(|error| PostCallError::markers(contact_id, "create", error))?
    {
        MarkerCreation::Created => None,
        // Finished already (by an earlier execution, or by the old package before cutover):
        // nothing to transcribe, and the transcript import will find the marker COMPLETED.
        MarkerCreation::AlreadyExists(read) if read.marker.state == MarkerState::Completed => {
            info!("contact already completed; no transcription job started");
            let job = crate::ports::TranscriptionJob {
                job_name: read
                    .marker
                    .transcription_job_name
                    .unwrap_or_else(|| "completed-before".to_string()),
                status: JobStatus::Completed,
                failure_reason: None,
                transcript_uri: None,
                language_code: Some(language.to_string()),
            };
            return Ok(progress(&job));
        }
        MarkerCreation::AlreadyExists(read) => read.marker.transcription_job_name,
    };

    let mut failed_job = None;
    let mut job_name = None;
    if let Some(previous) = recorded {
        match transcriber.get_job(&previous).await {
            Ok(job) if job.status != JobStatus::Failed => {
                info!(job_name = %previous, status = ?job.status, "following the job already started");
                return Ok(progress(&job));
            }
            Ok(_) => failed_job = Some(previous),
            // Recorded but never started: the crash came between the two.
            Err(TranscriberError::JobNotFound { .. }) => job_name = Some(previous),
            Err(source) => {
                return Err(PostCallError::Transcriber {
                    job_name: previous,
                    source,
                });
            }
        }
    }
    let job_name = match job_name {
        Some(name) => name,
        None => {
            // Recorded by compare-and-swap: of two executions racing here one name wins, and
            // both then start (or follow) that one job, so the recording is paid for once.
            let candidate = JobName::random(contact_id).to_string();
            let record = |current: &ContactMarker| {
                let recorded = current.transcription_job_name.as_deref();
                if recorded.is_some() && recorded != failed_job.as_deref() {
                    return None;
                }
                let mut next = current.clone();
                next.transcription_job_name = Some(candidate.clone());
                Some(next)
            };
            let stored = markers.update(contact_id, &record).await.map_err(|error| {
                PostCallError::markers(contact_id, "record the job name in", error)
            })?;
            stored.transcription_job_name.unwrap_or(candidate)
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
