//! The whole post-call sequence over the laptop adapters and the test doubles, as the state
//! machine runs it: twice for a redelivered CTR, with crashes between steps, and with a failing
//! transcription.

#![allow(clippy::unwrap_used)] // a test: a panic is the failure report

use std::sync::Arc;

use base64::Engine;
use chrono::Utc;
use salesforce_client::SalesforceError;
use serde_json::{Value, json};

use local_adapters::{LocalTranscriber, WordListAnalysis};
use post_call::contact_analytics::Claim;
use post_call::ctr::ContactTraceRecord;
use post_call::ctr_import::{CtrImportInput, import_ctr};
use post_call::ports::{JobStatus, MarkerError, MarkerState, ObjectLocation, ObjectStore};
use post_call::recording_import::{RecordingImportInput, import_recording};
use post_call::switches::PackageSwitches;
use post_call::testing::fixtures;
use post_call::testing::{MemoryMarkers, MemoryObjectStore, MemorySalesforce, SalesforceCall};
use post_call::transcript_import::{
    TranscriptImportInput, TranscriptImportPorts, import_transcript,
};
use post_call::transcription::{
    CheckTranscriptionInput, StartTranscriptionInput, TranscriptionProgress, check_transcription,
    start_transcription,
};
use post_call::{PostCallError, plan_post_call};

const CONTACT: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
const CCA: &str = "amazonconnect__AC_ContactChannelAnalytics__c";
const CTR: &str = "amazonconnect__AC_ContactTraceRecord__c";

struct Org {
    salesforce: MemorySalesforce,
    markers: MemoryMarkers,
    store: Arc<MemoryObjectStore>,
    transcriber: LocalTranscriber<Arc<MemoryObjectStore>>,
    analysis: WordListAnalysis,
}

impl Org {
    fn new() -> Self {
        let store = Arc::new(MemoryObjectStore::new());
        Self {
            salesforce: MemorySalesforce::cti_org("amazonconnect", true),
            markers: MemoryMarkers::new(),
            transcriber: LocalTranscriber::new(store.clone()).completing_after(2),
            store,
            analysis: WordListAnalysis::new(),
        }
    }

    fn ports(&self) -> TranscriptImportPorts<'_> {
        TranscriptImportPorts {
            salesforce: &self.salesforce,
            markers: &self.markers,
            store: self.store.as_ref(),
            analysis: &self.analysis,
        }
    }
}

/// The workflow input as the trigger builds it, with the CTR straight from Kinesis.
fn workflow_input() -> Value {
    let event: Value =
        serde_json::from_str(&fixtures::text("connect/kinesis-ctr-event.json")).unwrap();
    let data = event["Records"][0]["kinesis"]["data"].as_str().unwrap();
    let mut ctr: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap(),
    )
    .unwrap();
    // Every analysis, so the syntax attachment is part of each run.
    ctr["Attributes"]["postcallTranscribeComprehendAnalysis"] = json!("snt,kw,dl,ne,syn");
    json!({
        "ctr": ctr,
        "switches": {
            "postcallTranscribeComprehendAnalysis": "snt,kw,dl,ne,syn",
            "transcribeOutputS3BucketName": "northwind-transcripts",
            "connectRecordingS3BucketName": "amazon-connect-3e91c4d7a2b8",
            "salesforceAdapterNamespace": "amazonconnect",
            "transcriptionJobCheckWaitTime": 20,
            "region": "us-west-2"
        }
    })
}

/// The claim of execution `owner`, now.
fn claim(owner: &str) -> Claim<'_> {
    Claim {
        owner: Some(owner),
        now: Utc::now(),
    }
}

/// Runs every step the plan calls for, feeding outputs forward like ResultPath does.
async fn run(org: &Org, execution: &str) -> Result<Value, PostCallError> {
    let mut state = workflow_input();
    let ctr: ContactTraceRecord = serde_json::from_value(state["ctr"].clone()).unwrap();
    let switches: PackageSwitches = serde_json::from_value(state["switches"].clone()).unwrap();
    let plan = plan_post_call(&ctr, &switches);
    state["plan"] = serde_json::to_value(&plan).unwrap();
    if plan.ctr_import {
        let input: CtrImportInput = serde_json::from_value(state.clone()).unwrap();
        let output = import_ctr(&org.salesforce, &input.ctr, &input.switches).await?;
        state["ctrImport"] = serde_json::to_value(output).unwrap();
    }
    if plan.contact_analytics {
        let input: RecordingImportInput = serde_json::from_value(state.clone()).unwrap();
        let output =
            import_recording(&org.salesforce, &org.markers, &input, claim(execution)).await?;
        state["contactAnalytics"] = serde_json::to_value(output).unwrap();
    }
    if plan.transcribe {
        let input: StartTranscriptionInput = serde_json::from_value(state.clone()).unwrap();
        let mut progress =
            start_transcription(&org.markers, &org.transcriber, &input, claim(execution)).await?;
        while !progress.complete {
            state["transcription"] = serde_json::to_value(&progress).unwrap();
            let input: CheckTranscriptionInput = serde_json::from_value(state.clone()).unwrap();
            progress = check_transcription(&org.transcriber, &input, Utc::now()).await?;
            assert!(progress.polls < 10, "the local job never completed");
        }
        state["transcription"] = serde_json::to_value(&progress).unwrap();
        let input: TranscriptImportInput = serde_json::from_value(state.clone()).unwrap();
        let output = import_transcript(&org.ports(), &input, claim(execution)).await?;
        state["transcriptImport"] = serde_json::to_value(output).unwrap();
    }
    Ok(state)
}

fn assert_one_of_everything(org: &Org) {
    assert_eq!(org.salesforce.records(CTR).len(), 1);
    let ccas = org.salesforce.records(CCA);
    assert_eq!(ccas.len(), 1);
    let cca_id = ccas[0]["Id"].as_str().unwrap();
    let mut names: Vec<String> = org
        .salesforce
        .attachments(cca_id)
        .into_iter()
        .map(|(name, _, _)| name)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "AgentTranscripts.json",
            "ComprehendSyntax.json",
            "CustomerTranscripts.json"
        ]
    );
    let marker = org.markers.marker(CONTACT).unwrap();
    assert_eq!(marker.state, MarkerState::Completed);
    assert_eq!(marker.cca_id.as_deref(), Some(cca_id));
}

#[tokio::test]
async fn when_the_voice_ctr_runs_end_to_end_should_fill_every_record_and_attachment() {
    let org = Org::new();
    let state = run(&org, "exec-1").await.unwrap();
    assert_one_of_everything(&org);
    let cca = &org.salesforce.records(CCA)[0];
    assert!(
        cca["amazonconnect__RecordingPath__c"]
            .as_str()
            .unwrap()
            .ends_with("_UTC.wav")
    );
    assert_eq!(cca["amazonconnect__Region__c"], "us-west-2");
    let sentiment = cca["amazonconnect__Sentiment__c"].as_str().unwrap();
    assert!(sentiment.contains(", "), "{sentiment}");
    assert!(
        cca["amazonconnect__Keywords__c"]
            .as_str()
            .unwrap()
            .contains("bill")
    );
    assert_eq!(cca["amazonconnect__DominantLanguage__c"], "en");
    assert!(
        cca["amazonconnect__NamedEntities__c"]
            .as_str()
            .unwrap()
            .contains(":")
    );

    let cca_id = cca["Id"].as_str().unwrap();
    let attachments = org.salesforce.attachments(cca_id);
    let (_, description, body) = attachments
        .iter()
        .find(|(name, _, _)| name == "CustomerTranscripts.json")
        .unwrap();
    assert_eq!(
        description.as_deref(),
        Some("Call Recording Transcription - Customer Side")
    );
    let customer: Value = serde_json::from_slice(body).unwrap();
    assert!(customer[0]["content"].as_str().unwrap().starts_with("Hi,"));
    assert!(customer[0]["start_time"].is_f64());
    let (_, description, _) = attachments
        .iter()
        .find(|(name, _, _)| name == "AgentTranscripts.json")
        .unwrap();
    assert_eq!(
        description.as_deref(),
        Some("Call Recording Transcription - Agent Side")
    );

    assert_eq!(state["transcription"]["status"], "COMPLETED");
    assert_eq!(state["transcription"]["polls"], 2);
    assert_eq!(
        state["transcriptImport"]["analyses"],
        json!(["snt", "kw", "dl", "ne", "syn"])
    );
}

#[tokio::test]
async fn when_the_same_ctr_is_processed_twice_should_write_nothing_twice() {
    let org = Org::new();
    run(&org, "exec-1").await.unwrap();
    let creates = org.salesforce.call_count(SalesforceCall::Create);
    let attachments = org.salesforce.call_count(SalesforceCall::CreateAttachment);
    let state = run(&org, "exec-2").await.unwrap();
    assert_one_of_everything(&org);
    assert_eq!(org.salesforce.call_count(SalesforceCall::Create), creates);
    assert_eq!(
        org.salesforce.call_count(SalesforceCall::CreateAttachment),
        attachments
    );
    assert_eq!(state["ctrImport"]["created"], false);
    assert_eq!(state["contactAnalytics"]["created"], false);
    assert_eq!(state["transcriptImport"]["alreadyCompleted"], true);
    let jobs = org
        .store
        .locations()
        .into_iter()
        .filter(|location| location.bucket == "local-transcribe")
        .count();
    assert_eq!(jobs, 1, "the second run follows the first job");
}

/// The answer never came: the request may have been applied.
fn transient() -> SalesforceError {
    SalesforceError::Transient {
        error_code: "TIMEOUT".into(),
        message: "no answer".into(),
    }
}

/// Refused before anything was applied.
fn unavailable() -> SalesforceError {
    SalesforceError::Transient {
        error_code: "SERVER_UNAVAILABLE".into(),
        message: "down for maintenance".into(),
    }
}

#[tokio::test]
async fn when_crashing_between_any_two_writes_should_finish_on_rerun_without_duplicates() {
    type Crash = fn(&Org);
    let crashes: [(&str, Crash); 8] = [
        ("CTR upsert refused", |org| {
            org.salesforce
                .fail_next(SalesforceCall::Upsert, unavailable())
        }),
        ("CCA created, answer lost", |org| {
            org.salesforce
                .lose_next_response(SalesforceCall::Create, transient())
        }),
        ("marker not updated after the CCA", |org| {
            org.markers.fail_next_replace(MarkerError::Unavailable {
                message: "crash".into(),
            })
        }),
        ("marker creation failed", |org| {
            org.markers.fail_next_create(MarkerError::Unavailable {
                message: "crash".into(),
            })
        }),
        ("first attachment created, answer lost", |org| {
            org.salesforce
                .lose_next_response(SalesforceCall::CreateAttachment, transient())
        }),
        ("attachment refused", |org| {
            org.salesforce
                .fail_next(SalesforceCall::CreateAttachment, unavailable())
        }),
        ("comprehend results not written", |org| {
            org.salesforce
                .fail_next(SalesforceCall::Update, unavailable())
        }),
        ("attachment listing failed", |org| {
            org.salesforce
                .fail_next(SalesforceCall::Attachments, unavailable())
        }),
    ];
    // A create whose answer is lost to a timeout may have committed: the step looks for it
    // before giving up, and adopts it within the same attempt.
    let recovers_in_the_attempt = [
        "CCA created, answer lost",
        "first attachment created, answer lost",
    ];
    for (name, crash) in crashes {
        let org = Org::new();
        crash(&org);
        match run(&org, "exec-1").await {
            Ok(_) => assert!(
                recovers_in_the_attempt.contains(&name),
                "{name}: the crash went unnoticed"
            ),
            Err(error) => {
                assert!(!recovers_in_the_attempt.contains(&name), "{name}: {error}");
                assert!(error.is_retryable(), "{name}: {error}");
                run(&org, "exec-1")
                    .await
                    .unwrap_or_else(|error| panic!("{name}: re-run failed: {error}"));
            }
        }
        assert_one_of_everything(&org);
    }
}

#[tokio::test]
async fn when_the_final_marker_update_fails_should_rerun_without_reattaching() {
    let org = Org::new();
    // Let the first two marker writes through (CCA id, job name), then fail the last one.
    let mut state = workflow_input();
    let input: RecordingImportInput = serde_json::from_value(state.clone()).unwrap();
    import_recording(&org.salesforce, &org.markers, &input, claim("exec-1"))
        .await
        .unwrap();
    let input: StartTranscriptionInput = serde_json::from_value(state.clone()).unwrap();
    let mut progress = start_transcription(&org.markers, &org.transcriber, &input, claim("exec-1"))
        .await
        .unwrap();
    while !progress.complete {
        progress = check_transcription(
            &org.transcriber,
            &CheckTranscriptionInput {
                transcription: progress,
                switches: PackageSwitches::default(),
            },
            Utc::now(),
        )
        .await
        .unwrap();
    }
    state["transcription"] = serde_json::to_value(&progress).unwrap();
    let input: TranscriptImportInput = serde_json::from_value(state).unwrap();
    // The import's claim goes through; the final COMPLETED write fails.
    org.markers.fail_replace_after(
        1,
        MarkerError::Unavailable {
            message: "crash".into(),
        },
    );
    assert!(
        import_transcript(&org.ports(), &input, claim("exec-1"))
            .await
            .unwrap_err()
            .is_retryable()
    );
    let attachments = org.salesforce.call_count(SalesforceCall::CreateAttachment);
    let output = import_transcript(&org.ports(), &input, claim("exec-1"))
        .await
        .unwrap();
    assert!(output.attachments_created.is_empty());
    assert_eq!(output.attachments_existing.len(), 3);
    assert_eq!(
        org.salesforce.call_count(SalesforceCall::CreateAttachment),
        attachments
    );
    assert_eq!(
        org.markers.marker(CONTACT).unwrap().state,
        MarkerState::Completed
    );
}

#[tokio::test]
async fn when_transcribe_fails_the_job_should_raise_its_reason_and_retry_with_a_new_name() {
    let store = Arc::new(MemoryObjectStore::new());
    let transcriber = LocalTranscriber::new(store.clone()).failing_when_media_missing();
    let markers = MemoryMarkers::new();
    let input: StartTranscriptionInput = serde_json::from_value(workflow_input()).unwrap();
    let progress = start_transcription(&markers, &transcriber, &input, claim("exec-1"))
        .await
        .unwrap();
    assert_eq!(progress.status, JobStatus::InProgress);
    assert_eq!(progress.wait_seconds, 20);
    assert!(progress.job_name.starts_with(&format!("{CONTACT}_")));
    let error = check_transcription(
        &transcriber,
        &CheckTranscriptionInput {
            transcription: progress.clone(),
            switches: PackageSwitches::default(),
        },
        Utc::now(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.error_type(), "Transcribe.JobFailed");
    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("doesn't point to an S3 object"),
        "{error}"
    );

    // Once the recording exists, starting again makes a new attempt under a new name.
    let recording = ObjectLocation::from_recording_location(
        input
            .ctr
            .recording
            .as_ref()
            .unwrap()
            .location
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    store.put(&recording, b"RIFF").await.unwrap();
    let retry = start_transcription(&markers, &transcriber, &input, claim("exec-1"))
        .await
        .unwrap();
    assert_ne!(retry.job_name, progress.job_name);
    assert_eq!(
        markers.marker(CONTACT).unwrap().transcription_job_name,
        Some(retry.job_name)
    );
}

#[tokio::test]
async fn when_start_is_repeated_should_follow_the_running_job() {
    let org = Org::new();
    let input: StartTranscriptionInput = serde_json::from_value(workflow_input()).unwrap();
    let first = start_transcription(&org.markers, &org.transcriber, &input, claim("exec-1"))
        .await
        .unwrap();
    let again = start_transcription(&org.markers, &org.transcriber, &input, claim("exec-1"))
        .await
        .unwrap();
    assert_eq!(first.job_name, again.job_name);
}

#[tokio::test]
async fn when_transcript_is_imported_before_completion_should_ask_for_a_retry() {
    let org = Org::new();
    let mut state = workflow_input();
    state["transcription"] = serde_json::to_value(TranscriptionProgress {
        job_name: "x_1".into(),
        status: JobStatus::InProgress,
        complete: false,
        transcript_uri: None,
        language_code: None,
        polls: 1,
        wait_seconds: 20,
        wait_deadline: None,
        wait_exhausted: false,
    })
    .unwrap();
    let input: TranscriptImportInput = serde_json::from_value(state).unwrap();
    let error = import_transcript(&org.ports(), &input, claim("exec-1"))
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "Transcribe.NotComplete");
}

#[tokio::test]
async fn when_the_transcript_object_is_missing_should_say_where_it_looked() {
    let org = Org::new();
    let mut state = workflow_input();
    state["transcription"] = json!({
        "jobName": "x_1", "status": "COMPLETED", "complete": true,
        "transcriptUri": "https://s3.us-west-2.amazonaws.com/northwind-transcripts/x_1.json"
    });
    let input: TranscriptImportInput = serde_json::from_value(state).unwrap();
    let error = import_transcript(&org.ports(), &input, claim("exec-1"))
        .await
        .unwrap_err();
    assert_eq!(error.error_type(), "Transcript.NotFound");
    assert!(
        error
            .to_string()
            .contains("s3://northwind-transcripts/x_1.json")
    );
}

#[tokio::test]
async fn when_text_is_longer_than_one_request_should_send_only_fitting_chunks() {
    let text = "I am very happy with the great service. ".repeat(400);
    assert!(text.len() > post_call::analysis_text::MAX_ANALYSIS_BYTES);
    let local = WordListAnalysis::new();
    let formatted = post_call::comprehend::analyse(
        &local,
        &text,
        "en-US",
        &[
            post_call::ComprehendAnalysis::Sentiment,
            post_call::ComprehendAnalysis::KeyPhrases,
        ],
    )
    .await
    .unwrap();
    assert!(formatted.sentiment.unwrap().starts_with("POSITIVE, "));
    assert!(formatted.keywords.unwrap().contains("happy"));
    assert!(local.largest_request_bytes() <= post_call::analysis_text::MAX_ANALYSIS_BYTES);
    assert!(local.requests() >= 2);
}
