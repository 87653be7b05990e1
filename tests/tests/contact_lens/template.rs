//! What `template.yaml` deploys for the Contact Lens import: only under
//! `ContactLensImportCondition`, a rule whose patterns hold no date, the Standard state machine
//! (an original analysis' grace before its import), and least-privilege roles.

use serde_yaml_ng::Value as Yaml;
use tests::template_yaml::{resources, template};

const CONDITION: &str = "ContactLensImportCondition";
const RESOURCES: [&str; 9] = [
    "CheckContactLensFileFunction",
    "CheckContactLensFileFunctionRole",
    "ReadContactLensFilesPolicy",
    "ImportContactLensFileFunction",
    "ImportContactLensFileFunctionRole",
    "ContactLensStateMachine",
    "ContactLensStateMachineRole",
    "ContactLensFileCreatedRule",
    "ContactLensFileCreatedRuleRole",
];

fn text(value: &Yaml) -> String {
    serde_yaml_ng::to_string(value).expect("yaml")
}

#[test]
fn the_contact_lens_resources_exist_only_under_their_condition() {
    let template = template();
    let resources = resources(&template);
    for name in RESOURCES {
        let resource = &resources[name];
        assert_eq!(resource["Condition"].as_str(), Some(CONDITION), "{name}");
    }
    let machine = &resources["ContactLensStateMachine"]["Properties"];
    assert_eq!(
        machine["StateMachineType"].as_str(),
        Some("STANDARD"),
        "redrivable"
    );
    assert_eq!(
        machine["DefinitionS3Location"].as_str(),
        Some("statemachines/contact-lens.asl.json")
    );
    let condition = text(&template["Conditions"][CONDITION]);
    for needed in [
        "ContactLensImportEnabledCondition",
        "ConnectRecordingS3BucketNameHasValue",
        "AmazonConnectInstanceIdHasValue",
        "TranscribeOutputS3BucketNameHasValue",
    ] {
        assert!(condition.contains(needed), "{needed}: {condition}");
    }
}

#[test]
fn the_rule_matches_analyses_and_chat_transcripts_of_any_date() {
    let template = template();
    let rule = &resources(&template)["ContactLensFileCreatedRule"]["Properties"];
    let pattern = &rule["EventPattern"];
    assert_eq!(text(&pattern["detail-type"]).trim(), "- Object Created");
    let keys: Vec<String> = pattern["detail"]["object"]["key"]
        .as_sequence()
        .expect("key patterns")
        .iter()
        .map(|entry| entry["wildcard"].as_str().expect("a wildcard").to_string())
        .collect();
    assert_eq!(
        keys,
        [
            "Analysis/Voice/*.json",
            "Analysis/Chat/*.json",
            "*/ChatTranscripts/*.json"
        ]
    );
    assert!(
        keys.iter()
            .all(|key| !key.chars().any(|character| character.is_ascii_digit())),
        "no year, month or day in a pattern"
    );
    let target = &rule["Targets"][0];
    assert!(text(&target["Arn"]).contains("ContactLensStateMachine"));
}

#[test]
fn each_role_gets_only_what_its_step_calls() {
    let template = template();
    let resources = resources(&template);
    let check = text(&resources["CheckContactLensFileFunctionRole"]);
    assert!(check.contains("connect:GetContactAttributes"));
    assert!(
        !check.contains("secretsmanager"),
        "the check never calls Salesforce"
    );
    let check_function = text(&resources["CheckContactLensFileFunction"]);
    assert!(!check_function.contains("SF_"), "no Salesforce setting");
    let reads = text(&resources["ReadContactLensFilesPolicy"]);
    assert!(reads.contains("s3:GetObject"));
    for prefix in [
        "/Analysis/Voice/*",
        "/Analysis/Chat/*",
        "/*/ChatTranscripts/*",
    ] {
        assert!(reads.contains(prefix), "{prefix}");
    }
    assert!(
        !reads.contains("s3:ListBucket"),
        "never a listing of the recording bucket"
    );
    let import = text(&resources["ImportContactLensFileFunctionRole"]);
    assert!(
        !import.contains("connect:"),
        "the import never calls Connect"
    );
    assert!(import.contains("/locks/*"), "markers and claims only");
    assert!(import.contains("secretsmanager:GetSecretValue"));
}

#[test]
fn an_original_analysis_waits_its_grace_and_every_choice_reads_a_field_the_check_always_writes() {
    use contact_lens::check::{CheckedFile, REDACTED_VARIANT_GRACE_SECONDS};
    use serde_json::Value;

    let machine: Value = serde_json::from_str(
        &std::fs::read_to_string(
            test_harness::repo_root().join("statemachines/contact-lens.asl.json"),
        )
        .expect("definition"),
    )
    .expect("JSON");
    let states = &machine["States"];
    let wait = &states["WaitForRedactedVariant"];
    assert_eq!(wait["Type"], "Wait");
    assert_eq!(wait["Seconds"], REDACTED_VARIANT_GRACE_SECONDS);
    assert_eq!(wait["Next"], "ImportContactLensFile");
    assert_eq!(states["CheckContactLensFile"]["Next"], "ShouldImport");

    // A skipped file's verdict: the fields every output has.
    let skipped = serde_json::to_value(CheckedFile {
        import: false,
        skipped: None,
        bucket: "b".into(),
        key: "k".into(),
        file: None,
        contact_id: None,
        instance_id: None,
        redacted_recording_import: false,
        wait_for_redacted_variant: false,
        outage_tolerance_minutes: 60,
    })
    .expect("JSON");
    fn variables(rule: &Value, found: &mut Vec<String>) {
        if let Some(variable) = rule["Variable"].as_str() {
            found.push(variable.to_string());
        }
        for nested in ["And", "Or"] {
            for rule in rule[nested].as_array().into_iter().flatten() {
                variables(rule, found);
            }
        }
        if rule["Not"].is_object() {
            variables(&rule["Not"], found);
        }
    }
    let mut found = Vec::new();
    for rule in states["ShouldImport"]["Choices"]
        .as_array()
        .expect("choices")
    {
        variables(rule, &mut found);
    }
    assert!(
        found.contains(&"$.waitForRedactedVariant".to_string()),
        "{found:?}"
    );
    for variable in found {
        let name = variable.strip_prefix("$.").expect("a top-level field");
        assert!(
            skipped[name].is_boolean(),
            "{variable}: not a boolean every check output has ({skipped})"
        );
    }
}
