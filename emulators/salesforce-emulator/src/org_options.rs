//! The command-line options that choose which org to emulate, shared by the
//! `salesforce-emulator` binary and `connect-sf sandbox`.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::{EmulatorConfig, demo};

#[derive(Debug, Clone, clap::Args)]
pub struct OrgOptions {
    /// Records to load instead of the demo org (`{"Contact": [...], ...}`).
    #[arg(long, conflicts_with = "no_seed")]
    pub seed: Option<PathBuf>,
    /// Start with an empty org.
    #[arg(long)]
    pub no_seed: bool,
    /// CTI adapter namespace prefix; `-` for none.
    #[arg(long, default_value = "amazonconnect")]
    pub namespace: String,
    /// Give the CTI objects a Region__c field.
    #[arg(long)]
    pub with_region: bool,
    /// Write every record here as JSON after each write and at shutdown.
    #[arg(long)]
    pub dump_file: Option<PathBuf>,
}

impl OrgOptions {
    /// The emulator configuration these options describe (the seed file read now).
    pub fn config(&self) -> anyhow::Result<EmulatorConfig> {
        let seed =
            match (&self.seed, self.no_seed) {
                (_, true) => None,
                (Some(path), false) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read seed file {}", path.display()))?;
                    Some(serde_json::from_str(&text).with_context(|| {
                        format!("seed file {} is not valid JSON", path.display())
                    })?)
                }
                (None, false) => Some(demo::seed_data()),
            };
        let namespace = match self.namespace.trim() {
            "" | "-" => None,
            prefix => Some(prefix.to_owned()),
        };
        Ok(EmulatorConfig {
            namespace,
            with_region: self.with_region,
            seed,
            dump_file: self.dump_file.clone(),
            ..EmulatorConfig::default()
        })
    }
}
