//! In-memory Connect instance admin, Kinesis and S3 for tests: the rules the wizard meets
//! (an alias listed page by page, one association per resource type, a stream or bucket that
//! exists once), failures in AWS's codes, and every call recorded.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};

use crate::ports::{
    Association, AwsFailure, ConnectInstanceAdmin, CreatedBucket, CreatedInstance, DescribedStream,
    InstancePage, InstanceSummary, KinesisStreams, NewInstance, ResponseMetadata, S3Buckets, Shard,
    StorageConfig, StoredStorageConfig, StreamDescription,
};

pub const ACCOUNT_ID: &str = "123456789012";
pub const REGION: &str = "us-west-2";

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn metadata(id: u64) -> ResponseMetadata {
    ResponseMetadata {
        request_id: Some(format!("request-{id}")),
    }
}

pub fn rejected(operation: &'static str, code: &str, message: &str) -> AwsFailure {
    AwsFailure {
        operation,
        code: Some(code.to_string()),
        message: message.to_string(),
        retryable: false,
    }
}

#[derive(Debug, Default)]
struct ConnectState {
    instances: Vec<InstanceSummary>,
    storage: BTreeMap<(String, String), Vec<StoredStorageConfig>>,
    origins: BTreeMap<String, Vec<String>>,
    /// Storage calls answered ResourceNotFoundException before the instance "is ready".
    not_ready_calls: u32,
    failures: BTreeMap<&'static str, AwsFailure>,
    calls: Vec<&'static str>,
    counter: u64,
}

/// Amazon Connect's instance administration in memory; ListInstances pages `page_size` at a time.
#[derive(Debug)]
pub struct MemoryConnect {
    state: Mutex<ConnectState>,
    page_size: usize,
}

impl Default for MemoryConnect {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            page_size: 20,
        }
    }
}

impl MemoryConnect {
    pub fn with_page_size(page_size: usize) -> Self {
        Self {
            page_size: page_size.max(1),
            ..Self::default()
        }
    }

    /// Adds an instance with `alias`; returns its id.
    pub fn add_instance(&self, alias: &str) -> String {
        let mut state = lock(&self.state);
        add(&mut state, Some(alias))
    }

    pub fn instances(&self) -> Vec<InstanceSummary> {
        lock(&self.state).instances.clone()
    }

    pub fn storage(&self, instance_id: &str, resource_type: &str) -> Vec<StoredStorageConfig> {
        lock(&self.state)
            .storage
            .get(&(instance_id.to_string(), resource_type.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    pub fn origins(&self, instance_id: &str) -> Vec<String> {
        lock(&self.state)
            .origins
            .get(instance_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The next `calls` storage calls answer that the instance is not found (still being created).
    pub fn not_ready_for(&self, calls: u32) {
        lock(&self.state).not_ready_calls = calls;
    }

    /// The next call of `operation` fails with `failure`.
    pub fn fail_next(&self, operation: &'static str, failure: AwsFailure) {
        lock(&self.state).failures.insert(operation, failure);
    }

    /// Operation names, in the order they were called.
    pub fn calls(&self) -> Vec<&'static str> {
        lock(&self.state).calls.clone()
    }

    fn begin(&self, operation: &'static str) -> Result<MutexGuard<'_, ConnectState>, AwsFailure> {
        let mut state = lock(&self.state);
        state.calls.push(operation);
        state.counter += 1;
        match state.failures.remove(operation) {
            Some(failure) => Err(failure),
            None => Ok(state),
        }
    }
}

fn add(state: &mut ConnectState, alias: Option<&str>) -> String {
    state.counter += 1;
    let id = format!("00000000-0000-4000-8000-{:012}", state.counter);
    state.instances.push(InstanceSummary {
        arn: format!("arn:aws:connect:{REGION}:{ACCOUNT_ID}:instance/{id}"),
        id: id.clone(),
        alias: alias.map(str::to_string),
    });
    id
}

/// The storage of an instance that exists and is ready, or Connect's refusal.
fn check_storage_call(
    state: &mut ConnectState,
    operation: &'static str,
    instance_id: &str,
) -> Result<(), AwsFailure> {
    if state.not_ready_calls > 0 {
        state.not_ready_calls -= 1;
        return Err(rejected(
            operation,
            "ResourceNotFoundException",
            &format!("Instance not found: {instance_id}"),
        ));
    }
    if state
        .instances
        .iter()
        .any(|instance| instance.id == instance_id)
    {
        Ok(())
    } else {
        Err(rejected(
            operation,
            "ResourceNotFoundException",
            &format!("Instance not found: {instance_id}"),
        ))
    }
}

#[async_trait]
impl ConnectInstanceAdmin for MemoryConnect {
    async fn list_instances_page(
        &self,
        next_token: Option<String>,
    ) -> Result<InstancePage, AwsFailure> {
        let state = self.begin("ListInstances")?;
        let start: usize = match next_token {
            None => 0,
            Some(token) => token.parse().map_err(|_| {
                rejected(
                    "ListInstances",
                    "InvalidParameterException",
                    "Invalid parameter: NextToken",
                )
            })?,
        };
        let end = (start + self.page_size).min(state.instances.len());
        Ok(InstancePage {
            instances: state.instances[start.min(end)..end].to_vec(),
            next_token: (end < state.instances.len()).then(|| end.to_string()),
        })
    }

    async fn create_instance(&self, instance: &NewInstance) -> Result<CreatedInstance, AwsFailure> {
        let mut state = self.begin("CreateInstance")?;
        if state
            .instances
            .iter()
            .any(|existing| existing.alias.as_deref() == Some(instance.alias.as_str()))
        {
            return Err(rejected(
                "CreateInstance",
                "DuplicateResourceException",
                "An instance with this alias already exists",
            ));
        }
        let id = add(&mut state, Some(&instance.alias));
        let created = state
            .instances
            .iter()
            .find(|summary| summary.id == id)
            .cloned()
            .expect("just added");
        Ok(CreatedInstance {
            id: created.id,
            arn: created.arn,
            metadata: metadata(state.counter),
        })
    }

    async fn list_storage_configs(
        &self,
        instance_id: &str,
        resource_type: &str,
    ) -> Result<Vec<StoredStorageConfig>, AwsFailure> {
        let mut state = self.begin("ListInstanceStorageConfigs")?;
        check_storage_call(&mut state, "ListInstanceStorageConfigs", instance_id)?;
        Ok(state
            .storage
            .get(&(instance_id.to_string(), resource_type.to_string()))
            .cloned()
            .unwrap_or_default())
    }

    async fn associate_storage_config(
        &self,
        instance_id: &str,
        resource_type: &str,
        config: &StorageConfig,
    ) -> Result<Association, AwsFailure> {
        let mut state = self.begin("AssociateInstanceStorageConfig")?;
        check_storage_call(&mut state, "AssociateInstanceStorageConfig", instance_id)?;
        let association_id = format!("association-{}", state.counter);
        let counter = state.counter;
        state
            .storage
            .entry((instance_id.to_string(), resource_type.to_string()))
            .or_default()
            .push(StoredStorageConfig {
                association_id: association_id.clone(),
                config: Some(config.clone()),
            });
        Ok(Association {
            association_id,
            metadata: metadata(counter),
        })
    }

    async fn update_storage_config(
        &self,
        instance_id: &str,
        association_id: &str,
        resource_type: &str,
        config: &StorageConfig,
    ) -> Result<ResponseMetadata, AwsFailure> {
        let mut state = self.begin("UpdateInstanceStorageConfig")?;
        check_storage_call(&mut state, "UpdateInstanceStorageConfig", instance_id)?;
        let counter = state.counter;
        let stored = state
            .storage
            .get_mut(&(instance_id.to_string(), resource_type.to_string()))
            .and_then(|configs| {
                configs
                    .iter_mut()
                    .find(|stored| stored.association_id == association_id)
            })
            .ok_or_else(|| {
                rejected(
                    "UpdateInstanceStorageConfig",
                    "ResourceNotFoundException",
                    &format!("Association not found: {association_id}"),
                )
            })?;
        stored.config = Some(config.clone());
        Ok(metadata(counter))
    }

    async fn associate_approved_origin(
        &self,
        instance_id: &str,
        origin: &str,
    ) -> Result<ResponseMetadata, AwsFailure> {
        let mut state = self.begin("AssociateApprovedOrigin")?;
        check_storage_call(&mut state, "AssociateApprovedOrigin", instance_id)?;
        let counter = state.counter;
        let origins = state.origins.entry(instance_id.to_string()).or_default();
        if !origins.iter().any(|known| known == origin) {
            origins.push(origin.to_string());
        }
        Ok(metadata(counter))
    }
}

/// Kinesis Data Streams in memory: a created stream is ACTIVE at once.
#[derive(Debug, Default)]
pub struct MemoryKinesis {
    streams: Mutex<BTreeMap<String, StreamDescription>>,
    failures: Mutex<BTreeMap<&'static str, AwsFailure>>,
}

/// When every stream of the doubles was created.
pub fn creation_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0)
        .single()
        .expect("a valid time")
}

impl MemoryKinesis {
    pub fn stream(&self, name: &str) -> Option<StreamDescription> {
        lock(&self.streams).get(name).cloned()
    }

    pub fn fail_next(&self, operation: &'static str, failure: AwsFailure) {
        lock(&self.failures).insert(operation, failure);
    }

    fn injected(&self, operation: &'static str) -> Result<(), AwsFailure> {
        match lock(&self.failures).remove(operation) {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl KinesisStreams for MemoryKinesis {
    async fn describe_stream(&self, stream_name: &str) -> Result<DescribedStream, AwsFailure> {
        self.injected("DescribeStream")?;
        let description = self.stream(stream_name).ok_or_else(|| {
            rejected(
                "DescribeStream",
                "ResourceNotFoundException",
                &format!("Stream {stream_name} under account {ACCOUNT_ID} not found."),
            )
        })?;
        Ok(DescribedStream {
            description,
            metadata: metadata(1),
        })
    }

    async fn create_stream(
        &self,
        stream_name: &str,
        shard_count: u32,
    ) -> Result<ResponseMetadata, AwsFailure> {
        self.injected("CreateStream")?;
        let mut streams = lock(&self.streams);
        if streams.contains_key(stream_name) {
            return Err(rejected(
                "CreateStream",
                "ResourceInUseException",
                &format!("Stream {stream_name} under account {ACCOUNT_ID} already exists."),
            ));
        }
        let width = u128::MAX / u128::from(shard_count.max(1));
        let shards = (0..shard_count)
            .map(|index| {
                let start = width * u128::from(index);
                let end = if index + 1 == shard_count {
                    u128::MAX
                } else {
                    start + width - 1
                };
                Shard {
                    shard_id: format!("shardId-{index:012}"),
                    parent_shard_id: None,
                    adjacent_parent_shard_id: None,
                    starting_hash_key: start.to_string(),
                    ending_hash_key: end.to_string(),
                    starting_sequence_number: format!("4963{index:052}"),
                    ending_sequence_number: None,
                }
            })
            .collect();
        streams.insert(
            stream_name.to_string(),
            StreamDescription {
                stream_name: stream_name.to_string(),
                stream_arn: format!("arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/{stream_name}"),
                stream_status: "ACTIVE".to_string(),
                stream_mode: Some("PROVISIONED".to_string()),
                shards,
                has_more_shards: false,
                retention_period_hours: 24,
                stream_creation_timestamp: creation_time(),
                enhanced_monitoring: vec![Vec::new()],
                encryption_type: Some("NONE".to_string()),
                key_id: None,
            },
        );
        Ok(metadata(2))
    }
}

/// S3 buckets in memory: a name is created once.
#[derive(Debug, Default)]
pub struct MemoryBuckets {
    /// Bucket → the location constraint it was created with.
    buckets: Mutex<BTreeMap<String, Option<String>>>,
}

impl MemoryBuckets {
    pub fn buckets(&self) -> BTreeMap<String, Option<String>> {
        lock(&self.buckets).clone()
    }
}

#[async_trait]
impl S3Buckets for MemoryBuckets {
    async fn create_bucket(
        &self,
        bucket: &str,
        location_constraint: Option<&str>,
    ) -> Result<CreatedBucket, AwsFailure> {
        let mut buckets = lock(&self.buckets);
        if buckets.contains_key(bucket) {
            return Err(rejected(
                "CreateBucket",
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            ));
        }
        buckets.insert(bucket.to_string(), location_constraint.map(str::to_string));
        let location = match location_constraint {
            None => format!("/{bucket}"),
            Some(_) => format!("http://{bucket}.s3.amazonaws.com/"),
        };
        Ok(CreatedBucket {
            location: Some(location),
            metadata: metadata(3),
        })
    }
}
