//! The embedded default a workflow runs on: the Step Functions engine with the chosen clock,
//! the Salesforce emulator (seeded with the demo org) and every activity handler in-process;
//! for a definition whose Tasks call Amazon Connect (the real-time queue metrics), the Connect
//! emulator too, called by the production SDK adapter.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::Arc,
};

use anyhow::Context;
use embedded::{ports::local_ports, task_handlers};
use step_functions_engine::{AcceleratedClock, Clock, Engine, Observer, RealClock, VirtualClock};

use crate::{
    faults::SalesforceFaults,
    local_connect::{EmbeddedConnect, LocalConnect, calls_connect},
    project::{Project, read_json},
    salesforce_target::{Target, connect},
};
use embedded::template_wiring;

/// Which clock Wait states, retries and schedules use.
#[derive(Debug, Clone, Copy)]
pub enum ClockChoice {
    /// Time jumps: a 20-second Wait costs nothing (tests, quick local runs).
    Virtual,
    /// Wall-clock time, `speed` times faster (1 = real time, e.g. 60 for demos).
    Real { speed: f64 },
}

impl ClockChoice {
    pub fn build(self) -> Arc<dyn Clock> {
        match self {
            Self::Virtual => Arc::new(VirtualClock::new()),
            Self::Real { speed } if speed > 1.0 => Arc::new(AcceleratedClock::new(speed)),
            Self::Real { .. } => Arc::new(RealClock),
        }
    }
}

/// The embedded org's records and injected faults.
#[derive(Debug, Clone, Default)]
pub struct EmbeddedOrg {
    /// Records to load instead of the demo org.
    pub seed: Option<PathBuf>,
    pub faults: Option<SalesforceFaults>,
}

/// Where the local S3 (a directory) lives and how the local Transcribe behaves.
#[derive(Debug, Clone, Default)]
pub struct LocalStorage {
    /// A directory standing in for S3 (`<dir>/<bucket>/<key>`); a fresh temporary one,
    /// removed afterwards, when `None`.
    pub directory: Option<PathBuf>,
    /// Status checks before a local transcription job completes (default 2).
    pub transcribe_polls: Option<u32>,
}

pub struct LocalRuntime {
    pub engine: Engine,
    /// The engine's clock (Wait states, retries), for schedules firing on the same time.
    pub clock: Arc<dyn Clock>,
    pub salesforce: Target,
    /// The faults injected into the embedded org (`--salesforce-faults`).
    faults: Option<SalesforceFaults>,
    /// The temporary storage directory to remove at shutdown.
    temporary_storage: Option<PathBuf>,
    /// Where the CTR trigger keeps CTRs passed by reference and quarantined records: the
    /// steps' own store, so a large CTR is read back by the execution it starts.
    pub records: post_call_trigger::RecordStore,
    /// The local Amazon Connect, when the definition's Tasks call it.
    pub connect: Option<LocalConnect>,
    /// The embedded org's API usage once it was started, so a run counts only its own calls.
    salesforce_usage_at_start: u64,
}

/// The API calls made since the runtime started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCalls {
    /// Requests the embedded org counted against its daily allowance (the OAuth token request
    /// and faulted requests are not counted, as Salesforce does not count them); `None` for a
    /// real org, whose usage other clients share.
    pub salesforce: Option<u64>,
    /// Requests the Connect emulator served (failed ones included), by operation; empty when it
    /// was not started.
    pub connect: std::collections::BTreeMap<String, u64>,
}

impl ApiCalls {
    /// The calls made after `earlier` was taken (one firing of a runtime that serves several).
    pub fn since(&self, earlier: &ApiCalls) -> ApiCalls {
        ApiCalls {
            salesforce: self
                .salesforce
                .map(|calls| calls.saturating_sub(earlier.salesforce.unwrap_or_default())),
            connect: self
                .connect
                .iter()
                .map(|(operation, calls)| {
                    let before = earlier.connect.get(operation).copied().unwrap_or_default();
                    (operation.clone(), calls.saturating_sub(before))
                })
                .filter(|(_, calls)| *calls > 0)
                .collect(),
        }
    }

    pub fn connect_total(&self) -> u64 {
        self.connect.values().sum()
    }

    /// `{"salesforceApiCalls", "connectApiCalls"}` for `--json`.
    pub fn json_fields(&self) -> [(&'static str, serde_json::Value); 2] {
        [
            ("salesforceApiCalls", serde_json::json!(self.salesforce)),
            ("connectApiCalls", serde_json::json!(self.connect_total())),
        ]
    }

    /// One line for a person.
    pub fn line(&self) -> String {
        let salesforce = match self.salesforce {
            Some(calls) => calls.to_string(),
            None => "not counted (a real org)".to_string(),
        };
        let connect = if self.connect.is_empty() {
            "0".to_string()
        } else {
            let operations: Vec<String> = self
                .connect
                .iter()
                .map(|(operation, calls)| format!("{operation} {calls}"))
                .collect();
            format!("{} ({})", self.connect_total(), operations.join(", "))
        };
        format!("API calls: Salesforce {salesforce}, Amazon Connect {connect}")
    }
}

impl LocalRuntime {
    /// One runtime for the workflow files `definitions` (several, as one deployed stack is: one
    /// org, one storage directory, one Connect instance). Each file's substitutions come from
    /// the template's state machine whose definition file it is (none for a file the template
    /// does not deploy, e.g. an ad-hoc definition); a placeholder is one step's name everywhere,
    /// so two definitions never give one different values.
    pub async fn start(
        project: &Project,
        definitions: &[&Path],
        clock: ClockChoice,
        org: &EmbeddedOrg,
        amazon_connect: &EmbeddedConnect,
        storage: &LocalStorage,
        observer: Option<Observer>,
    ) -> anyhow::Result<Self> {
        let shown = definitions
            .iter()
            .map(|definition| definition.display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let mut substitutions = HashMap::new();
        let mut needs_connect = false;
        for definition in definitions {
            let own = substitutions_for(project, definition)?;
            needs_connect |= calls_connect(&read_json(definition)?, &own);
            for (placeholder, value) in own {
                if let Some(other) = substitutions.get(&placeholder)
                    && other != &value
                {
                    anyhow::bail!(
                        "template.yaml gives ${{{placeholder}}} two values ({other} and {value}) \
                         in the state machines of {}",
                        shown
                    );
                }
                substitutions.insert(placeholder, value);
            }
        }
        if amazon_connect.seed.is_some() && !needs_connect {
            eprintln!(
                "connect-sf: --connect-seed is not used: {} calls no Amazon Connect Task",
                shown
            );
        }
        let (salesforce, client) = connect(org.seed.as_deref(), None, org.faults.as_ref()).await?;
        let client = Arc::new(client);
        let (directory, temporary_storage) = match &storage.directory {
            Some(directory) => (directory.clone(), None),
            None => {
                let directory = std::env::temp_dir().join(format!(
                    "connect-sf-{}-{}",
                    std::process::id(),
                    chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
                ));
                (directory.clone(), Some(directory))
            }
        };
        std::fs::create_dir_all(&directory)
            .with_context(|| format!("cannot create {}", directory.display()))?;
        let ports = local_ports(client, &directory, storage.transcribe_polls.unwrap_or(2));
        let records = embedded::post_call_runner::local_records(ports.store.clone());
        let clock = clock.build();
        let mut builder = Engine::builder()
            .clock(clock.clone())
            .substitutions(substitutions);
        for (name, handler) in task_handlers::handlers(&ports) {
            builder = builder.handler(name, handler);
        }
        let connect = if needs_connect {
            let local = LocalConnect::start(
                amazon_connect,
                ports.salesforce.clone(),
                ports.store.clone(),
            )
            .await?;
            for (name, handler) in &local.handlers {
                builder = builder.handler(name.clone(), handler.clone());
            }
            Some(local)
        } else {
            None
        };
        if let Some(observer) = observer {
            builder = builder.observer(observer);
        }
        let salesforce_usage_at_start = match &salesforce {
            Target::Embedded(emulator) => emulator.control().api_usage().0,
            Target::RealOrg => 0,
        };
        Ok(Self {
            engine: builder.build(),
            clock,
            salesforce,
            faults: org.faults.clone(),
            temporary_storage,
            records,
            connect,
            salesforce_usage_at_start,
        })
    }

    /// The API calls made since the runtime started.
    pub fn api_calls(&self) -> ApiCalls {
        ApiCalls {
            salesforce: match &self.salesforce {
                Target::Embedded(emulator) => Some(
                    emulator
                        .control()
                        .api_usage()
                        .0
                        .saturating_sub(self.salesforce_usage_at_start),
                ),
                Target::RealOrg => None,
            },
            connect: self
                .connect
                .as_ref()
                .map(LocalConnect::request_counts)
                .unwrap_or_default(),
        }
    }

    /// What the injected faults did, when `--salesforce-faults` was given.
    pub fn fault_summary(&self) -> Option<String> {
        self.salesforce.fault_summary(self.faults.as_ref())
    }

    /// Writes every record of the embedded org to `path` (usable as `--seed`).
    pub fn dump_salesforce(&self, path: &Path) -> anyhow::Result<()> {
        match &self.salesforce {
            Target::Embedded(emulator) => {
                let dump = serde_json::to_string_pretty(&emulator.control().dump())?;
                std::fs::write(path, dump + "\n")
                    .with_context(|| format!("cannot write {}", path.display()))
            }
            Target::RealOrg => anyhow::bail!("--salesforce-dump only applies to the embedded org"),
        }
    }

    pub async fn shutdown(self) {
        if let Target::Embedded(emulator) = self.salesforce {
            emulator.shutdown().await;
        }
        if let Some(connect) = self.connect {
            connect.emulator.shutdown().await;
        }
        if let Some(directory) = self.temporary_storage {
            let _ = std::fs::remove_dir_all(directory);
        }
    }
}

fn substitutions_for(
    project: &Project,
    definition: &Path,
) -> anyhow::Result<HashMap<String, String>> {
    let Some(file_name) = definition.file_name() else {
        return Ok(HashMap::new());
    };
    Ok(
        template_wiring::substitutions_for(&project.template(), &file_name.to_string_lossy())?
            .unwrap_or_default(),
    )
}
