//! `connect-sf run`'s trace: one line per state entered, and per state left what its output
//! changed in its input (keys added, changed, removed) rather than a copy of the whole document
//! (a CTR is kilobytes), plus every failed task attempt.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use serde_json::Value;
use step_functions_engine::{EventType, HistoryEvent, Observer};

/// The longest value a change shows before cutting it.
const VALUE_CHARS: usize = 100;
/// Changes shorter than this together stay on the state's line; longer ones get a line each.
const INLINE_CHARS: usize = 120;

/// The observer `run` prints with.
pub fn printing_observer() -> Observer {
    let trace = StateTrace::default();
    Arc::new(move |event| {
        for line in trace.lines(event) {
            println!("{line}");
        }
    })
}

struct Entered {
    name: String,
    input: Value,
}

/// Remembers, for each event, the state most recently entered on its branch of execution, so a
/// state's exit is compared with its own entry even while Parallel branches interleave.
#[derive(Default)]
pub struct StateTrace {
    state: Mutex<TraceState>,
}

#[derive(Default)]
struct TraceState {
    /// Event id → the state entered last on that event's branch.
    by_event: HashMap<u64, Arc<Entered>>,
    /// State name → its latest entry (when the branch chain does not lead to it).
    by_name: HashMap<String, Arc<Entered>>,
}

impl StateTrace {
    /// The lines to print for `event` (none for most events).
    pub fn lines(&self, event: &HistoryEvent) -> Vec<String> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let time = event.timestamp.format("%H:%M:%S");
        let name = event.details.name.as_deref().unwrap_or_default();
        let on_branch = state.by_event.get(&event.previous_event_id).cloned();
        if event.event_type.is_state_entered() {
            let entered = Arc::new(Entered {
                name: name.to_string(),
                input: event.details.input.clone().unwrap_or(Value::Null),
            });
            state.by_event.insert(event.id, Arc::clone(&entered));
            state.by_name.insert(name.to_string(), entered);
            let kind = format!("{:?}", event.event_type);
            let kind = kind.trim_end_matches("StateEntered");
            return vec![format!("{time}  → {name} ({kind})")];
        }
        if let Some(entered) = &on_branch {
            state.by_event.insert(event.id, Arc::clone(entered));
        }
        if event.event_type.is_state_exited() {
            let entered = on_branch
                .filter(|entered| entered.name == name)
                .or_else(|| state.by_name.get(name).cloned());
            let output = event.details.output.clone().unwrap_or(Value::Null);
            let changes = match &entered {
                Some(entered) => describe_changes(&entered.input, &output),
                None => vec![format!("= {}", compact(&output))],
            };
            return exit_lines(&format!("{time}  ← {name}"), &changes);
        }
        if matches!(event.event_type, EventType::TaskFailed) {
            return vec![format!(
                "{time}  ✗ task failed: {} {}",
                event.details.error.as_deref().unwrap_or_default(),
                event.details.cause.as_deref().unwrap_or_default()
            )];
        }
        Vec::new()
    }
}

fn exit_lines(head: &str, changes: &[String]) -> Vec<String> {
    let inline = changes.join("  ");
    if changes.len() <= 1 || inline.chars().count() <= INLINE_CHARS {
        return vec![format!("{head}  {inline}")];
    }
    let indent = " ".repeat(12);
    std::iter::once(head.to_string())
        .chain(changes.iter().map(|change| format!("{indent}{change}")))
        .collect()
}

/// One change between a state's input and its output, by JSON path (`results.ctrImport`).
#[derive(Debug, PartialEq)]
enum Change {
    Added(String, Value),
    Changed(String, Value),
    Removed(String),
}

/// How `output` differs from `input`: `(no change)`; `= output` when the output replaced the
/// input (nothing of the input kept, or not objects); else `+key value`, `~key value`, `−key`.
fn describe_changes(input: &Value, output: &Value) -> Vec<String> {
    if input == output {
        return vec!["(no change)".to_string()];
    }
    let (Value::Object(before), Value::Object(after)) = (input, output) else {
        return vec![format!("= {}", compact(output))];
    };
    if !before.is_empty() && !before.keys().any(|key| after.contains_key(key)) {
        return vec![format!("= {}", compact(output))];
    }
    let mut changes = Vec::new();
    object_changes("", before, after, &mut changes);
    changes
        .into_iter()
        .map(|change| match change {
            Change::Added(path, value) => format!("+{path} {}", compact(&value)),
            Change::Changed(path, value) => format!("~{path} {}", compact(&value)),
            Change::Removed(path) => format!("−{path}"),
        })
        .collect()
}

fn object_changes(
    prefix: &str,
    before: &serde_json::Map<String, Value>,
    after: &serde_json::Map<String, Value>,
    changes: &mut Vec<Change>,
) {
    let path = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    for (key, new) in after {
        match before.get(key) {
            None => changes.push(Change::Added(path(key), new.clone())),
            Some(old) if old == new => {}
            Some(Value::Object(old)) if new.is_object() => {
                if let Value::Object(new) = new {
                    object_changes(&path(key), old, new, changes);
                }
            }
            Some(_) => changes.push(Change::Changed(path(key), new.clone())),
        }
    }
    for key in before.keys().filter(|key| !after.contains_key(*key)) {
        changes.push(Change::Removed(path(key)));
    }
}

/// A value on one line, cut after [`VALUE_CHARS`] characters.
fn compact(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_result_path_shows_only_what_the_state_added() {
        let input =
            json!({"ctr": {"ContactId": "c-1", "Agent": {"Username": "dana"}}, "switches": {}});
        let mut output = input.clone();
        output["plan"] = json!({"ctrImport": true});
        assert_eq!(
            describe_changes(&input, &output),
            ["+plan {\"ctrImport\":true}"]
        );
    }

    #[test]
    fn nested_changes_and_removals_are_named_by_path() {
        let input = json!({"transcription": {"polls": 1, "status": "IN_PROGRESS"}, "failure": {"Error": "x"}, "ctr": {}});
        let output = json!({"transcription": {"polls": 2, "status": "IN_PROGRESS", "complete": true}, "ctr": {}});
        assert_eq!(
            describe_changes(&input, &output),
            [
                "~transcription.polls 2",
                "+transcription.complete true",
                "−failure"
            ]
        );
    }

    #[test]
    fn a_replaced_or_unchanged_document_says_so() {
        let input = json!({"ctr": {"ContactId": "c-1"}});
        assert_eq!(describe_changes(&input, &input), ["(no change)"]);
        assert_eq!(
            describe_changes(&input, &json!({"recordId": "a00", "created": true})),
            ["= {\"recordId\":\"a00\",\"created\":true}"]
        );
        assert_eq!(describe_changes(&input, &json!([1, 2])), ["= [1,2]"]);
    }

    #[test]
    fn long_values_are_cut() {
        let output = json!({"text": "x".repeat(500)});
        let shown = describe_changes(&json!({}), &output).join("");
        assert!(
            shown.chars().count() < 120 && shown.ends_with('…'),
            "{shown}"
        );
    }
}
