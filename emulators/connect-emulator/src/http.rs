//! The HTTP surface: the Connect REST-JSON paths `aws-sdk-connect` calls, and the `/__emulator`
//! control calls (never logged, never faulted).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use serde_json::{Value, json};

use crate::api::{self, Instance, Operation};
use crate::clock::EmulatorClock;
use crate::error::{ConnectError, ERROR_TYPE_HEADER};
use crate::faults::{Fault, FaultInjector, FaultKind};
use crate::request_log::{LoggedRequest, RequestLog};
use crate::seed::{CurrentMetricResult, MetricResultV2, QueueSummary, Seed, SeedError};

pub const CONTROL_PREFIX: &str = "/__emulator";
const REQUEST_ID_HEADER: &str = "x-amzn-RequestId";

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    instance: Mutex<Instance>,
    pub faults: FaultInjector,
    pub requests: RequestLog,
    pub clock: EmulatorClock,
}

impl AppState {
    pub fn new(seed: Seed) -> Self {
        Self {
            instance: Mutex::new(Instance::new(seed)),
            faults: FaultInjector::default(),
            requests: RequestLog::default(),
            clock: EmulatorClock::default(),
        }
    }

    /// A panic in one handler must not stop every later call.
    pub fn instance(&self) -> MutexGuard<'_, Instance> {
        self.instance.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the seed in place and checks it is still servable (else leaves it unchanged).
    pub fn update_seed(
        &self,
        reset_snapshots: bool,
        change: impl FnOnce(&mut Seed),
    ) -> Result<(), SeedError> {
        let mut instance = self.instance();
        let mut seed = instance.seed.clone();
        change(&mut seed);
        seed.validate()?;
        if reset_snapshots {
            instance.replace_seed(seed);
        } else {
            instance.seed = seed;
        }
        Ok(())
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/queues-summary/{instance_id}", get(list_queues))
        .route("/users-summary/{instance_id}", get(list_users))
        .route("/metrics/current/{instance_id}", post(current_metric_data))
        .route("/metrics/data", post(metric_data_v2))
        .route(
            "/contact/attributes/{instance_id}/{initial_contact_id}",
            get(contact_attributes),
        )
        .merge(api::instance_admin::routes())
        .nest(CONTROL_PREFIX, control_routes())
        .fallback(unknown_operation)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            connect_calls,
        ))
        .with_state(state)
}

fn answer(result: Result<Value, ConnectError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn list_queues(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    answer(api::list_queues::list_queues(
        &state.instance(),
        &instance_id,
        query.as_deref(),
    ))
}

async fn list_users(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    answer(api::list_users::list_users(
        &state.instance(),
        &instance_id,
        query.as_deref(),
    ))
}

async fn current_metric_data(
    State(state): State<Arc<AppState>>,
    Path(instance_id): Path<String>,
    body: Bytes,
) -> Response {
    answer(api::current_metrics::get_current_metric_data(
        &mut state.instance(),
        &instance_id,
        &body,
    ))
}

async fn metric_data_v2(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    answer(api::metric_data_v2::get_metric_data_v2(
        &state.instance(),
        &body,
        state.clock.now(),
    ))
}

async fn contact_attributes(
    State(state): State<Arc<AppState>>,
    Path((instance_id, initial_contact_id)): Path<(String, String)>,
) -> Response {
    answer(api::contact_attributes::get_contact_attributes(
        &state.instance(),
        &instance_id,
        &initial_contact_id,
    ))
}

async fn unknown_operation(request: Request) -> Response {
    ConnectError::UnknownOperation(format!(
        "No operation at {} {}",
        request.method(),
        request.uri().path()
    ))
    .into_response()
}

/// Marks an answer shaped by an injected fault, for the request log.
#[derive(Debug, Clone)]
struct AppliedFault(String);

/// Applies the first due fault, answers with a request id, and logs every Connect call.
async fn connect_calls(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if path.starts_with(CONTROL_PREFIX) {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    let query = request.uri().query().map(str::to_owned);
    let operation = Operation::of(&method, &path);
    let fault = operation.and_then(|op| state.faults.fault_for(op.name()));
    let mut response = match fault {
        Some(FaultKind::Throttle {}) => ConnectError::Throttling.into_response(),
        Some(FaultKind::ServerError(status)) => ConnectError::internal(status).into_response(),
        Some(FaultKind::LatencyMs(ms)) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        None => next.run(request).await,
    };
    if let Some(kind) = fault {
        response.extensions_mut().insert(AppliedFault(kind.label()));
    }
    if let Ok(id) = HeaderValue::from_str(&uuid::Uuid::new_v4().to_string()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    let status = response.status().as_u16();
    let error_type = response
        .headers()
        .get(ERROR_TYPE_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let fault = response
        .extensions()
        .get::<AppliedFault>()
        .map(|applied| applied.0.clone());
    let operation = operation.map_or("Unknown", Operation::name).to_owned();
    tracing::debug!(%operation, %path, status, error_type = error_type.as_deref(), "served");
    state.requests.push(LoggedRequest {
        operation,
        method,
        path,
        query,
        status,
        error_type,
        fault,
    });
    response
}

// ---- control ----

fn control_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(health))
        .route("/seed", get(get_seed).put(put_seed))
        .route("/current-metrics", put(put_current_metrics))
        .route(
            "/current-metric-snapshots",
            put(put_current_metric_snapshots),
        )
        .route("/metric-data-v2", put(put_metric_data_v2))
        .route("/queues", post(add_queue))
        .route("/queues/{queue_id}", delete(remove_queue))
        .route(
            "/contact-attributes/{contact_id}",
            put(put_contact_attributes).delete(delete_contact_attributes),
        )
        .route(
            "/faults",
            get(faults_applied).post(inject_fault).delete(clear_faults),
        )
        .route("/requests", get(requests).delete(clear_requests))
        .route("/requests/counts", get(request_counts))
}

fn control_error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    (status, Json(json!({ "message": message.to_string() }))).into_response()
}

fn updated(result: Result<(), SeedError>) -> Response {
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => control_error(StatusCode::BAD_REQUEST, error),
    }
}

async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    let instance = state.instance();
    Json(json!({
        "status": "ok",
        "instanceId": instance.seed.instance_id,
        "instanceArn": instance.seed.instance_arn(),
        "queues": instance.seed.queues.len(),
        "currentMetricReads": instance.reads_started,
    }))
}

async fn get_seed(State(state): State<Arc<AppState>>) -> Json<Seed> {
    Json(state.instance().seed.clone())
}

async fn put_seed(State(state): State<Arc<AppState>>, Json(seed): Json<Value>) -> Response {
    match Seed::from_value(seed) {
        Ok(seed) => {
            state.instance().replace_seed(seed);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => control_error(StatusCode::BAD_REQUEST, error),
    }
}

async fn put_current_metrics(
    State(state): State<Arc<AppState>>,
    Json(results): Json<Vec<CurrentMetricResult>>,
) -> Response {
    updated(state.update_seed(true, |seed| {
        seed.current_metrics = results;
        seed.current_metric_snapshots = None;
    }))
}

async fn put_current_metric_snapshots(
    State(state): State<Arc<AppState>>,
    Json(snapshots): Json<Vec<Vec<CurrentMetricResult>>>,
) -> Response {
    updated(state.update_seed(true, |seed| {
        seed.current_metric_snapshots = Some(snapshots);
    }))
}

async fn put_metric_data_v2(
    State(state): State<Arc<AppState>>,
    Json(results): Json<Vec<MetricResultV2>>,
) -> Response {
    updated(state.update_seed(false, |seed| seed.metric_data_v2 = results))
}

async fn add_queue(
    State(state): State<Arc<AppState>>,
    Json(queue): Json<QueueSummary>,
) -> Response {
    updated(state.update_seed(false, |seed| seed.queues.push(queue)))
}

async fn remove_queue(
    State(state): State<Arc<AppState>>,
    Path(queue_id): Path<String>,
) -> Response {
    if state.instance().seed.remove_queue(&queue_id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        control_error(StatusCode::NOT_FOUND, format!("no queue {queue_id}"))
    }
}

async fn put_contact_attributes(
    State(state): State<Arc<AppState>>,
    Path(contact_id): Path<String>,
    Json(attributes): Json<BTreeMap<String, String>>,
) -> StatusCode {
    state
        .instance()
        .seed
        .contact_attributes
        .insert(contact_id, attributes);
    StatusCode::NO_CONTENT
}

async fn delete_contact_attributes(
    State(state): State<Arc<AppState>>,
    Path(contact_id): Path<String>,
) -> StatusCode {
    state.instance().seed.contact_attributes.remove(&contact_id);
    StatusCode::NO_CONTENT
}

async fn faults_applied(State(state): State<Arc<AppState>>) -> Json<BTreeMap<String, u64>> {
    Json(state.faults.applied().into_iter().collect())
}

async fn inject_fault(State(state): State<Arc<AppState>>, Json(fault): Json<Fault>) -> StatusCode {
    state.faults.inject(fault);
    StatusCode::NO_CONTENT
}

async fn clear_faults(State(state): State<Arc<AppState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

async fn requests(State(state): State<Arc<AppState>>) -> Json<Vec<LoggedRequest>> {
    Json(state.requests.entries())
}

async fn clear_requests(State(state): State<Arc<AppState>>) -> StatusCode {
    state.requests.clear();
    StatusCode::NO_CONTENT
}

async fn request_counts(State(state): State<Arc<AppState>>) -> Json<BTreeMap<String, u64>> {
    Json(state.requests.counts())
}
