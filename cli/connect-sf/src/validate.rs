//! `connect-sf validate`: every `statemachines/*.asl.json` parses, passes the engine's checks
//! with the template's substitutions and the local activity handlers, and uses exactly the
//! placeholders `template.yaml` substitutes for it; every error name a Task's Retry or Catch
//! matches is one its activity can return, each Retry covers exactly the retryable ones, and
//! each Task has one name end to end (`contract_check`).

use std::{
    collections::{BTreeSet, HashMap},
    path::Path,
    process::ExitCode,
    sync::Arc,
};

use step_functions_engine::{Engine, FnHandler, StateMachine, TaskFailure, TaskHandler};

use embedded::{contract_check, task_handlers, template_wiring};

use crate::project::Project;

pub fn run() -> anyhow::Result<ExitCode> {
    let project = Project::locate()?;
    let problems = check(&project)?;
    let workflows = project.workflows()?;
    for problem in &problems {
        println!("✗ {problem}");
    }
    if problems.is_empty() {
        println!(
            "✓ {} state machine(s) in statemachines/ valid and wired as template.yaml says",
            workflows.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} problem(s)", problems.len());
        Ok(ExitCode::FAILURE)
    }
}

/// Every problem found, each naming its file.
pub fn check(project: &Project) -> anyhow::Result<Vec<String>> {
    let wirings = template_wiring::read(&project.template())?;
    let mut problems = Vec::new();
    let mut deployed = BTreeSet::new();

    for wiring in &wirings {
        let file = Path::new(&wiring.definition_file);
        let Some(file_name) = file.file_name() else {
            continue;
        };
        deployed.insert(file_name.to_os_string());
        if !project.template().with_file_name(file).is_file() {
            problems.push(format!(
                "template.yaml: {} has DefinitionS3Location {} but that file does not exist",
                wiring.resource, wiring.definition_file
            ));
        }
    }

    for (name, path) in project.workflows()? {
        let shown = format!("statemachines/{name}.asl.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => {
                problems.push(format!("{shown}: cannot read: {error}"));
                continue;
            }
        };
        let definition: serde_json::Value = match serde_json::from_str(&text) {
            Ok(definition) => definition,
            Err(error) => {
                problems.push(format!("{shown}: not valid JSON: {error}"));
                continue;
            }
        };
        let machine = match StateMachine::from_json(&definition) {
            Ok(machine) => machine,
            Err(error) => {
                problems.push(format!("{shown}: {error}"));
                continue;
            }
        };
        let file_name = path.file_name().map(|name| name.to_os_string());
        let wiring = wirings
            .iter()
            .find(|wiring| Path::new(&wiring.definition_file).file_name() == file_name.as_deref());
        let Some(wiring) = wiring else {
            problems.push(format!(
                "{shown}: no state machine in template.yaml deploys it (DefinitionS3Location)"
            ));
            continue;
        };
        let used = template_wiring::placeholders(&text);
        let substituted: BTreeSet<String> = wiring.substitutions.keys().cloned().collect();
        for missing in used.difference(&substituted) {
            problems.push(format!(
                "{shown}: uses ${{{missing}}} but {}'s DefinitionSubstitutions do not define it",
                wiring.resource
            ));
        }
        for unused in substituted.difference(&used) {
            problems.push(format!(
                "template.yaml: {} substitutes {unused}, which {shown} never uses",
                wiring.resource
            ));
        }
        if let Err(error) = local_engine(&wiring.substitutions).prepare(&machine) {
            problems.push(format!("{shown}: with the local activities: {error}"));
        }
        problems.extend(contract_check::check_state_machine(
            &shown,
            &definition,
            wiring,
            &task_handlers::contracts(),
        ));
    }
    Ok(problems)
}

/// An engine whose handlers are named like the real ones but never run.
fn local_engine(substitutions: &std::collections::BTreeMap<String, String>) -> Engine {
    let mut builder = Engine::builder().substitutions(
        substitutions
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect::<HashMap<_, _>>(),
    );
    for contract in task_handlers::contracts() {
        let name = contract.activity;
        let unused: Arc<dyn TaskHandler> = Arc::new(FnHandler(|_input, _context| async {
            Err(TaskFailure::new("NotRun", "validation only"))
        }));
        builder = builder.handler(name, unused);
    }
    builder.build()
}
