//! Every state machine is drawn in the README as `connect-sf graph` draws it from its ASL, so a
//! diagram cannot show a workflow that no longer exists.

use test_harness::repo_root;

/// The README block for `file` (a path under the repository, e.g. `statemachines/x.asl.json`).
fn block(file: &str) -> String {
    let definition: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join(file)).expect("state machine"),
    )
    .expect("JSON");
    let chart = step_functions_engine::mermaid::flowchart(&definition)
        .unwrap_or_else(|error| panic!("{file}: {error}"));
    format!("<!-- diagram: {file} (connect-sf graph {file}) -->\n```mermaid\n{chart}```\n")
}

#[test]
fn the_readme_draws_every_state_machine_as_its_asl_is() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let mut files: Vec<String> = std::fs::read_dir(repo_root().join("statemachines"))
        .expect("statemachines/")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".asl.json"))
        .map(|name| format!("statemachines/{name}"))
        .collect();
    files.sort();
    let stale: Vec<&String> = files
        .iter()
        .filter(|file| !readme.contains(&block(file)))
        .collect();
    assert!(
        stale.is_empty(),
        "README.md lacks the current diagram of {stale:?}: paste `connect-sf graph <file>` \
         under \"Workflows at a glance\""
    );
    let drawn = readme.matches("<!-- diagram: ").count();
    assert_eq!(
        drawn,
        files.len(),
        "one diagram per state machine, none for one that is gone"
    );
}
