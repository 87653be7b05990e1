//! `/services/data/...`: version check, session check, API usage, then routing by path segments.
//!
//! Routing is by segment count rather than axum patterns because Salesforce tells
//! `sobjects/{object}/{id}` from `sobjects/{object}/{field}/{value}` that way, and the
//! values are percent-decoded per segment.

use std::sync::{Arc, MutexGuard};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::auth::SessionUser;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::http::{chatter, composite, query, sobjects};
use crate::store::{OrgData, Record};

/// The API version the data layer writes into `attributes.url`.
const STORE_VERSION_PREFIX: &str = "/services/data/v60.0/";

/// API versions listed by `GET /services/data` (any well-formed version is served).
const LISTED_VERSIONS: [(&str, &str); 7] = [
    ("58.0", "Summer '23"),
    ("59.0", "Winter '24"),
    ("60.0", "Spring '24"),
    ("61.0", "Summer '24"),
    ("62.0", "Winter '25"),
    ("63.0", "Spring '25"),
    ("64.0", "Summer '25"),
];

/// One authenticated request under `/services/data/{version}`.
pub struct ApiRequest<'a> {
    pub state: &'a AppState,
    pub version: &'a str,
    pub user: &'a SessionUser,
    pub method: &'a Method,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

impl ApiRequest<'_> {
    /// The org, acting as the session's user (OwnerId, CreatedById... of what it writes).
    pub fn org(&self) -> MutexGuard<'_, OrgData> {
        let mut org = self.state.org();
        org.set_current_user(&self.user.user_id);
        org
    }

    /// Query-string pairs, form-decoded (`+` is a space, as Salesforce reads it).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect()
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    pub fn json_body<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(self.body)
            .map_err(|error| ApiError::JsonParser(format!("Unexpected JSON: {error}")))
    }

    /// A record body, without the `attributes` member clients may send along.
    pub fn record_body(&self) -> Result<Record, ApiError> {
        let value: Value = self.json_body()?;
        match value {
            Value::Object(mut fields) => {
                fields.remove("attributes");
                Ok(fields)
            }
            _ => Err(ApiError::JsonParser(
                "Expected a JSON object for the record".to_owned(),
            )),
        }
    }

    pub fn base_path(&self) -> String {
        format!("/services/data/{}", self.version)
    }

    pub fn sobject_url(&self, object: &str, id: &str) -> String {
        format!("{}/sobjects/{object}/{id}", self.base_path())
    }

    /// Records' `attributes.url` carry the version the client asked for.
    pub fn with_request_version(&self, mut value: Value) -> Value {
        let prefix = format!("{}/", self.base_path());
        if prefix != STORE_VERSION_PREFIX {
            rewrite_versions(&mut value, &prefix);
        }
        value
    }

    pub fn method_not_allowed(&self, allowed: &'static str) -> ApiError {
        ApiError::MethodNotAllowed {
            method: self.method.to_string(),
            allowed,
        }
    }
}

fn rewrite_versions(value: &mut Value, prefix: &str) {
    match value {
        Value::String(text) if text.starts_with(STORE_VERSION_PREFIX) => {
            *text = format!("{prefix}{}", &text[STORE_VERSION_PREFIX.len()..]);
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rewrite_versions(item, prefix)),
        Value::Object(members) => members
            .values_mut()
            .for_each(|member| rewrite_versions(member, prefix)),
        _ => {}
    }
}

/// Entry point for everything that is neither the token endpoint nor a control call.
pub async fn dispatch(
    State(state): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(rest) = uri.path().strip_prefix("/services/data") else {
        return ApiError::NotFound.into_response();
    };
    let Some(segments) = path_segments(rest) else {
        return ApiError::NotFound.into_response();
    };
    let Some((version, resource)) = segments.split_first() else {
        return versions(&method);
    };
    if !is_api_version(version) {
        return ApiError::NotFound.into_response();
    }
    let Some(user) = bearer_token(&headers).and_then(|token| state.sessions.user_for(token)) else {
        return ApiError::InvalidSession.into_response();
    };
    let usage = state.usage.record_call();
    let mut response = if usage.exceeded() {
        ApiError::RequestLimitExceeded.into_response()
    } else {
        let request = ApiRequest {
            state: &state,
            version,
            user: &user,
            method: &method,
            query: uri.query(),
            headers: &headers,
            body: &body,
        };
        let resource: Vec<&str> = resource.iter().map(String::as_str).collect();
        route(&request, &resource).unwrap_or_else(IntoResponse::into_response)
    };
    if let Ok(value) = HeaderValue::from_str(&usage.header_value()) {
        response.headers_mut().insert("Sforce-Limit-Info", value);
    }
    response
}

fn route(request: &ApiRequest<'_>, resource: &[&str]) -> Result<Response, ApiError> {
    match resource {
        [] => resources(request),
        ["limits"] => limits(request),
        ["sobjects", ..] => sobjects::route(request, &resource[1..]),
        [endpoint @ ("query" | "queryAll")] => query::run_query(request, endpoint),
        [endpoint @ ("query" | "queryAll"), locator] => {
            query::next_page(request, endpoint, locator)
        }
        ["search"] => query::search(request),
        ["parameterizedSearch"] => query::parameterized_search(request),
        ["composite", "sobjects", ..] => composite::route(request, &resource[2..]),
        ["chatter", "feed-elements", ..] => chatter::route(request, &resource[2..]),
        _ => Err(ApiError::NotFound),
    }
}

/// Percent-decoded path segments after `/services/data`; a trailing slash adds no segment.
fn path_segments(rest: &str) -> Option<Vec<String>> {
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    let trimmed = rest.strip_prefix('/').unwrap_or(rest);
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Some(Vec::new());
    }
    trimmed
        .split('/')
        .map(|segment| {
            urlencoding::decode(segment)
                .ok()
                .map(|decoded| decoded.into_owned())
        })
        .collect()
}

/// `vNN.N`, as Salesforce spells API versions in paths.
fn is_api_version(segment: &str) -> bool {
    let Some((major, minor)) = segment
        .strip_prefix('v')
        .and_then(|number| number.split_once('.'))
    else {
        return false;
    };
    !major.is_empty()
        && major.bytes().all(|b| b.is_ascii_digit())
        && minor.len() == 1
        && minor.bytes().all(|b| b.is_ascii_digit())
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    // Salesforce also takes the older `OAuth` scheme.
    (scheme.eq_ignore_ascii_case("Bearer") || scheme.eq_ignore_ascii_case("OAuth"))
        .then(|| token.trim())
}

/// `GET /services/data`: open to anyone, as on a real instance.
fn versions(method: &Method) -> Response {
    if method != Method::GET {
        return ApiError::MethodNotAllowed {
            method: method.to_string(),
            allowed: "GET,HEAD",
        }
        .into_response();
    }
    let listed: Vec<Value> = LISTED_VERSIONS
        .iter()
        .map(|(version, label)| json!({ "label": label, "url": format!("/services/data/v{version}"), "version": version }))
        .collect();
    (StatusCode::OK, Json(Value::Array(listed))).into_response()
}

fn resources(request: &ApiRequest<'_>) -> Result<Response, ApiError> {
    if request.method != Method::GET {
        return Err(request.method_not_allowed("GET,HEAD"));
    }
    let base = request.base_path();
    let body = json!({
        "sobjects": format!("{base}/sobjects"),
        "query": format!("{base}/query"),
        "queryAll": format!("{base}/queryAll"),
        "search": format!("{base}/search"),
        "parameterizedSearch": format!("{base}/parameterizedSearch"),
        "composite": format!("{base}/composite"),
        "chatter": format!("{base}/chatter"),
        "limits": format!("{base}/limits"),
    });
    Ok(Json(body).into_response())
}

fn limits(request: &ApiRequest<'_>) -> Result<Response, ApiError> {
    if request.method != Method::GET {
        return Err(request.method_not_allowed("GET,HEAD"));
    }
    let usage = request.state.usage.current();
    let body = json!({
        "DailyApiRequests": { "Max": usage.max, "Remaining": usage.max.saturating_sub(usage.used) },
    });
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_should_be_v_digits_dot_digit() {
        assert!(is_api_version("v60.0"));
        assert!(is_api_version("v9.0"));
        assert!(!is_api_version("60.0"));
        assert!(!is_api_version("v60"));
        assert!(!is_api_version("v60.00"));
        assert!(!is_api_version("vX.0"));
    }

    #[test]
    fn path_segments_should_be_percent_decoded_and_ignore_a_trailing_slash() {
        assert_eq!(path_segments(""), Some(vec![]));
        assert_eq!(path_segments("/"), Some(vec![]));
        assert_eq!(
            path_segments("/v60.0/sobjects/Contact/Email/a%40b.c/"),
            Some(vec![
                "v60.0".into(),
                "sobjects".into(),
                "Contact".into(),
                "Email".into(),
                "a@b.c".into()
            ])
        );
        assert_eq!(path_segments("xyz"), None);
    }

    #[test]
    fn attribute_urls_should_carry_the_requested_version() {
        let mut value = json!({"attributes": {"type": "Case", "url": "/services/data/v60.0/sobjects/Case/500"}});
        rewrite_versions(&mut value, "/services/data/v58.0/");
        assert_eq!(
            value["attributes"]["url"],
            "/services/data/v58.0/sobjects/Case/500"
        );
    }
}
