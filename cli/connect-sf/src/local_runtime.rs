//! The embedded default a workflow runs on: the Step Functions engine with the chosen clock,
//! the Salesforce emulator (seeded with the demo org) and every activity handler in-process.

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
    project::Project,
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
    pub salesforce: Target,
    /// The faults injected into the embedded org (`--salesforce-faults`).
    faults: Option<SalesforceFaults>,
    /// The temporary storage directory to remove at shutdown.
    temporary_storage: Option<PathBuf>,
    /// Where the CTR trigger keeps CTRs passed by reference and quarantined records: the
    /// steps' own store, so a large CTR is read back by the execution it starts.
    pub records: post_call_trigger::RecordStore,
}

impl LocalRuntime {
    /// `definition` is the workflow file; its substitutions come from the template's state
    /// machine whose `DefinitionUri` names that file (none for a file the template does not
    /// deploy, e.g. an ad-hoc definition).
    pub async fn start(
        project: &Project,
        definition: &Path,
        clock: ClockChoice,
        org: &EmbeddedOrg,
        storage: &LocalStorage,
        observer: Option<Observer>,
    ) -> anyhow::Result<Self> {
        let substitutions = substitutions_for(project, definition)?;
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
        let mut builder = Engine::builder()
            .clock(clock.build())
            .substitutions(substitutions);
        for (name, handler) in task_handlers::handlers(&ports) {
            builder = builder.handler(name, handler);
        }
        if let Some(observer) = observer {
            builder = builder.observer(observer);
        }
        Ok(Self {
            engine: builder.build(),
            salesforce,
            faults: org.faults.clone(),
            temporary_storage,
            records,
        })
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
    let wiring = template_wiring::read(&project.template())?;
    Ok(wiring
        .into_iter()
        .find(|machine| Path::new(&machine.definition_uri).file_name() == Some(file_name))
        .map(|machine| machine.substitutions.into_iter().collect())
        .unwrap_or_default())
}
