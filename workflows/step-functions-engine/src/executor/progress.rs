//! Where each machine of an execution has got to, kept while it runs, so that an unsuccessful
//! execution can be redriven from the states that did not finish (see [`super::Engine::redrive`]).
//!
//! A machine is the execution itself, a Parallel branch or a Map iteration. Its [`Trace`] holds
//! the state it has entered and not yet left (with the input and variables it was entered
//! with, and for a Parallel or Map state the traces of its branches or iterations), or its
//! output once it has ended. A state that fails, or whose run is cancelled (a sibling branch
//! failed, the execution timed out or was stopped), stays open: that is where a redrive resumes.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value};

/// The live progress of one machine.
#[derive(Debug)]
pub(crate) struct Trace(Mutex<Live>);

#[derive(Debug)]
struct Live {
    input: Value,
    done: Option<Value>,
    open: Option<LiveOpen>,
}

#[derive(Debug)]
struct LiveOpen {
    name: String,
    input: Value,
    variables: Map<String, Value>,
    failure: Option<String>,
    children: Vec<Arc<Trace>>,
}

impl Trace {
    /// A machine about to start on `input`.
    pub(crate) fn new(input: Value) -> Arc<Self> {
        Arc::new(Self(Mutex::new(Live {
            input,
            done: None,
            open: None,
        })))
    }

    /// A machine that ended with `output` in an earlier attempt (kept, not re-run).
    pub(crate) fn finished(input: Value, output: Value) -> Arc<Self> {
        Arc::new(Self(Mutex::new(Live {
            input,
            done: Some(output),
            open: None,
        })))
    }

    fn lock(&self) -> MutexGuard<'_, Live> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The machine entered `name` with `input` and its own-level `variables`.
    pub(crate) fn enter(&self, name: &str, input: &Value, variables: Map<String, Value>) {
        self.lock().open = Some(LiveOpen {
            name: name.to_string(),
            input: input.clone(),
            variables,
            failure: None,
            children: Vec::new(),
        });
    }

    /// The open state's attempt runs these branches or iterations.
    pub(crate) fn set_children(&self, children: Vec<Arc<Trace>>) {
        if let Some(open) = self.lock().open.as_mut() {
            open.children = children;
        }
    }

    /// The open state failed with `error` (it stays open).
    pub(crate) fn failed(&self, error: Option<&str>) {
        if let Some(open) = self.lock().open.as_mut() {
            open.failure = Some(error.unwrap_or_default().to_string());
        }
    }

    /// The machine ended with `output`.
    pub(crate) fn end(&self, output: &Value) {
        let mut live = self.lock();
        live.open = None;
        live.done = Some(output.clone());
    }

    /// The progress as it is now, with every branch's and iteration's.
    pub(crate) fn freeze(&self) -> Checkpoint {
        let live = self.lock();
        Checkpoint {
            input: live.input.clone(),
            done: live.done.clone(),
            open: live.open.as_ref().map(|open| OpenState {
                name: open.name.clone(),
                input: open.input.clone(),
                variables: open.variables.clone(),
                failure: open.failure.clone(),
                children: open.children.iter().map(|child| child.freeze()).collect(),
            }),
        }
    }
}

/// A machine's progress when its execution ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Checkpoint {
    /// What the machine started on.
    pub(crate) input: Value,
    /// Its output, if it ended successfully.
    pub(crate) done: Option<Value>,
    /// The state it had entered and not left, if any.
    pub(crate) open: Option<OpenState>,
}

/// A state that was entered and did not finish.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OpenState {
    /// The state's name.
    pub(crate) name: String,
    /// Its raw input when it was entered.
    pub(crate) input: Value,
    /// The variables of the machine's own scope level when it was entered.
    pub(crate) variables: Map<String, Value>,
    /// The error it failed with; `None` when it was cancelled instead.
    pub(crate) failure: Option<String>,
    /// For a Parallel or Map state, the branches or iterations of its last attempt.
    pub(crate) children: Vec<Checkpoint>,
}

impl OpenState {
    /// The branches or iterations a redrive keeps or resumes: none when the state failed with
    /// `States.DataLimitExceeded`, which AWS answers by re-running the whole state.
    pub(crate) fn resumable_children(&self) -> Option<&[Checkpoint]> {
        let rerun_all = self.failure.as_deref() == Some(crate::error::names::DATA_LIMIT_EXCEEDED);
        (!rerun_all && !self.children.is_empty()).then_some(self.children.as_slice())
    }
}
