//! Where the project's deployable files are: `statemachines/`, `schedules/`, `template.yaml`.
//!
//! Commands run from anywhere inside a clone: the nearest ancestor of the current directory
//! holding `template.yaml` and `statemachines/` is the project; failing that, the clone this
//! binary was built from.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

pub struct Project {
    root: PathBuf,
}

impl Project {
    pub fn locate() -> anyhow::Result<Self> {
        let current = std::env::current_dir().context("cannot read the current directory")?;
        let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        current
            .ancestors()
            .map(Path::to_path_buf)
            .chain(std::iter::once(built_from))
            .find(|dir| dir.join("template.yaml").is_file() && dir.join("statemachines").is_dir())
            .map(|root| Self { root })
            .context("no project found: run connect-sf inside the repository (template.yaml and statemachines/)")
    }

    pub fn statemachines_dir(&self) -> PathBuf {
        self.root.join("statemachines")
    }

    pub fn activities_dir(&self) -> PathBuf {
        self.root.join("activities")
    }

    pub fn schedules_dir(&self) -> PathBuf {
        self.root.join("schedules")
    }

    pub fn template(&self) -> PathBuf {
        self.root.join("template.yaml")
    }

    /// Every `statemachines/*.asl.json`, sorted, with its workflow name.
    pub fn workflows(&self) -> anyhow::Result<Vec<(String, PathBuf)>> {
        let dir = self.statemachines_dir();
        let mut workflows: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
            .with_context(|| format!("cannot list {}", dir.display()))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter_map(|path| {
                let name = path
                    .file_name()?
                    .to_str()?
                    .strip_suffix(".asl.json")?
                    .to_string();
                Some((name, path))
            })
            .collect();
        workflows.sort();
        Ok(workflows)
    }

    /// A workflow name (`post-call`) or a path to an `.asl.json` file.
    pub fn resolve_workflow(&self, name_or_path: &str) -> anyhow::Result<(String, PathBuf)> {
        let as_path = Path::new(name_or_path);
        if as_path.is_file() {
            let name = as_path
                .file_name()
                .and_then(|name| name.to_str())
                .map(|name| name.trim_end_matches(".json").trim_end_matches(".asl"))
                .unwrap_or("StateMachine")
                .to_string();
            return Ok((name, as_path.to_path_buf()));
        }
        if name_or_path.ends_with(".json") || name_or_path.contains('/') {
            bail!("no such file: {name_or_path}");
        }
        let workflows = self.workflows()?;
        if let Some(found) = workflows.iter().find(|(name, _)| name == name_or_path) {
            return Ok(found.clone());
        }
        let known: Vec<&str> = workflows.iter().map(|(name, _)| name.as_str()).collect();
        bail!(
            "unknown workflow '{name_or_path}': known workflows are {} (or give a path to an .asl.json file)",
            if known.is_empty() {
                "none yet".to_string()
            } else {
                known.join(", ")
            }
        )
    }
}

/// Reads a JSON file, naming the file in every error.
pub fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}
