//! The wizard's invocation, `{"method": "...", "params": {...}}`, parsed into one typed call per
//! method. Parameter names are the old package's (its Python functions' keyword arguments);
//! a missing, mistyped or unknown parameter is [`SetupError::InvalidParams`] naming it.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer};
use serde_json::{Map, Value};

use crate::error::SetupError;
use crate::ports::StorageConfig;

/// A method the wizard can call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    ConnectCreateInstance,
    KinesisCreateStream,
    KinesisDescribeStream,
    S3CreateBucket,
    ConnectAssociateInstanceStorageConfig,
    ConnectAssociateApprovedOrigin,
    RetrieveLambdaParameters,
    GetAwsRegion,
}

impl Method {
    pub const ALL: [Self; 8] = [
        Self::ConnectCreateInstance,
        Self::KinesisCreateStream,
        Self::KinesisDescribeStream,
        Self::S3CreateBucket,
        Self::ConnectAssociateInstanceStorageConfig,
        Self::ConnectAssociateApprovedOrigin,
        Self::RetrieveLambdaParameters,
        Self::GetAwsRegion,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::ConnectCreateInstance => "connect_create_instance",
            Self::KinesisCreateStream => "kinesis_create_stream",
            Self::KinesisDescribeStream => "kinesis_describe_stream",
            Self::S3CreateBucket => "s3_create_bucket",
            Self::ConnectAssociateInstanceStorageConfig => {
                "connect_associate_instance_storage_config"
            }
            Self::ConnectAssociateApprovedOrigin => "connect_associate_approved_origin",
            Self::RetrieveLambdaParameters => "retrieve_lambda_parameters",
            Self::GetAwsRegion => "get_aws_region",
        }
    }

    /// What `params` holds, for error messages (optional ones in brackets).
    pub const fn parameters(self) -> &'static str {
        match self {
            Self::ConnectCreateInstance => {
                "ConnectInstanceAlias, IdentityManagementType, InboundCallsEnabled, OutboundCallsEnabled"
            }
            Self::KinesisCreateStream => "StreamName, ShardCount",
            Self::KinesisDescribeStream => "StreamName",
            Self::S3CreateBucket => "Bucket",
            Self::ConnectAssociateInstanceStorageConfig => {
                "ConnectInstanceId, ResourceType, StorageType, [BucketName, BucketPrefix, s3KMSKeyARN] for S3, [StreamArn] for KINESIS_STREAM"
            }
            Self::ConnectAssociateApprovedOrigin => "ConnectInstanceAlias, Origin",
            Self::RetrieveLambdaParameters => "ConnectInstanceAlias",
            Self::GetAwsRegion => "none",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|method| method.name() == name)
    }

    /// Every method's name, comma-separated.
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }
}

impl fmt::Display for Method {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// One parsed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupCall {
    ConnectCreateInstance(CreateInstanceParams),
    KinesisCreateStream(CreateStreamParams),
    KinesisDescribeStream(StreamNameParams),
    S3CreateBucket(CreateBucketParams),
    ConnectAssociateInstanceStorageConfig(StorageConfigParams),
    ConnectAssociateApprovedOrigin(ApprovedOriginParams),
    RetrieveLambdaParameters(InstanceAliasParams),
    GetAwsRegion,
}

impl SetupCall {
    pub fn method(&self) -> Method {
        match self {
            Self::ConnectCreateInstance(_) => Method::ConnectCreateInstance,
            Self::KinesisCreateStream(_) => Method::KinesisCreateStream,
            Self::KinesisDescribeStream(_) => Method::KinesisDescribeStream,
            Self::S3CreateBucket(_) => Method::S3CreateBucket,
            Self::ConnectAssociateInstanceStorageConfig(_) => {
                Method::ConnectAssociateInstanceStorageConfig
            }
            Self::ConnectAssociateApprovedOrigin(_) => Method::ConnectAssociateApprovedOrigin,
            Self::RetrieveLambdaParameters(_) => Method::RetrieveLambdaParameters,
            Self::GetAwsRegion => Method::GetAwsRegion,
        }
    }

    /// The event as the wizard sends it. `params` may be absent or `null` (an empty object).
    pub fn parse(event: &Value) -> Result<Self, SetupError> {
        let Some(object) = event.as_object() else {
            return Err(SetupError::MalformedEvent {
                reason: format!("the event is {}, not an object", json_kind(event)),
            });
        };
        let method_name = match object.get("method") {
            Some(Value::String(name)) => name.as_str(),
            None | Some(Value::Null) => {
                return Err(SetupError::MalformedEvent {
                    reason: "it has no method".to_string(),
                });
            }
            Some(other) => {
                return Err(SetupError::MalformedEvent {
                    reason: format!("its method is {}, not a string", json_kind(other)),
                });
            }
        };
        let method = Method::parse(method_name).ok_or_else(|| SetupError::UnknownMethod {
            method: method_name.to_string(),
        })?;
        let params = match object.get("params") {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(params @ Value::Object(_)) => params.clone(),
            Some(other) => {
                return Err(SetupError::invalid_params(
                    method,
                    format!(
                        "params is {}, not an object of named parameters",
                        json_kind(other)
                    ),
                ));
            }
        };
        Ok(match method {
            Method::ConnectCreateInstance => {
                let params: CreateInstanceParams = typed(method, params)?;
                require(method, "ConnectInstanceAlias", &params.alias)?;
                require(
                    method,
                    "IdentityManagementType",
                    &params.identity_management_type,
                )?;
                Self::ConnectCreateInstance(params)
            }
            Method::KinesisCreateStream => {
                let params: CreateStreamParams = typed(method, params)?;
                require(method, "StreamName", &params.stream_name)?;
                Self::KinesisCreateStream(params)
            }
            Method::KinesisDescribeStream => {
                let params: StreamNameParams = typed(method, params)?;
                require(method, "StreamName", &params.stream_name)?;
                Self::KinesisDescribeStream(params)
            }
            Method::S3CreateBucket => {
                let params: CreateBucketParams = typed(method, params)?;
                require(method, "Bucket", &params.bucket)?;
                Self::S3CreateBucket(params)
            }
            Method::ConnectAssociateInstanceStorageConfig => {
                let raw: RawStorageConfigParams = typed(method, params)?;
                Self::ConnectAssociateInstanceStorageConfig(raw.validate(method)?)
            }
            Method::ConnectAssociateApprovedOrigin => {
                let params: ApprovedOriginParams = typed(method, params)?;
                require(method, "ConnectInstanceAlias", &params.alias)?;
                require(method, "Origin", &params.origin)?;
                Self::ConnectAssociateApprovedOrigin(params)
            }
            Method::RetrieveLambdaParameters => {
                let params: InstanceAliasParams = typed(method, params)?;
                require(method, "ConnectInstanceAlias", &params.alias)?;
                Self::RetrieveLambdaParameters(params)
            }
            // The old package called it without its params, so whatever is sent is ignored.
            Method::GetAwsRegion => Self::GetAwsRegion,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateInstanceParams {
    #[serde(rename = "ConnectInstanceAlias")]
    pub alias: String,
    #[serde(rename = "IdentityManagementType")]
    pub identity_management_type: String,
    #[serde(rename = "InboundCallsEnabled", deserialize_with = "boolean")]
    pub inbound_calls_enabled: bool,
    #[serde(rename = "OutboundCallsEnabled", deserialize_with = "boolean")]
    pub outbound_calls_enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateStreamParams {
    #[serde(rename = "StreamName")]
    pub stream_name: String,
    #[serde(rename = "ShardCount", deserialize_with = "shard_count")]
    pub shard_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamNameParams {
    #[serde(rename = "StreamName")]
    pub stream_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBucketParams {
    #[serde(rename = "Bucket")]
    pub bucket: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovedOriginParams {
    #[serde(rename = "ConnectInstanceAlias")]
    pub alias: String,
    #[serde(rename = "Origin")]
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceAliasParams {
    #[serde(rename = "ConnectInstanceAlias")]
    pub alias: String,
}

/// `connect_associate_instance_storage_config`, validated: the storage its type needs is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfigParams {
    pub instance_id: String,
    pub resource_type: String,
    pub config: StorageConfig,
}

/// As sent: the optional members default to "" like the old package's keyword arguments, and
/// `null` (what an Apex serializer sends for an unset field) counts as "".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStorageConfigParams {
    #[serde(rename = "ConnectInstanceId")]
    instance_id: String,
    #[serde(rename = "ResourceType")]
    resource_type: String,
    #[serde(rename = "StorageType")]
    storage_type: String,
    #[serde(rename = "BucketName", default, deserialize_with = "text_or_null")]
    bucket_name: String,
    #[serde(rename = "BucketPrefix", default, deserialize_with = "text_or_null")]
    bucket_prefix: String,
    #[serde(rename = "StreamArn", default, deserialize_with = "text_or_null")]
    stream_arn: String,
    #[serde(rename = "s3KMSKeyARN", default, deserialize_with = "text_or_null")]
    kms_key_arn: String,
}

impl RawStorageConfigParams {
    fn validate(self, method: Method) -> Result<StorageConfigParams, SetupError> {
        require(method, "ConnectInstanceId", &self.instance_id)?;
        require(method, "ResourceType", &self.resource_type)?;
        let config = match self.storage_type.trim() {
            "S3" => {
                if self.bucket_name.trim().is_empty() {
                    return Err(SetupError::invalid_params(
                        method,
                        "StorageType S3 needs BucketName".to_string(),
                    ));
                }
                StorageConfig::S3 {
                    bucket_name: self.bucket_name,
                    bucket_prefix: self.bucket_prefix,
                    kms_key_arn: Some(self.kms_key_arn).filter(|arn| !arn.trim().is_empty()),
                }
            }
            "KINESIS_STREAM" => {
                if self.stream_arn.trim().is_empty() {
                    return Err(SetupError::invalid_params(
                        method,
                        "StorageType KINESIS_STREAM needs StreamArn".to_string(),
                    ));
                }
                StorageConfig::KinesisStream {
                    stream_arn: self.stream_arn,
                }
            }
            other => {
                return Err(SetupError::invalid_params(
                    method,
                    format!("StorageType is {other:?}; the setup helper sets S3 or KINESIS_STREAM"),
                ));
            }
        };
        Ok(StorageConfigParams {
            instance_id: self.instance_id,
            resource_type: self.resource_type,
            config,
        })
    }
}

fn typed<T: DeserializeOwned>(method: Method, params: Value) -> Result<T, SetupError> {
    serde_json::from_value(params)
        .map_err(|error| SetupError::invalid_params(method, error.to_string()))
}

fn require(method: Method, name: &str, value: &str) -> Result<(), SetupError> {
    if value.trim().is_empty() {
        Err(SetupError::invalid_params(
            method,
            format!("{name} is blank"),
        ))
    } else {
        Ok(())
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON boolean, or its text (`"true"`, `"False"`): what a form field in the wizard may send.
fn boolean<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Bool(value) => Ok(value),
        Value::String(text) => env_config::parse_bool(&text).ok_or_else(|| {
            de::Error::custom(format!("expected true or false, not the text {text:?}"))
        }),
        other => Err(de::Error::custom(format!(
            "expected true or false, not {}",
            json_kind(&other)
        ))),
    }
}

/// A whole number of shards from 1, or its text (`"2"`).
fn shard_count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = Value::deserialize(deserializer)?;
    let count = match &value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse::<u64>().ok(),
        _ => None,
    };
    count
        .filter(|count| *count >= 1)
        .and_then(|count| u32::try_from(count).ok())
        .filter(|count| i32::try_from(*count).is_ok())
        .ok_or_else(|| {
            de::Error::custom(format!(
                "ShardCount must be a whole number of shards from 1, not {value}"
            ))
        })
}

fn text_or_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn message(event: Value) -> String {
        SetupCall::parse(&event)
            .expect_err("the event is refused")
            .to_string()
    }

    #[test]
    fn every_method_is_known_by_its_old_name() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.name()), Some(method));
        }
        assert_eq!(Method::parse("setup_audio_recording"), None);
    }

    #[test]
    fn when_the_method_is_unknown_should_name_it_and_list_the_valid_ones() {
        let text = message(json!({"method": "s3_delete_bucket", "params": {}}));
        assert!(
            text.starts_with("Invalid method: s3_delete_bucket"),
            "{text}"
        );
        assert!(text.contains("kinesis_describe_stream"), "{text}");
    }

    #[test]
    fn when_the_event_has_no_method_should_say_so() {
        assert!(message(json!({"params": {}})).contains("no method"));
        assert!(message(json!({"method": 3})).contains("not a string"));
        assert!(message(json!(["connect_create_instance"])).contains("not an object"));
    }

    #[test]
    fn when_a_parameter_is_missing_should_name_it_and_the_method() {
        let text = message(json!({
            "method": "connect_create_instance",
            "params": {"ConnectInstanceAlias": "acme", "IdentityManagementType": "CONNECT_MANAGED", "InboundCallsEnabled": true}
        }));
        assert!(text.contains("connect_create_instance"), "{text}");
        assert!(text.contains("OutboundCallsEnabled"), "{text}");
    }

    #[test]
    fn when_a_parameter_is_unknown_or_mistyped_should_name_it() {
        let text = message(json!({"method": "s3_create_bucket", "params": {"bucket": "b"}}));
        assert!(text.contains("bucket"), "{text}");
        let text = message(
            json!({"method": "kinesis_create_stream", "params": {"StreamName": "ctr", "ShardCount": 0}}),
        );
        assert!(text.contains("ShardCount"), "{text}");
        let text =
            message(json!({"method": "kinesis_describe_stream", "params": {"StreamName": 7}}));
        assert!(text.contains("invalid type"), "{text}");
        let text = message(json!({"method": "s3_create_bucket", "params": {"Bucket": "  "}}));
        assert!(text.contains("Bucket is blank"), "{text}");
        let text = message(json!({"method": "s3_create_bucket", "params": ["b"]}));
        assert!(text.contains("not an object"), "{text}");
    }

    #[test]
    fn booleans_and_shard_counts_may_arrive_as_text() {
        let call = SetupCall::parse(&json!({
            "method": "connect_create_instance",
            "params": {"ConnectInstanceAlias": "acme", "IdentityManagementType": "SAML",
                       "InboundCallsEnabled": "True", "OutboundCallsEnabled": false}
        }))
        .expect("valid");
        let SetupCall::ConnectCreateInstance(params) = call else {
            panic!("{call:?}")
        };
        assert!(params.inbound_calls_enabled && !params.outbound_calls_enabled);
        let call = SetupCall::parse(&json!({
            "method": "kinesis_create_stream", "params": {"StreamName": "ctr", "ShardCount": "2"}
        }))
        .expect("valid");
        assert_eq!(
            call,
            SetupCall::KinesisCreateStream(CreateStreamParams {
                stream_name: "ctr".to_string(),
                shard_count: 2
            })
        );
    }

    #[test]
    fn storage_configs_need_what_their_storage_type_stores_to() {
        let s3 = SetupCall::parse(&json!({
            "method": "connect_associate_instance_storage_config",
            "params": {"ConnectInstanceId": "i-1", "ResourceType": "CALL_RECORDINGS", "StorageType": "S3",
                       "BucketName": "rec", "BucketPrefix": "connect/acme/CallRecordings", "StreamArn": null, "s3KMSKeyARN": ""}
        }))
        .expect("valid");
        assert_eq!(
            s3,
            SetupCall::ConnectAssociateInstanceStorageConfig(StorageConfigParams {
                instance_id: "i-1".to_string(),
                resource_type: "CALL_RECORDINGS".to_string(),
                config: StorageConfig::S3 {
                    bucket_name: "rec".to_string(),
                    bucket_prefix: "connect/acme/CallRecordings".to_string(),
                    kms_key_arn: None,
                },
            })
        );
        let text = message(json!({
            "method": "connect_associate_instance_storage_config",
            "params": {"ConnectInstanceId": "i-1", "ResourceType": "CONTACT_TRACE_RECORDS", "StorageType": "KINESIS_STREAM"}
        }));
        assert!(text.contains("StreamArn"), "{text}");
        let text = message(json!({
            "method": "connect_associate_instance_storage_config",
            "params": {"ConnectInstanceId": "i-1", "ResourceType": "MEDIA_STREAMS", "StorageType": "KINESIS_VIDEO_STREAM"}
        }));
        assert!(text.contains("KINESIS_VIDEO_STREAM"), "{text}");
    }

    #[test]
    fn get_aws_region_ignores_its_params_and_params_may_be_absent() {
        assert_eq!(
            SetupCall::parse(&json!({"method": "get_aws_region"})).expect("valid"),
            SetupCall::GetAwsRegion
        );
        assert_eq!(
            SetupCall::parse(&json!({"method": "get_aws_region", "params": {"x": 1}}))
                .expect("valid"),
            SetupCall::GetAwsRegion
        );
    }
}
