//! A state machine drawn as a Mermaid flowchart, straight from its ASL: every state, every
//! transition (`Next`, `Choices`, `Default`, `Catch`, `End`), Map and Parallel bodies as
//! subgraphs. `connect-sf graph` prints it; the README's diagrams are this output, checked by
//! `tests/tests/project/diagrams.rs`, so a drawing cannot drift from the workflow it shows.

use std::fmt::Write as _;

use serde_json::Value;

/// Why a definition cannot be drawn.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DrawError {
    #[error("{at}: {what}")]
    Malformed { at: String, what: String },
}

/// The flowchart (without the surrounding ```mermaid fence).
pub fn flowchart(definition: &Value) -> Result<String, DrawError> {
    let mut out = String::from("flowchart TD\n");
    let mut ids = Ids::default();
    out.push_str("    start((start))\n");
    let start = draw_states(definition, "", &mut ids, &mut out, 1)?;
    let _ = writeln!(out, "    start --> {start}");
    Ok(out)
}

#[derive(Default)]
struct Ids {
    next_end: usize,
}

/// A node id for `state` inside `scope` (Mermaid ids: letters, digits, `_`).
fn node_id(scope: &str, state: &str) -> String {
    let clean: String = state
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{scope}{clean}")
}

fn malformed(at: &str, what: &str) -> DrawError {
    DrawError::Malformed {
        at: at.to_string(),
        what: what.to_string(),
    }
}

/// Draws the `States` of `machine` (the top level or a Map/Parallel body) and returns the id of
/// its `StartAt` state.
fn draw_states(
    machine: &Value,
    scope: &str,
    ids: &mut Ids,
    out: &mut String,
    depth: usize,
) -> Result<String, DrawError> {
    let indent = "    ".repeat(depth);
    let at = if scope.is_empty() { "States" } else { scope };
    let states = machine["States"]
        .as_object()
        .ok_or_else(|| malformed(at, "no States object"))?;
    let start_at = machine["StartAt"]
        .as_str()
        .ok_or_else(|| malformed(at, "no StartAt"))?;
    // Nodes first, in the definition's order, then the edges.
    for (name, state) in states {
        let id = node_id(scope, name);
        let kind = state["Type"]
            .as_str()
            .ok_or_else(|| malformed(name, "no Type"))?;
        match kind {
            "Map" | "Parallel" => {
                let _ = writeln!(out, "{indent}subgraph {id} [\"{name} ({kind})\"]");
                let _ = writeln!(out, "{indent}    direction TB");
                let bodies: Vec<&Value> = if kind == "Map" {
                    vec![
                        state
                            .get("ItemProcessor")
                            .or_else(|| state.get("Iterator"))
                            .ok_or_else(|| malformed(name, "a Map without ItemProcessor"))?,
                    ]
                } else {
                    state["Branches"]
                        .as_array()
                        .ok_or_else(|| malformed(name, "a Parallel without Branches"))?
                        .iter()
                        .collect()
                };
                for (index, body) in bodies.iter().enumerate() {
                    let inner_scope = format!("{id}_{index}_");
                    let inner_start = draw_states(body, &inner_scope, ids, out, depth + 1)?;
                    let entry = format!("{inner_scope}enter");
                    let _ = writeln!(out, "{indent}    {entry}(( ))");
                    let _ = writeln!(out, "{indent}    {entry} --> {inner_start}");
                }
                let _ = writeln!(out, "{indent}end");
            }
            "Choice" => {
                let _ = writeln!(out, "{indent}{id}{{\"{name}\"}}");
            }
            "Succeed" | "Fail" => {
                let _ = writeln!(out, "{indent}{id}([\"{name} ({kind})\"])");
            }
            "Wait" | "Pass" => {
                let _ = writeln!(out, "{indent}{id}[/\"{name} ({kind})\"/]");
            }
            _ => {
                let _ = writeln!(out, "{indent}{id}[\"{name} ({kind})\"]");
            }
        }
    }
    for (name, state) in states {
        let id = node_id(scope, name);
        let target = |next: &str| -> Result<String, DrawError> {
            if states.contains_key(next) {
                Ok(node_id(scope, next))
            } else {
                Err(malformed(
                    name,
                    &format!("goes to {next}, which is not a state"),
                ))
            }
        };
        if let Some(next) = state["Next"].as_str() {
            let _ = writeln!(out, "{indent}{id} --> {}", target(next)?);
        }
        if state["End"].as_bool() == Some(true) {
            ids.next_end += 1;
            let end = format!("{scope}end{}", ids.next_end);
            let _ = writeln!(out, "{indent}{end}((end))");
            let _ = writeln!(out, "{indent}{id} --> {end}");
        }
        for choice in state["Choices"].as_array().into_iter().flatten() {
            if let Some(next) = choice["Next"].as_str() {
                let label = choice_label(choice);
                let _ = writeln!(out, "{indent}{id} -->|\"{label}\"| {}", target(next)?);
            }
        }
        if let Some(next) = state["Default"].as_str() {
            let _ = writeln!(out, "{indent}{id} -->|otherwise| {}", target(next)?);
        }
        for catch in state["Catch"].as_array().into_iter().flatten() {
            if let Some(next) = catch["Next"].as_str() {
                let errors: Vec<&str> = catch["ErrorEquals"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                // A long list would swamp the drawing: the first name and how many.
                let label = match errors.as_slice() {
                    [] => String::new(),
                    [one] => (*one).to_string(),
                    [first, second] => format!("{first}, {second}"),
                    [first, rest @ ..] => format!("{first} and {} more", rest.len()),
                };
                let _ = writeln!(
                    out,
                    "{indent}{id} -.->|\"catch {label}\"| {}",
                    target(next)?
                );
            }
        }
    }
    if !states.contains_key(start_at) {
        return Err(malformed(at, &format!("StartAt {start_at} is not a state")));
    }
    Ok(node_id(scope, start_at))
}

/// A short label for a Choice rule: its variable and comparison (`$.x IsPresent`).
fn choice_label(rule: &Value) -> String {
    let Some(object) = rule.as_object() else {
        return String::new();
    };
    if let Some(condition) = object.get("Condition").and_then(Value::as_str) {
        return condition.replace('"', "'");
    }
    let variable = object
        .get("Variable")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let comparison = object
        .iter()
        .find(|(key, _)| !matches!(key.as_str(), "Variable" | "Next" | "Comment"))
        .map(|(key, value)| match value {
            // IsPresent, IsNull, ...: the test is the name.
            Value::Bool(true) if key.starts_with("Is") => key.clone(),
            Value::String(text) => format!("{key} {text}"),
            Value::Array(_) => key.clone(),
            other => format!("{key} {other}"),
        })
        .unwrap_or_default();
    format!("{variable} {comparison}").trim().replace('"', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_transition_is_drawn() {
        let chart = flowchart(&json!({
            "StartAt": "Plan",
            "States": {
                "Plan": {"Type": "Task", "Resource": "r", "Next": "Ready?",
                         "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]},
                "Ready?": {"Type": "Choice",
                           "Choices": [{"Variable": "$.ready", "BooleanEquals": true, "Next": "Each"}],
                           "Default": "Failed"},
                "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "One", "States": {
                    "One": {"Type": "Task", "Resource": "r", "End": true}}}, "End": true},
                "Failed": {"Type": "Fail", "Error": "E"}
            }
        }))
        .expect("drawn");
        for line in [
            "start --> Plan",
            "Plan --> Ready_",
            "Plan -.->|\"catch States.ALL\"| Failed",
            "Ready_ -->|\"$.ready BooleanEquals true\"| Each",
            "Ready_ -->|otherwise| Failed",
            "subgraph Each [\"Each (Map)\"]",
            "Each_0_enter --> Each_0_One",
            "Failed([\"Failed (Fail)\"])",
        ] {
            assert!(chart.contains(line), "missing {line:?} in\n{chart}");
        }
    }

    #[test]
    fn a_transition_to_nowhere_is_an_error_not_a_drawing() {
        let error = flowchart(&json!({
            "StartAt": "A",
            "States": {"A": {"Type": "Pass", "Next": "B"}}
        }))
        .expect_err("B is missing");
        assert!(error.to_string().contains("goes to B"), "{error}");
    }
}
