//! The SAM template keeps every stack parameter of the old package (drop-in rule) and builds
//! Rust functions the way the design requires. cfn-lint validates the rest (scripts/test).

use std::collections::BTreeMap;

use test_harness::repo_root;

fn template() -> String {
    std::fs::read_to_string(repo_root().join("template.yaml")).expect("template.yaml")
}

/// Top-level keys of a YAML section, with each key's block of text (a line-based reading is
/// enough for our own template and avoids a YAML dependency that misreads CloudFormation tags).
fn section(template: &str, name: &str) -> BTreeMap<String, String> {
    let mut entries = BTreeMap::new();
    let mut inside = false;
    let mut current: Option<String> = None;
    for line in template.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() && !line.starts_with('#') {
            inside = line.trim_end() == format!("{name}:");
            current = None;
            continue;
        }
        if !inside {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 2 && line.trim_end().ends_with(':') && !line.trim_start().starts_with('#') {
            let key = line.trim().trim_end_matches(':').to_string();
            entries.insert(key.clone(), String::new());
            current = Some(key);
        } else if let Some(block) = current.as_ref().and_then(|key| entries.get_mut(key)) {
            block.push_str(line.trim());
            block.push('\n');
        }
    }
    entries
}

#[test]
fn every_parameter_of_the_old_package_is_present() {
    let names =
        std::fs::read_to_string(repo_root().join("tests/fixtures/seed-parameter-names.txt"))
            .expect("seed parameter list");
    let parameters = section(&template(), "Parameters");
    let missing: Vec<&str> = names
        .lines()
        .map(str::trim)
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .filter(|name| !parameters.contains_key(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "template.yaml lacks parameters {missing:?}"
    );
}

#[test]
fn defaults_match_the_old_package() {
    let parameters = section(&template(), "Parameters");
    for (name, default) in [
        ("CTREventSourceMappingBatchSize", "30"),
        ("CTREventSourceMappingMaximumRetryAttempts", "100"),
        ("TranscriptionJobCheckWaitTime", "20"),
        ("SalesforceAdapterNamespace", "amazonconnect"),
    ] {
        let block = parameters
            .get(name)
            .unwrap_or_else(|| panic!("{name} missing"));
        let found = block
            .lines()
            .find_map(|line| line.strip_prefix("Default:"))
            .map(|value| value.trim().trim_matches(|c| c == '"' || c == '\''))
            .unwrap_or_else(|| panic!("{name} has no Default"));
        assert_eq!(found, default, "{name}");
    }
}

#[test]
fn functions_are_built_for_lambda_arm64_rust() {
    let globals = section(&template(), "Globals");
    let function = globals.get("Function").expect("Globals.Function");
    assert!(function.contains("Runtime: provided.al2023"), "{function}");
    assert!(
        function.contains("- !Ref LambdaArchitecture"),
        "one architecture for every function, chosen by the stack: {function}"
    );
    let parameters = section(&template(), "Parameters");
    let architecture = parameters
        .get("LambdaArchitecture")
        .expect("LambdaArchitecture");
    assert!(architecture.contains("Default: arm64"), "{architecture}");
    assert!(function.contains("LogFormat: JSON"), "{function}");
    assert!(template().contains("BuildMethod: rust-cargolambda"));
}

/// `scripts/check-parameter-file` on `entries` (the fixture with some values replaced): whether
/// the stack accepts them, and what it printed.
fn check_parameters(replace: &[(&str, &str)]) -> (bool, String) {
    let fixture = repo_root().join("tests/fixtures/upstream-v5.28-parameters.json");
    let mut entries: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(fixture).expect("fixture")).expect("JSON");
    for (key, value) in replace {
        let entry = entries
            .iter_mut()
            .find(|entry| entry["ParameterKey"] == *key)
            .unwrap_or_else(|| panic!("{key} is in the upstream file"));
        entry["ParameterValue"] = serde_json::Value::String((*value).to_string());
    }
    static FILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let file = std::env::temp_dir().join(format!(
        "parameters-{}-{}.json",
        std::process::id(),
        FILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::write(&file, serde_json::to_vec(&entries).expect("JSON")).expect("write");
    let output = std::process::Command::new(repo_root().join("scripts/check-parameter-file"))
        .arg(&file)
        .output()
        .expect("scripts/check-parameter-file runs");
    let _ = std::fs::remove_file(&file);
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn a_parameter_file_written_for_upstream_v5_28_deploys_unchanged() {
    let (accepted, printed) = check_parameters(&[]);
    assert!(accepted, "{printed}");
    // Upstream's client-credentials mode runs without a username.
    let (accepted, printed) = check_parameters(&[
        ("SalesforceAuthMode", "client_credentials"),
        ("SalesforceUsername", ""),
    ]);
    assert!(accepted, "{printed}");
    let (accepted, printed) = check_parameters(&[("GlobalAnalyticsEnabled", "True")]);
    assert!(accepted, "upstream's boolean spelling: {printed}");
}

#[test]
fn the_template_refuses_what_would_fail_at_the_first_salesforce_call() {
    let (accepted, printed) = check_parameters(&[("SalesforceUsername", "")]);
    assert!(!accepted);
    assert!(
        printed.contains("PasswordModeRequiresUsername"),
        "{printed}"
    );
    let (accepted, printed) =
        check_parameters(&[("SalesforceAuthMode", "jwt"), ("SalesforceUsername", "")]);
    assert!(!accepted);
    assert!(printed.contains("JwtModeRequiresUsername"), "{printed}");
    let (accepted, printed) = check_parameters(&[("SalesforceAuthMode", "auto")]);
    assert!(!accepted);
    assert!(printed.contains("SalesforceAuthMode"), "{printed}");
}

/// Every `!Ref`, `${…}` and `!GetAtt` names a parameter, a resource or a pseudo parameter.
/// (A renamed parameter left behind fails only at deployment; cfn-lint catches it inside a
/// `AWS::Serverless::Function` only with the SAM translator installed, so the rule is kept in
/// the Rust tests too.)
#[test]
fn every_reference_in_the_template_names_something_the_template_declares() {
    let script = r#"
import re, sys
from cfnlint.decode import cfn_yaml
template = cfn_yaml.load(sys.argv[1])
names = set(template["Parameters"]) | set(template["Resources"])
dangling = set()
def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str) and not value.startswith("AWS::") and value not in names:
                dangling.add(value)
            if key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                local = set(value[1]) if isinstance(value, list) and len(value) > 1 else set()
                for reference in re.findall(r"\$\{([^}!]+)\}", text):
                    base = reference.split(".")[0]
                    if not base.startswith("AWS::") and base not in names and base not in local:
                        dangling.add(reference)
            if key == "Fn::GetAtt":
                base = value[0] if isinstance(value, list) else value.split(".")[0]
                if base not in names:
                    dangling.add(base)
            walk(value)
    elif isinstance(node, list):
        for item in node:
            walk(item)
for section in ("Resources", "Outputs", "Conditions", "Rules"):
    walk(template.get(section, {}))
print(",".join(sorted(dangling)))
"#;
    let dangling = crate::python_on_template(script).trim().to_string();
    assert!(
        dangling.is_empty(),
        "template.yaml refers to what it does not declare: {dangling}"
    );
}
