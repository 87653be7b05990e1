//! The records a run wrote to the embedded org: its records before and after, compared by id,
//! and one line per record (object, id and the fields a reader checks first). `demo` lists
//! them per contact, `run` at the end.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::salesforce_target::Target;

/// `(object, record)` for every record of the embedded org (none for a real org).
pub fn org_records(salesforce: &Target) -> Vec<(String, Value)> {
    let Target::Embedded(emulator) = salesforce else {
        return Vec::new();
    };
    let dump = emulator.control().dump();
    dump.as_object()
        .into_iter()
        .flatten()
        .flat_map(|(object, records)| {
            records
                .as_array()
                .into_iter()
                .flatten()
                .map(move |record| (object.clone(), record.clone()))
        })
        .collect()
}

/// The records of `after` whose id `before` does not have.
pub fn new_records(before: &[(String, Value)], after: &[(String, Value)]) -> Vec<(String, Value)> {
    let existing: BTreeSet<&str> = before
        .iter()
        .filter_map(|(_, record)| record["Id"].as_str())
        .collect();
    after
        .iter()
        .filter(|(_, record)| {
            record["Id"]
                .as_str()
                .is_some_and(|id| !existing.contains(id))
        })
        .cloned()
        .collect()
}

/// The records of `after` that `before` has with other field values.
pub fn updated_records(
    before: &[(String, Value)],
    after: &[(String, Value)],
) -> Vec<(String, Value)> {
    let existing: BTreeMap<&str, &Value> = before
        .iter()
        .filter_map(|(_, record)| Some((record["Id"].as_str()?, record)))
        .collect();
    after
        .iter()
        .filter(|(_, record)| {
            record["Id"]
                .as_str()
                .and_then(|id| existing.get(id))
                .is_some_and(|previous| *previous != record)
        })
        .cloned()
        .collect()
}

/// The id and the fields a reader checks first (names without the namespace prefix).
pub fn describe(record: &Value) -> String {
    let id = record["Id"].as_str().unwrap_or_default();
    let shown: Vec<String> = record
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| {
            let bare = name.rsplit("__").nth(1).unwrap_or(name);
            matches!(
                bare,
                "Name"
                    | "Channel"
                    | "QueueName"
                    | "RecordingPath"
                    | "Sentiment"
                    | "Keywords"
                    | "Description"
            ) || name.as_str() == "Name"
        })
        .map(|(name, value)| {
            let text = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            let text = match text.char_indices().nth(70) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            };
            format!("{name}={text}")
        })
        .collect();
    format!("{id} {}", shown.join(", "))
}
