//! Cross-cutting behaviour: injected faults and the request log.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::faults::FaultKind;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::request_log::LoggedRequest;

pub const CONTROL_PREFIX: &str = "/__emulator";
const FAULTABLE_PREFIX: &str = "/services/";

/// Marks a response shaped by an injected fault, for the request log.
#[derive(Debug, Clone)]
struct AppliedFault(String);

/// Applies the first due fault before normal handling.
pub async fn inject_faults(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if !path.starts_with(FAULTABLE_PREFIX) {
        return next.run(request).await;
    }
    let Some(kind) = state.faults.fault_for(request.method().as_str(), path) else {
        return next.run(request).await;
    };
    let mut response = match kind {
        // Salesforce goes on with a request whose client gave up: the slow request runs in its
        // own task, so it still commits after the caller's timeout (a late commit).
        FaultKind::Latency(delay) => {
            let handling = tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                next.run(request).await
            });
            match handling.await {
                Ok(response) => response,
                Err(_) => ApiError::ServerFault(500).into_response(),
            }
        }
        FaultKind::ServerError(status) => ApiError::ServerFault(status).into_response(),
        FaultKind::RequestLimitExceeded => ApiError::RequestLimitExceeded.into_response(),
        FaultKind::ExpiredSession => ApiError::InvalidSession.into_response(),
        FaultKind::RowLocked => ApiError::RowLocked.into_response(),
    };
    response.extensions_mut().insert(AppliedFault(kind.label()));
    response
}

/// Records every request except control calls, in the order they complete.
pub async fn log_requests(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with(CONTROL_PREFIX) {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let fault = response
        .extensions()
        .get::<AppliedFault>()
        .map(|applied| applied.0.clone());
    tracing::debug!(%method, %path, status, fault = fault.as_deref(), "served");
    state.requests.push(LoggedRequest {
        method,
        path,
        query,
        status,
        fault,
    });
    response
}
