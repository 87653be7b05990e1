//! Task handlers: what a `Task` state's `Resource` runs, in-process.
//!
//! A resource resolves to a registered handler either directly (the resource string, or the
//! function name of a Lambda ARN), or for the optimised integration
//! `arn:aws:states:::lambda:invoke` by `FunctionName` in `Parameters`, with `Payload` as the
//! handler's input and the result wrapped as AWS wraps it (`{"Payload": ..., "StatusCode": 200, ...}`).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde_json::{Value, json};

use crate::clock::Clock;

/// A handler's failure: the error name (a Lambda's `errorType`) and the cause (its message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFailure {
    /// Error name; empty means none, reported as `States.TaskFailed`.
    pub error: String,
    /// Cause.
    pub cause: Option<String>,
}

impl TaskFailure {
    /// A failure with an error name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }
}

/// What a handler is told about the task it runs.
#[derive(Debug, Clone)]
pub struct TaskContext {
    /// The Task state's name.
    pub state_name: String,
    /// The resource after substitution (for `lambda:invoke`, the integration ARN).
    pub resource: String,
    /// The function name for `lambda:invoke` and Lambda ARNs.
    pub function_name: Option<String>,
    /// The execution's name.
    pub execution_name: String,
    /// How many times this task has been retried so far.
    pub retry_count: u64,
    /// The context object (`$$`) as the state sees it.
    pub context_object: Value,
    /// The engine's clock (a handler that waits should wait on it).
    pub clock: Arc<dyn Clock>,
}

/// An in-process implementation of a Task resource.
#[async_trait]
pub trait TaskHandler: Send + Sync {
    /// Runs the task on its input.
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure>;
}

/// Adapts an async closure into a [`TaskHandler`].
pub struct FnHandler<F>(pub F);

#[async_trait]
impl<F, Fut> TaskHandler for FnHandler<F>
where
    F: Fn(Value, TaskContext) -> Fut + Send + Sync,
    Fut: std::future::Future<Output = Result<Value, TaskFailure>> + Send,
{
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure> {
        (self.0)(input, context.clone()).await
    }
}

/// Registered handlers by name.
pub type Handlers = HashMap<String, Arc<dyn TaskHandler>>;

/// Whether a resource is the optimised Lambda integration.
pub(crate) fn is_lambda_invoke(resource: &str) -> bool {
    resource.starts_with("arn:")
        && resource.contains(":states:::lambda:invoke")
        && resource.ends_with(":states:::lambda:invoke")
}

/// The function name of `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`.
pub(crate) fn lambda_function_name(text: &str) -> Option<&str> {
    let rest = text.split(":function:").nth(1)?;
    if !text.starts_with("arn:") || !text.contains(":lambda:") {
        return None;
    }
    rest.split(':').next().filter(|n| !n.is_empty())
}

/// Looks a name up: exactly, then by the function name of a Lambda ARN (either side).
pub(crate) fn lookup(handlers: &Handlers, name: &str) -> Option<Arc<dyn TaskHandler>> {
    if let Some(handler) = handlers.get(name) {
        return Some(handler.clone());
    }
    let wanted = lambda_function_name(name).unwrap_or(name);
    handlers
        .iter()
        .find(|(key, _)| key.as_str() == wanted || lambda_function_name(key) == Some(wanted))
        .map(|(_, handler)| handler.clone())
}

/// Checks statically that a Task's resource can run; the error says why not.
pub(crate) fn check_resource(
    handlers: &Handlers,
    resource: &str,
    parameters: Option<&Value>,
) -> Result<(), String> {
    if resource.contains("${") {
        return Err(format!(
            "the resource '{resource}' has an unresolved definition substitution"
        ));
    }
    for suffix in [".waitForTaskToken", ".sync", ".sync:2"] {
        if resource.ends_with(suffix) {
            return Err(format!(
                "the integration pattern '{suffix}' of the resource '{resource}' is not supported"
            ));
        }
    }
    if is_lambda_invoke(resource) {
        let params = parameters.and_then(Value::as_object);
        return match (
            params.and_then(|p| p.get("FunctionName")),
            params.and_then(|p| p.get("FunctionName.$")),
        ) {
            (Some(Value::String(name)), _) => {
                if lookup(handlers, name).is_some() {
                    Ok(())
                } else {
                    Err(format!(
                        "no task handler is registered for the Lambda function '{name}' (resource '{resource}')"
                    ))
                }
            }
            (None, Some(Value::String(_))) => Ok(()),
            _ => Err(format!(
                "the resource '{resource}' needs 'FunctionName' (or 'FunctionName.$') in 'Parameters'"
            )),
        };
    }
    if lookup(handlers, resource).is_some() {
        Ok(())
    } else {
        Err(format!(
            "no task handler is registered for the resource '{resource}'"
        ))
    }
}

/// How a Task state calls its handler.
pub(crate) struct Invocation {
    pub(crate) handler: Arc<dyn TaskHandler>,
    pub(crate) input: Value,
    pub(crate) function_name: Option<String>,
    pub(crate) wrap_lambda: bool,
}

/// Resolves a Task's handler and input at run time from its effective parameters.
pub(crate) fn resolve(
    handlers: &Handlers,
    resource: &str,
    parameters: Value,
) -> Result<Invocation, (String, String)> {
    if is_lambda_invoke(resource) {
        let name = parameters
            .get("FunctionName")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                (
                    "States.Runtime".to_string(),
                    format!("The resource '{resource}' needs a string 'FunctionName' parameter"),
                )
            })?;
        let handler = lookup(handlers, &name).ok_or_else(|| {
            (
                "Lambda.ResourceNotFoundException".to_string(),
                format!("Function not found: {name} (no task handler is registered for it)"),
            )
        })?;
        let input = parameters.get("Payload").cloned().unwrap_or(json!({}));
        let function_name = lambda_function_name(&name).unwrap_or(&name).to_string();
        return Ok(Invocation {
            handler,
            input,
            function_name: Some(function_name),
            wrap_lambda: true,
        });
    }
    let handler = lookup(handlers, resource).ok_or_else(|| {
        (
            "States.Runtime".to_string(),
            format!("No task handler is registered for the resource '{resource}'"),
        )
    })?;
    Ok(Invocation {
        handler,
        input: parameters,
        function_name: lambda_function_name(resource).map(str::to_string),
        wrap_lambda: false,
    })
}

/// Wraps a handler's result as `lambda:invoke` returns it.
pub(crate) fn wrap_lambda_result(payload: Value, request_id: &str, date: &str) -> Value {
    let length = serde_json::to_string(&payload)
        .map(|s| s.len())
        .unwrap_or(0);
    let headers = json!({
        "Connection": "keep-alive",
        "Content-Length": length.to_string(),
        "Content-Type": "application/json",
        "Date": date,
        "X-Amz-Executed-Version": "$LATEST",
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": request_id,
    });
    let all_headers: serde_json::Map<String, Value> = headers
        .as_object()
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.clone(), Value::Array(vec![v.clone()])))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": all_headers,
            "HttpHeaders": headers,
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    })
}
