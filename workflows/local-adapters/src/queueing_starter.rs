//! Step Functions' StartExecution on a laptop: remembers every execution name (a second start
//! with the same name is `AlreadyStarted`, as on Step Functions) and queues the new ones for the
//! local engine to run.

use std::{collections::BTreeSet, sync::Mutex};

use async_trait::async_trait;
use post_call_trigger::{ExecutionStarter, StartError, StartOutcome};
use serde_json::Value;

#[derive(Default)]
pub struct QueueingStarter {
    names: Mutex<BTreeSet<String>>,
    queued: Mutex<Vec<(String, Value)>>,
}

impl QueueingStarter {
    /// The executions started since the last call, in order: (name, input).
    pub fn take_queued(&self) -> Vec<(String, Value)> {
        self.queued
            .lock()
            .map(|mut queued| std::mem::take(&mut *queued))
            .unwrap_or_default()
    }
}

#[async_trait]
impl ExecutionStarter for QueueingStarter {
    async fn start_execution(&self, name: &str, input: &Value) -> Result<StartOutcome, StartError> {
        let mut names = self.names.lock().map_err(|_| StartError {
            message: "local starter lock poisoned".into(),
        })?;
        if !names.insert(name.to_string()) {
            return Ok(StartOutcome::AlreadyStarted);
        }
        if let Ok(mut queued) = self.queued.lock() {
            queued.push((name.to_string(), input.clone()));
        }
        Ok(StartOutcome::Started {
            execution_arn: format!(
                "arn:aws:states:us-west-2:123456789012:execution:post-call:{name}"
            ),
        })
    }
}
