//! `sobjects/...`: describe, record CRUD and upsert by external id.

use axum::Json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::data_error::DataError;
use crate::http::data_api::ApiRequest;
use crate::http::error::ApiError;
use crate::schema::FieldType;
use crate::store::UpsertOutcome;

/// Members of a describe result that the basic-information and global-describe views leave out.
const DETAIL_ONLY_MEMBERS: [&str; 4] = [
    "fields",
    "childRelationships",
    "recordTypeInfos",
    "supportedScopes",
];

pub fn route(request: &ApiRequest<'_>, resource: &[&str]) -> Result<Response, ApiError> {
    match resource {
        [] => describe_global(request),
        [object] => match *request.method {
            Method::GET => basic_information(request, object),
            Method::POST => create(request, object),
            _ => Err(request.method_not_allowed("GET,HEAD,POST")),
        },
        [object, "describe"] => match *request.method {
            Method::GET => describe(request, object),
            _ => Err(request.method_not_allowed("GET,HEAD")),
        },
        [object, id] => match *request.method {
            Method::GET => read(request, object, id),
            Method::PATCH => update(request, object, id),
            Method::DELETE => delete(request, object, id),
            _ => Err(request.method_not_allowed("GET,PATCH,HEAD,DELETE")),
        },
        [object, id, field]
            if request.method == Method::GET && is_blob_field(request, object, field) =>
        {
            blob(request, object, id, field)
        }
        [object, field, value] => match *request.method {
            Method::PATCH => upsert(request, object, field, value),
            Method::GET => read_by_external_id(request, object, field, value),
            _ => Err(request.method_not_allowed("GET,PATCH,HEAD")),
        },
        _ => Err(ApiError::NotFound),
    }
}

/// The schema's spelling of an object name; unknown types are a 404, as on a real org.
pub fn object_name(request: &ApiRequest<'_>, object: &str) -> Result<String, ApiError> {
    let org = request.org();
    org.schema()
        .object(object)
        .map(|schema| schema.name.clone())
        .ok_or(ApiError::NotFound)
}

fn summary(describe: Value) -> Value {
    match describe {
        Value::Object(mut members) => {
            for member in DETAIL_ONLY_MEMBERS {
                members.remove(member);
            }
            Value::Object(members)
        }
        other => other,
    }
}

fn describe_global(request: &ApiRequest<'_>) -> Result<Response, ApiError> {
    if request.method != Method::GET {
        return Err(request.method_not_allowed("GET,HEAD"));
    }
    let sobjects: Vec<Value> = request
        .org()
        .schema()
        .objects()
        .map(|object| summary(object.describe()))
        .collect();
    let body = json!({ "encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects });
    Ok(Json(request.with_request_version(body)).into_response())
}

fn basic_information(request: &ApiRequest<'_>, object: &str) -> Result<Response, ApiError> {
    let describe = request
        .org()
        .schema()
        .object(object)
        .map(|schema| schema.describe())
        .ok_or(ApiError::NotFound)?;
    let body = json!({ "objectDescribe": summary(describe), "recentItems": [] });
    Ok(Json(request.with_request_version(body)).into_response())
}

fn describe(request: &ApiRequest<'_>, object: &str) -> Result<Response, ApiError> {
    let describe = request
        .org()
        .schema()
        .object(object)
        .map(|schema| schema.describe())
        .ok_or(ApiError::NotFound)?;
    Ok(Json(request.with_request_version(describe)).into_response())
}

fn create(request: &ApiRequest<'_>, object: &str) -> Result<Response, ApiError> {
    let object = object_name(request, object)?;
    let fields = request.record_body()?;
    let id = request.org().create(&object, &fields)?;
    request.state.persist();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "success": true, "errors": [] })),
    )
        .into_response())
}

fn read(request: &ApiRequest<'_>, object: &str, id: &str) -> Result<Response, ApiError> {
    let object = object_name(request, object)?;
    let fields: Option<Vec<String>> = request.query_param("fields").map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|field| !field.is_empty())
            .map(str::to_owned)
            .collect()
    });
    let record = request.org().get(&object, id, fields.as_deref())?;
    Ok(Json(request.with_request_version(Value::Object(record))).into_response())
}

fn update(request: &ApiRequest<'_>, object: &str, id: &str) -> Result<Response, ApiError> {
    let object = object_name(request, object)?;
    let fields = request.record_body()?;
    request.org().update(&object, id, &fields)?;
    request.state.persist();
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn delete(request: &ApiRequest<'_>, object: &str, id: &str) -> Result<Response, ApiError> {
    let object = object_name(request, object)?;
    request.org().delete(&object, id)?;
    request.state.persist();
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn upsert(
    request: &ApiRequest<'_>,
    object: &str,
    field: &str,
    value: &str,
) -> Result<Response, ApiError> {
    let object = object_name(request, object)?;
    let fields = request.record_body()?;
    check_external_id_in_body(&fields, field, value)?;
    let outcome = request.org().upsert(&object, field, value, &fields);
    match outcome {
        Ok(outcome) => {
            request.state.persist();
            Ok(upsert_response(&outcome))
        }
        Err(DataError::MultipleMatches { object, ids }) => {
            Ok(multiple_choices(request, &object, &ids))
        }
        Err(error) => Err(error.into()),
    }
}

/// Salesforce accepts the external id field in the body only when it repeats the URL's value.
pub fn check_external_id_in_body(
    fields: &crate::store::Record,
    field: &str,
    value: &str,
) -> Result<(), ApiError> {
    let in_body = fields
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(field))
        .map(|(_, body_value)| body_value);
    let matches = match in_body {
        None => true,
        Some(Value::String(text)) => text == value,
        // A number or boolean in the body matches the same literal in the URL.
        Some(other) => serde_json::from_str::<Value>(value).is_ok_and(|parsed| parsed == *other),
    };
    if matches {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "INVALID_FIELD",
            format!(
                "The value of the external ID field {field} in the request body does not match the value in the URL"
            ),
        ))
    }
}

pub fn upsert_response(outcome: &UpsertOutcome) -> Response {
    match outcome {
        UpsertOutcome::Created(id) => (
            StatusCode::CREATED,
            Json(json!({ "id": id, "success": true, "errors": [], "created": true })),
        )
            .into_response(),
        UpsertOutcome::Updated(id) => (
            StatusCode::OK,
            Json(json!({ "id": id, "success": true, "errors": [], "created": false })),
        )
            .into_response(),
    }
}

/// 300 Multiple Choices: the URLs of every record the external id matched.
fn multiple_choices(request: &ApiRequest<'_>, object: &str, ids: &[String]) -> Response {
    let urls: Vec<String> = ids
        .iter()
        .map(|id| request.sobject_url(object, id))
        .collect();
    (StatusCode::MULTIPLE_CHOICES, Json(urls)).into_response()
}

fn read_by_external_id(
    request: &ApiRequest<'_>,
    object: &str,
    field: &str,
    value: &str,
) -> Result<Response, ApiError> {
    let object = object_name(request, object)?;
    let field_known = request
        .org()
        .schema()
        .object(&object)
        .and_then(|schema| schema.field(field))
        .is_some();
    if !field_known {
        return Err(ApiError::NotFound);
    }
    let soql = format!(
        "SELECT Id FROM {object} WHERE {field} = '{}'",
        escape_soql_literal(value)
    );
    let matches = request.org().query(&soql)?;
    let ids: Vec<String> = matches
        .iter()
        .filter_map(|row| row.get("Id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    match ids.as_slice() {
        [] => Err(ApiError::NotFound),
        [id] => read(request, &object, id),
        _ => Ok(multiple_choices(request, &object, &ids)),
    }
}

/// `sobjects/Attachment/{id}/Body` and the like: a base64 field served as raw bytes.
fn is_blob_field(request: &ApiRequest<'_>, object: &str, field: &str) -> bool {
    let org = request.org();
    org.schema()
        .object(object)
        .and_then(|schema| schema.field(field))
        .is_some_and(|field| field.field_type == FieldType::Base64)
}

fn blob(
    request: &ApiRequest<'_>,
    object: &str,
    id: &str,
    field: &str,
) -> Result<Response, ApiError> {
    let bytes = request.org().blob(object, id, field)?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/octet-stream")],
        bytes,
    )
        .into_response())
}

pub fn escape_soql_literal(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}
