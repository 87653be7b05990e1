//! `template.yaml` as the template tests read it: parsed with CloudFormation's short tags kept
//! (`!Ref`, `!GetAtt`, `!If` become tagged values), and the few readings every such test needs.

use serde_yaml_ng::{Mapping, Value as Yaml};
use test_harness::repo_root;

/// The project's `template.yaml`.
pub fn template() -> Yaml {
    serde_yaml_ng::from_str(
        &std::fs::read_to_string(repo_root().join("template.yaml")).expect("template.yaml"),
    )
    .expect("template.yaml is YAML")
}

/// Its `Resources`, by logical id.
pub fn resources(template: &Yaml) -> &Mapping {
    template["Resources"].as_mapping().expect("Resources")
}

/// The logical id a `!Ref X`, `!GetAtt X.Arn` or `!GetAtt [X, Arn]` names.
pub fn referenced(value: &Yaml) -> Option<String> {
    let Yaml::Tagged(tagged) = value else {
        return None;
    };
    match (tagged.tag.to_string().as_str(), &tagged.value) {
        ("!Ref", Yaml::String(name)) => Some(name.clone()),
        ("!GetAtt", Yaml::String(text)) => text.split('.').next().map(str::to_string),
        ("!GetAtt", Yaml::Sequence(parts)) => {
            parts.first().and_then(Yaml::as_str).map(str::to_string)
        }
        _ => None,
    }
}

/// `!If [condition, then, else]` → (condition, then, else).
pub fn if_branches(value: &Yaml) -> Option<(&str, &Yaml, &Yaml)> {
    let Yaml::Tagged(tagged) = value else {
        return None;
    };
    if tagged.tag.to_string() != "!If" {
        return None;
    }
    match tagged.value.as_sequence()?.as_slice() {
        [condition, then, otherwise] => Some((condition.as_str()?, then, otherwise)),
        _ => None,
    }
}
