//! Checks a state machine against what its activities really are, without running anything:
//!
//! - every name a Task's `Retry` or `Catch` matches is one its activity can return, a
//!   `States.*` error Step Functions defines, or a `Lambda.*` service error;
//! - every name a Map's or Parallel's `Retry` or `Catch` matches is one a state inside it can
//!   raise (an activity's error or a `Fail` state's), or one of those service errors;
//! - each Task's `Retry` covers exactly its activity's retryable names (a transient error
//!   left unretried fails a contact for good; a permanent one retried only delays it);
//! - a Task has one name end to end: state `ImportCtr`, placeholder `${ImportCtrFunctionArn}`,
//!   SAM resource `ImportCtrFunction`, crate `activities/import-ctr`.
//!
//! `connect-sf validate` and the tests report every problem this finds.

use std::collections::{BTreeMap, BTreeSet};

use activity_contract::activity_name;
use serde_json::Value;

use crate::task_handlers::ActivityContract;
use crate::template_wiring::StateMachineWiring;

/// The errors Step Functions itself raises (`States.*`).
pub const STATES_ERRORS: [&str; 15] = [
    "States.ALL",
    "States.BranchFailed",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.TaskFailed",
    "States.Timeout",
];

/// The errors a function's own sandbox reports: it ran past its timeout, or its process died
/// (out of memory, a crash).
pub const SANDBOX_ERRORS: [&str; 2] = ["Sandbox.Timedout", "Runtime.ExitError"];

/// The errors the Lambda service raises for an invocation (`Lambda.*`), as Step Functions
/// reports them.
pub const LAMBDA_ERRORS: [&str; 10] = [
    "Lambda.AWSLambdaException",
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.EC2ThrottledException",
    "Lambda.KMSAccessDeniedException",
    "Lambda.ResourceConflictException",
    "Lambda.ResourceNotReadyException",
    "Lambda.SdkClientException",
    "Lambda.ServiceException",
    "Lambda.TooManyRequestsException",
    "Lambda.Unknown",
];

/// Every problem of `definition` (the file `shown`), each naming the file and the state.
pub fn check_state_machine(
    shown: &str,
    definition: &Value,
    wiring: &StateMachineWiring,
    contracts: &[ActivityContract],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut tasks = Vec::new();
    collect_tasks(definition, &mut tasks);
    for (state, task) in tasks {
        let at = format!("{shown}: state {state}");
        let Some(placeholder) = placeholder_of(task) else {
            problems.push(format!(
                "{at}: its resource is not a ${{…}} placeholder for one of the template's functions, so nothing checks what it can fail with"
            ));
            continue;
        };
        check_names(&at, &state, &placeholder, wiring, &mut problems);
        check_context(&at, task, &mut problems);
        let Some(activity) = wiring.substitutions.get(&placeholder) else {
            // The placeholder check of `connect-sf validate` reports the missing substitution.
            continue;
        };
        let Some(contract) = contracts.iter().find(|c| &c.activity == activity) else {
            problems.push(format!(
                "{at}: its resource ${{{placeholder}}} is the function of activities/{activity}, which has no local handler"
            ));
            continue;
        };
        check_errors(&at, task, contract, &mut problems);
    }
    let mut containers = Vec::new();
    collect_containers(definition, &mut containers);
    for (state, container) in containers {
        check_container_errors(shown, &state, container, wiring, contracts, &mut problems);
    }
    problems
}

/// A Map's or Parallel's `Retry` and `Catch` see what escapes the states inside it: each name
/// they match must be one of those states' errors (a `Catch` on a name nothing raises is a
/// branch that never runs, and its outcome untested).
fn check_container_errors(
    shown: &str,
    state: &str,
    container: &Value,
    wiring: &StateMachineWiring,
    contracts: &[ActivityContract],
    problems: &mut Vec<String>,
) {
    let mut inside = Vec::new();
    for machine in inner_machines(container) {
        collect_tasks(machine, &mut inside);
    }
    let mut known: BTreeSet<&str> = BTreeSet::new();
    for (_, task) in &inside {
        let activity = placeholder_of(task).and_then(|p| wiring.substitutions.get(&p));
        match activity.and_then(|a| contracts.iter().find(|c| &c.activity == a)) {
            Some(contract) => known.extend(contract.error_names.iter().map(|n| n.name)),
            // Reported on the Task itself; nothing here can be told about its names.
            None => return,
        }
    }
    let mut fails = Vec::new();
    for machine in inner_machines(container) {
        collect_fails(machine, &mut fails);
    }
    for fail in fails {
        match fail.get("Error").and_then(Value::as_str) {
            Some(error) => {
                known.insert(error);
            }
            // An `ErrorPath` raises whatever the data says.
            None if fail.get("ErrorPath").is_some() => return,
            None => {}
        }
    }
    let kind = container
        .get("Type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let what = format!("any state inside this {kind}");
    for (field, index, name) in matched_names(container) {
        let place = format!("{shown}: state {state}, {field}[{index}]");
        if let Some(problem) = unknown_name(&place, name, &what, &known) {
            problems.push(problem);
        }
    }
}

/// `(field, rule index, name)` for every name a state's `Retry` and then `Catch` rules match.
fn matched_names(state: &Value) -> impl Iterator<Item = (&'static str, usize, &str)> {
    ["Retry", "Catch"].into_iter().flat_map(move |field| {
        state
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .flat_map(move |(index, rule)| {
                rule.get("ErrorEquals")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(move |name| (field, index, name))
            })
    })
}

/// The state machines a Map or Parallel runs (its processor, or its branches).
fn inner_machines(container: &Value) -> Vec<&Value> {
    let mut machines: Vec<&Value> = ["ItemProcessor", "Iterator"]
        .iter()
        .filter_map(|key| container.get(*key))
        .collect();
    machines.extend(
        container
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    machines
}

/// Every Map and Parallel state, nested ones included.
fn collect_containers<'a>(machine: &'a Value, containers: &mut Vec<(String, &'a Value)>) {
    let Some(states) = machine.get("States").and_then(Value::as_object) else {
        return;
    };
    for (name, state) in states {
        if matches!(
            state.get("Type").and_then(Value::as_str),
            Some("Map" | "Parallel")
        ) {
            containers.push((name.clone(), state));
            for inner in inner_machines(state) {
                collect_containers(inner, containers);
            }
        }
    }
}

/// Every Fail state, nested ones included.
fn collect_fails<'a>(machine: &'a Value, fails: &mut Vec<&'a Value>) {
    let Some(states) = machine.get("States").and_then(Value::as_object) else {
        return;
    };
    for state in states.values() {
        match state.get("Type").and_then(Value::as_str) {
            Some("Fail") => fails.push(state),
            Some("Map" | "Parallel") => {
                for inner in inner_machines(state) {
                    collect_fails(inner, fails);
                }
            }
            _ => {}
        }
    }
}

/// What every Task passes its step besides the state (`activity_contract::run_task` unwraps
/// it): without the execution's name a console re-run could not be told from a live
/// duplicate, and without the state's entered time the retry budget would never end.
const TASK_PARAMETERS: [(&str, &str); 4] = [
    ("/input.$", "$"),
    ("/context/executionName.$", "$$.Execution.Name"),
    ("/context/stateEnteredTime.$", "$$.State.EnteredTime"),
    ("/context/retryCount.$", "$$.State.RetryCount"),
];

fn check_context(at: &str, task: &Value, problems: &mut Vec<String>) {
    let parameters = &task["Parameters"];
    for (pointer, expected) in TASK_PARAMETERS {
        if parameters.pointer(pointer).and_then(Value::as_str) != Some(expected) {
            problems.push(format!(
                "{at}: Parameters{} must be \"{expected}\": every Task passes {{\"input.$\": \"$\", \"context\": {{executionName, stateEnteredTime, retryCount}}}}",
                pointer.replace('/', ".")
            ));
        }
    }
}

/// One name per step: placeholder, SAM resource and crate all follow the state's name.
fn check_names(
    at: &str,
    state: &str,
    placeholder: &str,
    wiring: &StateMachineWiring,
    problems: &mut Vec<String>,
) {
    let expected_placeholder = format!("{state}FunctionArn");
    if placeholder != expected_placeholder {
        problems.push(format!(
            "{at}: its resource is ${{{placeholder}}}; one name per step means ${{{expected_placeholder}}}"
        ));
    }
    if let Some(resource) = wiring.references.get(placeholder) {
        let expected_resource = format!("{state}Function");
        if resource != &expected_resource {
            problems.push(format!(
                "{at}: ${{{placeholder}}} is the template resource {resource}; one name per step means {expected_resource}"
            ));
        }
    }
    if let Some(activity) = wiring.substitutions.get(placeholder) {
        let expected_activity = activity_name(state);
        if activity != &expected_activity {
            problems.push(format!(
                "{at}: its function's CodeUri is activities/{activity}; one name per step means activities/{expected_activity}"
            ));
        }
    }
}

fn check_errors(at: &str, task: &Value, contract: &ActivityContract, problems: &mut Vec<String>) {
    let activity = &contract.activity;
    let known: BTreeSet<&str> = contract.error_names.iter().map(|n| n.name).collect();
    let retryable: BTreeSet<&str> = contract
        .error_names
        .iter()
        .filter(|n| n.retryable)
        .map(|n| n.name)
        .collect();
    let mut retried = BTreeSet::new();
    let mut retries_everything = false;
    for (field, index, name) in matched_names(task) {
        let place = format!("{at}, {field}[{index}]");
        if let Some(problem) = unknown_name(&place, name, activity, &known) {
            problems.push(problem);
        }
        if field == "Retry" {
            if matches!(name, "States.ALL" | "States.TaskFailed") {
                problems.push(format!(
                    "{place}: Retry matches {name}, which retries failures retrying cannot help; list {activity}'s retryable names instead"
                ));
                retries_everything = true;
            } else if !is_service_name(name) {
                retried.insert(name.to_string());
            }
        }
    }
    for name in &retryable {
        if !retries_everything && !retried.contains(*name) {
            problems.push(format!(
                "{at}: {activity} returns {name} when a later attempt may succeed, but no Retry covers it"
            ));
        }
    }
    for name in &retried {
        if known.contains(name.as_str()) && !retryable.contains(name.as_str()) {
            problems.push(format!(
                "{at}: Retry covers {name}, which {activity} returns only when retrying cannot help"
            ));
        }
    }
}

/// `None` when `name` can be raised for this Task; otherwise the problem, with the closest
/// real name when there is one.
fn unknown_name(place: &str, name: &str, activity: &str, known: &BTreeSet<&str>) -> Option<String> {
    if known.contains(name) || LAMBDA_ERRORS.contains(&name) || SANDBOX_ERRORS.contains(&name) {
        return None;
    }
    if name.starts_with("Lambda.") {
        let hint = closest(name, LAMBDA_ERRORS.iter().copied());
        return Some(format!(
            "{place}: ErrorEquals \"{name}\" is not an error the Lambda service raises{hint}"
        ));
    }
    if name.starts_with("States.") {
        if STATES_ERRORS.contains(&name) {
            return None;
        }
        let hint = closest(name, STATES_ERRORS.iter().copied());
        return Some(format!(
            "{place}: ErrorEquals \"{name}\" is not an error Step Functions raises{hint}"
        ));
    }
    let hint = closest(name, known.iter().copied());
    Some(format!(
        "{place}: ErrorEquals \"{name}\" is not a name {activity} can return{hint} (it returns: {})",
        known.iter().copied().collect::<Vec<_>>().join(", ")
    ))
}

fn is_service_name(name: &str) -> bool {
    name.starts_with("States.") || name.starts_with("Lambda.") || SANDBOX_ERRORS.contains(&name)
}

/// `; did you mean "X"?` for the candidate at the smallest edit distance (at most 3).
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    candidates
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= 3)
        .min()
        .map(|(_, candidate)| format!("; did you mean \"{candidate}\"?"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// `${Name}` of a Task's `Resource`, or of `Parameters.FunctionName` for
/// `arn:aws:states:::lambda:invoke`.
fn placeholder_of(task: &Value) -> Option<String> {
    let resource = task.get("Resource").and_then(Value::as_str)?;
    let text = if resource.starts_with("arn:aws:states:::lambda:invoke") {
        task.pointer("/Parameters/FunctionName")
            .and_then(Value::as_str)?
    } else {
        resource
    };
    text.strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
        .map(str::to_string)
}

/// Every Task state, nested Parallel branches and Map processors included.
fn collect_tasks<'a>(machine: &'a Value, tasks: &mut Vec<(String, &'a Value)>) {
    let Some(states) = machine.get("States").and_then(Value::as_object) else {
        return;
    };
    for (name, state) in states {
        match state.get("Type").and_then(Value::as_str) {
            Some("Task") => tasks.push((name.clone(), state)),
            Some("Parallel") => {
                for branch in state
                    .get("Branches")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    collect_tasks(branch, tasks);
                }
            }
            Some("Map") => {
                for key in ["ItemProcessor", "Iterator"] {
                    if let Some(processor) = state.get(key) {
                        collect_tasks(processor, tasks);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The Task states of `definition` and the activity each resolves to, for reports.
pub fn task_activities(
    definition: &Value,
    wiring: &StateMachineWiring,
) -> BTreeMap<String, Option<String>> {
    let mut tasks = Vec::new();
    collect_tasks(definition, &mut tasks);
    tasks
        .into_iter()
        .map(|(state, task)| {
            let activity = placeholder_of(task)
                .and_then(|placeholder| wiring.substitutions.get(&placeholder).cloned());
            (state, activity)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_a_name_is_one_letter_off_should_suggest_the_real_one() {
        assert_eq!(
            edit_distance("Salesforce.Transeint", "Salesforce.Transient"),
            2
        );
        let known = BTreeSet::from(["Salesforce.Transient", "Salesforce.NotFound"]);
        let problem = unknown_name(
            "f: state S, Retry[0]",
            "Salesforce.Transeint",
            "import-ctr",
            &known,
        )
        .unwrap_or_default();
        assert!(
            problem.contains("did you mean \"Salesforce.Transient\""),
            "{problem}"
        );
        assert_eq!(
            unknown_name("p", "Lambda.ServiceException", "a", &known),
            None
        );
        assert!(
            unknown_name("p", "States.Al", "a", &known).is_some_and(|p| p.contains("States.ALL"))
        );
    }
}
