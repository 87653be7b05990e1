//! [`ConnectInstanceAdmin`] on Amazon Connect: ListInstances, CreateInstance, the instance's
//! storage associations (List/Associate/UpdateInstanceStorageConfig) and
//! AssociateApprovedOrigin, for the setup helper. Built from the Lambda's SDK configuration like
//! [`crate::ConnectMetricsClient`].

use async_trait::async_trait;
use aws_sdk_connect::Client;
use aws_sdk_connect::operation::RequestId;
use aws_sdk_connect::types::{
    DirectoryType, EncryptionConfig, EncryptionType, InstanceStorageConfig,
    InstanceStorageResourceType, KinesisStreamConfig, S3Config, StorageType,
};
use setup_helper::ports::{
    Association, AwsFailure, ConnectInstanceAdmin, CreatedInstance, InstancePage, InstanceSummary,
    NewInstance, ResponseMetadata, StorageConfig, StoredStorageConfig,
};

use crate::SdkFailure;
use crate::setup_failure::aws_failure;

/// ListInstances' largest page (Connect refuses more than 10; the old package asked for 20).
const INSTANCES_PAGE_SIZE: i32 = 10;

pub struct ConnectInstanceAdminClient {
    client: Client,
}

impl ConnectInstanceAdminClient {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// From the Lambda's shared SDK configuration (region, credentials, retry policy, timeouts).
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(config))
    }
}

/// A request the SDK could not build (a member it requires is missing).
fn unbuildable(operation: &'static str, error: impl std::fmt::Display) -> AwsFailure {
    AwsFailure {
        operation,
        code: None,
        message: format!("the request could not be built: {error}"),
        retryable: false,
    }
}

fn metadata(output: &impl RequestId) -> ResponseMetadata {
    ResponseMetadata {
        request_id: output.request_id().map(str::to_string),
    }
}

fn sdk_storage_config(
    operation: &'static str,
    config: &StorageConfig,
) -> Result<InstanceStorageConfig, AwsFailure> {
    let built = match config {
        StorageConfig::S3 {
            bucket_name,
            bucket_prefix,
            kms_key_arn,
        } => {
            let encryption = kms_key_arn
                .as_ref()
                .map(|key| {
                    EncryptionConfig::builder()
                        .encryption_type(EncryptionType::Kms)
                        .key_id(key)
                        .build()
                })
                .transpose()
                .map_err(|error| unbuildable(operation, error))?;
            let s3 = S3Config::builder()
                .bucket_name(bucket_name)
                .bucket_prefix(bucket_prefix)
                .set_encryption_config(encryption)
                .build()
                .map_err(|error| unbuildable(operation, error))?;
            InstanceStorageConfig::builder()
                .storage_type(StorageType::S3)
                .s3_config(s3)
                .build()
        }
        StorageConfig::KinesisStream { stream_arn } => {
            let stream = KinesisStreamConfig::builder()
                .stream_arn(stream_arn)
                .build()
                .map_err(|error| unbuildable(operation, error))?;
            InstanceStorageConfig::builder()
                .storage_type(StorageType::KinesisStream)
                .kinesis_stream_config(stream)
                .build()
        }
    };
    built.map_err(|error| unbuildable(operation, error))
}

fn stored_from_sdk(config: &InstanceStorageConfig) -> StoredStorageConfig {
    let stored = match config.storage_type() {
        StorageType::S3 => config.s3_config().map(|s3| StorageConfig::S3 {
            bucket_name: s3.bucket_name().to_string(),
            bucket_prefix: s3.bucket_prefix().to_string(),
            kms_key_arn: s3
                .encryption_config()
                .map(|encryption| encryption.key_id().to_string()),
        }),
        StorageType::KinesisStream => {
            config
                .kinesis_stream_config()
                .map(|stream| StorageConfig::KinesisStream {
                    stream_arn: stream.stream_arn().to_string(),
                })
        }
        _ => None,
    };
    StoredStorageConfig {
        association_id: config.association_id().unwrap_or_default().to_string(),
        config: stored,
    }
}

#[async_trait]
impl ConnectInstanceAdmin for ConnectInstanceAdminClient {
    async fn list_instances_page(
        &self,
        next_token: Option<String>,
    ) -> Result<InstancePage, AwsFailure> {
        let output = self
            .client
            .list_instances()
            .max_results(INSTANCES_PAGE_SIZE)
            .set_next_token(next_token)
            .send()
            .await
            .map_err(|error| aws_failure("ListInstances", SdkFailure::from_sdk(&error)))?;
        Ok(InstancePage {
            instances: output
                .instance_summary_list()
                .iter()
                .filter_map(|summary| {
                    Some(InstanceSummary {
                        id: summary.id()?.to_string(),
                        arn: summary.arn().unwrap_or_default().to_string(),
                        alias: summary.instance_alias().map(str::to_string),
                    })
                })
                .collect(),
            next_token: output.next_token().map(str::to_string),
        })
    }

    async fn create_instance(&self, instance: &NewInstance) -> Result<CreatedInstance, AwsFailure> {
        let output = self
            .client
            .create_instance()
            .instance_alias(&instance.alias)
            .identity_management_type(DirectoryType::from(
                instance.identity_management_type.as_str(),
            ))
            .inbound_calls_enabled(instance.inbound_calls_enabled)
            .outbound_calls_enabled(instance.outbound_calls_enabled)
            .send()
            .await
            .map_err(|error| aws_failure("CreateInstance", SdkFailure::from_sdk(&error)))?;
        Ok(CreatedInstance {
            id: output.id().unwrap_or_default().to_string(),
            arn: output.arn().unwrap_or_default().to_string(),
            metadata: metadata(&output),
        })
    }

    async fn list_storage_configs(
        &self,
        instance_id: &str,
        resource_type: &str,
    ) -> Result<Vec<StoredStorageConfig>, AwsFailure> {
        let mut configs = Vec::new();
        let mut next_token = None;
        loop {
            let output = self
                .client
                .list_instance_storage_configs()
                .instance_id(instance_id)
                .resource_type(InstanceStorageResourceType::from(resource_type))
                .set_next_token(next_token)
                .send()
                .await
                .map_err(|error| {
                    aws_failure("ListInstanceStorageConfigs", SdkFailure::from_sdk(&error))
                })?;
            configs.extend(output.storage_configs().iter().map(stored_from_sdk));
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => return Ok(configs),
            }
        }
    }

    async fn associate_storage_config(
        &self,
        instance_id: &str,
        resource_type: &str,
        config: &StorageConfig,
    ) -> Result<Association, AwsFailure> {
        const OPERATION: &str = "AssociateInstanceStorageConfig";
        let output = self
            .client
            .associate_instance_storage_config()
            .instance_id(instance_id)
            .resource_type(InstanceStorageResourceType::from(resource_type))
            .storage_config(sdk_storage_config(OPERATION, config)?)
            .send()
            .await
            .map_err(|error| aws_failure(OPERATION, SdkFailure::from_sdk(&error)))?;
        Ok(Association {
            association_id: output.association_id().unwrap_or_default().to_string(),
            metadata: metadata(&output),
        })
    }

    async fn update_storage_config(
        &self,
        instance_id: &str,
        association_id: &str,
        resource_type: &str,
        config: &StorageConfig,
    ) -> Result<ResponseMetadata, AwsFailure> {
        const OPERATION: &str = "UpdateInstanceStorageConfig";
        let output = self
            .client
            .update_instance_storage_config()
            .instance_id(instance_id)
            .association_id(association_id)
            .resource_type(InstanceStorageResourceType::from(resource_type))
            .storage_config(sdk_storage_config(OPERATION, config)?)
            .send()
            .await
            .map_err(|error| aws_failure(OPERATION, SdkFailure::from_sdk(&error)))?;
        Ok(metadata(&output))
    }

    async fn associate_approved_origin(
        &self,
        instance_id: &str,
        origin: &str,
    ) -> Result<ResponseMetadata, AwsFailure> {
        let output = self
            .client
            .associate_approved_origin()
            .instance_id(instance_id)
            .origin(origin)
            .send()
            .await
            .map_err(|error| {
                aws_failure("AssociateApprovedOrigin", SdkFailure::from_sdk(&error))
            })?;
        Ok(metadata(&output))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_s3_storage_config_carries_its_kms_key() {
        let config = sdk_storage_config(
            "AssociateInstanceStorageConfig",
            &StorageConfig::S3 {
                bucket_name: "rec".to_string(),
                bucket_prefix: "connect/acme".to_string(),
                kms_key_arn: Some("arn:aws:kms:us-west-2:1:key/k".to_string()),
            },
        )
        .expect("buildable");
        let s3 = config.s3_config().expect("S3Config");
        assert_eq!(s3.bucket_name(), "rec");
        assert_eq!(
            s3.encryption_config()
                .map(EncryptionConfig::encryption_type),
            Some(&EncryptionType::Kms)
        );
        let back = stored_from_sdk(&config);
        assert_eq!(
            back.config,
            Some(StorageConfig::S3 {
                bucket_name: "rec".to_string(),
                bucket_prefix: "connect/acme".to_string(),
                kms_key_arn: Some("arn:aws:kms:us-west-2:1:key/k".to_string()),
            })
        );
    }

    #[test]
    fn a_service_error_keeps_its_code_and_message() {
        let failure = aws_failure(
            "CreateInstance",
            SdkFailure {
                retryable: false,
                status: Some(400),
                code: Some("InvalidRequestException".to_string()),
                message: "Alias taken".to_string(),
            },
        );
        assert_eq!(
            failure.to_string(),
            "An error occurred (InvalidRequestException) when calling the CreateInstance operation: Alias taken"
        );
    }
}
