//! The contact-flow events to invoke: the activity's shipped `events/*.json`, or the shared
//! fixtures' flow events when the activity ships none.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Operations that change the org. They run after every read, so records they create (cases
/// for Dana, …) cannot change what the reads find and cost.
const WRITES: &[&str] = &[
    "create",
    "update",
    "upsert",
    "delete",
    "createChatterPost",
    "createChatterComment",
];

#[derive(Debug, Clone)]
pub struct Event {
    /// File stem without the `event-` / `flow-event-` prefix: `phoneLookup`, `lookup-homephone`.
    pub name: String,
    pub body: serde_json::Value,
}

impl Event {
    pub fn load(path: &Path) -> anyhow::Result<Event> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the event {}", path.display()))?;
        let body = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        let name = stem
            .strip_prefix("flow-event-")
            .or_else(|| stem.strip_prefix("event-"))
            .unwrap_or(stem)
            .to_owned();
        Ok(Event { name, body })
    }

    /// A flow parameter (`Details.Parameters.<name>`).
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.body
            .pointer(&format!("/Details/Parameters/{name}"))
            .and_then(serde_json::Value::as_str)
    }

    pub fn operation(&self) -> &str {
        self.parameter("sf_operation").unwrap_or("?")
    }

    pub fn is_write(&self) -> bool {
        WRITES.contains(&self.operation())
    }
}

/// The events of `dir` (`*.json`), reads first then writes, each group by name.
pub fn load_dir(dir: &Path) -> anyhow::Result<Vec<Event>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list events in {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut events = paths
        .iter()
        .map(|path| Event::load(path))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // Only contact-flow events: the folder may one day hold other test inputs.
    events.retain(|event| event.parameter("sf_operation").is_some());
    events.sort_by(|a, b| (a.is_write(), &a.name).cmp(&(b.is_write(), &b.name)));
    Ok(events)
}

/// The warm-run events: `--events DIR` as given, else the activity's, else the fixtures'.
pub fn warm_events(
    explicit: Option<&Path>,
    activity_events: &Path,
    fixtures: &Path,
) -> anyhow::Result<(PathBuf, Vec<Event>)> {
    if let Some(dir) = explicit {
        let events = load_dir(dir)?;
        if events.is_empty() {
            bail!(
                "no contact-flow events (*.json with sf_operation) in {}",
                dir.display()
            );
        }
        return Ok((dir.to_owned(), events));
    }
    if activity_events.is_dir() {
        let events = load_dir(activity_events)?;
        if !events.is_empty() {
            return Ok((activity_events.to_owned(), events));
        }
    }
    let events = load_dir(fixtures)?;
    if events.is_empty() {
        bail!(
            "no contact-flow events in {} nor in {}",
            activity_events.display(),
            fixtures.display()
        );
    }
    Ok((fixtures.to_owned(), events))
}

/// The operations whose cold start is measured: a SOQL `lookup` (no phone parsing) and a
/// `phoneLookup` (the phone library's first use).
pub const COLD_START_OPERATIONS: &[&str] = &["lookup", "phoneLookup"];

/// One event per cold-start operation, chosen by `sf_operation` among `events`: the one named
/// after the operation (`event-lookup.json`), else the first; else the fixture
/// `flow-event-<operation>.json`.
pub fn cold_start_events(events: &[Event], fixtures: &Path) -> anyhow::Result<Vec<Event>> {
    COLD_START_OPERATIONS
        .iter()
        .map(|operation| {
            let mut candidates = events
                .iter()
                .filter(|event| event.operation() == *operation);
            let named = candidates.clone().find(|event| event.name == *operation);
            match named.or_else(|| candidates.next()) {
                Some(event) => Ok(event.clone()),
                None => Event::load(&fixtures.join(format!("flow-event-{operation}.json"))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_strip_prefixes_and_reads_come_before_writes() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("lambda-bench-events-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let write = |file: &str, operation: &str| {
            std::fs::write(
                dir.join(file),
                serde_json::json!({"Details": {"Parameters": {"sf_operation": operation}}})
                    .to_string(),
            )
        };
        write("event-create.json", "create")?;
        write("event-phoneLookup.json", "phoneLookup")?;
        write("flow-event-delete.json", "delete")?;
        write("query.json", "query")?;
        std::fs::write(dir.join("notes.json"), "{}")?;

        let names: Vec<String> = load_dir(&dir)?.into_iter().map(|e| e.name).collect();
        std::fs::remove_dir_all(&dir)?;
        assert_eq!(names, ["phoneLookup", "query", "create", "delete"]);
        Ok(())
    }

    #[test]
    fn cold_start_events_are_chosen_by_operation() -> anyhow::Result<()> {
        let event = |name: &str, operation: &str| Event {
            name: name.to_owned(),
            body: serde_json::json!({"Details": {"Parameters": {"sf_operation": operation}}}),
        };
        let events = [
            event("lookup-homephone", "lookup"),
            event("lookup", "lookup"),
            event("caller", "phoneLookup"),
        ];
        let chosen: Vec<String> = cold_start_events(&events, Path::new("/nonexistent"))?
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(chosen, ["lookup", "caller"]);
        // Nothing to choose from and no fixture: an error naming the file.
        let missing = cold_start_events(&events[..2], Path::new("/nonexistent"));
        assert!(missing.is_err_and(|error| error.to_string().contains("phoneLookup")));
        Ok(())
    }
}
