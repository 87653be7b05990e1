//! [`KinesisStreams`] on Kinesis Data Streams: DescribeStream and CreateStream for the setup
//! helper.

use async_trait::async_trait;
use aws_sdk_kinesis::Client;
use aws_sdk_kinesis::operation::RequestId;
use chrono::{DateTime, Utc};
use setup_helper::ports::{
    AwsFailure, DescribedStream, KinesisStreams, ResponseMetadata, Shard, StreamDescription,
};

use crate::SdkFailure;
use crate::setup_failure::aws_failure;

pub struct KinesisStreamsClient {
    client: Client,
}

impl KinesisStreamsClient {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// From the Lambda's shared SDK configuration (region, credentials, retry policy, timeouts).
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(config))
    }
}

fn time_from_sdk(time: &aws_smithy_types::DateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(time.secs(), time.subsec_nanos()).unwrap_or_default()
}

fn shard_from_sdk(shard: &aws_sdk_kinesis::types::Shard) -> Shard {
    Shard {
        shard_id: shard.shard_id().to_string(),
        parent_shard_id: shard.parent_shard_id().map(str::to_string),
        adjacent_parent_shard_id: shard.adjacent_parent_shard_id().map(str::to_string),
        starting_hash_key: shard
            .hash_key_range()
            .map(|range| range.starting_hash_key().to_string())
            .unwrap_or_default(),
        ending_hash_key: shard
            .hash_key_range()
            .map(|range| range.ending_hash_key().to_string())
            .unwrap_or_default(),
        starting_sequence_number: shard
            .sequence_number_range()
            .map(|range| range.starting_sequence_number().to_string())
            .unwrap_or_default(),
        ending_sequence_number: shard
            .sequence_number_range()
            .and_then(|range| range.ending_sequence_number())
            .map(str::to_string),
    }
}

fn description_from_sdk(
    description: &aws_sdk_kinesis::types::StreamDescription,
) -> StreamDescription {
    StreamDescription {
        stream_name: description.stream_name().to_string(),
        stream_arn: description.stream_arn().to_string(),
        stream_status: description.stream_status().as_str().to_string(),
        stream_mode: description
            .stream_mode_details()
            .map(|details| details.stream_mode().as_str().to_string()),
        shards: description.shards().iter().map(shard_from_sdk).collect(),
        has_more_shards: description.has_more_shards(),
        retention_period_hours: description.retention_period_hours(),
        stream_creation_timestamp: time_from_sdk(description.stream_creation_timestamp()),
        enhanced_monitoring: description
            .enhanced_monitoring()
            .iter()
            .map(|monitoring| {
                monitoring
                    .shard_level_metrics()
                    .iter()
                    .map(|metric| metric.as_str().to_string())
                    .collect()
            })
            .collect(),
        encryption_type: description
            .encryption_type()
            .map(|encryption| encryption.as_str().to_string()),
        key_id: description.key_id().map(str::to_string),
    }
}

#[async_trait]
impl KinesisStreams for KinesisStreamsClient {
    async fn describe_stream(&self, stream_name: &str) -> Result<DescribedStream, AwsFailure> {
        let output = self
            .client
            .describe_stream()
            .stream_name(stream_name)
            .send()
            .await
            .map_err(|error| aws_failure("DescribeStream", SdkFailure::from_sdk(&error)))?;
        let description = output.stream_description().ok_or_else(|| AwsFailure {
            operation: "DescribeStream",
            code: None,
            message: "the answer has no StreamDescription".to_string(),
            retryable: true,
        })?;
        Ok(DescribedStream {
            description: description_from_sdk(description),
            metadata: ResponseMetadata {
                request_id: output.request_id().map(str::to_string),
            },
        })
    }

    async fn create_stream(
        &self,
        stream_name: &str,
        shard_count: u32,
    ) -> Result<ResponseMetadata, AwsFailure> {
        let output = self
            .client
            .create_stream()
            .stream_name(stream_name)
            .shard_count(i32::try_from(shard_count).unwrap_or(i32::MAX))
            .send()
            .await
            .map_err(|error| aws_failure("CreateStream", SdkFailure::from_sdk(&error)))?;
        Ok(ResponseMetadata {
            request_id: output.request_id().map(str::to_string),
        })
    }
}
