//! Redriving post-call executions (`RedriveExecution`) on the engine: the real workflow, every
//! activity's real handler, the Salesforce emulator over HTTP.
//!
//! As AWS does, a redrive re-runs only the states that did not finish. A contact whose
//! Salesforce outage outlasted its retry budget failed at the Task itself (the branches do not
//! catch `RetryBudgetExhausted`), so a redrive after the outage resumes that Task and the
//! contact completes; so does a contact an operator stopped. A contact that failed for good
//! (an error retrying cannot fix, which its branch records so the other branch finishes) failed
//! through a `Fail` state, and AWS redrives a `Fail` state by failing again: such a contact
//! needs its cause fixed and a new execution.

use std::sync::{Arc, Mutex};

use salesforce_emulator::{Fault, FaultKind, FaultSchedule};
use serde_json::Value;
use step_functions_engine::{
    EventType, ExecutionResult, ExecutionStatus, HistoryEvent, Observer, RedriveError,
};
use test_harness::fixtures::{all_switches, voice_ctr};
use tests::post_call_world::{
    CCA_OBJECT, CONTACT_FIELD, CTR_OBJECT, POST_CALL_STATE_MACHINE as STATE_MACHINE, PostCallWorld,
    VOICE_CONTACT_ID, triggered_execution,
};

async fn triggered(ctr: &Value) -> (String, Value) {
    triggered_execution(ctr, &all_switches()).await
}

async fn run(
    world: &PostCallWorld,
    name: &str,
    input: Value,
    observer: Option<Observer>,
) -> ExecutionResult {
    world.run_execution(name, input, observer).await
}

/// The name of the state whose run recorded event `id` (walking back to its `*StateEntered`).
fn state_of(events: &[HistoryEvent], id: u64) -> Option<String> {
    let mut at = id;
    while at > 0 {
        let event = events.get(usize::try_from(at - 1).ok()?)?;
        if event.event_type.is_state_entered() {
            return event.details.name.clone();
        }
        at = event.previous_event_id;
    }
    None
}

/// The states entered after the last `ExecutionRedriven`, in order.
fn entered_since_redrive(execution: &ExecutionResult) -> Vec<String> {
    let at = execution
        .history
        .iter()
        .rposition(|event| event.event_type == EventType::ExecutionRedriven)
        .expect("an ExecutionRedriven event");
    execution.history[at + 1..]
        .iter()
        .filter(|event| event.event_type.is_state_entered())
        .filter_map(|event| event.details.name.clone())
        .collect()
}

fn count(execution: &ExecutionResult, event_type: EventType) -> usize {
    execution
        .history
        .iter()
        .filter(|event| event.event_type == event_type)
        .count()
}

/// What the org holds for the voice contact: CTR records, CCA records, the CCA's attachments.
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

fn transcripts() -> Vec<String> {
    vec![
        "AgentTranscripts.json".to_string(),
        "CustomerTranscripts.json".to_string(),
    ]
}

#[tokio::test]
async fn a_contact_failed_by_an_outage_longer_than_its_retry_budget_is_redriven_and_completes_once()
{
    let world = PostCallWorld::local(1).await;
    world.emulator.control().inject_fault(Fault {
        kind: FaultKind::ServerError(503),
        schedule: FaultSchedule::Always,
        path_contains: Some("/sobjects/Attachment".into()),
        method: Some("POST".into()),
    });
    let (name, input) = triggered(&voice_ctr()).await;
    let failed = run(&world, &name, input, None).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(
        failed.error.as_deref(),
        Some("RetryBudgetExhausted"),
        "{:?}",
        failed.cause
    );
    let cause = failed.cause.as_deref().unwrap_or_default();
    assert!(
        cause.contains("import-transcript gave up after 6"),
        "{cause}"
    );
    assert!(cause.contains("SERVER_UNAVAILABLE"), "{cause}");
    assert_eq!(written(&world), (1, 1, Vec::new()));

    world.emulator.control().clear_faults();
    let redriven = world
        .engine
        .redrive(&failed)
        .await
        .expect("a contact failed at a Task can be redriven");
    assert_eq!(
        redriven.status,
        ExecutionStatus::Succeeded,
        "{:?} {:?}",
        redriven.error,
        redriven.cause
    );
    let entered = entered_since_redrive(&redriven);
    assert!(
        entered.iter().any(|state| state == "ImportTranscript"),
        "{entered:?}"
    );
    for done in [
        "PlanContact",
        "ImportCtr",
        "ImportRecording",
        "StartTranscription",
    ] {
        assert!(
            !entered.iter().any(|state| state == done),
            "{done} had finished and ran again: {entered:?}"
        );
    }
    assert_eq!(written(&world), (1, 1, transcripts()));
}

#[tokio::test]
async fn a_contact_stopped_during_a_salesforce_outage_is_redriven_after_it_and_completes_once() {
    let world = PostCallWorld::local(1).await;
    // Salesforce refuses attachments with 503s: the transcript import keeps being retried.
    world.emulator.control().inject_fault(Fault {
        kind: FaultKind::ServerError(503),
        schedule: FaultSchedule::Always,
        path_contains: Some("/sobjects/Attachment".into()),
        method: Some("POST".into()),
    });
    let (name, input) = triggered(&voice_ctr()).await;
    let arn = world.engine.execution_arn(STATE_MACHINE, &name);

    // The operator stops the execution as soon as a task has failed against the outage,
    // instead of letting it retry for as long as its Retry allows.
    let engine = world.engine.clone();
    let seen: Arc<Mutex<Vec<HistoryEvent>>> = Arc::default();
    let failed_state: Arc<Mutex<Option<String>>> = Arc::default();
    let (stop_arn, events, failed) = (arn.clone(), seen.clone(), failed_state.clone());
    let observer: Observer = Arc::new(move |event: &HistoryEvent| {
        let mut events = events.lock().unwrap_or_else(|e| e.into_inner());
        events.push(event.clone());
        if event.event_type == EventType::TaskFailed {
            let mut failed = failed.lock().unwrap_or_else(|e| e.into_inner());
            if failed.is_none() {
                *failed = state_of(&events, event.id);
                engine.stop_execution(
                    &stop_arn,
                    Some("Operator.Stopped"),
                    Some("Salesforce is down; redrive once it is back"),
                );
            }
        }
    });
    let stopped = run(&world, &name, input, Some(observer)).await;
    assert_eq!(
        stopped.status,
        ExecutionStatus::Aborted,
        "{:?} {:?}",
        stopped.error,
        stopped.cause
    );
    assert_eq!(stopped.error.as_deref(), Some("Operator.Stopped"));
    assert_eq!(
        failed_state.lock().expect("lock").as_deref(),
        Some("ImportTranscript"),
        "the outage hit the transcript import"
    );
    assert_eq!(
        written(&world),
        (1, 1, Vec::new()),
        "the CTR and the CCA were written before the outage, no attachment"
    );

    // Salesforce is back: the execution is redriven (same ARN, same input).
    world.emulator.control().clear_faults();
    let redriven = world
        .engine
        .redrive(&stopped)
        .await
        .expect("an aborted execution can be redriven");
    assert_eq!(
        redriven.status,
        ExecutionStatus::Succeeded,
        "{:?} {:?}",
        redriven.error,
        redriven.cause
    );
    assert_eq!(redriven.execution_arn, arn);
    assert_eq!(redriven.redrive_count, 1);
    assert_eq!(count(&redriven, EventType::ExecutionRedriven), 1);

    // Only what had not finished ran again: the transcript import and what follows it.
    let entered = entered_since_redrive(&redriven);
    assert!(
        entered.iter().any(|state| state == "ImportTranscript"),
        "{entered:?}"
    );
    for done in [
        "PlanContact",
        "ImportCtr",
        "ImportRecording",
        "StartTranscription",
        "CheckTranscription",
    ] {
        assert!(
            !entered.iter().any(|state| state == done),
            "{done} had finished and ran again: {entered:?}"
        );
    }
    assert_eq!(
        redriven.output.as_ref().expect("output")["contactId"],
        VOICE_CONTACT_ID
    );

    // Nothing duplicated: one CTR record, one CCA, the two transcripts once each.
    assert_eq!(written(&world), (1, 1, transcripts()));

    // Succeeded now: a further redrive is refused.
    assert_eq!(
        world
            .engine
            .redrive(&redriven)
            .await
            .expect_err("succeeded"),
        RedriveError::Succeeded
    );
}

#[tokio::test]
async fn a_failed_contact_redriven_fails_again_in_its_fail_state_and_writes_nothing_twice() {
    let world = PostCallWorld::local(1).await;
    // A 400 on attachments: an error the workflow does not retry (Salesforce.Rejected).
    world.emulator.control().inject_fault(Fault {
        kind: FaultKind::ServerError(400),
        schedule: FaultSchedule::Always,
        path_contains: Some("/sobjects/Attachment".into()),
        method: Some("POST".into()),
    });
    let (name, input) = triggered(&voice_ctr()).await;
    let failed = run(&world, &name, input, None).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(
        failed.error.as_deref(),
        Some("Salesforce.Rejected"),
        "{:?}",
        failed.cause
    );
    assert_eq!(written(&world), (1, 1, Vec::new()));

    world.emulator.control().clear_faults();
    let redriven = world
        .engine
        .redrive(&failed)
        .await
        .expect("a failed execution can be redriven");
    // The recording branch caught its failure and ended, so the only state left unfinished is
    // the Fail state that failed the execution: AWS redrives it by failing again.
    assert_eq!(redriven.status, ExecutionStatus::Failed);
    assert_eq!(redriven.error, failed.error);
    assert_eq!(
        entered_since_redrive(&redriven),
        vec!["ImportRecordingFailed"]
    );
    assert_eq!(
        count(&redriven, EventType::TaskScheduled),
        count(&failed, EventType::TaskScheduled),
        "no activity ran again"
    );
    assert_eq!(redriven.redrive_count, 1);
    assert_eq!(
        written(&world),
        (1, 1, Vec::new()),
        "nothing written twice (and the transcripts still missing)"
    );
}
