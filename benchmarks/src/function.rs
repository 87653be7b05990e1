//! An implementation under test: a program started as a process under the local Runtime API
//! with its own environment — the sf-invoke-api binary, or the old Python package behind
//! `awslambdaric` (see `old_package`).

use std::path::{Path, PathBuf};

use crate::{activity::ActivityProcess, runtime_api::RuntimeApi};

pub struct Function {
    /// Its name in reports, JSON and log file names: `sf-invoke-api`, `old-package`.
    pub name: &'static str,
    /// What Lambda would exec: the binary, or the runtime's bootstrap script.
    pub program: PathBuf,
    /// Exactly the variables the process gets (plus `AWS_LAMBDA_RUNTIME_API`).
    pub environment: Vec<(String, String)>,
}

impl Function {
    /// Starts the function under `runtime_api`, its output going to `log`.
    pub fn spawn(&self, runtime_api: &RuntimeApi, log: &Path) -> anyhow::Result<ActivityProcess> {
        ActivityProcess::spawn(
            &self.program,
            &self.environment,
            &runtime_api.address(),
            log,
        )
    }
}
