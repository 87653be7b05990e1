//! The post-call Lambdas' AWS side against moto's server over real HTTP: the SDK adapters the
//! functions run with (S3 conditional writes for the contact marker, the Amazon Transcribe job
//! lifecycle, Amazon Comprehend, Step Functions StartExecution) and one contact end to end
//! through the CTR trigger, Step Functions on moto, and the engine running the execution with
//! those adapters.

use std::sync::Arc;

use aws_adapters::{ComprehendAnalysis, S3ObjectStore, StepFunctionsStarter, TranscribeJobs};
use end_to_end_tests::{
    MotoServer,
    post_call_on_aws::{
        create_buckets, create_post_call_state_machine, moto_post_call_ports, s3_client,
    },
    post_call_world::*,
};
use post_call::ports::{
    JobStatus, MediaFormat, ObjectLocation, ObjectStore, StoreError, TextAnalysis, Transcriber,
    TranscriberError, TranscriptionJobRequest,
};
use post_call_trigger::{ExecutionStarter, StartOutcome};
use serde_json::{Value, json};
use step_functions_engine::{ExecutionOptions, ExecutionStatus};

const CTR_OBJECT: &str = "amazonconnect__AC_ContactTraceRecord__c";
const CCA_OBJECT: &str = "amazonconnect__AC_ContactChannelAnalytics__c";
const CONTACT_FIELD: &str = "amazonconnect__ContactId__c";
const VOICE_CONTACT: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
const RECORDING_BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const TRANSCRIPT_BUCKET: &str = "northwind-care-transcripts";

fn attachments_of(world: &PostCallWorld, parent: &str) -> Vec<String> {
    let mut names: Vec<String> = world
        .records_where("Attachment", "ParentId", parent)
        .iter()
        .filter_map(|attachment| attachment["Name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

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
        job_name: format!("{VOICE_CONTACT}_1"),
        media_uri: format!("s3://{RECORDING_BUCKET}/connect/CallRecordings/{VOICE_CONTACT}.wav"),
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
async fn a_voice_contact_runs_through_kinesis_step_functions_s3_transcribe_and_comprehend() {
    let moto = MotoServer::start().await.expect("moto");
    let aws = moto.sdk_config().await;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[RECORDING_BUCKET, TRANSCRIPT_BUCKET])
        .await
        .expect("buckets");
    let ctr = voice_ctr();
    let recording = ObjectLocation::from_recording_location(
        ctr["Recording"]["Location"].as_str().expect("recording"),
    )
    .expect("bucket/key");
    let store: Arc<dyn ObjectStore> = Arc::new(S3ObjectStore::new(s3.clone()));
    store
        .put(&recording, b"RIFF....WAVEfmt ")
        .await
        .expect("recording uploaded");

    // The deployed state machine, on moto's Step Functions.
    let sfn = aws_sdk_sfn::Client::new(&aws);
    let machine_arn = create_post_call_state_machine(&sfn)
        .await
        .expect("CreateStateMachine");
    let starter = StepFunctionsStarter::new(sfn.clone(), machine_arn.clone());

    // The Lambdas' ports, as `activity_support::lambda::sdk_post_call_ports` builds them but
    // aimed at moto.
    let world = PostCallWorld::build({
        let aws = aws.clone();
        let s3 = s3.clone();
        move |salesforce, _| moto_post_call_ports(&aws, s3, salesforce)
    })
    .await;

    // Kinesis delivers the CTR to the trigger, which starts the execution on Step Functions.
    let switches = all_switches();
    let event = json!({ "Records": [kinesis_record("49590001", &ctr.to_string())] });
    let (report, response) = ctr_trigger::handle(&starter, &switches, event.clone())
        .await
        .expect("a Kinesis event");
    assert_eq!(response, json!({ "batchItemFailures": [] }));
    let started = &report.started[0];
    assert_eq!(started.execution_name, format!("contact-{VOICE_CONTACT}"));
    let execution_arn = started.execution_arn.clone().expect("a new execution");

    // Step Functions runs the execution: our engine, on the input Step Functions holds.
    let described = sfn
        .describe_execution()
        .execution_arn(&execution_arn)
        .send()
        .await
        .expect("DescribeExecution");
    let input: Value = serde_json::from_str(described.input().expect("input")).expect("json");
    assert_eq!(input["ctr"]["ContactId"], VOICE_CONTACT);
    let run = world
        .engine
        .run(
            &world.machine,
            input.clone(),
            ExecutionOptions {
                name: Some(started.execution_name.clone()),
                state_machine_name: Some("post-call".into()),
                ..ExecutionOptions::default()
            },
        )
        .await
        .expect("runs");
    assert_eq!(run.status, ExecutionStatus::Succeeded, "{:?}", run.cause);

    // Kinesis redelivers while the execution runs (same name and input: Step Functions hands
    // back the same execution), then after it ended (ExecutionAlreadyExists).
    let (again, _) = ctr_trigger::handle(&starter, &switches, event.clone())
        .await
        .expect("a Kinesis event");
    assert_eq!(
        again.started[0].execution_arn.as_deref(),
        Some(execution_arn.as_str())
    );
    sfn.stop_execution()
        .execution_arn(&execution_arn)
        .send()
        .await
        .expect("StopExecution");
    let (after_end, response) = ctr_trigger::handle(&starter, &switches, event)
        .await
        .expect("a Kinesis event");
    assert_eq!(after_end.started[0].execution_arn, None);
    assert_eq!(response, json!({ "batchItemFailures": [] }));
    let executions = sfn
        .list_executions()
        .state_machine_arn(&machine_arn)
        .send()
        .await
        .expect("ListExecutions");
    assert_eq!(
        executions.executions().len(),
        1,
        "one execution per contact"
    );
    assert!(matches!(
        starter
            .start_execution(&started.execution_name, &input)
            .await,
        Ok(StartOutcome::AlreadyStarted)
    ));

    // A console re-run with the same input writes nothing twice.
    let rerun = world.rerun(input, "console-rerun").await;
    assert_eq!(
        rerun.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        rerun.cause
    );

    assert_eq!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, VOICE_CONTACT)
            .len(),
        1
    );
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT);
    assert_eq!(ccas.len(), 1);
    let cca = &ccas[0];
    assert!(
        cca["amazonconnect__RecordingPath__c"]
            .as_str()
            .is_some_and(|path| path.contains(VOICE_CONTACT)),
        "{cca}"
    );
    let cca_id = cca["Id"].as_str().expect("id");
    assert_eq!(
        attachments_of(&world, cca_id),
        vec!["AgentTranscripts.json", "CustomerTranscripts.json"]
    );
    // Comprehend's sentiment reached the record (the contact asked for `snt,kw`).
    assert!(
        cca.as_object()
            .expect("record")
            .iter()
            .any(|(field, value)| field.contains("Sentiment") && !value.is_null()),
        "{cca}"
    );

    // One Transcribe job for the contact, whatever was re-run.
    let jobs = aws_sdk_transcribe::Client::new(&aws)
        .list_transcription_jobs()
        .send()
        .await
        .expect("ListTranscriptionJobs");
    let jobs: Vec<&str> = jobs
        .transcription_job_summaries()
        .iter()
        .filter_map(|job| job.transcription_job_name())
        .filter(|name| name.contains(VOICE_CONTACT))
        .collect();
    assert_eq!(jobs.len(), 1, "{jobs:?}");

    // The marker in the transcript bucket says the contact is done.
    let marker = store
        .get(&ObjectLocation::new(
            TRANSCRIPT_BUCKET,
            format!("locks/{VOICE_CONTACT}.lock"),
        ))
        .await
        .expect("get")
        .expect("the contact's marker");
    assert!(String::from_utf8_lossy(&marker).contains("COMPLETED"));
}
