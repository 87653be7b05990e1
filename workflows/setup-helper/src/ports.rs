//! What the setup helper calls: Amazon Connect's instance administration, Kinesis Data Streams
//! and S3 buckets, each a narrow trait so the function's role grants exactly these calls. The
//! SDK adapters live in `aws-adapters` (features `connect`, `kinesis`, `s3`); the in-memory
//! doubles in [`crate::testing`].

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// An AWS call that failed: the service's error code and message, as the wizard shows them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AwsFailure {
    /// The API operation (`CreateBucket`), as botocore names it in its messages.
    pub operation: &'static str,
    /// The service's error code (`BucketAlreadyOwnedByYou`); none when no answer came.
    pub code: Option<String>,
    pub message: String,
    /// A timeout, throttling or a 5xx: the same call may succeed later.
    pub retryable: bool,
}

impl AwsFailure {
    pub fn is_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    /// Connect, Kinesis: the resource (an instance still being created, a stream) is not there.
    pub fn is_not_found(&self) -> bool {
        self.is_code("ResourceNotFoundException")
    }
}

/// botocore's wording (`An error occurred (Code) when calling the Op operation: message`), the
/// text the old package's wizard displayed.
impl fmt::Display for AwsFailure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(
                formatter,
                "An error occurred ({code}) when calling the {} operation: {}",
                self.operation, self.message
            ),
            None => write!(
                formatter,
                "Could not complete the {} operation: {}",
                self.operation, self.message
            ),
        }
    }
}

/// The part of every AWS answer boto3 reports as `ResponseMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseMetadata {
    pub request_id: Option<String>,
}

// ---- Amazon Connect ----

/// An instance as ListInstances summarises it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceSummary {
    pub id: String,
    pub arn: String,
    pub alias: Option<String>,
}

/// One page of ListInstances.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstancePage {
    pub instances: Vec<InstanceSummary>,
    pub next_token: Option<String>,
}

/// A CreateInstance request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInstance {
    pub alias: String,
    /// `CONNECT_MANAGED`, `SAML` or `EXISTING_DIRECTORY` (Connect checks it).
    pub identity_management_type: String,
    pub inbound_calls_enabled: bool,
    pub outbound_calls_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedInstance {
    pub id: String,
    pub arn: String,
    pub metadata: ResponseMetadata,
}

/// Where Connect keeps one resource type's data: the two storage types the wizard sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageConfig {
    S3 {
        bucket_name: String,
        bucket_prefix: String,
        /// A customer managed KMS key encrypting the objects.
        kms_key_arn: Option<String>,
    },
    KinesisStream {
        stream_arn: String,
    },
}

/// One storage association of an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStorageConfig {
    pub association_id: String,
    /// `None` for the storage types the helper never sets (Kinesis Video Streams, Firehose).
    pub config: Option<StorageConfig>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    pub association_id: String,
    pub metadata: ResponseMetadata,
}

/// Amazon Connect's instance administration calls the wizard needs.
#[async_trait]
pub trait ConnectInstanceAdmin: Send + Sync {
    /// One page of ListInstances.
    async fn list_instances_page(
        &self,
        next_token: Option<String>,
    ) -> Result<InstancePage, AwsFailure>;

    async fn create_instance(&self, instance: &NewInstance) -> Result<CreatedInstance, AwsFailure>;

    /// Every association of `resource_type` (`CALL_RECORDINGS`, `CONTACT_TRACE_RECORDS`, …).
    async fn list_storage_configs(
        &self,
        instance_id: &str,
        resource_type: &str,
    ) -> Result<Vec<StoredStorageConfig>, AwsFailure>;

    async fn associate_storage_config(
        &self,
        instance_id: &str,
        resource_type: &str,
        config: &StorageConfig,
    ) -> Result<Association, AwsFailure>;

    async fn update_storage_config(
        &self,
        instance_id: &str,
        association_id: &str,
        resource_type: &str,
        config: &StorageConfig,
    ) -> Result<ResponseMetadata, AwsFailure>;

    async fn associate_approved_origin(
        &self,
        instance_id: &str,
        origin: &str,
    ) -> Result<ResponseMetadata, AwsFailure>;
}

// ---- Kinesis Data Streams ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    pub shard_id: String,
    pub parent_shard_id: Option<String>,
    pub adjacent_parent_shard_id: Option<String>,
    pub starting_hash_key: String,
    pub ending_hash_key: String,
    pub starting_sequence_number: String,
    pub ending_sequence_number: Option<String>,
}

/// DescribeStream's `StreamDescription`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamDescription {
    pub stream_name: String,
    pub stream_arn: String,
    /// `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`.
    pub stream_status: String,
    /// `PROVISIONED` or `ON_DEMAND`.
    pub stream_mode: Option<String>,
    pub shards: Vec<Shard>,
    pub has_more_shards: bool,
    pub retention_period_hours: i32,
    pub stream_creation_timestamp: DateTime<Utc>,
    /// One list of shard-level metrics per monitoring entry.
    pub enhanced_monitoring: Vec<Vec<String>>,
    pub encryption_type: Option<String>,
    pub key_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribedStream {
    pub description: StreamDescription,
    pub metadata: ResponseMetadata,
}

/// The Kinesis Data Streams calls the wizard needs.
#[async_trait]
pub trait KinesisStreams: Send + Sync {
    async fn describe_stream(&self, stream_name: &str) -> Result<DescribedStream, AwsFailure>;

    async fn create_stream(
        &self,
        stream_name: &str,
        shard_count: u32,
    ) -> Result<ResponseMetadata, AwsFailure>;
}

// ---- S3 ----

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedBucket {
    /// S3's `Location` header (`/bucket` in us-east-1, the bucket URL elsewhere).
    pub location: Option<String>,
    pub metadata: ResponseMetadata,
}

/// S3 bucket creation.
#[async_trait]
pub trait S3Buckets: Send + Sync {
    /// `location_constraint` is the region, `None` in us-east-1 (which takes none).
    async fn create_bucket(
        &self,
        bucket: &str,
        location_constraint: Option<&str>,
    ) -> Result<CreatedBucket, AwsFailure>;
}
