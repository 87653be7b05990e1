//! What `template.yaml` wires into each state machine: its `DefinitionSubstitutions`, and for
//! each placeholder the activity crate whose function it names, so the local engine can call
//! that activity's handler in-process where AWS would call the Lambda.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    path::Path,
};

use anyhow::Context;
use serde_yaml_ng::Value as Yaml;

/// One state machine resource of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMachineWiring {
    pub resource: String,
    /// The definition file, relative to the template: `DefinitionS3Location` of an
    /// `AWS::StepFunctions::StateMachine` (a local path `sam package` uploads) or
    /// `DefinitionUri` of an `AWS::Serverless::StateMachine`.
    pub definition_file: String,
    /// Placeholder → what it resolves to locally: an activity crate name
    /// (`!GetAtt SfInvokeApiFunction.Arn` → `sf-invoke-api`) or the literal text.
    pub substitutions: BTreeMap<String, String>,
    /// Placeholder → the template resource it references (`!GetAtt ImportCtrFunction.Arn` →
    /// `ImportCtrFunction`), for the placeholders that reference one.
    pub references: BTreeMap<String, String>,
}

/// The `DefinitionSubstitutions` of the state machine whose definition file is
/// `definition_file` (e.g. `post-call.asl.json`), as the local engine takes them; `None` when
/// the template deploys no such state machine (an ad-hoc definition).
pub fn substitutions_for(
    template: &Path,
    definition_file: &str,
) -> anyhow::Result<Option<HashMap<String, String>>> {
    Ok(read(template)?
        .into_iter()
        .find(|machine| {
            Path::new(&machine.definition_file)
                .file_name()
                .is_some_and(|name| name == definition_file)
        })
        .map(|machine| machine.substitutions.into_iter().collect()))
}

pub fn read(template: &Path) -> anyhow::Result<Vec<StateMachineWiring>> {
    let text = std::fs::read_to_string(template)
        .with_context(|| format!("cannot read {}", template.display()))?;
    let document: Yaml = serde_yaml_ng::from_str(&text)
        .with_context(|| format!("{} is not valid YAML", template.display()))?;
    let resources = document
        .get("Resources")
        .and_then(Yaml::as_mapping)
        .context("template.yaml has no Resources")?;
    let mut wirings = Vec::new();
    for (name, resource) in resources {
        let kind = resource
            .get("Type")
            .and_then(Yaml::as_str)
            .unwrap_or_default();
        if !matches!(
            kind,
            "AWS::Serverless::StateMachine" | "AWS::StepFunctions::StateMachine"
        ) {
            continue;
        }
        let name = name.as_str().unwrap_or_default().to_string();
        let properties = resource.get("Properties");
        let definition_file = properties
            .and_then(|p| {
                p.get("DefinitionS3Location")
                    .or_else(|| p.get("DefinitionUri"))
            })
            .and_then(Yaml::as_str)
            .with_context(|| {
                format!("state machine {name} names no definition file (DefinitionS3Location)")
            })?
            .to_string();
        let mut substitutions = BTreeMap::new();
        let mut references = BTreeMap::new();
        if let Some(map) = properties
            .and_then(|p| p.get("DefinitionSubstitutions"))
            .and_then(Yaml::as_mapping)
        {
            for (key, value) in map {
                let key = key.as_str().unwrap_or_default().to_string();
                if let Some(resource) = referenced_resource(value) {
                    references.insert(key.clone(), resource);
                }
                substitutions.insert(key, local_target(resources, value));
            }
        }
        wirings.push(StateMachineWiring {
            resource: name,
            definition_file,
            substitutions,
            references,
        });
    }
    Ok(wirings)
}

/// `!GetAtt XFunction.Arn` / `!Ref XFunction` → the crate in X's CodeUri (`activities/<crate>`);
/// a plain string stays itself; anything else is kept as its YAML text for the report.
fn local_target(resources: &serde_yaml_ng::Mapping, value: &Yaml) -> String {
    if let Yaml::String(text) = value {
        return text.clone();
    }
    let Some(resource) = referenced_resource(value) else {
        return serde_yaml_ng::to_string(value)
            .unwrap_or_default()
            .trim()
            .to_string();
    };
    resources
        .get(resource.as_str())
        .and_then(|function| function.get("Properties"))
        .and_then(|properties| properties.get("CodeUri"))
        .and_then(Yaml::as_str)
        .and_then(|uri| uri.trim_end_matches('/').strip_prefix("activities/"))
        .map(str::to_string)
        .unwrap_or(resource)
}

/// The logical id a `!GetAtt X.Arn`, `!GetAtt [X, Arn]` or `!Ref X` names.
fn referenced_resource(value: &Yaml) -> Option<String> {
    match value {
        Yaml::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            match (tag.as_str(), &tagged.value) {
                ("!GetAtt", Yaml::String(text)) => text.split('.').next().map(str::to_string),
                ("!GetAtt", Yaml::Sequence(parts)) => {
                    parts.first().and_then(Yaml::as_str).map(str::to_string)
                }
                ("!Ref", Yaml::String(text)) => Some(text.clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Every `${Name}` in a definition's text.
pub fn placeholders(definition_text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = definition_text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                found.insert(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_in_definition_text() {
        let found = placeholders(
            r#"{"Resource": "${A}", "Parameters": {"FunctionName": "${BFunctionArn}"}, "x": "$.y"}"#,
        );
        assert_eq!(
            found,
            BTreeSet::from(["A".to_string(), "BFunctionArn".to_string()])
        );
    }

    #[test]
    fn function_references_resolve_to_their_activity_crate() {
        let template: Yaml = serde_yaml_ng::from_str(
            r#"
Resources:
  ImportCtrFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: activities/import-ctr
  PostCall:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachines/post-call.asl.json
      DefinitionSubstitutions:
        ImportCtrFunctionArn: !GetAtt ImportCtrFunction.Arn
        Bucket: my-bucket
"#,
        )
        .expect("yaml");
        let resources = template
            .get("Resources")
            .and_then(Yaml::as_mapping)
            .expect("resources");
        let substitutions = resources
            .get("PostCall")
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get("DefinitionSubstitutions"))
            .and_then(Yaml::as_mapping)
            .expect("substitutions");
        let resolved: Vec<String> = substitutions
            .values()
            .map(|value| local_target(resources, value))
            .collect();
        assert_eq!(
            resolved,
            vec!["import-ctr".to_string(), "my-bucket".to_string()]
        );
    }
}
