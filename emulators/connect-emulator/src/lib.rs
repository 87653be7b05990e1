//! A local stand-in for the Amazon Connect APIs the metrics and contact workflows call —
//! ListQueues, ListUsers, GetCurrentMetricData, GetMetricDataV2, GetContactAttributes — speaking the REST-JSON
//! protocol `aws-sdk-connect` uses over real HTTP, with a seed in AWS's own shapes, injectable
//! faults, a request log and a control handle for tests.

pub mod api;
pub mod clock;
pub mod error;
pub mod faults;
pub mod http;
pub mod paging;
pub mod request_log;
pub mod seed;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use api::Operation;
pub use error::ConnectError;
pub use faults::{Fault, FaultKind, FaultSchedule};
pub use request_log::LoggedRequest;
pub use seed::{
    CurrentMetric, CurrentMetricData, CurrentMetricResult, DEFAULT_REGION, Dimensions,
    MetricDataV2, MetricInterval, MetricResultV2, MetricV2, QueueSummary, REALTIME_QUEUE_METRICS,
    ResourceReference, Seed, SeedError, UserSummary,
};

use crate::http::AppState;

/// How long shutdown waits for in-flight calls before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Starts an emulator serving `seed` on `addr` (port 0 picks a free port).
pub async fn start(seed: Seed, addr: SocketAddr) -> anyhow::Result<RunningEmulator> {
    seed.validate()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    let base_url = format!("http://{}", reachable(local));
    let state = Arc::new(AppState::new(seed));
    let app = http::router(Arc::clone(&state));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(error) = result {
            tracing::error!(%error, "connect emulator stopped with an error");
        }
    });
    tracing::info!(%base_url, "connect emulator listening");
    Ok(RunningEmulator {
        base_url,
        state,
        stop: Some(stop),
        server: Some(server),
    })
}

/// Starts an emulator serving `seed` on a free loopback port.
pub async fn start_local(seed: Seed) -> anyhow::Result<RunningEmulator> {
    start(seed, SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0)).await
}

/// An address clients can reach: a wildcard bind is reached through loopback.
fn reachable(local: SocketAddr) -> SocketAddr {
    match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), local.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), local.port())
        }
        _ => local,
    }
}

/// A running emulator. Dropping it stops the server; `shutdown` also waits for it.
pub struct RunningEmulator {
    base_url: String,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// The endpoint URL for the SDK (`aws_config`'s `endpoint_url`, or `AWS_ENDPOINT_URL_CONNECT`).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    pub fn control(&self) -> EmulatorControl {
        EmulatorControl {
            state: Arc::clone(&self.state),
        }
    }

    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut server)
                .await
                .is_err()
        {
            server.abort();
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A cheap handle for tests and tools to steer and inspect a running emulator.
#[derive(Clone)]
pub struct EmulatorControl {
    state: Arc<AppState>,
}

impl EmulatorControl {
    /// The instance as it is now.
    pub fn seed(&self) -> Seed {
        self.state.instance().seed.clone()
    }

    /// Replaces everything; the next GetCurrentMetricData read starts at the first snapshot.
    pub fn replace_seed(&self, seed: Seed) -> Result<(), SeedError> {
        seed.validate()?;
        self.state.instance().replace_seed(seed);
        Ok(())
    }

    /// Changes the seed in place (snapshot position kept); refused, and nothing changed, if the
    /// result is not a valid seed.
    pub fn update_seed(&self, change: impl FnOnce(&mut Seed)) -> Result<(), SeedError> {
        self.state.update_seed(false, change)
    }

    /// One list of real-time results, served on every read from now on.
    pub fn set_current_metrics(&self, results: Vec<CurrentMetricResult>) {
        let _ = self.state.update_seed(true, |seed| {
            seed.current_metrics = results;
            seed.current_metric_snapshots = None;
        });
    }

    /// Successive real-time snapshots; the next read gets the first. Refused when empty.
    pub fn set_current_metric_snapshots(
        &self,
        snapshots: Vec<Vec<CurrentMetricResult>>,
    ) -> Result<(), SeedError> {
        self.state.update_seed(true, |seed| {
            seed.current_metric_snapshots = Some(snapshots);
        })
    }

    /// Adds a queue at the end of ListQueues' order; refused if its id is taken.
    pub fn add_queue(&self, queue: QueueSummary) -> Result<(), SeedError> {
        self.state
            .update_seed(false, |seed| seed.queues.push(queue))
    }

    /// Removes a queue and its real-time results; whether it was there.
    pub fn remove_queue(&self, queue_id: &str) -> bool {
        self.state.instance().seed.remove_queue(queue_id)
    }

    /// The instance's agents, in ListUsers' order; refused if an id appears twice.
    pub fn set_users(&self, users: Vec<UserSummary>) -> Result<(), SeedError> {
        self.state.update_seed(false, |seed| seed.users = users)
    }

    /// Ties "now" of GetMetricDataV2's time rules to another clock (a test's virtual one).
    pub fn follow_clock(
        &self,
        now: impl Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync + 'static,
    ) {
        self.state.clock.set(Some(Arc::new(now)));
    }

    pub fn set_metric_data_v2(&self, results: Vec<MetricResultV2>) {
        self.state.instance().seed.metric_data_v2 = results;
    }

    pub fn set_contact_attributes(
        &self,
        contact_id: impl Into<String>,
        attributes: BTreeMap<String, String>,
    ) {
        self.state
            .instance()
            .seed
            .contact_attributes
            .insert(contact_id.into(), attributes);
    }

    /// GetCurrentMetricData reads started (calls without a NextToken answered) since start.
    pub fn current_metric_reads(&self) -> u64 {
        self.state.instance().reads_started
    }

    pub fn inject_fault(&self, fault: Fault) {
        self.state.faults.inject(fault);
    }

    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// `(label, calls)` per kind of fault applied so far.
    pub fn faults_applied(&self) -> Vec<(String, u64)> {
        self.state.faults.applied()
    }

    /// Every Connect call answered, in order (control calls excluded).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.requests.entries()
    }

    /// Calls per operation name, failed and faulted ones included.
    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.state.requests.counts()
    }

    /// Calls of one operation so far.
    pub fn count(&self, operation: Operation) -> u64 {
        self.request_counts()
            .get(operation.name())
            .copied()
            .unwrap_or(0)
    }

    pub fn clear_requests(&self) {
        self.state.requests.clear();
    }
}
