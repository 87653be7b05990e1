//! [`S3Buckets`] on Amazon S3: CreateBucket for the setup helper.

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::operation::RequestId;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
use setup_helper::ports::{AwsFailure, CreatedBucket, ResponseMetadata, S3Buckets};

use crate::SdkFailure;
use crate::setup_failure::aws_failure;

pub struct S3BucketsClient {
    client: Client,
}

impl S3BucketsClient {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// From the Lambda's shared SDK configuration (region, credentials, retry policy).
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(config))
    }
}

#[async_trait]
impl S3Buckets for S3BucketsClient {
    async fn create_bucket(
        &self,
        bucket: &str,
        location_constraint: Option<&str>,
    ) -> Result<CreatedBucket, AwsFailure> {
        let configuration = location_constraint.map(|region| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build()
        });
        let output = self
            .client
            .create_bucket()
            .bucket(bucket)
            .set_create_bucket_configuration(configuration)
            .send()
            .await
            .map_err(|error| aws_failure("CreateBucket", SdkFailure::from_sdk(&error)))?;
        Ok(CreatedBucket {
            location: output.location().map(str::to_string),
            metadata: ResponseMetadata {
                request_id: output.request_id().map(str::to_string),
            },
        })
    }
}
