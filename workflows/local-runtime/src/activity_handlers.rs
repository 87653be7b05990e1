//! The activities a local state machine can call, each running its real handler in-process
//! where AWS would invoke the Lambda. Registered under the activity crate's name, which
//! `template_wiring` derives from the template's `DefinitionSubstitutions`.

use std::{future::Future, pin::Pin, sync::Arc};

use activity_support::{ActivityError, PostCallPorts};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use salesforce_client::SalesforceClient;
use serde_json::{Value, json};
use sf_invoke_api::Settings;
use step_functions_engine::{TaskContext, TaskFailure, TaskHandler};

/// The names `all` registers, for checks that need no running backends.
pub const NAMES: [&str; 7] = [
    "sf-invoke-api",
    post_call_plan::ACTIVITY,
    ctr_import::ACTIVITY,
    recording_import::ACTIVITY,
    transcription_start::ACTIVITY,
    transcription_status::ACTIVITY,
    transcript_import::ACTIVITY,
];

/// Every activity handler of the embedded default, by activity name.
pub fn all(
    salesforce: Arc<SalesforceClient>,
    post_call: PostCallPorts,
) -> Vec<(String, Arc<dyn TaskHandler>)> {
    let post_call = Arc::new(post_call);
    let step = |name: &'static str, run: PostCallStep| {
        (
            name.to_string(),
            Arc::new(PostCallTask {
                ports: post_call.clone(),
                run,
            }) as Arc<dyn TaskHandler>,
        )
    };
    vec![
        (
            "sf-invoke-api".to_string(),
            Arc::new(SfInvokeApiTask { salesforce }) as Arc<dyn TaskHandler>,
        ),
        step(post_call_plan::ACTIVITY, |p, i, n| {
            Box::pin(post_call_plan::handle(p, i, n))
        }),
        step(ctr_import::ACTIVITY, |p, i, n| {
            Box::pin(ctr_import::handle(p, i, n))
        }),
        step(recording_import::ACTIVITY, |p, i, n| {
            Box::pin(recording_import::handle(p, i, n))
        }),
        step(transcription_start::ACTIVITY, |p, i, n| {
            Box::pin(transcription_start::handle(p, i, n))
        }),
        step(transcription_status::ACTIVITY, |p, i, n| {
            Box::pin(transcription_status::handle(p, i, n))
        }),
        step(transcript_import::ACTIVITY, |p, i, n| {
            Box::pin(transcript_import::handle(p, i, n))
        }),
    ]
}

/// How Step Functions reports a Lambda's error: `Error` is its `errorType`, `Cause` the JSON
/// text of the error object.
fn lambda_failure(error_type: &str, message: &str) -> TaskFailure {
    TaskFailure::new(
        error_type,
        json!({ "errorType": error_type, "errorMessage": message }).to_string(),
    )
}

type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, ActivityError>> + Send + 'a>>;
type PostCallStep = for<'a> fn(&'a PostCallPorts, Value, DateTime<Utc>) -> StepFuture<'a>;

struct PostCallTask {
    ports: Arc<PostCallPorts>,
    run: PostCallStep,
}

#[async_trait]
impl TaskHandler for PostCallTask {
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure> {
        (self.run)(&self.ports, input, context.clock.now())
            .await
            .map_err(|error| lambda_failure(error.error_type(), &error.to_string()))
    }
}

struct SfInvokeApiTask {
    salesforce: Arc<SalesforceClient>,
}

#[async_trait]
impl TaskHandler for SfInvokeApiTask {
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure> {
        let now = context.clock.now();
        sf_invoke_api::handle(
            self.salesforce.as_ref(),
            input,
            &Settings::default(),
            None,
            now,
        )
        .await
        .map(|result| {
            Value::Object(
                result
                    .into_iter()
                    .map(|(key, value)| (key, Value::String(value)))
                    .collect(),
            )
        })
        .map_err(|error| lambda_failure(&error.error_type(), &error.to_string()))
    }
}
