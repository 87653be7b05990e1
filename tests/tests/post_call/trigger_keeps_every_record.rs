//! The CTR trigger keeps every record, end to end on the embedded default and on moto: a CTR
//! too large for a Step Functions input is passed by reference and processed completely, a
//! record that cannot be decoded is found in the quarantine with its reason, a StartExecution
//! refused for good is quarantined, and one that failed for now is returned for a retry.

use async_trait::async_trait;
use aws_adapters::StepFunctionsStarter;
use post_call::ports::ObjectLocation;
use post_call_trigger::{
    ExecutionStarter, INLINE_INPUT_LIMIT, STEP_FUNCTIONS_DATA_LIMIT, StartError, StartOutcome,
    WORKFLOW_STATE_ROOM,
};
use serde_json::{Value, json};
use step_functions_engine::{ExecutionResult, ExecutionStatus};
use test_harness::fixtures::{all_switches, chat_ctr, kinesis_record, voice_ctr};
use tests::post_call_world::{
    CCA_OBJECT, CONTACT_FIELD, CTR_OBJECT, PostCallWorld, RECORDS_BUCKET, VOICE_CONTACT_ID,
};

/// Each scenario on the embedded default and on moto (S3 and Step Functions over HTTP, through
/// the SDK adapters the Lambdas use).
macro_rules! on_local_and_moto {
    ($($scenario:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::PostCallWorld::local(1).await).await
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
    a_ctr_over_256_kib_is_started_by_reference_and_processed_completely_once,
    the_workflow_adds_far_less_to_its_state_than_the_room_the_trigger_leaves,
    malformed_records_are_found_in_the_quarantine_with_their_reason,
    a_start_refused_for_good_is_quarantined_and_one_failed_for_now_is_retried,
}

/// The voice CTR with an attribute of `bytes` bytes of UTF-8 (three-byte characters, so it
/// stays within Salesforce's 131,072-character `Attributes__c` while over Step Functions'
/// 262,144-byte input).
fn padded_voice_ctr(bytes: usize) -> Value {
    let mut ctr = voice_ctr();
    ctr["Attributes"]["agentNotes"] = json!("會".repeat(bytes / 3));
    ctr
}

/// The largest input or output of any state, task parameters included, in bytes.
fn largest_state(execution: &ExecutionResult) -> usize {
    execution
        .history
        .iter()
        .flat_map(|event| [&event.details.input, &event.details.output])
        .flatten()
        .map(|data| data.to_string().len())
        .max()
        .unwrap_or_default()
}

fn execution_input(execution: &ExecutionResult) -> Value {
    execution
        .history
        .first()
        .and_then(|started| started.details.input.clone())
        .expect("the execution's input")
}

async fn stored_json(world: &PostCallWorld, location: &ObjectLocation) -> Value {
    let bytes = world
        .store
        .get(location)
        .await
        .expect("the object store answers")
        .unwrap_or_else(|| panic!("{location} is stored"));
    serde_json::from_slice(&bytes).expect("JSON")
}

fn succeeded(execution: &ExecutionResult) {
    assert_eq!(
        execution.status,
        ExecutionStatus::Succeeded,
        "{}: {:?} {:?}",
        execution.name,
        execution.error,
        execution.cause
    );
}

async fn a_ctr_over_256_kib_is_started_by_reference_and_processed_completely_once(
    world: PostCallWorld,
) {
    let ctr = padded_voice_ctr(270_000);
    let switches = all_switches();
    let inline = json!({"ctr": serde_json::from_value::<post_call::ContactTraceRecord>(ctr.clone()).expect("a CTR"), "switches": switches, "executionName": "x"});
    let inline_bytes = inline.to_string().len();
    assert!(
        inline_bytes > STEP_FUNCTIONS_DATA_LIMIT,
        "the inline input would be {inline_bytes} bytes"
    );

    let run = world.deliver(std::slice::from_ref(&ctr), &switches).await;
    assert_eq!(run.response, json!({"batchItemFailures": []}));
    assert!(run.report.skipped.is_empty());
    let started = &run.report.started[0];
    let reference = started.ctr_reference.clone().expect("passed by reference");
    assert_eq!(reference.bucket, RECORDS_BUCKET);
    assert_eq!(
        reference.key,
        format!("ctr-inputs/{}.json", started.execution_name)
    );
    let stored = stored_json(&world, &reference).await;
    assert_eq!(stored["ContactId"], VOICE_CONTACT_ID);
    assert_eq!(
        stored["Attributes"]["agentNotes"],
        ctr["Attributes"]["agentNotes"]
    );

    let execution = &run.executions[0];
    succeeded(execution);
    let input = execution_input(execution);
    assert!(input.get("ctr").is_none(), "{input}");
    assert_eq!(input["ctrReference"], json!(reference));
    // The CTR never enters the state: every state stays a few KiB.
    let largest = largest_state(execution);
    eprintln!(
        "inline the input would be {inline_bytes} bytes; by reference {} bytes, largest state {largest} bytes",
        input.to_string().len()
    );
    assert!(largest < 8 * 1024, "a state of {largest} bytes");
    assert_eq!(
        execution.output.as_ref().expect("output")["contactId"],
        VOICE_CONTACT_ID
    );

    // Everything written, from the stored CTR.
    let records = world.records_where(CTR_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(records.len(), 1);
    let attributes: Value = serde_json::from_str(
        records[0]["amazonconnect__Attributes__c"]
            .as_str()
            .expect("Attributes as JSON text"),
    )
    .expect("JSON");
    assert_eq!(attributes["agentNotes"], ctr["Attributes"]["agentNotes"]);
    let ccas = world.records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID);
    assert_eq!(ccas.len(), 1);
    let cca_id = ccas[0]["Id"].as_str().expect("id");
    assert_eq!(
        world.attachment_names(cca_id),
        vec!["AgentTranscripts.json", "CustomerTranscripts.json"]
    );

    // Delivered again: the same object, nothing new started or written.
    let again = world.deliver(&[ctr], &switches).await;
    assert_eq!(again.report.started[0].execution_arn, None);
    assert_eq!(
        again.report.started[0].ctr_reference.as_ref(),
        Some(&reference)
    );
    assert!(again.executions.is_empty());
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
    assert_eq!(world.attachment_names(cca_id).len(), 2);

    // A console re-run of the execution reads the same stored CTR and duplicates nothing.
    let rerun = world.rerun(execution, "by-reference-console-rerun").await;
    succeeded(&rerun);
    assert_eq!(
        world
            .records_where(CCA_OBJECT, CONTACT_FIELD, VOICE_CONTACT_ID)
            .len(),
        1
    );
    assert_eq!(world.attachment_names(cca_id).len(), 2);
}

async fn the_workflow_adds_far_less_to_its_state_than_the_room_the_trigger_leaves(
    world: PostCallWorld,
) {
    // Every branch, transcription and two Comprehend analyses: the most the state grows.
    let ctr = padded_voice_ctr(INLINE_INPUT_LIMIT - 8 * 1024);
    let run = world.deliver(&[ctr], &all_switches()).await;
    let execution = &run.executions[0];
    succeeded(execution);
    let input = execution_input(execution);
    assert!(input.get("ctr").is_some(), "inline under the limit");
    let input_bytes = input.to_string().len();
    let growth = largest_state(execution) - input_bytes;
    eprintln!(
        "inline input {input_bytes} bytes; largest state {} bytes; the workflow added {growth} bytes (room left: {WORKFLOW_STATE_ROOM})",
        largest_state(execution)
    );
    assert!(
        input_bytes <= INLINE_INPUT_LIMIT && growth < WORKFLOW_STATE_ROOM / 4,
        "input {input_bytes} bytes, growth {growth} bytes"
    );
}

async fn malformed_records_are_found_in_the_quarantine_with_their_reason(world: PostCallWorld) {
    let mut not_base64 = kinesis_record("49591001", "x");
    not_base64["kinesis"]["data"] = json!("%%% not base64 %%%");
    not_base64["kinesis"]["approximateArrivalTimestamp"] = json!(1_709_648_584.5);
    let event = json!({ "Records": [
        not_base64,
        kinesis_record("49591002", "not json, call +12065550143"),
        kinesis_record("49591003", r#"{"Channel": "VOICE"}"#),
        kinesis_record("49591004", &chat_ctr().to_string()),
    ]});
    let run = world.deliver_event(event.clone(), &all_switches()).await;
    assert_eq!(run.response, json!({"batchItemFailures": []}));
    assert_eq!(run.executions.len(), 1);
    succeeded(&run.executions[0]);
    assert_eq!(run.report.skipped.len(), 3);

    for (index, (skipped, reason)) in run
        .report
        .skipped
        .iter()
        .zip(["not base64", "not UTF-8 JSON", "no ContactId"])
        .enumerate()
    {
        let record = &event["Records"][index];
        assert!(skipped.reason.contains(reason), "{}", skipped.reason);
        assert!(!skipped.reason.contains("2065550143"), "{}", skipped.reason);
        assert_eq!(skipped.kept_at.bucket, RECORDS_BUCKET);
        assert!(
            skipped.kept_at.key.starts_with("quarantine/ctr-trigger/")
                && skipped
                    .kept_at
                    .key
                    .ends_with(&format!("/{}.json", skipped.sequence_number)),
            "{}",
            skipped.kept_at
        );
        let kept = stored_json(&world, &skipped.kept_at).await;
        assert_eq!(kept["reasonKind"], "MalformedRecord");
        assert_eq!(kept["reason"], skipped.reason.as_str());
        assert_eq!(
            kept["data"], record["kinesis"]["data"],
            "the data as delivered"
        );
        assert_eq!(kept["sequenceNumber"], record["kinesis"]["sequenceNumber"]);
        assert_eq!(kept["eventId"], record["eventID"]);
    }
    // Kept under the day Kinesis received it.
    assert_eq!(
        run.report.skipped[0].kept_at.key,
        "quarantine/ctr-trigger/2024-03-05/49591001.json"
    );

    // Delivered again (the batch retried for another record): the same objects, still skipped.
    let again = world.deliver_event(event, &all_switches()).await;
    let kept_again: Vec<&ObjectLocation> = again
        .report
        .skipped
        .iter()
        .map(|skipped| &skipped.kept_at)
        .collect();
    let kept_first: Vec<&ObjectLocation> = run
        .report
        .skipped
        .iter()
        .map(|skipped| &skipped.kept_at)
        .collect();
    assert_eq!(kept_again, kept_first);
}

/// Starts through the world's starter, except for two contacts: one whose execution name
/// Step Functions refuses (`InvalidName`, for good), one that hits a failure for now.
struct Faulty<'a> {
    world: &'a dyn ExecutionStarter,
    refused: String,
    failing_for_now: String,
    for_now: Box<dyn ExecutionStarter + 'a>,
}

#[async_trait]
impl ExecutionStarter for Faulty<'_> {
    async fn start_execution(&self, name: &str, input: &Value) -> Result<StartOutcome, StartError> {
        if name == self.refused {
            // A name Step Functions does not accept: the local starter and moto both refuse it.
            self.world.start_execution(&format!("{name}?"), input).await
        } else if name == self.failing_for_now {
            self.for_now.start_execution(name, input).await
        } else {
            self.world.start_execution(name, input).await
        }
    }
}

/// Step Functions throttling every call.
struct Throttled;

#[async_trait]
impl ExecutionStarter for Throttled {
    async fn start_execution(&self, _: &str, _: &Value) -> Result<StartOutcome, StartError> {
        Err(StartError::unavailable(
            "ThrottlingException (HTTP 400): Rate exceeded",
        ))
    }
}

/// A failure for now: throttling on the embedded default; on moto, the real SDK adapter with
/// nothing listening at its endpoint (connection refused after the SDK's retries).
async fn failing_for_now<'a>(world: &'a PostCallWorld) -> Box<dyn ExecutionStarter + 'a> {
    match world.on_aws() {
        None => Box::new(Throttled),
        Some((moto, state_machine_arn)) => {
            let config = aws_sdk_sfn::config::Builder::from(&moto.sdk_config().await)
                .endpoint_url("http://127.0.0.1:9")
                .build();
            Box::new(StepFunctionsStarter::new(
                aws_sdk_sfn::Client::from_conf(config),
                state_machine_arn,
            ))
        }
    }
}

fn chat_contact(contact_id: &str) -> Value {
    let mut ctr = chat_ctr();
    ctr["ContactId"] = json!(contact_id);
    ctr
}

async fn a_start_refused_for_good_is_quarantined_and_one_failed_for_now_is_retried(
    world: PostCallWorld,
) {
    let name = |contact: &str| {
        let ctr = chat_contact(contact);
        post_call_trigger::execution_name(contact, ctr["LastUpdateTimestamp"].as_str())
    };
    let faulty = Faulty {
        world: world.starter(),
        refused: name("chat-refused"),
        failing_for_now: name("chat-later"),
        for_now: failing_for_now(&world).await,
    };
    let records: Vec<Value> = ["chat-refused", "chat-later", "chat-fine"]
        .iter()
        .enumerate()
        .map(|(index, contact)| {
            kinesis_record(
                &format!("4959200{index}"),
                &chat_contact(contact).to_string(),
            )
        })
        .collect();
    let event = json!({ "Records": records });
    let run = world
        .deliver_event_through(&faulty, event.clone(), &all_switches())
        .await;

    // The transient failure is retried from its record; the refused one is not.
    assert_eq!(
        run.response,
        json!({"batchItemFailures": [{"itemIdentifier": "49592001"}]})
    );
    assert_eq!(run.report.skipped.len(), 1);
    let skipped = &run.report.skipped[0];
    assert_eq!(skipped.sequence_number, "49592000");
    assert!(skipped.reason.contains("InvalidName"), "{}", skipped.reason);
    let kept = stored_json(&world, &skipped.kept_at).await;
    assert_eq!(kept["reasonKind"], "StartRefused");
    assert_eq!(kept["contactId"], "chat-refused");
    assert_eq!(kept["executionName"], name("chat-refused"));
    assert_eq!(kept["data"], event["Records"][0]["kinesis"]["data"]);

    // The contact that was fine is processed in the same batch.
    assert_eq!(run.executions.len(), 1);
    succeeded(&run.executions[0]);
    assert_eq!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, "chat-fine")
            .len(),
        1
    );

    // Lambda retries from the failed record once Step Functions answers again: nothing lost.
    let retried = json!({ "Records": [event["Records"][1].clone(), event["Records"][2].clone()] });
    let retry = world.deliver_event(retried, &all_switches()).await;
    assert_eq!(retry.response, json!({"batchItemFailures": []}));
    assert_eq!(retry.executions.len(), 1);
    succeeded(&retry.executions[0]);
    assert_eq!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, "chat-later")
            .len(),
        1
    );
    assert_eq!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, "chat-fine")
            .len(),
        1
    );
    assert!(
        world
            .records_where(CTR_OBJECT, CONTACT_FIELD, "chat-refused")
            .is_empty()
    );
}
