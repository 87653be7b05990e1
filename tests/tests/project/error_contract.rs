//! Every `ErrorEquals` of every state machine against what the Task's activity can return, and
//! one name per step (state, placeholder, SAM resource, crate), as `connect-sf validate` checks.

use embedded::{
    contract_check::check_state_machine,
    task_handlers::contracts,
    template_wiring::{self, StateMachineWiring},
};
use serde_json::Value;
use test_harness::repo_root;

const SHOWN: &str = "statemachines/post-call.asl.json";

fn post_call() -> (Value, StateMachineWiring) {
    let definition: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join(SHOWN)).expect("definition"),
    )
    .expect("JSON");
    let wiring = template_wiring::read(&repo_root().join("template.yaml"))
        .expect("template")
        .into_iter()
        .find(|wiring| wiring.definition_file.ends_with("post-call.asl.json"))
        .expect("the template deploys post-call");
    (definition, wiring)
}

/// The ImportCtr Task inside the Parallel's first branch.
fn import_ctr(definition: &mut Value) -> &mut Value {
    &mut definition["States"]["ProcessContact"]["Branches"][0]["States"]["ImportCtr"]
}

fn retry_names(task: &mut Value) -> &mut Vec<Value> {
    task["Retry"][0]["ErrorEquals"]
        .as_array_mut()
        .expect("ErrorEquals")
}

#[test]
fn every_state_machine_matches_only_names_its_activities_return() {
    let wirings = template_wiring::read(&repo_root().join("template.yaml")).expect("template");
    assert!(!wirings.is_empty());
    for wiring in wirings {
        let path = repo_root().join(&wiring.definition_file);
        let definition: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("definition"))
                .expect("JSON");
        let problems =
            check_state_machine(&wiring.definition_file, &definition, &wiring, &contracts());
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn a_misspelt_error_name_is_reported_with_the_state_the_rule_and_the_real_name() {
    let (mut definition, wiring) = post_call();
    let names = retry_names(import_ctr(&mut definition));
    let position = names
        .iter()
        .position(|name| name == "Salesforce.Transient")
        .expect("ImportCtr retries Salesforce.Transient");
    names[position] = Value::from("Salesforce.Transeint");

    let problems = check_state_machine(SHOWN, &definition, &wiring, &contracts());
    assert_eq!(
        problems.len(),
        2,
        "the unknown name and the retryable name left uncovered: {problems:#?}"
    );
    assert!(
        problems[0].starts_with(
            "statemachines/post-call.asl.json: state ImportCtr, Retry[0]: ErrorEquals \"Salesforce.Transeint\" is not a name import-ctr can return; did you mean \"Salesforce.Transient\"?"
        ),
        "{}",
        problems[0]
    );
    assert_eq!(
        problems[1],
        "statemachines/post-call.asl.json: state ImportCtr: import-ctr returns Salesforce.Transient when a later attempt may succeed, but no Retry covers it"
    );
}

#[test]
fn a_retry_must_cover_exactly_the_retryable_names() {
    let (mut definition, wiring) = post_call();
    let names = retry_names(import_ctr(&mut definition));
    names.retain(|name| name != "Salesforce.ApiLimitExceeded");
    names.push(Value::from("Salesforce.NotFound"));
    let problems = check_state_machine(SHOWN, &definition, &wiring, &contracts());
    assert_eq!(
        problems,
        vec![
            "statemachines/post-call.asl.json: state ImportCtr: import-ctr returns Salesforce.ApiLimitExceeded when a later attempt may succeed, but no Retry covers it".to_string(),
            "statemachines/post-call.asl.json: state ImportCtr: Retry covers Salesforce.NotFound, which import-ctr returns only when retrying cannot help".to_string(),
        ]
    );
}

#[test]
fn a_name_from_another_step_is_not_accepted() {
    // CheckTranscription never touches Salesforce.
    let (mut definition, wiring) = post_call();
    let check =
        &mut definition["States"]["ProcessContact"]["Branches"][1]["States"]["CheckTranscription"];
    retry_names(check).push(Value::from("Salesforce.Transient"));
    let problems = check_state_machine(SHOWN, &definition, &wiring, &contracts());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains(
            "state CheckTranscription, Retry[0]: ErrorEquals \"Salesforce.Transient\" is not a name check-transcription can return"
        ),
        "{}",
        problems[0]
    );
}

#[test]
fn a_state_renamed_without_its_function_breaks_the_one_name_rule() {
    let (mut definition, wiring) = post_call();
    let branch = definition["States"]["ProcessContact"]["Branches"][0]["States"]
        .as_object_mut()
        .expect("states");
    let task = branch.remove("ImportCtr").expect("ImportCtr");
    branch.insert("CtrImport".into(), task);
    let problems = check_state_machine(SHOWN, &definition, &wiring, &contracts());
    assert!(
        problems.contains(
            &"statemachines/post-call.asl.json: state CtrImport: its resource is ${ImportCtrFunctionArn}; one name per step means ${CtrImportFunctionArn}".to_string()
        ),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("one name per step means activities/ctr-import")),
        "{problems:#?}"
    );
}

#[test]
fn a_task_that_does_not_pass_the_execution_context_is_reported() {
    let (mut definition, wiring) = post_call();
    let task = import_ctr(&mut definition);
    task["Parameters"]["context"]
        .as_object_mut()
        .expect("context")
        .remove("stateEnteredTime.$");
    let problems = check_state_machine(SHOWN, &definition, &wiring, &contracts());
    assert!(
        problems.iter().any(|problem| problem.starts_with(
            "statemachines/post-call.asl.json: state ImportCtr: Parameters.context.stateEnteredTime.$ must be \"$$.State.EnteredTime\""
        )),
        "{problems:#?}"
    );
}

#[test]
fn every_post_call_task_has_a_contract_under_its_state_name() {
    let (definition, wiring) = post_call();
    let tasks = embedded::contract_check::task_activities(&definition, &wiring);
    assert_eq!(tasks.len(), 6, "{tasks:?}");
    let contracts = contracts();
    for (state, activity) in tasks {
        let activity = activity.unwrap_or_else(|| panic!("{state} has no function"));
        let contract = contracts
            .iter()
            .find(|contract| contract.activity == activity)
            .unwrap_or_else(|| panic!("{state}: no contract for {activity}"));
        assert_eq!(contract.state, Some(state.as_str()));
    }
}

#[test]
fn a_map_catch_on_a_name_no_state_inside_raises_is_reported() {
    const HISTORICAL: &str = "statemachines/historical-metrics.asl.json";
    let mut definition: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join(HISTORICAL)).expect("definition"),
    )
    .expect("JSON");
    let wiring = template_wiring::read(&repo_root().join("template.yaml"))
        .expect("template")
        .into_iter()
        .find(|wiring| {
            wiring
                .definition_file
                .ends_with("historical-metrics.asl.json")
        })
        .expect("the template deploys historical-metrics");
    assert!(
        check_state_machine(HISTORICAL, &definition, &wiring, &contracts()).is_empty(),
        "the shipped Map catches what SyncHistoricalInterval raises"
    );
    definition["States"]["Intervals"]["Catch"][0]["ErrorEquals"][0] =
        Value::from("HistoricalSync.ApiBudgetExceded");
    let problems = check_state_machine(HISTORICAL, &definition, &wiring, &contracts());
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with(
            "statemachines/historical-metrics.asl.json: state Intervals, Catch[0]: ErrorEquals \"HistoricalSync.ApiBudgetExceded\" is not a name any state inside this Map can return; did you mean \"HistoricalSync.ApiBudgetExceeded\"?"
        ),
        "{}",
        problems[0]
    );
}
