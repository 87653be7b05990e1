//! The invariants of `workflows/README.md`, checked over `cargo metadata` and the template, so
//! a change that breaks one fails CI instead of being copied into the next workflow.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use test_harness::repo_root;

/// The crates that hold domain logic or the primitives it uses: no Lambda, no AWS SDK, no
/// event-source crate, not even through a dependency.
const DOMAIN_CRATES: [&str; 13] = [
    "package-metrics",
    "activity-contract",
    "object-storage",
    "redaction",
    "env-config",
    "salesforce-client",
    "contact-flow",
    "post-call",
    "post-call-trigger",
    "connect-metrics",
    "historical-metrics",
    "contact-lens",
    "setup-helper",
];

/// What a domain crate must never pull in.
fn is_platform_crate(name: &str) -> bool {
    name.starts_with("aws-sdk-")
        || name.starts_with("aws-smithy-")
        || matches!(name, "aws-config" | "lambda_runtime" | "aws_lambda_events")
}

struct Workspace {
    /// Package name → (its folder relative to the root, its manifest JSON).
    members: BTreeMap<String, (PathBuf, Value)>,
    /// Package name → names of the packages it depends on through normal dependencies, as
    /// resolved for the whole workspace.
    normal_dependencies: BTreeMap<String, BTreeSet<String>>,
}

fn workspace() -> Workspace {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--filter-platform",
            "x86_64-unknown-linux-gnu",
        ])
        .current_dir(repo_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");
    let root = repo_root().canonicalize().expect("root");
    let member_ids: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut members = BTreeMap::new();
    let mut names_by_id = BTreeMap::new();
    for package in metadata["packages"].as_array().expect("packages") {
        let id = package["id"].as_str().expect("id");
        let name = package["name"].as_str().expect("name").to_string();
        names_by_id.insert(id.to_string(), name.clone());
        if member_ids.contains(id) {
            let manifest = PathBuf::from(package["manifest_path"].as_str().expect("manifest"));
            let folder = manifest
                .parent()
                .expect("folder")
                .strip_prefix(&root)
                .expect("member inside the workspace")
                .to_path_buf();
            members.insert(name, (folder, package.clone()));
        }
    }
    let mut normal_dependencies = BTreeMap::new();
    for node in metadata["resolve"]["nodes"].as_array().expect("resolve") {
        let name = &names_by_id[node["id"].as_str().expect("id")];
        let normal: BTreeSet<String> = node["deps"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|dep| {
                dep["dep_kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|kind| kind["kind"].is_null())
            })
            .filter_map(|dep| dep["pkg"].as_str().map(|id| names_by_id[id].clone()))
            .collect();
        normal_dependencies
            .entry(name.clone())
            .or_insert_with(BTreeSet::new)
            .extend(normal);
    }
    Workspace {
        members,
        normal_dependencies,
    }
}

impl Workspace {
    fn folder(&self, name: &str) -> &Path {
        &self.members[name].0
    }

    fn under(&self, name: &str, top: &str) -> bool {
        self.members
            .get(name)
            .is_some_and(|(folder, _)| folder.starts_with(top))
    }

    /// Direct dependencies from the manifest: (name, kind, features).
    fn declared(&self, name: &str) -> Vec<(String, String, Vec<String>)> {
        self.members[name].1["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|dep| {
                (
                    dep["name"].as_str().unwrap_or_default().to_string(),
                    dep["kind"].as_str().unwrap_or("normal").to_string(),
                    dep["features"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                )
            })
            .collect()
    }

    fn transitive_normal(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut pending = vec![name.to_string()];
        while let Some(next) = pending.pop() {
            for dependency in self.normal_dependencies.get(&next).into_iter().flatten() {
                if seen.insert(dependency.clone()) {
                    pending.push(dependency.clone());
                }
            }
        }
        seen
    }
}

#[test]
fn every_folder_is_named_as_its_package() {
    let workspace = workspace();
    for (name, (folder, _)) in &workspace.members {
        assert_eq!(
            folder.file_name().and_then(|f| f.to_str()),
            Some(name.as_str()),
            "the package {name} lives in {}",
            folder.display()
        );
    }
}

#[test]
fn nothing_under_workflows_depends_on_activities_cli_or_test_crates() {
    let workspace = workspace();
    let mut violations = Vec::new();
    for name in workspace.members.keys() {
        if !workspace.under(name, "workflows") {
            continue;
        }
        for (dependency, kind, _) in workspace.declared(name) {
            let above = ["activities", "cli", "tests", "test-harness", "benchmarks"]
                .iter()
                .any(|top| workspace.under(&dependency, top));
            if above {
                violations.push(format!("{name} → {dependency} ({kind})"));
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn no_crate_depends_on_an_activity_and_activities_are_binaries_only() {
    let workspace = workspace();
    for name in workspace.members.keys() {
        for (dependency, kind, _) in workspace.declared(name) {
            assert!(
                !workspace.under(&dependency, "activities"),
                "{name} depends on the activity {dependency} ({kind})"
            );
        }
        if workspace.under(name, "activities") {
            let kinds: BTreeSet<String> = workspace.members[name].1["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|target| target["kind"].as_array().cloned().unwrap_or_default())
                .filter_map(|kind| kind.as_str().map(str::to_string))
                .collect();
            assert!(
                kinds.iter().all(|kind| kind == "bin" || kind == "test"),
                "{name} has targets {kinds:?}: an activity is its main.rs only"
            );
        }
    }
}

#[test]
fn only_activities_and_lambda_glue_know_the_lambda_runtime() {
    let workspace = workspace();
    for name in workspace.members.keys() {
        for (dependency, _, _) in workspace.declared(name) {
            if matches!(dependency.as_str(), "lambda_runtime" | "aws_lambda_events") {
                assert!(
                    workspace.under(name, "activities") || name == "lambda-glue",
                    "{name} depends on {dependency}"
                );
            }
        }
    }
}

#[test]
fn domain_crates_know_no_aws_sdk_no_lambda_and_no_event_source() {
    let workspace = workspace();
    for name in DOMAIN_CRATES {
        assert!(workspace.members.contains_key(name), "{name} is gone");
        let platform: Vec<String> = workspace
            .transitive_normal(name)
            .into_iter()
            .filter(|dependency| is_platform_crate(dependency))
            .collect();
        assert!(
            platform.is_empty(),
            "{name} ({}) pulls in {platform:?}",
            workspace.folder(name).display()
        );
    }
}

#[test]
fn test_doubles_compile_only_for_tests() {
    let workspace = workspace();
    for name in workspace.members.keys() {
        for (dependency, kind, features) in workspace.declared(name) {
            if features.iter().any(|feature| feature == "testing") {
                assert!(
                    kind == "dev",
                    "{name} enables {dependency}'s test doubles as a {kind} dependency"
                );
            }
        }
    }
}

#[test]
fn no_dependency_cycle_among_workspace_crates_counting_dev_dependencies() {
    let workspace = workspace();
    let edges: BTreeMap<String, BTreeSet<String>> = workspace
        .members
        .keys()
        .map(|name| {
            let internal = workspace
                .declared(name)
                .into_iter()
                .map(|(dependency, _, _)| dependency)
                .filter(|dependency| {
                    workspace.members.contains_key(dependency) && dependency != name
                })
                .collect();
            (name.clone(), internal)
        })
        .collect();
    // Depth-first search; a grey node met again is a cycle.
    fn visit(
        name: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, bool>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(name) {
            Some(true) => return None,
            Some(false) => {
                let start = path.iter().position(|n| n == name).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(name.to_string());
                return Some(cycle);
            }
            None => {}
        }
        state.insert(name.to_string(), false);
        path.push(name.to_string());
        for next in edges.get(name).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(name.to_string(), true);
        None
    }
    let mut state = BTreeMap::new();
    for name in edges.keys() {
        let cycle = visit(name, &edges, &mut state, &mut Vec::new());
        assert!(
            cycle.is_none(),
            "dependency cycle: {:?}",
            cycle.unwrap_or_default()
        );
    }
}

#[test]
fn every_activity_is_one_template_function_of_the_same_name() {
    let template: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(repo_root().join("template.yaml")).expect("template.yaml"),
    )
    .expect("template.yaml is YAML");
    let resources = template["Resources"].as_mapping().expect("Resources");
    let workspace = workspace();
    for name in workspace
        .members
        .keys()
        .filter(|n| workspace.under(n, "activities"))
    {
        let resource: String = name
            .split('-')
            .map(|word| {
                let mut characters = word.chars();
                characters
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + characters.as_str())
                    .unwrap_or_default()
            })
            .collect::<String>()
            + "Function";
        let function = resources
            .get(resource.as_str())
            .unwrap_or_else(|| panic!("activities/{name} has no template resource {resource}"));
        assert_eq!(
            function["Properties"]["CodeUri"].as_str(),
            Some(format!("activities/{name}").as_str()),
            "{resource}'s CodeUri"
        );
    }
}

#[test]
fn only_functions_that_call_salesforce_get_the_salesforce_settings() {
    let template: serde_yaml_ng::Value = serde_yaml_ng::from_str(
        &std::fs::read_to_string(repo_root().join("template.yaml")).expect("template.yaml"),
    )
    .expect("template.yaml is YAML");
    let global = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert!(
        global.get("SF_HOST").is_none()
            && global.get("SF_CREDENTIALS_SECRETS_MANAGER_ARN").is_none(),
        "Globals give every function the Salesforce settings"
    );
    let resources = template["Resources"].as_mapping().expect("Resources");
    let workspace = workspace();
    let mut salesforce_callers = 0;
    for name in workspace
        .members
        .keys()
        .filter(|n| workspace.under(n, "activities"))
    {
        let calls_salesforce =
            workspace
                .declared(name)
                .iter()
                .any(|(dependency, kind, features)| {
                    dependency == "aws-adapters"
                        && kind == "normal"
                        && features.iter().any(|feature| feature == "salesforce")
                });
        salesforce_callers += usize::from(calls_salesforce);
        let function = resources
            .values()
            .find(|resource| {
                resource["Properties"]["CodeUri"].as_str() == Some(&format!("activities/{name}"))
            })
            .unwrap_or_else(|| panic!("no function for activities/{name}"));
        let variables = &function["Properties"]["Environment"]["Variables"];
        for variable in [
            "SF_HOST",
            "SF_VERSION",
            "SF_CREDENTIALS_SECRETS_MANAGER_ARN",
        ] {
            assert_eq!(
                variables.get(variable).is_some(),
                calls_salesforce,
                "activities/{name} {} Salesforce, so its function {} {variable}",
                if calls_salesforce {
                    "calls"
                } else {
                    "never calls"
                },
                if calls_salesforce {
                    "needs"
                } else {
                    "must not get"
                },
            );
        }
    }
    assert_eq!(
        salesforce_callers, 8,
        "sf-invoke-api, three post-call steps, sync-queue-metrics, import-historical-report, sync-historical-interval and import-contact-lens-file call Salesforce"
    );
}
