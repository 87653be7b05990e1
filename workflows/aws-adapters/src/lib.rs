//! AWS SDK adapters, one per port. Each implements one trait from `post-call`,
//! `post-call-trigger` or `salesforce-client` (credentials) and translates the service's errors into the port's typed errors, so
//! the state machine's Retry blocks see "unavailable" (throttling, 5xx, network) apart from
//! "refused" (bad request, missing permission).
//!
//! Enable only the services a Lambda calls: `s3`, `transcribe`, `comprehend`,
//! `step-functions`, `salesforce`, `connect`, `kinesis`.

mod sdk_failure;
#[cfg(any(feature = "connect", feature = "kinesis", feature = "s3"))]
mod setup_failure;

#[cfg(feature = "comprehend")]
mod comprehend_analysis;
#[cfg(feature = "connect")]
mod connect_contact_attributes;
#[cfg(feature = "connect")]
mod connect_history;
#[cfg(feature = "connect")]
mod connect_instance_admin;
#[cfg(feature = "connect")]
mod connect_metrics_client;
#[cfg(feature = "kinesis")]
mod kinesis_streams;
#[cfg(feature = "s3")]
mod s3_buckets;
#[cfg(feature = "s3")]
mod s3_object_store;
#[cfg(feature = "salesforce")]
mod secrets_manager_credentials;
#[cfg(feature = "step-functions")]
mod step_functions_starter;
#[cfg(feature = "transcribe")]
mod transcribe_jobs;

#[cfg(feature = "comprehend")]
pub use comprehend_analysis::ComprehendAnalysis;
#[cfg(feature = "connect")]
pub use connect_instance_admin::ConnectInstanceAdminClient;
#[cfg(feature = "connect")]
pub use connect_metrics_client::ConnectMetricsClient;
#[cfg(feature = "kinesis")]
pub use kinesis_streams::KinesisStreamsClient;
#[cfg(feature = "s3")]
pub use s3_buckets::S3BucketsClient;
#[cfg(feature = "s3")]
pub use s3_object_store::S3ObjectStore;
pub use sdk_failure::SdkFailure;
#[cfg(feature = "salesforce")]
pub use secrets_manager_credentials::{SecretsManagerCredentials, salesforce_client_from_env};
#[cfg(feature = "step-functions")]
pub use step_functions_starter::StepFunctionsStarter;
#[cfg(feature = "transcribe")]
pub use transcribe_jobs::TranscribeJobs;
