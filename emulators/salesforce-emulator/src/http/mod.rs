//! The HTTP surface: the login server's token endpoint, the REST API under
//! `/services/data`, and the `/__emulator` control calls.

pub mod chatter;
pub mod composite;
pub mod control;
pub mod data_api;
pub mod error;
pub mod middleware;
pub mod oauth;
pub mod query;
pub mod sobjects;
pub mod state;

use std::sync::Arc;

use axum::Router;
use axum::routing::post;

use crate::http::state::AppState;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/services/oauth2/token", post(oauth::token))
        .nest(middleware::CONTROL_PREFIX, control::routes())
        .fallback(data_api::dispatch)
        // Faults sit inside the log so the log sees the faulted status.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::inject_faults,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::log_requests,
        ))
        .with_state(state)
}
