//! A Salesforce outage longer than the import's retry budget fails the execution at
//! `ImportContactLensFile`; once the outage is over, a redrive resumes there (the check and its
//! Connect call are not repeated) and the contact ends with one CCA and one attachment.

use salesforce_emulator::{Fault, FaultKind, FaultSchedule};
use step_functions_engine::{EventType, ExecutionStatus};
use tests::contact_lens_world::*;
use tests::post_call_world::PostCallWorld;

#[tokio::test]
async fn an_import_failed_by_a_long_outage_is_redriven_and_writes_once() {
    let world = ContactLensWorld::start_on(PostCallWorld::local(1).await, |_| {}).await;
    world.put(VOICE_KEY, fixture("analysis-voice.json")).await;
    world.post_call.emulator.control().inject_fault(Fault {
        kind: FaultKind::ServerError(503),
        schedule: FaultSchedule::Always,
        path_contains: Some("/sobjects/Attachment".into()),
        method: Some("POST".into()),
    });
    let failed = world
        .import(object_created(VOICE_KEY), "contact-lens-outage")
        .await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(
        failed.error.as_deref(),
        Some("RetryBudgetExhausted"),
        "{:?}",
        failed.cause
    );
    let cause = failed.cause.as_deref().unwrap_or_default();
    assert!(
        cause.contains("import-contact-lens-file gave up after 6"),
        "{cause}"
    );
    assert!(cause.contains("SERVER_UNAVAILABLE"), "{cause}");
    assert_eq!(
        world.ccas(VOICE_CONTACT).len(),
        1,
        "the CCA was created once, with its fields"
    );

    world.post_call.emulator.control().clear_faults();
    let redriven = world
        .engine
        .redrive(&failed)
        .await
        .expect("an execution failed at a Task can be redriven");
    assert_eq!(
        redriven.status,
        ExecutionStatus::Succeeded,
        "{:?} {:?}",
        redriven.error,
        redriven.cause
    );
    let since = redriven
        .history
        .iter()
        .rposition(|event| event.event_type == EventType::ExecutionRedriven)
        .expect("redriven");
    let entered: Vec<String> = redriven.history[since + 1..]
        .iter()
        .filter(|event| event.event_type.is_state_entered())
        .filter_map(|event| event.details.name.clone())
        .collect();
    assert_eq!(entered, ["ImportContactLensFile"]);
    assert_eq!(
        world.contact_attribute_reads(),
        1,
        "the check is not repeated"
    );
    let ccas = world.ccas(VOICE_CONTACT);
    assert_eq!(ccas.len(), 1);
    let id = ccas[0]["Id"].as_str().expect("id");
    let names: Vec<String> = world
        .attachments(id)
        .iter()
        .filter_map(|attachment| attachment["Name"].as_str().map(str::to_string))
        .collect();
    assert_eq!(names, ["ContactLensTranscripts.json"]);
}
