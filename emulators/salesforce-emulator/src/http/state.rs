//! The state one running emulator shares between its handlers and its control handle.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::auth::Sessions;
use crate::config::{ConnectedApp, EmulatorConfig, EmulatorUser};
use crate::faults::FaultInjector;
use crate::http::query::QueryCursors;
use crate::limits::ApiUsage;
use crate::request_log::RequestLog;
use crate::store::OrgData;

/// Shared by every request of one emulator. The org lock is never held across an await.
pub struct AppState {
    pub org: Mutex<OrgData>,
    pub sessions: Sessions,
    pub users: Vec<EmulatorUser>,
    pub connected_app: ConnectedApp,
    /// `http://host:port`, both the login host and the instance URL.
    pub base_url: String,
    pub usage: ApiUsage,
    pub faults: FaultInjector,
    pub requests: RequestLog,
    pub cursors: QueryCursors,
    pub tokens_issued: AtomicU64,
    query_batch_size: AtomicUsize,
    dump_file: Option<DumpFile>,
}

impl AppState {
    pub fn new(config: &EmulatorConfig, org: OrgData, base_url: String) -> Self {
        Self {
            org: Mutex::new(org),
            sessions: Sessions::new(config.token_lifetime),
            users: config.users.clone(),
            connected_app: config.connected_app.clone(),
            base_url,
            usage: ApiUsage::new(config.daily_api_limit),
            faults: FaultInjector::default(),
            requests: RequestLog::default(),
            cursors: QueryCursors::default(),
            tokens_issued: AtomicU64::new(0),
            query_batch_size: AtomicUsize::new(config.query_batch_size.max(1)),
            dump_file: config.dump_file.clone().map(|path| DumpFile {
                path,
                write_lock: Mutex::new(()),
            }),
        }
    }

    /// A poisoned lock only means an earlier handler panicked; the org data is still usable.
    pub fn org(&self) -> MutexGuard<'_, OrgData> {
        self.org
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn query_batch_size(&self) -> usize {
        self.query_batch_size.load(Ordering::SeqCst)
    }

    pub fn set_query_batch_size(&self, size: usize) {
        self.query_batch_size.store(size.max(1), Ordering::SeqCst);
    }

    /// Writes the dump file, if one is configured, after a successful write.
    pub fn persist(&self) {
        let Some(dump_file) = &self.dump_file else {
            return;
        };
        // The write lock orders dumps so an older snapshot never replaces a newer one.
        let _ordered = dump_file
            .write_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let snapshot = self.org().dump();
        if let Err(error) = write_atomically(&dump_file.path, &snapshot) {
            tracing::warn!(path = %dump_file.path.display(), %error, "could not write the dump file");
        }
    }
}

struct DumpFile {
    path: PathBuf,
    write_lock: Mutex<()>,
}

/// Readers of the dump file never see it half written: write beside it, then rename.
fn write_atomically(path: &std::path::Path, snapshot: &serde_json::Value) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(snapshot).map_err(std::io::Error::other)?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, path)
}
