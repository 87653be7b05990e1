//! The old Python package's sfInvokeAPI (amazon-connect/amazon-connect-salesforce-lambda,
//! `sam-app/lambda_functions`) as a real Python Lambda process: PyPI's `awslambdaric` runs
//! `sfInvokeAPI.lambda_handler` against the same local Runtime API, emulator org and moto
//! secret as the new binary. Its source is the user's checkout (never part of this
//! repository); the interpreter is a venv with `awslambdaric` and the package's own
//! dependencies (`scripts/bench --old-package DIR` builds it from
//! `benchmarks/old-package-requirements.txt`).

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, bail, ensure};

use crate::{environment::BenchEnvironment, function::Function};

/// The handler the old template configures (`Handler: sfInvokeAPI.lambda_handler`).
const HANDLER: &str = "sfInvokeAPI.lambda_handler";

/// The modules sfInvokeAPI imports from its own folder.
const SOURCES: &[&str] = &[
    "sfInvokeAPI.py",
    "salesforce.py",
    "sf_util.py",
    "log_util.py",
];

/// What was run, for the report.
pub struct OldPackage {
    pub dir: PathBuf,
    /// `Python 3.12.1; awslambdaric 4.2.2, boto3 …`
    pub versions: String,
}

/// The old function, ready to spawn: a bootstrap script in the log folder (as Lambda's own
/// `/var/runtime/bootstrap` is a shell script that execs Python) and the environment the old
/// template gives it.
pub fn function(
    dir: &Path,
    python: &Path,
    environment: &BenchEnvironment,
) -> anyhow::Result<(Function, OldPackage)> {
    let dir = dir
        .canonicalize()
        .with_context(|| format!("--old-package {}: no such folder", dir.display()))?;
    for source in SOURCES {
        ensure!(
            dir.join(source).is_file(),
            "--old-package {}: no {source}; give the old package's sam-app/lambda_functions \
             folder (see benchmarks/README.md)",
            dir.display()
        );
    }
    // Absolute, but not canonical: a venv's python is a symlink that must stay one.
    let python = std::path::absolute(python)
        .with_context(|| format!("--old-package-python {}", python.display()))?;
    let versions = interpreter_versions(&python)?;
    let bootstrap = environment.log_dir.join("old-package-bootstrap");
    std::fs::write(
        &bootstrap,
        format!(
            "#!/bin/sh\nexec '{}' -m awslambdaric {HANDLER}\n",
            python.display()
        ),
    )
    .with_context(|| format!("cannot write {}", bootstrap.display()))?;
    std::fs::set_permissions(&bootstrap, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", bootstrap.display()))?;

    let task_root = dir.display().to_string();
    let mut variables = environment.activity_environment();
    variables.extend(
        [
            // Read at import (a KeyError without it); the template's default.
            ("SF_ADAPTER_NAMESPACE", "amazonconnect"),
            ("LOGGING_LEVEL", "INFO"),
            // What Lambda's python3.12 runtime sets.
            ("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12"),
            ("LAMBDA_TASK_ROOT", task_root.as_str()),
            ("_HANDLER", HANDLER),
            ("PYTHONPATH", task_root.as_str()),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
            ("LANG", "en_US.UTF-8"),
            // /var/task is read-only on Lambda: the function's modules compile at every cold
            // start (the venv's libraries are compiled at install, like a pip-built layer).
            // This also keeps the benchmark from writing into the user's checkout.
            ("PYTHONDONTWRITEBYTECODE", "1"),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned())),
    );
    Ok((
        Function {
            name: "old-package",
            program: bootstrap,
            environment: variables,
        },
        OldPackage { dir, versions },
    ))
}

/// The interpreter's version and the packages the old function needs, failing early (with the
/// way to build the venv) when one is missing.
fn interpreter_versions(python: &Path) -> anyhow::Result<String> {
    let script = "import sys, importlib.metadata as m\n\
                  names = ['awslambdaric', 'boto3', 'requests', 'phonenumbers']\n\
                  print('Python ' + sys.version.split()[0] + '; ' + \
                  ', '.join(n + ' ' + m.version(n) for n in names))";
    let output = Command::new(python)
        .args(["-c", script])
        .output()
        .with_context(|| {
            format!(
                "cannot run {}: build the venv with `scripts/bench --old-package DIR`",
                python.display()
            )
        })?;
    if !output.status.success() {
        bail!(
            "{} lacks the old package's dependencies (scripts/bench --old-package DIR installs \
             benchmarks/old-package-requirements.txt): {}",
            python.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}
