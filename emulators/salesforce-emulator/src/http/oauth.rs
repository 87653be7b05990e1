//! `POST /services/oauth2/token`, taking parameters from the form body and the query string
//! (the Python package this project replaces sends them as query parameters).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::auth::{
    Authenticator, OAuthError, ORG_ID, SessionUser, TokenRequest, response_signature,
};
use crate::http::sobjects::escape_soql_literal;
use crate::http::state::AppState;

/// Stands in for the user record when the org has no User row for a configured username.
const FALLBACK_USER_ID: &str = "005000000000000AAA";

pub async fn token(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request = token_request(query.as_deref(), &headers, &body);
    let authenticator = Authenticator {
        app: &state.connected_app,
        users: &state.users,
        own_audience: &state.base_url,
    };
    match authenticator.authenticate(&request) {
        Ok(username) => grant(&state, username),
        Err(error) => refusal(&error),
    }
}

fn token_request(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> TokenRequest {
    // Body parameters win over query parameters of the same name.
    let params = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .chain(url::form_urlencoded::parse(body).into_owned())
        .collect();
    TokenRequest {
        params,
        basic_credentials: basic_credentials(headers),
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let id = urlencoding::decode(id).ok()?.into_owned();
    let secret = urlencoding::decode(secret).ok()?.into_owned();
    Some((id, secret))
}

fn user_id(state: &AppState, username: &str) -> String {
    let soql = format!(
        "SELECT Id FROM User WHERE Username = '{}'",
        escape_soql_literal(username)
    );
    state
        .org()
        .query(&soql)
        .ok()
        .and_then(|rows| rows.into_iter().next())
        .and_then(|row| row.get("Id").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| FALLBACK_USER_ID.to_owned())
}

fn grant(state: &AppState, username: String) -> Response {
    let user_id = user_id(state, &username);
    let identity_url = format!("{}/id/{ORG_ID}/{user_id}", state.base_url);
    let access_token = state.sessions.open(SessionUser { username, user_id });
    state.tokens_issued.fetch_add(1, Ordering::SeqCst);
    let body = json!({
        "access_token": access_token,
        "instance_url": state.base_url,
        "id": identity_url,
        "token_type": "Bearer",
        "issued_at": chrono::Utc::now().timestamp_millis().to_string(),
        "signature": response_signature(),
    });
    (StatusCode::OK, Json(body)).into_response()
}

fn refusal(error: &OAuthError) -> Response {
    let body = json!({ "error": error.error_code(), "error_description": error.description() });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}
