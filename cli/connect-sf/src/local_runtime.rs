//! The embedded default a workflow runs on: the Step Functions engine with the chosen clock,
//! the Salesforce emulator (seeded with the demo org) and every activity handler in-process.

use std::{collections::HashMap, path::Path, sync::Arc};

use anyhow::Context;
use step_functions_engine::{AcceleratedClock, Clock, Engine, Observer, RealClock, VirtualClock};

use crate::{
    activity_handlers,
    project::Project,
    salesforce_target::{Target, connect},
    template_wiring,
};

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

pub struct LocalRuntime {
    pub engine: Engine,
    pub salesforce: Target,
}

impl LocalRuntime {
    /// `definition` is the workflow file; its substitutions come from the template's state
    /// machine whose `DefinitionUri` names that file (none for a file the template does not
    /// deploy, e.g. an ad-hoc definition).
    pub async fn start(
        project: &Project,
        definition: &Path,
        clock: ClockChoice,
        seed: Option<&Path>,
        observer: Option<Observer>,
    ) -> anyhow::Result<Self> {
        let substitutions = substitutions_for(project, definition)?;
        let (salesforce, client) = connect(seed, None).await?;
        let mut builder = Engine::builder()
            .clock(clock.build())
            .substitutions(substitutions);
        for (name, handler) in activity_handlers::all(Arc::new(client)) {
            builder = builder.handler(name, handler);
        }
        if let Some(observer) = observer {
            builder = builder.observer(observer);
        }
        Ok(Self {
            engine: builder.build(),
            salesforce,
        })
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
