//! The post-call workflow end to end: CTRs through the CTR trigger and the Step Functions
//! engine (virtual time) running `statemachines/post-call.asl.json`, every activity's real
//! handler, the Salesforce emulator over HTTP; S3, Transcribe, Comprehend and Step Functions
//! local or on moto (see `on_local_and_moto!`).

use salesforce_emulator::{Fault, FaultKind, FaultSchedule};
use serde_json::{Value, json};
use step_functions_engine::ExecutionStatus;
use test_harness::fixtures::*;
use tests::post_call_world::*;

/// Each scenario runs twice: on the embedded default (local S3, Transcribe and Comprehend, the
/// trigger's own queue) and on moto (S3, Transcribe, Comprehend and Step Functions over HTTP,
/// through the SDK adapters the Lambdas use).
macro_rules! on_local_and_moto {
    ($($scenario:ident with $polls:literal local transcription checks),* $(,)?) => {
        mod local {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::PostCallWorld::local($polls).await).await
                }
            )*
        }
        mod on_moto {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::PostCallWorld::on_moto().await).await
                }
            )*
        }
    };
}

on_local_and_moto! {
    every_combination_of_attributes_and_switches_runs_exactly_the_enabled_branches with 1 local transcription checks,
    the_ctr_record_carries_the_mapped_fields with 1 local transcription checks,
    a_chat_contact_with_null_agent_queue_and_recording_imports_its_ctr_only with 1 local transcription checks,
    a_ctr_delivered_twice_and_a_console_rerun_write_everything_exactly_once with 2 local transcription checks,
    a_salesforce_outage_mid_run_then_a_rerun_loses_nothing_and_duplicates_nothing with 1 local transcription checks,
    malformed_kinesis_records_are_skipped_with_their_reason_and_block_nothing with 1 local transcription checks,
}

fn with_contact(mut ctr: Value, contact_id: &str, attributes: &[(&str, &str)]) -> Value {
    ctr["ContactId"] = json!(contact_id);
    let map = ctr["Attributes"].as_object_mut().expect("attributes");
    for key in [
        "postcallCTRImportEnabled",
        "postcallRecordingImportEnabled",
        "postcallRedactedRecordingImportEnabled",
        "postcallTranscribeEnabled",
    ] {
        map.remove(key);
    }
    for (key, value) in attributes {
        map.insert((*key).to_string(), json!(value));
    }
    ctr
}

async fn every_combination_of_attributes_and_switches_runs_exactly_the_enabled_branches(
    world: PostCallWorld,
) {
    let mut checked = 0;
    for combination in 0u8..64 {
        let bit = |n: u8| combination & (1 << n) != 0;
        let (attr_ctr, attr_rec, attr_tr) = (bit(0), bit(1), bit(2));
        let (switch_ctr, switch_rec, switch_tr) = (bit(3), bit(4), bit(5));
        let contact_id = format!("0000{combination:02}aa-91e4-4b57-a0d2-6f1e73c94b08");
        let mut attributes = Vec::new();
        if attr_ctr {
            attributes.push(("postcallCTRImportEnabled", "true"));
        }
        if attr_rec {
            attributes.push(("postcallRecordingImportEnabled", "true"));
        }
        if attr_tr {
            attributes.push(("postcallTranscribeEnabled", "true"));
        }
        // Only the exact string `true` switches a branch on.
        if !attr_ctr {
            attributes.push(("postcallCTRImportEnabled", "TRUE"));
        }
        let ctr = with_contact(voice_ctr(), &contact_id, &attributes);
        let mut switches = all_switches();
        switches.ctr_import_enabled = switch_ctr;
        switches.recording_import_enabled = switch_rec;
        switches.transcribe_enabled = switch_tr;

        let run = world.deliver(&[ctr], &switches).await;
        let execution = &run.executions[0];
        assert_eq!(
            execution.status,
            ExecutionStatus::Succeeded,
            "combination {combination:06b}: {:?} {:?}",
            execution.error,
            execution.cause
        );

        let ctr_import = attr_ctr && switch_ctr;
        let recording = attr_rec && switch_rec;
        let transcribe = attr_tr && switch_tr;
        let ctrs = world.records_where(CTR_OBJECT, CONTACT_FIELD, &contact_id);
        assert_eq!(
            ctrs.len(),
            usize::from(ctr_import),
            "combination {combination:06b}: CTR records"
        );
        let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, &contact_id);
        assert_eq!(
            ccas.len(),
            usize::from(recording || transcribe),
            "combination {combination:06b}: CCA records"
        );
        if let Some(cca) = ccas.first() {
            assert_eq!(
                cca.get("amazonconnect__RecordingPath__c").is_some(),
                recording,
                "combination {combination:06b}: RecordingPath"
            );
            let id = cca["Id"].as_str().expect("id");
            let expected: Vec<String> = if transcribe {
                vec![
                    "AgentTranscripts.json".into(),
                    "CustomerTranscripts.json".into(),
                ]
            } else {
                Vec::new()
            };
            assert_eq!(
                world.attachment_names(id),
                expected,
                "combination {combination:06b}"
            );
            assert_eq!(
                cca.get("amazonconnect__Sentiment__c").is_some(),
                transcribe,
                "combination {combination:06b}: Comprehend sentiment (snt requested)"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 64);
}

async fn the_ctr_record_carries_the_mapped_fields(world: PostCallWorld) {
    let run = world.deliver(&[voice_ctr()], &all_switches()).await;
    assert_eq!(run.executions[0].status, ExecutionStatus::Succeeded);
    let records = world.records_where(CTR_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    let record = &records[0];
    assert_eq!(record["amazonconnect__Channel__c"], "VOICE");
    assert_eq!(record["amazonconnect__QueueName__c"], "Billing");
    assert_eq!(record["amazonconnect__AgentUsername__c"], "priya.raman");
    assert_eq!(record["amazonconnect__AWSAccountId__c"], "482915370164");
    let attributes: Value = serde_json::from_str(
        record["amazonconnect__Attributes__c"]
            .as_str()
            .expect("Attributes as JSON text"),
    )
    .expect("json");
    assert_eq!(attributes["intent"], "billing_dispute");
}

async fn a_chat_contact_with_null_agent_queue_and_recording_imports_its_ctr_only(
    world: PostCallWorld,
) {
    let run = world.deliver(&[chat_ctr()], &all_switches()).await;
    let execution = &run.executions[0];
    assert_eq!(
        execution.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.cause
    );
    let contact_id = "c41a9e07-5b2d-4f63-8e19-0a7d2b6c3f51";
    let records = world.records_where(CTR_OBJECT, CONTACT_FIELD, contact_id);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["amazonconnect__Channel__c"], "CHAT");
    assert!(records[0].get("amazonconnect__AgentUsername__c").is_none());
    assert!(records[0].get("amazonconnect__QueueName__c").is_none());
    assert!(
        world
            .records_where(CCA_OBJECT, CONTACT_FIELD, contact_id)
            .is_empty()
    );
}

async fn a_ctr_delivered_twice_and_a_console_rerun_write_everything_exactly_once(
    world: PostCallWorld,
) {
    let switches = all_switches();
    let first = world.deliver(&[voice_ctr()], &switches).await;
    assert_eq!(first.executions.len(), 1);
    assert_eq!(first.executions[0].status, ExecutionStatus::Succeeded);

    // Kinesis redelivers the record: the execution name exists, nothing new starts.
    let again = world.deliver(&[voice_ctr()], &switches).await;
    assert!(
        again.executions.is_empty(),
        "a redelivered record started an execution"
    );
    assert_eq!(again.report.started[0].execution_arn, None);
    assert!(again.report.batch_item_failures.is_empty());

    // Someone re-runs the execution from the console: same input, new name.
    let rerun = world.rerun(&first.executions[0], "console-rerun").await;
    assert_eq!(
        rerun.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        rerun.cause
    );

    let contact_id = VOICE_CONTACT_ID;
    assert_eq!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, contact_id)
            .len(),
        1
    );
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, contact_id);
    assert_eq!(ccas.len(), 1);
    let cca_id = ccas[0]["Id"].as_str().expect("id");
    assert_eq!(
        world.attachment_names(cca_id),
        vec!["AgentTranscripts.json", "CustomerTranscripts.json"]
    );
}

#[tokio::test]
async fn a_failed_transcription_fails_the_execution_with_transcribes_reason() {
    let world = PostCallWorld::build(|salesforce, storage| {
        let mut ports = embedded::ports::local_ports(salesforce, storage, 2);
        // The recording object does not exist in the local S3: Transcribe fails the job.
        ports.transcriber = std::sync::Arc::new(
            local_adapters::LocalTranscriber::new(ports.store.clone())
                .completing_after(2)
                .failing_when_media_missing(),
        );
        ports
    })
    .await;
    let run = world.deliver(&[voice_ctr()], &all_switches()).await;
    let execution = &run.executions[0];
    assert_eq!(execution.status, ExecutionStatus::Failed);
    assert_eq!(execution.error.as_deref(), Some("Transcribe.JobFailed"));
    let cause = execution.cause.as_deref().unwrap_or_default();
    assert!(cause.contains("doesn't point to an S3 object"), "{cause}");
    // What could be written before the failure stays written.
    let contact_id = VOICE_CONTACT_ID;
    assert_eq!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, contact_id)
            .len(),
        1
    );
    assert_eq!(
        world
            .records_where(CCA_OBJECT, CONTACT_FIELD, contact_id)
            .len(),
        1
    );
}

async fn a_salesforce_outage_mid_run_then_a_rerun_loses_nothing_and_duplicates_nothing(
    world: PostCallWorld,
) {
    // Salesforce goes down for attachments: the CTR and the CCA are written, the transcript
    // import keeps failing through every retry.
    world.emulator.control().inject_fault(Fault {
        kind: FaultKind::ServerError(503),
        schedule: FaultSchedule::Always,
        path_contains: Some("/sobjects/Attachment".into()),
        method: Some("POST".into()),
    });
    let run = world.deliver(&[voice_ctr()], &all_switches()).await;
    let failed = &run.executions[0];
    assert_eq!(failed.status, ExecutionStatus::Failed);
    // Retried for the whole outage tolerance (60 minutes by default), then failed with the
    // last Salesforce error kept as the cause.
    assert_eq!(
        failed.error.as_deref(),
        Some("RetryBudgetExhausted"),
        "{:?}",
        failed.cause
    );
    let cause = failed.cause.as_deref().unwrap_or_default();
    assert!(cause.contains("Salesforce.Transient"), "{cause}");
    assert!(cause.contains("SERVER_UNAVAILABLE"), "{cause}");
    let retries = failed
        .history
        .iter()
        .filter(|event| format!("{:?}", event.event_type) == "TaskFailed")
        .count();
    assert!(
        retries >= 12,
        "the transient error was retried: {retries} task failures"
    );
    let started = failed.history.first().map(|event| event.timestamp);
    let ended = failed.history.last().map(|event| event.timestamp);
    let (Some(started), Some(ended)) = (started, ended) else {
        panic!("the execution has a history");
    };
    assert!(
        ended - started >= chrono::Duration::minutes(60),
        "rode out an hour of outage: {started} .. {ended}"
    );

    world.emulator.control().clear_faults();
    let rerun = world.rerun(failed, "after-the-outage").await;
    assert_eq!(
        rerun.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        rerun.cause
    );

    let contact_id = VOICE_CONTACT_ID;
    assert_eq!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, contact_id)
            .len(),
        1
    );
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, contact_id);
    assert_eq!(ccas.len(), 1);
    assert_eq!(
        world.attachment_names(ccas[0]["Id"].as_str().expect("id")),
        vec!["AgentTranscripts.json", "CustomerTranscripts.json"]
    );
}

async fn malformed_kinesis_records_are_skipped_with_their_reason_and_block_nothing(
    world: PostCallWorld,
) {
    let event = json!({ "Records": [
        kinesis_record("1", "{\"ContactId\": \"c-0\"")
            .as_object()
            .map(|record| {
                let mut record = record.clone();
                record["kinesis"]["data"] = json!("%%% not base64 %%%");
                Value::Object(record)
            })
            .expect("record"),
        kinesis_record("2", "not json at all"),
        kinesis_record("3", r#"{"Channel": "VOICE"}"#),
        kinesis_record("4", &chat_ctr().to_string()),
    ]});
    let run = world.deliver_event(event, &all_switches()).await;
    let reasons: Vec<&str> = run
        .report
        .skipped
        .iter()
        .map(|skipped| skipped.reason.as_str())
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(reasons[0].contains("not base64"));
    assert!(reasons[1].contains("not UTF-8 JSON"));
    assert!(reasons[2].contains("no ContactId"));
    assert_eq!(run.response, json!({"batchItemFailures": []}));
    assert_eq!(run.executions.len(), 1);
    assert_eq!(run.executions[0].status, ExecutionStatus::Succeeded);
}

#[tokio::test]
async fn a_ctr_import_that_fails_for_good_still_lets_the_recording_branch_finish() {
    let world = PostCallWorld::local(1).await;
    // The CTR object keeps failing through every retry; the recording branch is unaffected.
    world.emulator.control().inject_fault(Fault {
        kind: FaultKind::ServerError(503),
        schedule: FaultSchedule::Always,
        path_contains: Some("AC_ContactTraceRecord__c".into()),
        method: None,
    });
    let run = world.deliver(&[voice_ctr()], &all_switches()).await;
    let execution = &run.executions[0];
    assert_eq!(execution.status, ExecutionStatus::Failed);
    assert_eq!(
        execution.error.as_deref(),
        Some("RetryBudgetExhausted"),
        "{:?}",
        execution.cause
    );
    assert!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID)
            .is_empty()
    );
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(ccas.len(), 1, "the recording branch ran to its end");
    assert_eq!(
        world.attachment_names(ccas[0]["Id"].as_str().expect("id")),
        vec!["AgentTranscripts.json", "CustomerTranscripts.json"]
    );

    // Once Salesforce accepts the CTR again, a console re-run completes the contact.
    world.emulator.control().clear_faults();
    let rerun = world.rerun(execution, "after-the-ctr-fix").await;
    assert_eq!(
        rerun.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        rerun.cause
    );
    assert_eq!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID)
            .len(),
        1
    );
    assert_eq!(
        world
            .records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID)
            .len(),
        1
    );
}

#[tokio::test]
async fn an_updated_ctr_for_the_same_contact_updates_its_record_and_duplicates_nothing() {
    let world = PostCallWorld::local(1).await;
    let switches = all_switches();
    let first = world.deliver(&[voice_ctr()], &switches).await;
    assert_eq!(first.executions[0].status, ExecutionStatus::Succeeded);

    // Connect publishes the contact again after an attribute changed.
    let mut updated = voice_ctr();
    updated["LastUpdateTimestamp"] = json!("2024-03-05T15:40:00Z");
    updated["Attributes"]["intent"] = json!("refund_approved");
    let second = world.deliver(&[updated], &switches).await;
    assert_eq!(
        second.executions.len(),
        1,
        "an update starts a new execution"
    );
    let execution = &second.executions[0];
    assert_eq!(
        execution.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        execution.cause
    );

    let records = world.records_where(CTR_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(records.len(), 1);
    let attributes: Value = serde_json::from_str(
        records[0]["amazonconnect__Attributes__c"]
            .as_str()
            .expect("Attributes as JSON text"),
    )
    .expect("json");
    assert_eq!(attributes["intent"], "refund_approved");
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(ccas.len(), 1);
    assert_eq!(
        world.attachment_names(ccas[0]["Id"].as_str().expect("id")),
        vec!["AgentTranscripts.json", "CustomerTranscripts.json"]
    );
}
