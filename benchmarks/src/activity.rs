//! The activity under test: the shared process harness, and the check that it was built.

use std::path::Path;

use anyhow::bail;

pub use test_harness::lambda_process::ActivityProcess;

/// Fails early, with the command that builds it, when the binary is missing.
pub fn check_binary(binary: &Path) -> anyhow::Result<()> {
    if !binary.is_file() {
        bail!(
            "activity binary {} does not exist: build it first with \
             `cargo build --profile bench-release -p sf-invoke-api` (scripts/bench does this)",
            binary.display()
        );
    }
    Ok(())
}
