//! `connect_associate_instance_storage_config` (associate, or update the one association a
//! resource type has, so the step can be repeated) and `retrieve_lambda_parameters` (what the
//! stack's parameters should be, read back from the instance's storage).

use serde_json::{Map, Value, json};

use crate::boto_shapes::with_metadata;
use crate::error::SetupError;
use crate::methods::instances::instance_id;
use crate::ports::{AwsFailure, ConnectInstanceAdmin, StorageConfig};
use crate::request::{InstanceAliasParams, StorageConfigParams};
use crate::settings::SetupSettings;

pub(crate) async fn associate_storage_config(
    connect: &dyn ConnectInstanceAdmin,
    params: &StorageConfigParams,
    settings: &SetupSettings,
) -> Result<Value, SetupError> {
    let attempts = settings.storage_config_attempts.max(1);
    let mut attempt = 1;
    loop {
        match associate_once(connect, params).await {
            Ok(body) => return Ok(body),
            // A just-created instance is not found for a while.
            Err(failure) if failure.is_not_found() && attempt < attempts => {
                tracing::info!(attempt, "the instance is not ready yet; trying again");
                tokio::time::sleep(settings.storage_config_retry_delay).await;
                attempt += 1;
            }
            Err(failure) if attempt > 1 => {
                return Err(SetupError::AwsAfterRetries {
                    attempts: attempt,
                    last: failure,
                });
            }
            Err(failure) => return Err(SetupError::Aws(failure)),
        }
    }
}

async fn associate_once(
    connect: &dyn ConnectInstanceAdmin,
    params: &StorageConfigParams,
) -> Result<Value, AwsFailure> {
    let existing = connect
        .list_storage_configs(&params.instance_id, &params.resource_type)
        .await?;
    // A resource type has one association; the wizard's second run replaces it.
    if let Some(current) = existing.first() {
        let metadata = connect
            .update_storage_config(
                &params.instance_id,
                &current.association_id,
                &params.resource_type,
                &params.config,
            )
            .await?;
        return Ok(with_metadata(Map::new(), &metadata));
    }
    let association = connect
        .associate_storage_config(&params.instance_id, &params.resource_type, &params.config)
        .await?;
    let mut members = Map::new();
    members.insert(
        "AssociationId".to_string(),
        Value::String(association.association_id),
    );
    Ok(with_metadata(members, &association.metadata))
}

/// The first association of `resource_type`, if it stores to S3: its bucket.
async fn bucket_of(
    connect: &dyn ConnectInstanceAdmin,
    instance_id: &str,
    resource_type: &str,
) -> Result<String, SetupError> {
    let configs = connect
        .list_storage_configs(instance_id, resource_type)
        .await?;
    Ok(configs
        .into_iter()
        .find_map(|stored| match stored.config {
            Some(StorageConfig::S3 { bucket_name, .. }) => Some(bucket_name),
            _ => None,
        })
        .unwrap_or_default())
}

/// The values the stack's parameters take for this instance, read from its storage
/// associations; a storage the instance does not have yet is "".
pub(crate) async fn lambda_parameters(
    connect: &dyn ConnectInstanceAdmin,
    params: &InstanceAliasParams,
    settings: &SetupSettings,
) -> Result<Value, SetupError> {
    let id = instance_id(connect, &params.alias).await?;
    let recordings = bucket_of(connect, &id, "CALL_RECORDINGS").await?;
    let transcripts = bucket_of(connect, &id, "CHAT_TRANSCRIPTS").await?;
    let reports = bucket_of(connect, &id, "SCHEDULED_REPORTS").await?;
    let ctr_stream = connect
        .list_storage_configs(&id, "CONTACT_TRACE_RECORDS")
        .await?
        .into_iter()
        .find_map(|stored| match stored.config {
            Some(StorageConfig::KinesisStream { stream_arn }) => Some(stream_arn),
            _ => None,
        })
        .unwrap_or_default();
    Ok(json!({
        "connectInstanceId": id,
        "connectRecordingS3BucketName": recordings,
        "transcribeOutputS3BucketName": transcripts,
        "connectReportingS3BucketName": reports,
        "ctrKinesisARN": ctr_stream,
        "cloudFormationStackId": settings.stack_id,
    }))
}
