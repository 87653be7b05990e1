//! A local AWS Step Functions interpreter for the Amazon States Language (JSONPath).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use step_functions_engine::{Engine, ExecutionOptions, FnHandler, StateMachine, VirtualClock};
//!
//! let machine = StateMachine::from_json(&serde_json::json!({
//!     "StartAt": "Hello",
//!     "States": {"Hello": {"Type": "Task", "Resource": "hello", "End": true}}
//! }))?;
//! let engine = Engine::builder()
//!     .handler("hello", Arc::new(FnHandler(|input, _ctx| async move { Ok(input) })))
//!     .clock(Arc::new(VirtualClock::new()))
//!     .build();
//! let result = engine.run(&machine, serde_json::json!({"a": 1}), ExecutionOptions::default()).await?;
//! assert_eq!(result.output, Some(serde_json::json!({"a": 1})));
//! # Ok(()) }
//! ```
//!
//! An unsuccessful execution can be redriven ([`Engine::redrive`], AWS's `RedriveExecution`):
//! it continues from the states that did not finish, keeping what ended; a running one can be
//! stopped ([`Engine::stop_execution`], `StopExecution`).
//!
//! Modules, one job each: [`definition`] (the model parsed from ASL), `validate` (graph and
//! handler checks), `paths` (JSONPath, templates, context object, variables), [`choice`],
//! [`retry`], [`clock`], [`history`], [`task`], `executor` (state by state), [`error`], and
//! [`intrinsics`] (the `States.*` functions); [`mermaid`] draws a definition.

pub mod choice;
pub mod clock;
pub mod definition;
pub mod error;
mod executor;
pub mod history;
pub mod intrinsics;
pub mod mermaid;
mod paths;
pub mod retry;
pub mod task;
mod validate;

use std::str::FromStr;

use serde_json::Value;

pub use clock::{AcceleratedClock, Clock, RealClock, VirtualClock};
pub use definition::StateMachineDef;
pub use error::{Failure, Problem, RedriveError, ValidationError};
pub use executor::{Engine, EngineBuilder, ExecutionOptions, ExecutionResult, ExecutionStatus};
pub use history::{EventDetails, EventType, HistoryEvent, Observer};
pub use task::{FnHandler, Handlers, TaskContext, TaskFailure, TaskHandler};

/// A parsed and structurally validated state machine definition.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMachine {
    raw: Value,
    def: StateMachineDef,
}

impl StateMachine {
    /// Parses and validates a definition: every structural problem (fields, types, paths,
    /// unsupported features) and graph problem (unknown targets, unreachable states, missing
    /// `Next`/`End`) is reported. Task handlers are checked by [`StateMachine::validate_with`]
    /// (and by [`Engine::run`]).
    pub fn from_json(definition: &Value) -> Result<Self, ValidationError> {
        let mut problems = Vec::new();
        let def = definition::Parser {
            problems: &mut problems,
        }
        .machine(definition, "", true);
        validate::check_graph(&def, "", &mut problems);
        if problems.is_empty() {
            Ok(Self {
                raw: definition.clone(),
                def,
            })
        } else {
            Err(ValidationError { problems })
        }
    }

    /// Checks that every Task resource resolves to one of `handlers`.
    pub fn validate_with(&self, handlers: &Handlers) -> Result<(), ValidationError> {
        let mut problems = Vec::new();
        validate::check_tasks(&self.def, "", handlers, &mut problems);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { problems })
        }
    }

    /// The parsed model.
    pub fn definition(&self) -> &StateMachineDef {
        &self.def
    }

    /// The definition JSON as given.
    pub fn json(&self) -> &Value {
        &self.raw
    }
}

impl FromStr for StateMachine {
    type Err = ValidationError;

    /// Parses definition text (JSON).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            ValidationError::single("/", format!("the definition is not valid JSON: {e}"))
        })?;
        Self::from_json(&value)
    }
}
