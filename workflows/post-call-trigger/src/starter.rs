//! The port to Step Functions' StartExecution.

use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq)]
pub enum StartOutcome {
    Started {
        execution_arn: String,
    },
    /// An execution with this name exists already: the record was delivered before.
    AlreadyStarted,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("StartExecution failed: {message}")]
pub struct StartError {
    pub message: String,
}

#[async_trait]
pub trait ExecutionStarter: Send + Sync {
    async fn start_execution(
        &self,
        name: &str,
        input: &serde_json::Value,
    ) -> Result<StartOutcome, StartError>;
}
