//! Step Functions' StartExecution on a laptop: remembers every execution name (a second start
//! with the same name is `AlreadyStarted`, as on Step Functions) and queues the new ones for the
//! local engine to run. It refuses what Step Functions refuses, with the same meaning for the
//! record: an input over 256 KiB (`InvalidExecutionInput`, so the trigger passes the CTR by
//! reference) and a name Step Functions does not accept (`InvalidName`, refused for good).

use std::{collections::BTreeSet, sync::Mutex};

use async_trait::async_trait;
use post_call_trigger::{ExecutionStarter, STEP_FUNCTIONS_DATA_LIMIT, StartError, StartOutcome};
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

/// Step Functions' rule for an execution name: 1 to 80 characters, none of whitespace,
/// `< > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /` or a control character.
fn name_problem(name: &str) -> Option<&'static str> {
    const REFUSED: &str = "<>{}[]?*\"#%\\^|~`$&,;:/";
    if name.is_empty() || name.chars().count() > 80 {
        Some("an execution name has 1 to 80 characters")
    } else if name
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || REFUSED.contains(c))
    {
        Some("an execution name has no whitespace, control or special characters")
    } else {
        None
    }
}

#[async_trait]
impl ExecutionStarter for QueueingStarter {
    async fn start_execution(&self, name: &str, input: &Value) -> Result<StartOutcome, StartError> {
        if let Some(problem) = name_problem(name) {
            return Err(StartError::refused(format!(
                "InvalidName: Invalid Name: {problem}"
            )));
        }
        let bytes = input.to_string().len();
        if bytes > STEP_FUNCTIONS_DATA_LIMIT {
            return Err(StartError::input_refused(format!(
                "InvalidExecutionInput: the input is {bytes} bytes, over the {STEP_FUNCTIONS_DATA_LIMIT}-byte limit"
            )));
        }
        let mut names = self
            .names
            .lock()
            .map_err(|_| StartError::unavailable("local starter lock poisoned"))?;
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

#[cfg(test)]
mod tests {
    use post_call_trigger::StartErrorKind;
    use serde_json::json;

    use super::*;

    #[tokio::test]
    async fn it_refuses_what_step_functions_refuses() {
        let starter = QueueingStarter::default();
        let name = starter
            .start_execution("contact c?1", &json!({}))
            .await
            .unwrap_err();
        assert_eq!(name.kind, StartErrorKind::Refused);
        let large = json!({ "ctr": "x".repeat(STEP_FUNCTIONS_DATA_LIMIT) });
        let input = starter
            .start_execution("contact-c-1", &large)
            .await
            .unwrap_err();
        assert_eq!(input.kind, StartErrorKind::InputRefused);
        assert!(starter.take_queued().is_empty());
        assert!(matches!(
            starter.start_execution("contact-c-1", &json!({})).await,
            Ok(StartOutcome::Started { .. })
        ));
        assert_eq!(
            starter.start_execution("contact-c-1", &json!({})).await,
            Ok(StartOutcome::AlreadyStarted)
        );
    }
}
