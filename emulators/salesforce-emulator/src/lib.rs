//! A local stand-in for a Salesforce org with the Amazon Connect CTI adapter installed:
//! the OAuth token endpoint and the REST API our client uses, over real HTTP, with
//! injectable faults and a control handle for tests.

pub mod data_error;
pub mod ids;
pub mod schema;
pub mod soql;
pub mod sosl;
pub mod store;

pub mod auth;
pub mod chatter;
pub mod config;
pub mod faults;
pub mod http;
pub mod limits;
pub mod org_options;
pub mod request_log;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::Context as _;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{ConnectedApp, EmulatorConfig, EmulatorUser, demo};
pub use faults::{Fault, FaultKind, FaultSchedule};
pub use org_options::OrgOptions;
pub use request_log::LoggedRequest;

use crate::http::state::AppState;
use crate::schema::OrgSchema;
use crate::store::OrgData;

/// How long shutdown waits for in-flight requests before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Starts an emulator on `addr` (port 0 picks a free port) and serves until shut down.
pub async fn start(config: EmulatorConfig, addr: SocketAddr) -> anyhow::Result<RunningEmulator> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    let base_url = format!("http://{}", reachable(local));

    let mut org = OrgData::new(OrgSchema::cti_org(
        config.namespace.as_deref(),
        config.with_region,
    ));
    if let Some(seed) = &config.seed {
        org.load_dump(seed)
            .map_err(|error| anyhow::anyhow!("loading the seed data: {}", error.message()))?;
    }
    let state = Arc::new(AppState::new(&config, org, base_url.clone()));
    state.persist();

    let app = http::router(Arc::clone(&state));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(error) = result {
            tracing::error!(%error, "emulator server stopped with an error");
        }
    });
    tracing::info!(%base_url, "salesforce emulator listening");
    Ok(RunningEmulator {
        base_url,
        state,
        stop: Some(stop),
        server: Some(server),
    })
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

/// A running emulator. Dropping it stops the server; `shutdown` also waits and writes the dump file.
pub struct RunningEmulator {
    base_url: String,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// Serves both the login host (`/services/oauth2/token`) and the instance (`/services/data`).
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
        self.state.persist();
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
    pub fn inject_fault(&self, fault: Fault) {
        self.state.faults.inject(fault);
    }

    /// `(label, requests)` per kind of fault applied so far (see `FaultInjector::applied`).
    pub fn faults_applied(&self) -> Vec<(String, u64)> {
        self.state.faults.applied()
    }

    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Every issued token becomes invalid: the next call gets 401 INVALID_SESSION_ID.
    pub fn expire_sessions(&self) {
        self.state.sessions.expire_all();
    }

    /// Every record, in the same shape `load` takes.
    pub fn dump(&self) -> serde_json::Value {
        self.state.org().dump()
    }

    /// Loads records (`{"Contact": [...], ...}`) and returns how many were loaded.
    pub fn load(&self, seed: &serde_json::Value) -> anyhow::Result<usize> {
        let loaded = self
            .state
            .org()
            .load_dump(seed)
            .map_err(|error| anyhow::anyhow!("loading records: {}", error.message()))?;
        self.state.persist();
        Ok(loaded)
    }

    /// Every request except control calls, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.requests.entries()
    }

    pub fn clear_requests(&self) {
        self.state.requests.clear();
    }

    /// `(used, max)` of the daily API allowance.
    pub fn api_usage(&self) -> (u64, u64) {
        let usage = self.state.usage.current();
        (usage.used, usage.max)
    }

    /// Sets the calls already counted today, e.g. an org near its daily allowance.
    pub fn set_api_usage(&self, used: u64) {
        self.state.usage.set_used(used);
    }

    /// Successful token grants so far.
    pub fn tokens_issued(&self) -> u64 {
        self.state.tokens_issued.load(Ordering::SeqCst)
    }

    pub fn set_query_batch_size(&self, n: usize) {
        self.state.set_query_batch_size(n);
    }
}
