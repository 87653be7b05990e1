//! The post-call Lambdas' AWS side against moto's server over real HTTP: the SDK adapters the
//! functions run with (S3 conditional writes for the contact marker, the Amazon Transcribe job
//! lifecycle, Amazon Comprehend, Step Functions StartExecution) and one contact end to end
//! through the CTR trigger, Step Functions on moto, and the engine running the execution with
//! those adapters.

use aws_adapters::{ComprehendAnalysis, S3ObjectStore, StepFunctionsStarter, TranscribeJobs};
use post_call::ports::{
    JobStatus, MediaFormat, ObjectLocation, ObjectStore, StoreError, TextAnalysis, Transcriber,
    TranscriberError, TranscriptionJobRequest,
};
use post_call_trigger::{ExecutionStarter, StartOutcome};
use serde_json::json;
use step_functions_engine::ExecutionStatus;
use test_harness::{
    MotoServer,
    fixtures::*,
    moto_resources::{create_buckets, create_post_call_state_machine, s3_client},
};
use tests::post_call_world::*;

const RECORDING_BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const TRANSCRIPT_BUCKET: &str = "northwind-care-transcripts";

#[tokio::test]
async fn s3_marker_writes_are_atomic_and_missing_objects_read_as_absent() {
    let moto = MotoServer::start().await.expect("moto");
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[TRANSCRIPT_BUCKET])
        .await
        .expect("buckets");
    let store = S3ObjectStore::new(s3);
    let marker = ObjectLocation::new(TRANSCRIPT_BUCKET, "locks/c-1.lock");

    assert_eq!(store.get(&marker).await.expect("get"), None);
    assert!(
        store
            .put_if_absent(&marker, b"first")
            .await
            .expect("create")
    );
    // If-None-Match: * answered 412: the second writer learns the marker exists.
    assert!(!store.put_if_absent(&marker, b"second").await.expect("412"));
    assert_eq!(
        store.get(&marker).await.expect("get"),
        Some(b"first".to_vec())
    );
    store.put(&marker, b"replaced").await.expect("put");
    assert_eq!(
        store.get(&marker).await.expect("get"),
        Some(b"replaced".to_vec())
    );

    // A bucket that does not exist is a refusal, not an outage: retrying will not help.
    let error = store
        .put(&ObjectLocation::new("no-such-bucket", "x"), b"x")
        .await
        .expect_err("no bucket");
    assert!(matches!(error, StoreError::Failed { .. }), "{error}");
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("NoSuchBucket"), "{error}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_an_outage_the_workflow_retries() {
    let moto = MotoServer::start().await.expect("moto");
    let endpoint = moto.endpoint().to_string();
    let config = aws_sdk_s3::config::Builder::from(&moto.sdk_config().await)
        .force_path_style(true)
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
        .build();
    drop(moto);
    let store = S3ObjectStore::new(aws_sdk_s3::Client::from_conf(config));
    let error = store
        .get(&ObjectLocation::new(TRANSCRIPT_BUCKET, "locks/c-1.lock"))
        .await
        .expect_err("nothing listens");
    assert!(error.is_retryable(), "{error} ({endpoint})");
}

#[tokio::test]
async fn transcribe_jobs_go_through_their_lifecycle_and_names_are_never_reused() {
    let moto = MotoServer::start().await.expect("moto");
    let transcribe = TranscribeJobs::from_config(&moto.sdk_config().await);
    let request = TranscriptionJobRequest {
        job_name: format!("{VOICE_CONTACT_ID}_1"),
        media_uri: format!("s3://{RECORDING_BUCKET}/connect/CallRecordings/{VOICE_CONTACT_ID}.wav"),
        media_format: MediaFormat::Wav,
        language_code: "en-US".into(),
        output_bucket: TRANSCRIPT_BUCKET.into(),
        channel_identification: true,
    };
    let started = transcribe.start_job(&request).await.expect("started");
    assert_eq!(started.job_name, request.job_name);
    assert_ne!(started.status, JobStatus::Completed);

    let again = transcribe.start_job(&request).await.expect_err("same name");
    assert_eq!(
        again,
        TranscriberError::JobAlreadyExists {
            job_name: request.job_name.clone()
        }
    );

    let mut job = transcribe.get_job(&request.job_name).await.expect("job");
    for _ in 0..5 {
        if job.status == JobStatus::Completed {
            break;
        }
        job = transcribe.get_job(&request.job_name).await.expect("job");
    }
    assert_eq!(job.status, JobStatus::Completed);
    let output = ObjectLocation::from_uri(job.transcript_uri.as_deref().expect("uri"))
        .expect("an S3 location");
    assert_eq!(
        output,
        ObjectLocation::new(TRANSCRIPT_BUCKET, format!("{}.json", request.job_name))
    );

    let missing = transcribe
        .get_job("no-such-job")
        .await
        .expect_err("missing");
    assert!(
        matches!(missing, TranscriberError::JobNotFound { .. }),
        "{missing}"
    );
}

#[tokio::test]
async fn comprehend_sentiment_and_key_phrases_are_read_from_the_service_response() {
    let moto = MotoServer::start().await.expect("moto");
    let comprehend = ComprehendAnalysis::from_config(&moto.sdk_config().await);
    let text = "I was charged twice for my order last week and I would like a refund. ".repeat(6);
    let text = text.as_str();
    let sentiment = comprehend
        .detect_sentiment(text, "en")
        .await
        .expect("sentiment");
    let scores = sentiment.sentiment_score;
    let total = scores.positive + scores.negative + scores.neutral + scores.mixed;
    assert!(total > 0.0, "scores were read: {scores:?}");
    let phrases = comprehend
        .detect_key_phrases(text, "en")
        .await
        .expect("key phrases");
    assert!(!phrases.is_empty());
    assert!(phrases.iter().all(|phrase| !phrase.text.is_empty()));
}

#[tokio::test]
async fn step_functions_hands_back_a_running_execution_and_refuses_a_finished_name() {
    let moto = MotoServer::start().await.expect("moto");
    let sfn = aws_sdk_sfn::Client::new(&moto.sdk_config().await);
    let machine_arn = create_post_call_state_machine(&sfn)
        .await
        .expect("CreateStateMachine");
    let starter = StepFunctionsStarter::new(sfn.clone(), machine_arn);
    let name = format!("contact-{VOICE_CONTACT_ID}");
    let input = json!({ "ctr": voice_ctr(), "switches": all_switches() });

    let Ok(StartOutcome::Started { execution_arn }) = starter.start_execution(&name, &input).await
    else {
        panic!("the first start starts");
    };
    // Kinesis redelivers while the execution runs: same name and input, same execution.
    assert_eq!(
        starter.start_execution(&name, &input).await,
        Ok(StartOutcome::Started {
            execution_arn: execution_arn.clone()
        })
    );
    sfn.stop_execution()
        .execution_arn(&execution_arn)
        .send()
        .await
        .expect("StopExecution");
    // After it ended, Step Functions refuses the name: nothing new runs.
    assert_eq!(
        starter.start_execution(&name, &input).await,
        Ok(StartOutcome::AlreadyStarted)
    );
}

#[tokio::test]
async fn a_voice_contact_on_aws_leaves_one_execution_one_transcription_job_and_a_completed_marker()
{
    let world = PostCallWorld::on_moto().await;
    let (moto, machine_arn) = world.on_aws().expect("on moto");
    let aws = moto.sdk_config().await;
    let store = S3ObjectStore::new(s3_client(moto).await);
    let ctr = voice_ctr();
    let recording = ObjectLocation::from_recording_location(
        ctr["Recording"]["Location"].as_str().expect("recording"),
    )
    .expect("bucket/key");
    store
        .put(&recording, b"RIFF....WAVEfmt ")
        .await
        .expect("recording uploaded");

    // Delivered, redelivered, then re-run from the console.
    let switches = all_switches();
    let first = world.deliver(std::slice::from_ref(&ctr), &switches).await;
    let execution = &first.executions[0];
    assert_eq!(
        execution.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.cause
    );
    let again = world.deliver(&[ctr], &switches).await;
    assert!(again.executions.is_empty());
    let rerun = world.rerun(execution, "console-rerun").await;
    assert_eq!(
        rerun.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        rerun.cause
    );

    let executions = aws_sdk_sfn::Client::new(&aws)
        .list_executions()
        .state_machine_arn(machine_arn)
        .send()
        .await
        .expect("ListExecutions");
    assert_eq!(
        executions.executions().len(),
        1,
        "one execution per contact"
    );

    let jobs = aws_sdk_transcribe::Client::new(&aws)
        .list_transcription_jobs()
        .send()
        .await
        .expect("ListTranscriptionJobs");
    let jobs: Vec<&str> = jobs
        .transcription_job_summaries()
        .iter()
        .filter_map(|job| job.transcription_job_name())
        .filter(|name| name.contains(VOICE_CONTACT_ID))
        .collect();
    assert_eq!(jobs.len(), 1, "one Transcribe job per contact: {jobs:?}");

    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(ccas.len(), 1);
    let cca_id = ccas[0]["Id"].as_str().expect("id");
    assert_eq!(
        world.attachment_names(cca_id),
        vec!["AgentTranscripts.json", "CustomerTranscripts.json"]
    );

    // The marker in the transcript bucket says the contact is done.
    let marker = store
        .get(&ObjectLocation::new(
            TRANSCRIPT_BUCKET,
            format!("locks/{VOICE_CONTACT_ID}.lock"),
        ))
        .await
        .expect("get")
        .expect("the contact's marker");
    assert!(String::from_utf8_lossy(&marker).contains("COMPLETED"));
}
