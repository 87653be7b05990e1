//! `chatter/feed-elements`: posts become FeedItem records, comments FeedComment records.

use axum::Json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::chatter::{MentionedUser, MessageBodyInput, RenderedBody, SegmentInput};
use crate::http::data_api::ApiRequest;
use crate::http::error::ApiError;
use crate::store::{OrgData, Record};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FeedElementInput {
    feed_element_type: Option<String>,
    subject_id: Option<String>,
    body: Option<MessageBodyInput>,
}

#[derive(Debug, Deserialize)]
struct CommentInput {
    body: Option<MessageBodyInput>,
}

pub fn route(request: &ApiRequest<'_>, resource: &[&str]) -> Result<Response, ApiError> {
    match resource {
        [] => match *request.method {
            Method::POST => post_feed_element(request),
            _ => Err(request.method_not_allowed("POST")),
        },
        [feed_element_id, "capabilities", "comments", "items"] => match *request.method {
            Method::POST => post_comment(request, feed_element_id),
            _ => Err(request.method_not_allowed("POST")),
        },
        _ => Err(ApiError::NotFound),
    }
}

fn invalid_input(message: &str) -> ApiError {
    ApiError::bad_request("INVALID_API_INPUT", message)
}

/// Resolves each mentioned user's name; an unknown user is an invalid identifier.
fn resolve_mentions(
    org: &OrgData,
    segments: &[SegmentInput],
) -> Result<Vec<MentionedUser>, ApiError> {
    SegmentInput::mentioned_ids(segments)
        .into_iter()
        .map(|id| {
            let user = org
                .get("User", &id, Some(&["Name".to_owned()]))
                .map_err(|_| {
                    ApiError::bad_request("INVALID_ID_FIELD", format!("Invalid identifier: {id}"))
                })?;
            let name = user
                .get("Name")
                .and_then(Value::as_str)
                .unwrap_or(&id)
                .to_owned();
            Ok(MentionedUser { id, name })
        })
        .collect()
}

/// Sets a field only where the org's schema lets a client set it, so optional fields never fail a post.
fn set_if_defined(org: &OrgData, object: &str, record: &mut Record, field: &str, value: Value) {
    let createable = org
        .schema()
        .object(object)
        .and_then(|schema| schema.field(field))
        .is_some_and(|field| field.createable);
    if createable {
        record.insert(field.to_owned(), value);
    }
}

fn actor(request: &ApiRequest<'_>, org: &OrgData) -> Value {
    let name = org
        .get("User", &request.user.user_id, Some(&["Name".to_owned()]))
        .ok()
        .and_then(|user| user.get("Name").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| request.user.username.clone());
    json!({ "id": request.user.user_id, "type": "User", "displayName": name, "name": name })
}

fn now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn post_feed_element(request: &ApiRequest<'_>) -> Result<Response, ApiError> {
    let input: FeedElementInput = request.json_body()?;
    if input.feed_element_type.as_deref() != Some("FeedItem") {
        return Err(invalid_input("feedElementType must be FeedItem"));
    }
    let subject_id = input
        .subject_id
        .ok_or_else(|| invalid_input("subjectId is required"))?;
    let body = input
        .body
        .filter(|body| !body.message_segments.is_empty())
        .ok_or_else(|| invalid_input("body.messageSegments is required"))?;

    let (id, rendered, subject_type, actor) = {
        let mut org = request.org();
        let subject_type = org
            .schema()
            .object_for_id(&subject_id)
            .map(|schema| schema.name.clone())
            .ok_or(ApiError::NotFound)?;
        org.get(&subject_type, &subject_id, Some(&["Id".to_owned()]))
            .map_err(|_| ApiError::NotFound)?;
        let rendered = RenderedBody::render(
            &body.message_segments,
            &resolve_mentions(&org, &body.message_segments)?,
        );
        let mut record = Record::new();
        record.insert("ParentId".to_owned(), json!(subject_id));
        record.insert("Body".to_owned(), json!(rendered.text));
        set_if_defined(&org, "FeedItem", &mut record, "Type", json!("TextPost"));
        let id = org.create("FeedItem", &record)?;
        let actor = actor(request, &org);
        (id, rendered, subject_type, actor)
    };
    request.state.persist();

    let element = json!({
        "actor": actor,
        "body": rendered.json(),
        "capabilities": { "comments": { "page": { "items": [], "total": 0 } } },
        "createdDate": now(),
        "feedElementType": "FeedItem",
        "id": id,
        "parent": { "id": subject_id, "type": subject_type },
        "type": "TextPost",
        "url": format!("{}/chatter/feed-elements/{id}", request.base_path()),
    });
    Ok((StatusCode::CREATED, Json(element)).into_response())
}

fn post_comment(request: &ApiRequest<'_>, feed_element_id: &str) -> Result<Response, ApiError> {
    let input: CommentInput = request.json_body()?;
    let body = input
        .body
        .filter(|body| !body.message_segments.is_empty())
        .ok_or_else(|| invalid_input("body.messageSegments is required"))?;

    let (id, rendered, actor) = {
        let mut org = request.org();
        let feed_item = org
            .get("FeedItem", feed_element_id, None)
            .map_err(|_| ApiError::NotFound)?;
        let rendered = RenderedBody::render(
            &body.message_segments,
            &resolve_mentions(&org, &body.message_segments)?,
        );
        let mut record = Record::new();
        record.insert("FeedItemId".to_owned(), json!(feed_element_id));
        record.insert("CommentBody".to_owned(), json!(rendered.text));
        if let Some(parent) = feed_item.get("ParentId").cloned() {
            // Read-only on a real org (the platform copies it from the feed item); set only if the schema allows.
            set_if_defined(&org, "FeedComment", &mut record, "ParentId", parent);
        }
        set_if_defined(
            &org,
            "FeedComment",
            &mut record,
            "CommentType",
            json!("TextComment"),
        );
        let id = org.create("FeedComment", &record)?;
        let actor = actor(request, &org);
        (id, rendered, actor)
    };
    request.state.persist();

    let comment = json!({
        "body": rendered.json(),
        "createdDate": now(),
        "feedElement": { "id": feed_element_id, "url": format!("{}/chatter/feed-elements/{feed_element_id}", request.base_path()) },
        "id": id,
        "type": "TextComment",
        "url": format!("{}/chatter/comments/{id}", request.base_path()),
        "user": actor,
    });
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}
