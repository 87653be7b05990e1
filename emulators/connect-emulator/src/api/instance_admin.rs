//! The instance administration the setup helper calls: ListInstances (`GET /instance`), the
//! instance's storage associations (`GET /instance/{InstanceId}/storage-configs`,
//! `PUT /instance/{InstanceId}/storage-config`, `POST /instance/{InstanceId}/storage-config/{AssociationId}`)
//! and its approved origins (`PUT /instance/{InstanceId}/approved-origin`,
//! `GET /instance/{InstanceId}/approved-origins`). The seeded instance holds them in the seed
//! (`instanceAlias`, `instances`, `storageConfigs`, `approvedOrigins`), so `GET /__emulator/seed`
//! shows what the calls changed.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::list_queues::percent_decode;
use crate::api::{Instance, Operation, page_size, parse_body, required};
use crate::error::ConnectError;
use crate::http::AppState;
use crate::paging::{PageToken, fingerprint, page};

/// `InstanceStorageResourceType`'s values.
pub const RESOURCE_TYPES: [&str; 14] = [
    "CHAT_TRANSCRIPTS",
    "CALL_RECORDINGS",
    "SCHEDULED_REPORTS",
    "MEDIA_STREAMS",
    "CONTACT_TRACE_RECORDS",
    "AGENT_EVENTS",
    "REAL_TIME_CONTACT_ANALYSIS_SEGMENTS",
    "ATTACHMENTS",
    "CONTACT_EVALUATIONS",
    "SCREEN_RECORDINGS",
    "REAL_TIME_CONTACT_ANALYSIS_CHAT_SEGMENTS",
    "REAL_TIME_CONTACT_ANALYSIS_VOICE_SEGMENTS",
    "EMAIL_MESSAGES",
    "EMAIL_MESSAGES_RAW",
];

const STORAGE_TYPES: [&str; 4] = [
    "S3",
    "KINESIS_VIDEO_STREAM",
    "KINESIS_STREAM",
    "KINESIS_FIREHOSE",
];

/// Connect's page limits: ListInstances and ListInstanceStorageConfigs 1–10, ListApprovedOrigins 1–25.
const MAX_INSTANCES: i64 = 10;
const MAX_STORAGE_CONFIGS: i64 = 10;
const MAX_ORIGINS: i64 = 25;
const MAX_ORIGIN_LENGTH: usize = 267;

/// An `InstanceSummary` of ListInstances.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceSummary {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_management_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbound_calls_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbound_calls_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_access_url: Option<String>,
}

/// One storage association: an `InstanceStorageConfig` with the `ResourceType` it serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StorageAssociation {
    pub resource_type: String,
    pub association_id: String,
    pub storage_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinesis_video_stream_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinesis_stream_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinesis_firehose_config: Option<Value>,
}

impl StorageAssociation {
    /// As ListInstanceStorageConfigs answers it (without `ResourceType`).
    fn to_answer(&self) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("ResourceType");
        }
        value
    }
}

/// The seeded instance as ListInstances lists it.
pub fn seeded_summary(instance: &Instance) -> InstanceSummary {
    let seed = &instance.seed;
    let account = seed.account_id();
    InstanceSummary {
        id: seed.instance_id.clone(),
        arn: Some(seed.instance_arn()),
        identity_management_type: Some("CONNECT_MANAGED".to_owned()),
        instance_alias: seed.instance_alias.clone(),
        created_time: Some(1_690_000_000.0),
        service_role: Some(format!(
            "arn:aws:iam::{account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_{}",
            seed.instance_id.chars().take(8).collect::<String>()
        )),
        instance_status: Some("ACTIVE".to_owned()),
        inbound_calls_enabled: Some(true),
        outbound_calls_enabled: Some(true),
        instance_access_url: Some(format!(
            "https://{}.my.connect.aws",
            seed.instance_alias.as_deref().unwrap_or(&seed.instance_id)
        )),
    }
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key.to_owned(), percent_decode(value))
        })
        .collect()
}

fn query_value(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.clone())
}

fn max_results(
    pairs: &[(String, String)],
    max: i64,
    default: usize,
) -> Result<usize, ConnectError> {
    let value = query_value(pairs, "maxResults")
        .map(|text| {
            text.parse::<i64>().map_err(|_| {
                ConnectError::Serialization(format!("Invalid value for maxResults: {text}"))
            })
        })
        .transpose()?;
    page_size("maxResults", value, max, default)
}

fn check_resource_type(field: &str, value: &str) -> Result<(), ConnectError> {
    if RESOURCE_TYPES.contains(&value) {
        Ok(())
    } else {
        Err(ConnectError::InvalidParameter(format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            RESOURCE_TYPES.join(", ")
        )))
    }
}

/// A page of `items` for `operation`, continued by an opaque token bound to `request`.
fn paged<T: Clone>(
    operation: Operation,
    request: &impl std::hash::Hash,
    items: &[T],
    pairs: &[(String, String)],
    max: i64,
    default: usize,
) -> Result<(Vec<T>, Option<String>), ConnectError> {
    let size = max_results(pairs, max, default)?;
    let fingerprint = fingerprint(operation.name(), request);
    let offset = match query_value(pairs, "nextToken") {
        Some(token) => PageToken::decode(&token, fingerprint)?.offset,
        None => 0,
    };
    Ok(page(items, offset, size, |next| {
        PageToken {
            offset: next,
            snapshot: 0,
            snapshot_time_ms: 0,
        }
        .encode(fingerprint)
    }))
}

fn with_token(mut answer: Value, token: Option<String>) -> Value {
    if let (Some(token), Some(object)) = (token, answer.as_object_mut()) {
        object.insert("NextToken".to_owned(), Value::String(token));
    }
    answer
}

/// ListInstances: the seeded instance first, then the seed's other `instances`.
pub fn list_instances(instance: &Instance, query: Option<&str>) -> Result<Value, ConnectError> {
    let pairs = query_pairs(query);
    let mut all = vec![seeded_summary(instance)];
    all.extend(instance.seed.instances.iter().cloned());
    let (instances, token) = paged(
        Operation::ListInstances,
        &instance.seed.instance_id,
        &all,
        &pairs,
        MAX_INSTANCES,
        10,
    )?;
    Ok(with_token(
        json!({ "InstanceSummaryList": instances }),
        token,
    ))
}

pub fn list_storage_configs(
    instance: &Instance,
    instance_id: &str,
    query: Option<&str>,
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let pairs = query_pairs(query);
    let resource_type =
        query_value(&pairs, "resourceType").ok_or_else(|| required("resourceType"))?;
    check_resource_type("resourceType", &resource_type)?;
    let matching: Vec<Value> = instance
        .seed
        .storage_configs
        .iter()
        .filter(|stored| stored.resource_type == resource_type)
        .map(StorageAssociation::to_answer)
        .collect();
    let (configs, token) = paged(
        Operation::ListInstanceStorageConfigs,
        &resource_type,
        &matching,
        &pairs,
        MAX_STORAGE_CONFIGS,
        10,
    )?;
    Ok(with_token(json!({ "StorageConfigs": configs }), token))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StorageConfigBody {
    storage_type: Option<String>,
    #[serde(rename = "S3Config")]
    s3_config: Option<Value>,
    kinesis_video_stream_config: Option<Value>,
    kinesis_stream_config: Option<Value>,
    kinesis_firehose_config: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssociateBody {
    resource_type: Option<String>,
    storage_config: Option<StorageConfigBody>,
    #[allow(dead_code)]
    client_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateBody {
    storage_config: Option<StorageConfigBody>,
}

fn text_member<'a>(object: &'a Value, member: &str) -> Option<&'a str> {
    object.get(member).and_then(Value::as_str)
}

/// The association a storage config describes, checked as Connect checks it.
fn association(
    resource_type: String,
    association_id: String,
    config: Option<StorageConfigBody>,
) -> Result<StorageAssociation, ConnectError> {
    let config = config.ok_or_else(|| required("storageConfig"))?;
    let storage_type = config
        .storage_type
        .ok_or_else(|| required("storageConfig.storageType"))?;
    if !STORAGE_TYPES.contains(&storage_type.as_str()) {
        return Err(ConnectError::InvalidParameter(format!(
            "1 validation error detected: Value '{storage_type}' at 'storageConfig.storageType' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            STORAGE_TYPES.join(", ")
        )));
    }
    match storage_type.as_str() {
        "S3" => {
            let s3 = config.s3_config.as_ref().ok_or_else(|| {
                ConnectError::InvalidRequest("S3Config is required for StorageType S3".to_owned())
            })?;
            if text_member(s3, "BucketName").is_none_or(str::is_empty) {
                return Err(required("storageConfig.s3Config.bucketName"));
            }
            if text_member(s3, "BucketPrefix").is_none() {
                return Err(required("storageConfig.s3Config.bucketPrefix"));
            }
        }
        "KINESIS_STREAM" => {
            let stream = config.kinesis_stream_config.as_ref().ok_or_else(|| {
                ConnectError::InvalidRequest(
                    "KinesisStreamConfig is required for StorageType KINESIS_STREAM".to_owned(),
                )
            })?;
            let arn = text_member(stream, "StreamArn")
                .ok_or_else(|| required("storageConfig.kinesisStreamConfig.streamArn"))?;
            if !arn.starts_with("arn:") || !arn.contains(":kinesis:") {
                return Err(ConnectError::InvalidParameter(format!(
                    "Invalid parameter: StreamArn {arn} is not a Kinesis stream ARN"
                )));
            }
        }
        _ => {}
    }
    Ok(StorageAssociation {
        resource_type,
        association_id,
        storage_type,
        s3_config: config.s3_config,
        kinesis_video_stream_config: config.kinesis_video_stream_config,
        kinesis_stream_config: config.kinesis_stream_config,
        kinesis_firehose_config: config.kinesis_firehose_config,
    })
}

/// AssociateInstanceStorageConfig: one association per resource type, as Connect allows.
pub fn associate_storage_config(
    instance: &mut Instance,
    instance_id: &str,
    body: &[u8],
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let (request, _): (AssociateBody, Value) = parse_body(body)?;
    let resource_type = request
        .resource_type
        .ok_or_else(|| required("resourceType"))?;
    check_resource_type("resourceType", &resource_type)?;
    if instance
        .seed
        .storage_configs
        .iter()
        .any(|stored| stored.resource_type == resource_type)
    {
        return Err(ConnectError::ResourceConflict(format!(
            "A storage config for {resource_type} already exists on instance {instance_id}"
        )));
    }
    let stored = association(
        resource_type,
        uuid::Uuid::new_v4().to_string(),
        request.storage_config,
    )?;
    let answer = json!({ "AssociationId": stored.association_id });
    instance.seed.storage_configs.push(stored);
    Ok(answer)
}

/// UpdateInstanceStorageConfig: replaces the storage of an existing association.
pub fn update_storage_config(
    instance: &mut Instance,
    instance_id: &str,
    association_id: &str,
    query: Option<&str>,
    body: &[u8],
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let pairs = query_pairs(query);
    let resource_type =
        query_value(&pairs, "resourceType").ok_or_else(|| required("resourceType"))?;
    check_resource_type("resourceType", &resource_type)?;
    let (request, _): (UpdateBody, Value) = parse_body(body)?;
    let updated = association(
        resource_type.clone(),
        association_id.to_owned(),
        request.storage_config,
    )?;
    let stored = instance
        .seed
        .storage_configs
        .iter_mut()
        .find(|stored| {
            stored.resource_type == resource_type && stored.association_id == association_id
        })
        .ok_or_else(|| {
            ConnectError::ResourceNotFound(format!(
                "Association not found: {association_id} for {resource_type}"
            ))
        })?;
    *stored = updated;
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OriginBody {
    origin: Option<String>,
    #[allow(dead_code)]
    client_token: Option<String>,
}

/// AssociateApprovedOrigin: an origin already approved changes nothing.
pub fn associate_approved_origin(
    instance: &mut Instance,
    instance_id: &str,
    body: &[u8],
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let (request, _): (OriginBody, Value) = parse_body(body)?;
    let origin = request.origin.ok_or_else(|| required("origin"))?;
    if origin.is_empty() || origin.len() > MAX_ORIGIN_LENGTH {
        return Err(ConnectError::InvalidParameter(format!(
            "1 validation error detected: Value at 'origin' failed to satisfy constraint: Member must have length between 1 and {MAX_ORIGIN_LENGTH}"
        )));
    }
    if !instance.seed.approved_origins.contains(&origin) {
        instance.seed.approved_origins.push(origin);
    }
    Ok(json!({}))
}

pub fn list_approved_origins(
    instance: &Instance,
    instance_id: &str,
    query: Option<&str>,
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let pairs = query_pairs(query);
    let (origins, token) = paged(
        Operation::ListApprovedOrigins,
        &instance.seed.instance_id,
        &instance.seed.approved_origins,
        &pairs,
        MAX_ORIGINS,
        25,
    )?;
    Ok(with_token(json!({ "Origins": origins }), token))
}

// ---- HTTP ----

/// The routes of these operations, merged into the emulator's router.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/instance", get(list_instances_http))
        .route(
            "/instance/{instance_id}/storage-configs",
            get(list_storage_configs_http),
        )
        .route(
            "/instance/{instance_id}/storage-config",
            put(associate_storage_config_http),
        )
        .route(
            "/instance/{instance_id}/storage-config/{association_id}",
            post(update_storage_config_http),
        )
        .route(
            "/instance/{instance_id}/approved-origin",
            put(associate_approved_origin_http),
        )
        .route(
            "/instance/{instance_id}/approved-origins",
            get(list_approved_origins_http),
        )
}

fn answer(result: Result<Value, ConnectError>) -> Response {
    match result {
        Ok(body) => axum::Json(body).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn list_instances_http(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Response {
    answer(list_instances(&state.instance(), query.as_deref()))
}

async fn list_storage_configs_http(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    answer(list_storage_configs(
        &state.instance(),
        &instance_id,
        query.as_deref(),
    ))
}

async fn associate_storage_config_http(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    body: Bytes,
) -> Response {
    answer(associate_storage_config(
        &mut state.instance(),
        &instance_id,
        &body,
    ))
}

async fn update_storage_config_http(
    State(state): State<Arc<AppState>>,
    Path((instance_id, association_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    answer(update_storage_config(
        &mut state.instance(),
        &instance_id,
        &association_id,
        query.as_deref(),
        &body,
    ))
}

async fn associate_approved_origin_http(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    body: Bytes,
) -> Response {
    answer(associate_approved_origin(
        &mut state.instance(),
        &instance_id,
        &body,
    ))
}

async fn list_approved_origins_http(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    answer(list_approved_origins(
        &state.instance(),
        &instance_id,
        query.as_deref(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Seed;

    fn instance() -> Instance {
        let mut seed = Seed::demo();
        seed.instance_alias = Some("northwind-care".to_owned());
        Instance::new(seed)
    }

    #[test]
    fn list_instances_should_page_the_seeded_instance_and_the_others() {
        let mut instance = instance();
        for index in 0..12 {
            instance.seed.instances.push(InstanceSummary {
                id: format!("other-{index}"),
                arn: None,
                identity_management_type: None,
                instance_alias: Some(format!("other-{index}")),
                created_time: None,
                service_role: None,
                instance_status: None,
                inbound_calls_enabled: None,
                outbound_calls_enabled: None,
                instance_access_url: None,
            });
        }
        let first = list_instances(&instance, None).expect("a page");
        let listed = first["InstanceSummaryList"].as_array().expect("a list");
        assert_eq!(listed.len(), 10);
        assert_eq!(listed[0]["InstanceAlias"], "northwind-care");
        let token = first["NextToken"].as_str().expect("more");
        let second =
            list_instances(&instance, Some(&format!("nextToken={token}"))).expect("a page");
        assert_eq!(
            second["InstanceSummaryList"].as_array().map(Vec::len),
            Some(3)
        );
        assert!(second.get("NextToken").is_none());
        let refused = list_instances(&instance, Some("maxResults=20")).expect_err("over 10");
        assert_eq!(refused.error_type(), "InvalidParameterException");
    }

    #[test]
    fn a_resource_type_should_take_one_association_and_update_it_in_place() {
        let mut instance = instance();
        let id = instance.seed.instance_id.clone();
        let body = br#"{"ResourceType":"CALL_RECORDINGS","StorageConfig":{"StorageType":"S3","S3Config":{"BucketName":"rec","BucketPrefix":"connect/x"}}}"#;
        let created = associate_storage_config(&mut instance, &id, body).expect("associated");
        let association = created["AssociationId"].as_str().expect("an id").to_owned();
        let again = associate_storage_config(&mut instance, &id, body).expect_err("one per type");
        assert_eq!(again.error_type(), "ResourceConflictException");

        let update = br#"{"StorageConfig":{"StorageType":"S3","S3Config":{"BucketName":"rec-2","BucketPrefix":"connect/x"}}}"#;
        update_storage_config(
            &mut instance,
            &id,
            &association,
            Some("resourceType=CALL_RECORDINGS"),
            update,
        )
        .expect("updated");
        let listed = list_storage_configs(&instance, &id, Some("resourceType=CALL_RECORDINGS"))
            .expect("listed");
        assert_eq!(
            listed["StorageConfigs"],
            json!([{"AssociationId": association, "StorageType": "S3",
                    "S3Config": {"BucketName": "rec-2", "BucketPrefix": "connect/x"}}])
        );
        let unknown = update_storage_config(
            &mut instance,
            &id,
            "nope",
            Some("resourceType=CALL_RECORDINGS"),
            update,
        )
        .expect_err("unknown association");
        assert_eq!(unknown.error_type(), "ResourceNotFoundException");
    }

    #[test]
    fn storage_configs_should_be_checked_as_connect_checks_them() {
        let mut instance = instance();
        let id = instance.seed.instance_id.clone();
        for (body, error_type) in [
            (
                r#"{"ResourceType":"CALL_RECORDING","StorageConfig":{"StorageType":"S3"}}"#,
                "InvalidParameterException",
            ),
            (
                r#"{"ResourceType":"CONTACT_TRACE_RECORDS","StorageConfig":{"StorageType":"KINESIS_STREAM","KinesisStreamConfig":{"StreamArn":"ctr"}}}"#,
                "InvalidParameterException",
            ),
            (
                r#"{"ResourceType":"CALL_RECORDINGS","StorageConfig":{"StorageType":"S3"}}"#,
                "InvalidRequestException",
            ),
            (
                r#"{"ResourceType":"CALL_RECORDINGS"}"#,
                "InvalidParameterException",
            ),
            ("not json", "SerializationException"),
        ] {
            let error =
                associate_storage_config(&mut instance, &id, body.as_bytes()).expect_err(body);
            assert_eq!(error.error_type(), error_type, "{body}");
        }
        let missing = associate_storage_config(&mut instance, "other-instance", b"{}")
            .expect_err("unknown instance");
        assert_eq!(missing.error_type(), "ResourceNotFoundException");
    }

    #[test]
    fn approved_origins_should_be_kept_once_each() {
        let mut instance = instance();
        let id = instance.seed.instance_id.clone();
        let body = br#"{"Origin":"https://northwind.lightning.force.com"}"#;
        associate_approved_origin(&mut instance, &id, body).expect("approved");
        associate_approved_origin(&mut instance, &id, body).expect("again");
        let listed = list_approved_origins(&instance, &id, None).expect("listed");
        assert_eq!(
            listed,
            json!({"Origins": ["https://northwind.lightning.force.com"]})
        );
        let refused =
            associate_approved_origin(&mut instance, &id, br#"{"Origin":""}"#).expect_err("blank");
        assert_eq!(refused.error_type(), "InvalidParameterException");
    }
}
