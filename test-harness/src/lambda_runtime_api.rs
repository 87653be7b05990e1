//! A minimal local Lambda Runtime API: just enough of
//! <https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html> for an unmodified
//! `lambda_runtime` binary to run against it, with every hand-over timestamped.
//!
//! Events are queued one at a time; `GET .../invocation/next` blocks until one is queued, exactly
//! as Lambda keeps a warm sandbox frozen in `next` between invocations. The moment the event is
//! handed out and the moment the response (or error) arrives are both taken here, inside the
//! harness, so warm latency excludes our own queueing and includes everything the function
//! does: decoding, the Salesforce call(s) and posting the result.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use anyhow::Context;
use axum::{
    Router,
    body::Bytes,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use tokio::sync::{mpsc, oneshot, watch};

/// Connect gives a Lambda at most 8 seconds; the deadline header says the same to the function.
pub const INVOCATION_DEADLINE: Duration = Duration::from_secs(8);

const FUNCTION_ARN: &str = "arn:aws:lambda:us-west-2:123456789012:function:sfInvokeAPI";

/// How an invocation ended, as the function reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    /// `POST /runtime/invocation/{id}/response`
    Response,
    /// `POST /runtime/invocation/{id}/error`
    Error,
}

/// One finished invocation.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// When `next` returned this event to the function.
    pub handed_out: Instant,
    /// When the function's response or error had been received in full.
    pub completed: Instant,
    pub completion: Completion,
    pub body: String,
}

impl Outcome {
    /// Warm latency: event handed out → result received.
    pub fn latency(&self) -> Duration {
        self.completed.saturating_duration_since(self.handed_out)
    }
}

/// An event waiting in the queue or being processed; resolves when the function answers.
#[derive(Debug)]
pub struct PendingInvocation {
    request_id: String,
    reply: oneshot::Receiver<Outcome>,
}

impl PendingInvocation {
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Waits for the function's response or error, for as long as the caller lets it (callers
    /// race this against the process exiting and a timeout).
    pub async fn outcome(self) -> anyhow::Result<Outcome> {
        self.reply
            .await
            .context("the runtime API stopped before the invocation finished")
    }
}

struct Queued {
    request_id: String,
    event: serde_json::Value,
    reply: oneshot::Sender<Outcome>,
}

struct InFlight {
    handed_out: Instant,
    reply: oneshot::Sender<Outcome>,
}

struct Shared {
    queue_tx: mpsc::UnboundedSender<Queued>,
    // Behind an async mutex so a `next` call can wait on the receiver; the runtime only ever
    // has one `next` outstanding, so there is no contention in practice.
    queue_rx: tokio::sync::Mutex<mpsc::UnboundedReceiver<Queued>>,
    in_flight: Mutex<HashMap<String, InFlight>>,
    first_next: OnceLock<Instant>,
    init_error: OnceLock<String>,
    next_request: AtomicU64,
    closed: watch::Sender<bool>,
}

/// A running local Runtime API; dropping it unblocks any waiting `next` and stops the server.
pub struct RuntimeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl RuntimeApi {
    /// Serves on a free loopback port.
    pub async fn start() -> anyhow::Result<RuntimeApi> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .context("cannot bind the local Lambda Runtime API to a loopback port")?;
        let addr = listener.local_addr()?;
        let (queue_tx, queue_rx) = mpsc::unbounded_channel();
        let (closed, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            queue_tx,
            queue_rx: tokio::sync::Mutex::new(queue_rx),
            in_flight: Mutex::new(HashMap::new()),
            first_next: OnceLock::new(),
            init_error: OnceLock::new(),
            next_request: AtomicU64::new(1),
            closed,
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{request_id}/response",
                post(response),
            )
            .route(
                "/2018-06-01/runtime/invocation/{request_id}/error",
                post(error),
            )
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(Arc::clone(&shared));
        let shutdown = closed_signal(shared.closed.subscribe());
        tokio::spawn(async move {
            // A serve error only ends this benchmark's runtime API; invocations then time out
            // with a message naming the function's log.
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Ok(RuntimeApi { addr, shared })
    }

    /// The value for `AWS_LAMBDA_RUNTIME_API` (`host:port`, no scheme).
    pub fn address(&self) -> String {
        self.addr.to_string()
    }

    /// Queues an event for the next `next` call.
    pub fn queue(&self, event: serde_json::Value) -> PendingInvocation {
        let n = self.shared.next_request.fetch_add(1, Ordering::Relaxed);
        let request_id = format!("{:08x}-6265-4e63-8000-{n:012x}", std::process::id());
        let (reply_tx, reply) = oneshot::channel();
        // The receiver lives in `shared`, which outlives this call: sending cannot fail.
        let _ = self.shared.queue_tx.send(Queued {
            request_id: request_id.clone(),
            event,
            reply: reply_tx,
        });
        PendingInvocation { request_id, reply }
    }

    /// When the function first asked for an event, i.e. finished its init phase.
    pub fn first_next(&self) -> Option<Instant> {
        self.shared.first_next.get().copied()
    }

    /// The body of `POST /runtime/init/error`, if the function reported one.
    pub fn init_error(&self) -> Option<String> {
        self.shared.init_error.get().cloned()
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.shared.closed.send_replace(true);
    }
}

/// Resolves once the runtime API is closed (also when every sender is gone).
async fn closed_signal(mut closed: watch::Receiver<bool>) {
    let _ = closed.wait_for(|closed| *closed).await;
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    let _ = shared.first_next.set(Instant::now());
    let queued = {
        let mut queue = shared.queue_rx.lock().await;
        tokio::select! {
            queued = queue.recv() => queued,
            () = closed_signal(shared.closed.subscribe()) => None,
        }
    };
    let Some(queued) = queued else {
        return (StatusCode::GONE, "the benchmark's runtime API is closing").into_response();
    };
    let deadline_ms = epoch_ms(SystemTime::now() + INVOCATION_DEADLINE);
    let body = queued.event.to_string();
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (
            header::HeaderName::from_static("lambda-runtime-aws-request-id"),
            header_value(&queued.request_id),
        ),
        (
            header::HeaderName::from_static("lambda-runtime-deadline-ms"),
            header_value(&deadline_ms.to_string()),
        ),
        (
            header::HeaderName::from_static("lambda-runtime-invoked-function-arn"),
            HeaderValue::from_static(FUNCTION_ARN),
        ),
        (
            header::HeaderName::from_static("lambda-runtime-trace-id"),
            HeaderValue::from_static(
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
            ),
        ),
    ];
    // Taken last so the clock starts when the event leaves the harness, not when it was queued.
    let handed_out = Instant::now();
    lock(&shared.in_flight).insert(
        queued.request_id,
        InFlight {
            handed_out,
            reply: queued.reply,
        },
    );
    (headers, body).into_response()
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(request_id): Path<String>,
    body: Bytes,
) -> StatusCode {
    complete(&shared, &request_id, Completion::Response, &body)
}

async fn error(
    State(shared): State<Arc<Shared>>,
    Path(request_id): Path<String>,
    body: Bytes,
) -> StatusCode {
    complete(&shared, &request_id, Completion::Error, &body)
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    let _ = shared
        .init_error
        .set(String::from_utf8_lossy(&body).into_owned());
    StatusCode::ACCEPTED
}

fn complete(shared: &Shared, request_id: &str, completion: Completion, body: &[u8]) -> StatusCode {
    let completed = Instant::now();
    let Some(in_flight) = lock(&shared.in_flight).remove(request_id) else {
        // Lambda answers an unknown or already answered request id the same way.
        return StatusCode::BAD_REQUEST;
    };
    // The waiter may have given up (timeout); the function still gets its 202.
    let _ = in_flight.reply.send(Outcome {
        handed_out: in_flight.handed_out,
        completed,
        completion,
        body: String::from_utf8_lossy(body).into_owned(),
    });
    StatusCode::ACCEPTED
}

fn epoch_ms(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH)
        .map(|since| since.as_millis())
        .unwrap_or_default()
}

fn header_value(value: &str) -> HeaderValue {
    // Request ids and numbers are ASCII; fall back to an empty value rather than panic.
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A panic in one handler must not wedge every later invocation.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays the function's side of the protocol once: next, then response or error.
    async fn fake_function_once(
        base: &str,
        fail: bool,
    ) -> anyhow::Result<reqwest::header::HeaderMap> {
        let http = reqwest::Client::new();
        let next = http
            .get(format!("{base}/2018-06-01/runtime/invocation/next"))
            .send()
            .await?;
        let headers = next.headers().clone();
        let event: serde_json::Value = next.json().await?;
        let request_id = headers
            .get("lambda-runtime-aws-request-id")
            .context("no request id")?
            .to_str()?
            .to_owned();
        let (path, body) = if fail {
            (
                "error",
                serde_json::json!({"errorType": "Boom", "errorMessage": "no"}),
            )
        } else {
            ("response", serde_json::json!({"echo": event}))
        };
        let status = http
            .post(format!(
                "{base}/2018-06-01/runtime/invocation/{request_id}/{path}"
            ))
            .json(&body)
            .send()
            .await?
            .status();
        anyhow::ensure!(status == reqwest::StatusCode::ACCEPTED, "got {status}");
        Ok(headers)
    }

    #[tokio::test]
    async fn hands_out_the_event_with_lambda_headers_and_records_the_response() -> anyhow::Result<()>
    {
        let api = RuntimeApi::start().await?;
        let base = format!("http://{}", api.address());
        let pending = api.queue(serde_json::json!({"Name": "ContactFlowEvent"}));
        let request_id = pending.request_id().to_owned();

        let headers = fake_function_once(&base, false).await?;
        let outcome = pending.outcome().await?;

        assert_eq!(outcome.completion, Completion::Response);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&outcome.body)?,
            serde_json::json!({"echo": {"Name": "ContactFlowEvent"}})
        );
        assert!(outcome.completed >= outcome.handed_out);
        assert!(api.first_next().is_some());
        assert_eq!(
            headers["lambda-runtime-aws-request-id"],
            request_id.as_str()
        );
        assert_eq!(headers["lambda-runtime-invoked-function-arn"], FUNCTION_ARN);
        assert!(headers.contains_key("lambda-runtime-trace-id"));
        let deadline: u128 = headers["lambda-runtime-deadline-ms"].to_str()?.parse()?;
        let now = epoch_ms(SystemTime::now());
        assert!(deadline > now + 7_000 && deadline <= now + 8_000);
        Ok(())
    }

    #[tokio::test]
    async fn next_blocks_until_an_event_is_queued_and_errors_are_reported() -> anyhow::Result<()> {
        let api = RuntimeApi::start().await?;
        let base = format!("http://{}", api.address());
        let function = tokio::spawn(async move { fake_function_once(&base, true).await });

        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            api.first_next().is_some(),
            "the function should be waiting in next"
        );
        assert!(
            !function.is_finished(),
            "next must block while the queue is empty"
        );

        let outcome = api.queue(serde_json::json!({})).outcome().await?;
        function.await??;
        assert_eq!(outcome.completion, Completion::Error);
        assert!(outcome.body.contains("Boom"));
        Ok(())
    }

    #[tokio::test]
    async fn unknown_request_ids_are_rejected_and_init_errors_kept() -> anyhow::Result<()> {
        let api = RuntimeApi::start().await?;
        let base = format!("http://{}", api.address());
        let http = reqwest::Client::new();
        let status = http
            .post(format!(
                "{base}/2018-06-01/runtime/invocation/nope/response"
            ))
            .body("{}")
            .send()
            .await?
            .status();
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
        http.post(format!("{base}/2018-06-01/runtime/init/error"))
            .body(r#"{"errorType":"Config"}"#)
            .send()
            .await?;
        assert_eq!(
            api.init_error().as_deref(),
            Some(r#"{"errorType":"Config"}"#)
        );
        Ok(())
    }
}
