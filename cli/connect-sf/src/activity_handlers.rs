//! The activities a local state machine can call, each running its real handler in-process
//! where AWS would invoke the Lambda. Registered under the activity crate's name, which
//! `template_wiring` derives from the template's `DefinitionSubstitutions`.

use std::sync::Arc;

use async_trait::async_trait;
use salesforce_client::SalesforceClient;
use serde_json::Value;
use sf_invoke_api::Settings;
use step_functions_engine::{TaskContext, TaskFailure, TaskHandler};

/// The names `all` registers, for checks that need no running backends.
pub const NAMES: [&str; 1] = ["sf-invoke-api"];

/// Every activity handler of the embedded default, by activity name.
pub fn all(salesforce: Arc<SalesforceClient>) -> Vec<(String, Arc<dyn TaskHandler>)> {
    vec![(
        "sf-invoke-api".to_string(),
        Arc::new(SfInvokeApiTask { salesforce }) as Arc<dyn TaskHandler>,
    )]
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
        .map_err(|error| TaskFailure::new(error.error_type(), error.to_string()))
    }
}
