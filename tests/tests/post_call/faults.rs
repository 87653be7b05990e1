//! The post-call workflow under the faults a reliability review listed: late commits,
//! concurrent executions of one contact, an older CTR after a newer one, lock conflicts and
//! expired sessions, the old package's lock at cutover, a missing transcript bucket and a
//! transcription that never finishes. The real workflow on the engine (virtual time), every
//! activity's real handler, the Salesforce emulator over HTTP; markers on the embedded
//! directory store and, where S3 plays the part (conditional writes, object metadata), on moto.

use std::collections::BTreeMap;

use local_adapters::DirectoryObjectStore;
use post_call::PackageSwitches;
use post_call::ports::{ObjectLocation, ObjectStore};
use salesforce_client::Record;
use salesforce_emulator::{Fault, FaultKind, FaultSchedule};
use serde_json::{Value, json};
use step_functions_engine::{ExecutionResult, ExecutionStatus};
use test_harness::fixtures::{all_switches, voice_ctr};
use tests::post_call_world::{
    CCA_OBJECT, CONTACT_FIELD, CTR_OBJECT, PostCallWorld, VOICE_CONTACT_ID, triggered_execution,
};

async fn triggered(ctr: &Value, switches: &PackageSwitches) -> (String, Value) {
    triggered_execution(ctr, switches).await
}

async fn run(world: &PostCallWorld, name: &str, input: Value) -> ExecutionResult {
    world.run_execution(name, input, None).await
}

fn succeeded(execution: &ExecutionResult) {
    assert_eq!(
        execution.status,
        ExecutionStatus::Succeeded,
        "{}: {:?} {:?}",
        execution.execution_arn,
        execution.error,
        execution.cause
    );
}

/// What the org holds for the voice contact: CTR records, CCA records, the first CCA's
/// attachments.
fn written(world: &PostCallWorld) -> (usize, usize, Vec<String>) {
    let ctrs = world.records_where(CTR_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    let attachments = ccas
        .first()
        .and_then(|cca| cca["Id"].as_str())
        .map(|id| world.attachment_names(id))
        .unwrap_or_default();
    (ctrs.len(), ccas.len(), attachments)
}

fn everything_once() -> (usize, usize, Vec<String>) {
    (
        1,
        1,
        vec![
            "AgentTranscripts.json".to_string(),
            "CustomerTranscripts.json".to_string(),
        ],
    )
}

/// Transcribe output objects the local transcriber wrote for the voice contact (one per job).
fn local_transcription_jobs(world: &PostCallWorld) -> usize {
    let bucket = world.storage.join(&all_switches().transcript_bucket);
    std::fs::read_dir(bucket)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| {
                    let name = entry.file_name().to_string_lossy().to_string();
                    name.starts_with(VOICE_CONTACT_ID) && name.ends_with(".json")
                })
                .count()
        })
        .unwrap_or(0)
}

async fn two_executions_of_one_contact_at_once_write_everything_once(
    world: &PostCallWorld,
) -> (ExecutionResult, ExecutionResult) {
    // Slow queries keep both executions' steps in flight together wherever they meet at the same
    // virtual instant (the CCA creation, the job name). The import claim itself, which the
    // virtual clock cannot make overlap, is tested in `post_call::transcript_import`.
    world.emulator.control().inject_fault(Fault {
        kind: FaultKind::Latency(std::time::Duration::from_millis(300)),
        schedule: FaultSchedule::Always,
        path_contains: Some("/query".into()),
        method: Some("GET".into()),
    });
    let (name, input) = triggered(&voice_ctr(), &all_switches()).await;
    // The trigger's execution and a console re-run of it, started while it runs: two owners.
    let rerun = format!("{name}-console");
    let (first, second) = tokio::join!(run(world, &name, input.clone()), run(world, &rerun, input));
    succeeded(&first);
    succeeded(&second);
    assert_eq!(written(world), everything_once());
    (first, second)
}

#[tokio::test]
async fn two_executions_of_one_contact_at_once_write_everything_once_locally() {
    let world = PostCallWorld::local(3).await;
    let (first, second) = two_executions_of_one_contact_at_once_write_everything_once(&world).await;
    // And never two paid Transcribe jobs: one job name is recorded, both follow it.
    assert_eq!(local_transcription_jobs(&world), 1);
    let job = |execution: &ExecutionResult| {
        execution
            .output
            .as_ref()
            .and_then(|output| output["results"]["recording"]["transcription"]["jobName"].as_str())
            .map(str::to_string)
    };
    assert_eq!(
        job(&first),
        job(&second),
        "both executions followed one job"
    );
    assert!(job(&first).is_some());
}

#[tokio::test]
async fn two_executions_of_one_contact_at_once_write_everything_once_on_moto() {
    two_executions_of_one_contact_at_once_write_everything_once(&PostCallWorld::on_moto().await)
        .await;
}

#[tokio::test]
async fn an_older_ctr_processed_after_a_newer_one_leaves_the_newer_in_salesforce() {
    let world = PostCallWorld::local(1).await;
    let older = voice_ctr();
    let mut newer = older.clone();
    newer["LastUpdateTimestamp"] = json!("2024-03-05T15:02:11Z");
    newer["Attributes"]["intent"] = json!("refund_request");

    let (name, input) = triggered(&newer, &all_switches()).await;
    succeeded(&run(&world, &name, input).await);
    let (name, input) = triggered(&older, &all_switches()).await;
    let late = run(&world, &name, input).await;
    succeeded(&late);
    assert_eq!(
        late.output.as_ref().expect("output")["results"]["ctrImport"]["keptNewer"],
        true,
        "{:?}",
        late.output
    );
    let ctrs = world.records_where(CTR_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(ctrs.len(), 1);
    let stored = ctrs[0]["amazonconnect__LastUpdateTimestamp__c"]
        .as_str()
        .unwrap_or_default();
    assert!(stored.starts_with("2024-03-05T15:02:11"), "{stored}");
}

#[tokio::test]
async fn creates_that_commit_after_the_client_timed_out_are_not_written_twice() {
    let world = PostCallWorld::local(1).await;
    // The test client gives up after 2 s; these creates commit after 3 s.
    for path in ["AC_ContactChannelAnalytics__c", "/sobjects/Attachment"] {
        world.emulator.control().inject_fault(Fault {
            kind: FaultKind::Latency(std::time::Duration::from_millis(3000)),
            schedule: FaultSchedule::Once,
            path_contains: Some(path.into()),
            method: Some("POST".into()),
        });
    }
    let (name, input) = triggered(&voice_ctr(), &all_switches()).await;
    succeeded(&run(&world, &name, input).await);
    assert_eq!(written(&world), everything_once());
}

#[tokio::test]
async fn row_locks_limits_and_expired_sessions_are_ridden_out_without_duplicates() {
    let world = PostCallWorld::local(2).await;
    let control = world.emulator.control();
    control.inject_fault(Fault {
        kind: FaultKind::RowLocked,
        schedule: FaultSchedule::EveryNth(3),
        path_contains: Some("/sobjects/".into()),
        method: None,
    });
    control.inject_fault(Fault {
        kind: FaultKind::RequestLimitExceeded,
        schedule: FaultSchedule::Times(3),
        path_contains: None,
        method: None,
    });
    control.inject_fault(Fault {
        kind: FaultKind::ExpiredSession,
        schedule: FaultSchedule::EveryNth(5),
        path_contains: Some("/query".into()),
        method: None,
    });
    let (name, input) = triggered(&voice_ctr(), &all_switches()).await;
    let execution = run(&world, &name, input).await;
    succeeded(&execution);
    assert_eq!(written(&world), everything_once());
}

/// The old package's lock for the voice contact: plain body, the CCA id in S3 metadata.
fn old_package_lock_metadata(cca_id: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(
        "accontactchannelanalyticsid".to_string(),
        cca_id.to_string(),
    )])
}

async fn create_old_packages_cca(world: &PostCallWorld) -> String {
    let mut fields = Record::new();
    fields.insert(CONTACT_FIELD.into(), json!(VOICE_CONTACT_ID));
    world
        .salesforce
        .create(CCA_OBJECT, &fields)
        .await
        .expect("the old package's CCA")
}

fn lock_location() -> ObjectLocation {
    ObjectLocation::new(
        all_switches().transcript_bucket,
        format!("locks/{VOICE_CONTACT_ID}.lock"),
    )
}

async fn after_cutover_the_contact_keeps_the_old_packages_cca(world: &PostCallWorld, cca_id: &str) {
    let (name, input) = triggered(&voice_ctr(), &all_switches()).await;
    succeeded(&run(world, &name, input).await);
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(ccas.len(), 1, "no second CCA");
    assert_eq!(ccas[0]["Id"], cca_id);
    assert_eq!(written(world), everything_once());
}

#[tokio::test]
async fn a_contact_in_flight_at_cutover_keeps_the_old_packages_cca_locally() {
    let world = PostCallWorld::local(1).await;
    let cca_id = create_old_packages_cca(&world).await;
    DirectoryObjectStore::new(&world.storage)
        .put_with_metadata(
            &lock_location(),
            b"IN_PROGRESS",
            &old_package_lock_metadata(&cca_id),
        )
        .await
        .expect("the old package's lock");
    after_cutover_the_contact_keeps_the_old_packages_cca(&world, &cca_id).await;
}

#[tokio::test]
async fn a_contact_in_flight_at_cutover_keeps_the_old_packages_cca_on_moto() {
    let world = PostCallWorld::on_moto().await;
    let cca_id = create_old_packages_cca(&world).await;
    let (moto, _) = world.on_aws().expect("on moto");
    let s3 = test_harness::moto_resources::s3_client(moto).await;
    let location = lock_location();
    s3.put_object()
        .bucket(&location.bucket)
        .key(&location.key)
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"IN_PROGRESS",
        ))
        .metadata("ACContactChannelAnalyticsId", &cca_id)
        .send()
        .await
        .expect("the old package's lock");
    after_cutover_the_contact_keeps_the_old_packages_cca(&world, &cca_id).await;
    // Our marker replaced the lock by compare-and-swap and says COMPLETED.
    let store = aws_adapters::S3ObjectStore::new(s3);
    let marker = store
        .get(&location)
        .await
        .expect("GetObject")
        .expect("the marker");
    assert!(
        String::from_utf8_lossy(&marker).contains("COMPLETED"),
        "{}",
        String::from_utf8_lossy(&marker)
    );
}

#[tokio::test]
async fn a_contact_the_old_package_completed_is_not_transcribed_or_attached_again() {
    let world = PostCallWorld::local(1).await;
    let cca_id = create_old_packages_cca(&world).await;
    DirectoryObjectStore::new(&world.storage)
        .put_with_metadata(
            &lock_location(),
            b"COMPLETED",
            &old_package_lock_metadata(&cca_id),
        )
        .await
        .expect("the old package's lock");
    let (name, input) = triggered(&voice_ctr(), &all_switches()).await;
    succeeded(&run(&world, &name, input).await);
    assert_eq!(
        local_transcription_jobs(&world),
        0,
        "no paid job for a finished contact"
    );
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(ccas.len(), 1);
    assert_eq!(ccas[0]["Id"], cca_id);
    assert!(world.attachment_names(&cca_id).is_empty());
}

#[tokio::test]
async fn recording_import_without_a_transcript_bucket_names_the_stack_parameter() {
    let world = PostCallWorld::local(1).await;
    let switches = PackageSwitches {
        transcript_bucket: String::new(),
        ..all_switches()
    };
    let (name, input) = triggered(&voice_ctr(), &switches).await;
    let execution = run(&world, &name, input).await;
    assert_eq!(execution.status, ExecutionStatus::Failed);
    assert_eq!(execution.error.as_deref(), Some("InvalidConfiguration"));
    let cause = execution.cause.as_deref().unwrap_or_default();
    assert!(
        cause.contains(
            "recording import needs TranscribeOutputS3BucketName: the contact markers live there"
        ),
        "{cause}"
    );
    assert!(!cause.contains("s3:///"), "{cause}");
}

#[tokio::test]
async fn a_transcription_that_outlasts_its_deadline_fails_the_contact_saying_so() {
    // A job that never completes; the contact waits 5 minutes, checking every 20 seconds.
    let world = PostCallWorld::local(100_000).await;
    let switches = PackageSwitches {
        transcription_max_wait_minutes: 5,
        ..all_switches()
    };
    let (name, input) = triggered(&voice_ctr(), &switches).await;
    let execution = run(&world, &name, input).await;
    assert_eq!(execution.status, ExecutionStatus::Failed);
    assert_eq!(execution.error.as_deref(), Some("Transcribe.WaitExhausted"));
    let cause = execution.cause.as_deref().unwrap_or_default();
    assert!(cause.contains("TranscriptionMaxWaitMinutes"), "{cause}");
    let checks = execution
        .history
        .iter()
        .filter(|event| {
            event.event_type.is_state_entered()
                && event.details.name.as_deref() == Some("CheckTranscription")
        })
        .count();
    assert!(
        (14..=16).contains(&checks),
        "5 minutes of 20-second waits: {checks} checks"
    );
}
