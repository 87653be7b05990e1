//! `/__emulator/...`: control calls for users outside Rust. Never logged, counted or authenticated.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::faults::Fault;
use crate::http::state::AppState;

pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/records", get(records).post(load_records))
        .route("/faults", post(inject_fault).delete(clear_faults))
        .route("/expire-sessions", post(expire_sessions))
        .route("/requests", get(requests).delete(clear_requests))
}

async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    let records = state.org().record_count();
    Json(json!({ "status": "ok", "records": records }))
}

async fn records(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.org().dump())
}

async fn load_records(State(state): State<Arc<AppState>>, Json(seed): Json<Value>) -> Response {
    let loaded = state.org().load_dump(&seed);
    match loaded {
        Ok(count) => {
            state.persist();
            Json(json!({ "loaded": count })).into_response()
        }
        Err(error) => {
            let body = json!([{ "message": error.message(), "errorCode": error.error_code(), "fields": error.fields() }]);
            (StatusCode::BAD_REQUEST, Json(body)).into_response()
        }
    }
}

async fn inject_fault(State(state): State<Arc<AppState>>, Json(fault): Json<Fault>) -> StatusCode {
    state.faults.inject(fault);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

async fn expire_sessions(State(state): State<Arc<AppState>>) -> StatusCode {
    state.sessions.expire_all();
    StatusCode::NO_CONTENT
}

async fn requests(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(json!(state.requests.entries()))
}

async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    state.requests.clear();
    StatusCode::NO_CONTENT
}
