//! sObject Collections: create (`POST composite/sobjects`) and upsert
//! (`PATCH composite/sobjects/{object}/{externalIdField}`), up to 200 records, all-or-none optional.

use axum::Json;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::data_error::DataError;
use crate::http::data_api::ApiRequest;
use crate::http::error::ApiError;
use crate::http::sobjects::object_name;
use crate::store::{OrgData, Record, UpsertOutcome};

/// Salesforce's cap on records per collection request.
const MAX_RECORDS: usize = 200;
const ROLLED_BACK: &str = "Record rolled back because not all records were valid and the request was using AllOrNone header";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CollectionBody {
    #[serde(default)]
    all_or_none: bool,
    #[serde(default)]
    records: Vec<Value>,
}

/// The outcome of one record, reported in request order.
enum RecordResult {
    Saved { id: String, created: Option<bool> },
    Failed(Value),
}

pub fn route(request: &ApiRequest<'_>, resource: &[&str]) -> Result<Response, ApiError> {
    match resource {
        [] => match *request.method {
            Method::POST => create_collection(request),
            _ => Err(request.method_not_allowed("POST")),
        },
        [object, external_id_field] => match *request.method {
            Method::PATCH => upsert_collection(request, object, external_id_field),
            _ => Err(request.method_not_allowed("PATCH")),
        },
        _ => Err(ApiError::NotFound),
    }
}

fn read_body(request: &ApiRequest<'_>) -> Result<CollectionBody, ApiError> {
    let body: CollectionBody = request.json_body()?;
    if body.records.len() > MAX_RECORDS {
        return Err(ApiError::ExceededIdLimit);
    }
    Ok(body)
}

fn error_entry(status_code: &str, message: &str, fields: Vec<String>) -> Value {
    json!({ "statusCode": status_code, "message": message, "fields": fields })
}

fn data_error_entry(error: &DataError) -> Value {
    error_entry(error.error_code(), &error.message(), error.fields())
}

/// A record's type and fields; the type comes from `attributes.type` or the URL.
fn split_record(record: &Value, url_object: Option<&str>) -> Result<(String, Record), Value> {
    let Value::Object(fields) = record else {
        return Err(error_entry(
            "INVALID_FIELD",
            "Each record must be a JSON object",
            Vec::new(),
        ));
    };
    let mut fields = fields.clone();
    let declared = fields.remove("attributes").and_then(|attributes| {
        attributes
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    match (declared, url_object) {
        (Some(declared), Some(url_object)) if !declared.eq_ignore_ascii_case(url_object) => {
            Err(error_entry(
                "INVALID_TYPE",
                &format!(
                    "Record type {declared} does not match the collection's type {url_object}"
                ),
                Vec::new(),
            ))
        }
        (Some(declared), _) => Ok((declared, fields)),
        (None, Some(url_object)) => Ok((url_object.to_owned(), fields)),
        (None, None) => Err(error_entry(
            "INVALID_TYPE",
            "Must send a concrete entity type.",
            Vec::new(),
        )),
    }
}

fn upsert_one(
    org: &mut OrgData,
    object: &str,
    external_id_field: &str,
    record: &Value,
) -> RecordResult {
    let (object, fields) = match split_record(record, Some(object)) {
        Ok(parts) => parts,
        Err(error) => return RecordResult::Failed(error),
    };
    let value = fields
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(external_id_field))
        .map(|(_, value)| match value {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        });
    let Some(value) = value.filter(|value| !value.is_empty()) else {
        let message = format!("{external_id_field} not specified");
        return RecordResult::Failed(error_entry(
            "MISSING_ARGUMENT",
            &message,
            vec![external_id_field.to_owned()],
        ));
    };
    match org.upsert(&object, external_id_field, &value, &fields) {
        Ok(UpsertOutcome::Created(id)) => RecordResult::Saved {
            id,
            created: Some(true),
        },
        Ok(UpsertOutcome::Updated(id)) => RecordResult::Saved {
            id,
            created: Some(false),
        },
        Err(DataError::MultipleMatches { ids, .. }) => {
            let message = format!(
                "{external_id_field}: more than one record found for external id field: {}",
                ids.join(", ")
            );
            RecordResult::Failed(error_entry(
                "DUPLICATE_EXTERNAL_ID",
                &message,
                vec![external_id_field.to_owned()],
            ))
        }
        Err(error) => RecordResult::Failed(data_error_entry(&error)),
    }
}

fn create_one(org: &mut OrgData, record: &Value) -> RecordResult {
    let (object, fields) = match split_record(record, None) {
        Ok(parts) => parts,
        Err(error) => return RecordResult::Failed(error),
    };
    if fields.contains_key("Id") {
        return RecordResult::Failed(error_entry(
            "INVALID_FIELD",
            "Cannot specify Id in an insert call",
            vec!["Id".to_owned()],
        ));
    }
    match org.create(&object, &fields) {
        Ok(id) => RecordResult::Saved { id, created: None },
        Err(error) => RecordResult::Failed(data_error_entry(&error)),
    }
}

/// Runs every record under one lock; with all-or-none, any failure restores the org as it was.
fn save_all(
    request: &ApiRequest<'_>,
    body: &CollectionBody,
    save: impl Fn(&mut OrgData, &Value) -> RecordResult,
) -> Response {
    let (results, wrote) = {
        let mut org = request.org();
        let before = body.all_or_none.then(|| org.clone());
        let results: Vec<RecordResult> = body
            .records
            .iter()
            .map(|record| save(&mut org, record))
            .collect();
        let any_failed = results
            .iter()
            .any(|result| matches!(result, RecordResult::Failed(_)));
        match before {
            Some(before) if any_failed => {
                *org = before;
                (roll_back(results), false)
            }
            _ => {
                let wrote = results
                    .iter()
                    .any(|result| matches!(result, RecordResult::Saved { .. }));
                (results, wrote)
            }
        }
    };
    if wrote {
        request.state.persist();
    }
    Json(results.into_iter().map(result_json).collect::<Vec<_>>()).into_response()
}

/// Records that had succeeded now report that they were rolled back.
fn roll_back(results: Vec<RecordResult>) -> Vec<RecordResult> {
    results
        .into_iter()
        .map(|result| match result {
            RecordResult::Saved { .. } => RecordResult::Failed(error_entry(
                "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                ROLLED_BACK,
                Vec::new(),
            )),
            failed => failed,
        })
        .collect()
}

fn result_json(result: RecordResult) -> Value {
    match result {
        RecordResult::Saved {
            id,
            created: Some(created),
        } => json!({ "id": id, "success": true, "errors": [], "created": created }),
        RecordResult::Saved { id, created: None } => {
            json!({ "id": id, "success": true, "errors": [] })
        }
        RecordResult::Failed(error) => json!({ "success": false, "errors": [error] }),
    }
}

fn upsert_collection(
    request: &ApiRequest<'_>,
    object: &str,
    external_id_field: &str,
) -> Result<Response, ApiError> {
    let object = object_name(request, object)?;
    let body = read_body(request)?;
    Ok(save_all(request, &body, |org, record| {
        upsert_one(org, &object, external_id_field, record)
    }))
}

fn create_collection(request: &ApiRequest<'_>) -> Result<Response, ApiError> {
    let body = read_body(request)?;
    Ok(save_all(request, &body, create_one))
}
