//! Graph checks of a parsed definition: `StartAt` and every `Next`/`Default`/`Catch` target
//! exist, non-terminal states have exactly one of `Next`/`End`, every state is reachable; and
//! (with the engine's handlers) every Task resource has a handler.

use std::collections::{HashSet, VecDeque};

use crate::definition::{StateKind, StateMachineDef};
use crate::error::Problem;
use crate::task::{self, Handlers};

fn push(problems: &mut Vec<Problem>, location: String, message: String) {
    problems.push(Problem { location, message });
}

/// Checks transitions, terminal rules and reachability of `def` and its nested machines.
pub(crate) fn check_graph(def: &StateMachineDef, loc: &str, problems: &mut Vec<Problem>) {
    if !def.start_at.is_empty() && def.state(&def.start_at).is_none() {
        push(
            problems,
            format!("{loc}/StartAt"),
            format!(
                "'StartAt' names the state '{}', which does not exist",
                def.start_at
            ),
        );
    }
    for state in &def.states {
        let here = format!("{loc}/States/{}", state.name);
        let target = |field: String, name: &str, problems: &mut Vec<Problem>| {
            if def.state(name).is_none() {
                push(
                    problems,
                    format!("{here}/{field}"),
                    format!("'{field}' names the state '{name}', which does not exist"),
                );
            }
        };
        if let Some(next) = &state.next {
            target("Next".to_string(), next, problems);
        }
        for (i, catcher) in state.catch.iter().enumerate() {
            if !catcher.next.is_empty() {
                target(format!("Catch/{i}/Next"), &catcher.next, problems);
            }
        }
        match &state.kind {
            StateKind::Choice(choice) => {
                if let Some(default) = &choice.default {
                    target("Default".to_string(), default, problems);
                }
                for (i, rule) in choice.choices.iter().enumerate() {
                    if let Some(next) = &rule.next {
                        target(format!("Choices/{i}/Next"), next, problems);
                    }
                }
            }
            StateKind::Pass { .. }
            | StateKind::Task(_)
            | StateKind::Wait(_)
            | StateKind::Parallel(_)
            | StateKind::Map(_) => match (&state.next, state.end) {
                (Some(_), true) => push(
                    problems,
                    here.clone(),
                    "a state cannot have both 'Next' and 'End: true'".to_string(),
                ),
                (None, false) => push(
                    problems,
                    here.clone(),
                    format!(
                        "a {} state needs either 'Next' or 'End: true'",
                        state.type_name()
                    ),
                ),
                _ => {}
            },
            StateKind::Succeed | StateKind::Fail(_) => {}
        }
        match &state.kind {
            StateKind::Parallel(parallel) => {
                for (i, branch) in parallel.branches.iter().enumerate() {
                    check_graph(branch, &format!("{here}/Branches/{i}"), problems);
                }
            }
            StateKind::Map(map) => {
                check_graph(&map.processor, &format!("{here}/ItemProcessor"), problems);
            }
            _ => {}
        }
    }
    // Reachability from StartAt.
    if def.state(&def.start_at).is_some() {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut queue = VecDeque::from([def.start_at.as_str()]);
        while let Some(name) = queue.pop_front() {
            if !seen.insert(name) {
                continue;
            }
            let Some(state) = def.state(name) else {
                continue;
            };
            let mut targets: Vec<&str> = Vec::new();
            if let Some(next) = &state.next {
                targets.push(next);
            }
            targets.extend(state.catch.iter().map(|c| c.next.as_str()));
            if let StateKind::Choice(choice) = &state.kind {
                targets.extend(choice.default.as_deref());
                targets.extend(choice.choices.iter().filter_map(|r| r.next.as_deref()));
            }
            queue.extend(targets);
        }
        for state in &def.states {
            if !seen.contains(state.name.as_str()) {
                push(
                    problems,
                    format!("{loc}/States/{}", state.name),
                    format!(
                        "the state '{}' is not reachable from '{}'",
                        state.name, def.start_at
                    ),
                );
            }
        }
    }
}

/// Checks that every Task resource (recursively) resolves to a registered handler.
pub(crate) fn check_tasks(
    def: &StateMachineDef,
    loc: &str,
    handlers: &Handlers,
    problems: &mut Vec<Problem>,
) {
    for state in &def.states {
        let here = format!("{loc}/States/{}", state.name);
        match &state.kind {
            StateKind::Task(t) => {
                if let Err(why) =
                    task::check_resource(handlers, &t.resource, state.parameters.as_ref())
                {
                    push(
                        problems,
                        format!("{here}/Resource"),
                        format!("Task state '{}': {why}", state.name),
                    );
                }
            }
            StateKind::Parallel(parallel) => {
                for (i, branch) in parallel.branches.iter().enumerate() {
                    check_tasks(branch, &format!("{here}/Branches/{i}"), handlers, problems);
                }
            }
            StateKind::Map(map) => {
                check_tasks(
                    &map.processor,
                    &format!("{here}/ItemProcessor"),
                    handlers,
                    problems,
                );
            }
            _ => {}
        }
    }
}
