//! Every `schedules/*.json` is deployed by `template.yaml` as an `AWS::Scheduler::Schedule`
//! that starts the state machine of `statemachines/<Target.StateMachine>.asl.json` with the same
//! expression, state and input, and every template schedule has its file; the real-time queue
//! metrics resources exist only under `RealtimeReportingImportCondition`, the historical metrics
//! sync's only under `HistoricalMetricsApiCondition`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value as Json;
use serde_yaml_ng::Value as Yaml;
use test_harness::repo_root;
use tests::template_yaml::{referenced, resources, template};

const REALTIME_CONDITION: &str = "RealtimeReportingImportCondition";
const HISTORICAL_API_CONDITION: &str = "HistoricalMetricsApiCondition";
const SYNC_STATE_CONDITION: &str = "SyncStateBucketCondition";

/// A schedule as both sides describe it.
#[derive(Debug, PartialEq)]
struct Schedule {
    expression: String,
    state: String,
    input: Json,
}

/// `schedules/*.json`, keyed by `Target.StateMachine`, read as the schedule file format does
/// (`State` defaults to ENABLED, a missing `Input` is null).
fn schedule_files() -> BTreeMap<String, (PathBuf, Schedule)> {
    let dir = repo_root().join("schedules");
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("schedules/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let file: Json = serde_json::from_str(&std::fs::read_to_string(&path).expect("read"))
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("file name");
        assert_eq!(
            file["Name"].as_str(),
            Some(stem),
            "{}: Name is the file's name",
            path.display()
        );
        let machine = file["Target"]["StateMachine"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no Target.StateMachine", path.display()))
            .to_string();
        let schedule = Schedule {
            expression: file["ScheduleExpression"]
                .as_str()
                .unwrap_or_else(|| panic!("{}: no ScheduleExpression", path.display()))
                .to_string(),
            state: file["State"].as_str().unwrap_or("ENABLED").to_string(),
            input: file["Target"].get("Input").cloned().unwrap_or(Json::Null),
        };
        let previous = files.insert(machine.clone(), (path.clone(), schedule));
        assert!(
            previous.is_none(),
            "two schedule files start {machine}; the template test pairs them by state machine"
        );
    }
    files
}

/// The template's `AWS::Scheduler::Schedule`s: logical id → (the workflow name of the state
/// machine its target starts, the schedule).
fn template_schedules(template: &Yaml) -> BTreeMap<String, (String, Schedule)> {
    let resources = resources(template);
    let mut schedules = BTreeMap::new();
    for (name, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Scheduler::Schedule") {
            continue;
        }
        let name = name.as_str().expect("logical id").to_string();
        let properties = &resource["Properties"];
        let target = &properties["Target"];
        let machine_id = referenced(&target["Arn"])
            .unwrap_or_else(|| panic!("{name}: Target.Arn references no resource"));
        let machine = &resources.get(machine_id.as_str()).unwrap_or_else(|| {
            panic!("{name}: Target.Arn names {machine_id}, which is not in the template")
        });
        assert!(
            matches!(
                machine["Type"].as_str(),
                Some("AWS::Serverless::StateMachine" | "AWS::StepFunctions::StateMachine")
            ),
            "{name}: its target {machine_id} is not a state machine"
        );
        let workflow = machine["Properties"]["DefinitionS3Location"]
            .as_str()
            .and_then(|uri| uri.strip_prefix("statemachines/"))
            .and_then(|file| file.strip_suffix(".asl.json"))
            .unwrap_or_else(|| {
                panic!("{machine_id}'s DefinitionS3Location is not statemachines/<name>.asl.json")
            })
            .to_string();
        let input = match &target["Input"] {
            Yaml::Null => Json::Null,
            Yaml::String(text) => serde_json::from_str(text)
                .unwrap_or_else(|error| panic!("{name}: Target.Input is not JSON: {error}")),
            other => panic!("{name}: Target.Input must be JSON text, not {other:?}"),
        };
        let schedule = Schedule {
            expression: properties["ScheduleExpression"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: ScheduleExpression is not plain text"))
                .to_string(),
            state: properties["State"]
                .as_str()
                .unwrap_or("ENABLED")
                .to_string(),
            input,
        };
        schedules.insert(name, (workflow, schedule));
    }
    schedules
}

#[test]
fn every_schedule_file_is_deployed_with_the_same_expression_state_and_input() {
    let template = template();
    let deployed = template_schedules(&template);
    let files = schedule_files();
    assert!(!files.is_empty(), "schedules/ holds no schedule");
    for (workflow, (path, schedule)) in &files {
        assert!(
            repo_root()
                .join(format!("statemachines/{workflow}.asl.json"))
                .is_file(),
            "{}: Target.StateMachine {workflow} has no statemachines/{workflow}.asl.json",
            path.display()
        );
        let matching: Vec<(&String, &Schedule)> = deployed
            .iter()
            .filter(|(_, (target, _))| target == workflow)
            .map(|(name, (_, schedule))| (name, schedule))
            .collect();
        let [(name, in_template)] = matching.as_slice() else {
            panic!(
                "{}: template.yaml should deploy exactly one AWS::Scheduler::Schedule starting \
                 the state machine of statemachines/{workflow}.asl.json, found {:?}",
                path.display(),
                matching.iter().map(|(name, _)| name).collect::<Vec<_>>()
            );
        };
        assert_eq!(
            *in_template,
            schedule,
            "template.yaml's {name} and {} disagree",
            path.display()
        );
    }
}

#[test]
fn every_template_schedule_has_its_schedule_file() {
    let template = template();
    let files = schedule_files();
    for (name, (workflow, _)) in template_schedules(&template) {
        assert!(
            files.contains_key(&workflow),
            "template.yaml's {name} starts statemachines/{workflow}.asl.json, but no \
             schedules/*.json has Target.StateMachine {workflow}"
        );
    }
}

#[test]
fn a_schedule_role_is_trusted_by_the_scheduler_and_starts_only_its_target() {
    let template = template();
    let resources = resources(&template);
    for (name, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Scheduler::Schedule") {
            continue;
        }
        let target = &resource["Properties"]["Target"];
        let machine = referenced(&target["Arn"]).expect("target");
        let role_id = referenced(&target["RoleArn"])
            .unwrap_or_else(|| panic!("{name:?}: Target.RoleArn references no role"));
        let role = &resources[role_id.as_str()];
        let trust = serde_yaml_ng::to_string(&role["Properties"]["AssumeRolePolicyDocument"])
            .expect("yaml");
        assert!(
            trust.contains("scheduler.amazonaws.com"),
            "{role_id} is not trusted by EventBridge Scheduler: {trust}"
        );
        // The one managed policy allowed: the workflow key's, only when a key is given (the
        // execution is encrypted with it; see encryption.rs).
        let managed =
            serde_yaml_ng::to_string(&role["Properties"]["ManagedPolicyArns"]).expect("yaml");
        assert!(
            role["Properties"]["ManagedPolicyArns"].is_null()
                || managed.trim()
                    == "- !If\n  - HasWorkflowKmsKey\n  - !Ref WorkflowKeyPolicy\n  - !Ref AWS::NoValue",
            "{role_id} has managed policies: {managed}"
        );
        let statements: Vec<&Yaml> = role["Properties"]["Policies"]
            .as_sequence()
            .expect("Policies")
            .iter()
            .flat_map(|policy| {
                policy["PolicyDocument"]["Statement"]
                    .as_sequence()
                    .expect("Statement")
            })
            .collect();
        assert_eq!(statements.len(), 1, "{role_id}: {statements:?}");
        assert_eq!(statements[0]["Effect"].as_str(), Some("Allow"));
        assert_eq!(
            statements[0]["Action"].as_str(),
            Some("states:StartExecution"),
            "{role_id}"
        );
        assert_eq!(
            referenced(&statements[0]["Resource"]).as_deref(),
            Some(machine.as_str()),
            "{role_id} may start another resource than its schedule's target"
        );
    }
}

#[test]
fn the_historical_api_sync_exists_only_with_the_metrics_api_source_and_an_instance() {
    let template = template();
    let resources = resources(&template);
    for name in [
        "HistoricalSyncStatePolicy",
        "PlanHistoricalIntervalsFunction",
        "PlanHistoricalIntervalsFunctionRole",
        "SyncHistoricalIntervalFunction",
        "SyncHistoricalIntervalFunctionRole",
        "HistoricalMetricsStateMachine",
        "HistoricalMetricsStateMachineRole",
        "HistoricalMetricsSchedule",
        "HistoricalMetricsScheduleRole",
    ] {
        let resource = resources
            .get(name)
            .unwrap_or_else(|| panic!("template.yaml has no {name}"));
        assert_eq!(
            resource["Condition"].as_str(),
            Some(HISTORICAL_API_CONDITION),
            "{name}'s Condition"
        );
    }
    let condition =
        serde_yaml_ng::to_string(&template["Conditions"][HISTORICAL_API_CONDITION]).expect("yaml");
    for needed in [
        "HistoricalReportingImportEnabledCondition",
        "HistoricalReportingSource",
        "metrics-api",
        "AmazonConnectInstanceIdHasValue",
    ] {
        assert!(condition.contains(needed), "{needed}: {condition}");
    }
    let parameter = &template["Parameters"]["HistoricalReportingSource"];
    assert_eq!(parameter["Default"].as_str(), Some("s3-reports"));
    let allowed: Vec<&str> = parameter["AllowedValues"]
        .as_sequence()
        .expect("AllowedValues")
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert_eq!(allowed, ["s3-reports", "metrics-api"]);

    let machine = &resources["HistoricalMetricsStateMachine"]["Properties"];
    assert_eq!(machine["StateMachineType"].as_str(), Some("STANDARD"));
    // Least privilege: the plan lists, the sync reads metrics; neither more.
    let actions = |role: &str| -> Vec<String> {
        let text =
            serde_yaml_ng::to_string(&resources[role]["Properties"]["Policies"]).expect("yaml");
        [
            "connect:ListQueues",
            "connect:ListUsers",
            "connect:GetMetricDataV2",
            "connect:*",
        ]
        .into_iter()
        .filter(|action| text.contains(action))
        .map(str::to_string)
        .collect()
    };
    assert_eq!(
        actions("PlanHistoricalIntervalsFunctionRole"),
        ["connect:ListQueues", "connect:ListUsers"]
    );
    assert_eq!(
        actions("SyncHistoricalIntervalFunctionRole"),
        ["connect:GetMetricDataV2"]
    );
    let plan_environment =
        &resources["PlanHistoricalIntervalsFunction"]["Properties"]["Environment"]["Variables"];
    assert!(
        plan_environment
            .as_mapping()
            .expect("variables")
            .keys()
            .filter_map(Yaml::as_str)
            .all(|name| !name.starts_with("SF_")),
        "the plan never calls Salesforce: {plan_environment:?}"
    );
}

#[test]
fn the_realtime_workflow_is_express_and_exists_only_under_its_condition() {
    let template = template();
    let resources = resources(&template);
    // The state bucket is shared with the historical metrics sync.
    for name in ["SyncStateBucket", "SyncStateBucketPolicy"] {
        assert_eq!(
            resources[name]["Condition"].as_str(),
            Some(SYNC_STATE_CONDITION),
            "{name}'s Condition"
        );
    }
    assert_eq!(
        template["Outputs"]["SyncStateBucketName"]["Condition"].as_str(),
        Some(SYNC_STATE_CONDITION)
    );
    for name in [
        "RealtimeSyncStatePolicy",
        "ListQueuesFunction",
        "ListQueuesFunctionRole",
        "SyncQueueMetricsFunction",
        "SyncQueueMetricsFunctionRole",
        "RealtimeQueueMetricsLogGroup",
        "RealtimeQueueMetricsStateMachine",
        "RealtimeQueueMetricsStateMachineRole",
        "RealtimeQueueMetricsSchedule",
        "RealtimeQueueMetricsScheduleRole",
    ] {
        let resource = resources
            .get(name)
            .unwrap_or_else(|| panic!("template.yaml has no {name}"));
        assert_eq!(
            resource["Condition"].as_str(),
            Some(REALTIME_CONDITION),
            "{name}'s Condition"
        );
    }
    for name in ["RealtimeQueueMetricsStateMachineArn"] {
        assert_eq!(
            template["Outputs"][name]["Condition"].as_str(),
            Some(REALTIME_CONDITION),
            "output {name}'s Condition"
        );
    }

    let machine = &resources["RealtimeQueueMetricsStateMachine"]["Properties"];
    assert_eq!(machine["StateMachineType"].as_str(), Some("EXPRESS"));
    assert_eq!(
        machine["DefinitionS3Location"].as_str(),
        Some("statemachines/realtime-queue-metrics.asl.json")
    );
    // An Express execution keeps no history: its failures are only in the log.
    assert_eq!(
        machine["LoggingConfiguration"]["IncludeExecutionData"].as_bool(),
        Some(false)
    );
    assert!(
        referenced(&machine["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"])
            .is_some_and(
                |group| resources[group.as_str()]["Properties"]["RetentionInDays"]
                    .as_u64()
                    .is_some()
            ),
        "the realtime workflow logs to a log group of the stack with a retention"
    );

    // EnabledFeatures: !Join [',', [!If [Condition, 'x=on', 'x=off'], ...]]
    let Yaml::Tagged(join) = &template["Outputs"]["EnabledFeatures"]["Value"] else {
        panic!("EnabledFeatures is not a !Join");
    };
    let realtime: Vec<Vec<&str>> = join.value[1]
        .as_sequence()
        .expect("the joined list")
        .iter()
        .filter_map(|item| match item {
            Yaml::Tagged(switch) if switch.tag == "!If" => Some(
                switch
                    .value
                    .as_sequence()?
                    .iter()
                    .filter_map(Yaml::as_str)
                    .collect(),
            ),
            _ => None,
        })
        .filter(|switch: &Vec<&str>| switch.iter().any(|text| text.starts_with("realtime=")))
        .collect();
    assert_eq!(
        realtime,
        vec![vec![REALTIME_CONDITION, "realtime=on", "realtime=off"]],
        "EnabledFeatures says realtime=on exactly when the realtime workflow is deployed"
    );
}
