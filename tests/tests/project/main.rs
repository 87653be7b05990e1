//! The project's own shape: the SAM template, the crate map's invariants over `cargo metadata`,
//! one name per step and one error contract between the state machines and the activities,
//! each schedule file deployed as its template schedule.

mod architecture;
mod diagrams;
mod encryption;
mod error_contract;
mod historical_reports;
mod least_privilege;
mod monitoring;
mod schedules;
mod setup_helper;
mod template;

/// Runs `script` (Python) on template.yaml with the `.venv` interpreter, whose cfn-lint reads
/// CloudFormation's YAML tags; returns its stdout, failing the test with its stderr otherwise.
fn python_on_template(script: &str) -> String {
    let root = test_harness::repo_root();
    let output = std::process::Command::new(root.join(".venv/bin/python"))
        .arg("-c")
        .arg(script)
        .arg(root.join("template.yaml"))
        .output()
        .expect("the .venv python (scripts/bootstrap) runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
