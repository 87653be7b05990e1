//! One function per method, each returning the body's JSON; [`SetupHelper::handle`] turns any
//! failure into `success: false` with its message, so the wizard never sees a Lambda error.

mod buckets;
mod instances;
mod storage;
mod streams;

use std::sync::Arc;

use activity_contract::NamedError;
use serde_json::Value;

use crate::error::SetupError;
use crate::ports::{ConnectInstanceAdmin, KinesisStreams, S3Buckets};
use crate::request::SetupCall;
use crate::response::SetupResponse;
use crate::settings::SetupSettings;

/// The setup helper with the clients it calls, built once per container.
pub struct SetupHelper {
    pub connect: Arc<dyn ConnectInstanceAdmin>,
    pub kinesis: Arc<dyn KinesisStreams>,
    pub s3: Arc<dyn S3Buckets>,
    pub settings: SetupSettings,
}

impl SetupHelper {
    /// One invocation: the wizard's event in, its answer out, whatever happens.
    pub async fn handle(&self, event: &Value) -> SetupResponse {
        let method = event
            .get("method")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match self.call(event).await {
            Ok(body) => {
                tracing::info!(method = %method, success = true, "setup call answered");
                SetupResponse::success(&body)
            }
            Err(error) => {
                let message = error.to_string();
                tracing::warn!(
                    method = %redaction::redact_personal_data(&method),
                    success = false,
                    error_type = error.error_name(),
                    error = %redaction::redact_personal_data(&message),
                    "setup call refused"
                );
                SetupResponse::failure(message)
            }
        }
    }

    /// The call's body, or why it failed.
    pub async fn call(&self, event: &Value) -> Result<Value, SetupError> {
        match SetupCall::parse(event)? {
            SetupCall::ConnectCreateInstance(params) => {
                instances::create_instance(self.connect.as_ref(), &params).await
            }
            SetupCall::ConnectAssociateApprovedOrigin(params) => {
                instances::associate_approved_origin(self.connect.as_ref(), &params).await
            }
            SetupCall::ConnectAssociateInstanceStorageConfig(params) => {
                storage::associate_storage_config(self.connect.as_ref(), &params, &self.settings)
                    .await
            }
            SetupCall::RetrieveLambdaParameters(params) => {
                storage::lambda_parameters(self.connect.as_ref(), &params, &self.settings).await
            }
            SetupCall::KinesisCreateStream(params) => {
                streams::create_stream(self.kinesis.as_ref(), &params).await
            }
            SetupCall::KinesisDescribeStream(params) => {
                streams::describe_stream(self.kinesis.as_ref(), &params.stream_name).await
            }
            SetupCall::S3CreateBucket(params) => {
                buckets::create_bucket(self.s3.as_ref(), &params, &self.settings).await
            }
            SetupCall::GetAwsRegion => Ok(Value::String(self.settings.region.clone())),
        }
    }
}

#[cfg(test)]
mod tests;
