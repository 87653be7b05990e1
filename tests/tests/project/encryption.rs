//! WorkflowKMSKeyARN: the state machines' execution history holds CTRs and contact attributes,
//! so with a key given every state machine encrypts its history with it, and every role that
//! runs or starts one (or sends to the CTR trigger's failure queue) can use the key. Without
//! the grant, the first StartExecution would fail with AccessDenied after the stack deployed.

use serde_yaml_ng::Value as Yaml;
use tests::template_yaml::{if_branches, referenced, resources, template};

const KEY_CONDITION: &str = "HasWorkflowKmsKey";

/// Whether `role` attaches the workflow key's policy exactly when a key is given.
fn attaches_workflow_key_policy(role: &Yaml) -> bool {
    role["Properties"]["ManagedPolicyArns"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(if_branches)
        .any(|(condition, then, _)| {
            condition == KEY_CONDITION && referenced(then).as_deref() == Some("WorkflowKeyPolicy")
        })
}

#[test]
fn every_state_machine_encrypts_its_history_with_the_workflow_key_when_one_is_given() {
    let template = template();
    let resources = resources(&template);
    let mut machines = 0;
    for (name, resource) in resources {
        let name = name.as_str().expect("logical id");
        let kind = resource["Type"].as_str().unwrap_or_default();
        assert_ne!(
            kind, "AWS::Serverless::StateMachine",
            "{name}: SAM's state machine passes no EncryptionConfiguration through"
        );
        if kind != "AWS::StepFunctions::StateMachine" {
            continue;
        }
        machines += 1;
        let properties = &resource["Properties"];
        let (condition, with_key, without_key) =
            if_branches(&properties["EncryptionConfiguration"]).unwrap_or_else(|| {
                panic!("{name}: EncryptionConfiguration is not !If [{KEY_CONDITION}, ...]")
            });
        assert_eq!(condition, KEY_CONDITION, "{name}");
        assert_eq!(
            with_key["Type"].as_str(),
            Some("CUSTOMER_MANAGED_KMS_KEY"),
            "{name}"
        );
        assert_eq!(
            referenced(&with_key["KmsKeyId"]).as_deref(),
            Some("WorkflowKMSKeyARN"),
            "{name}"
        );
        assert_eq!(
            without_key["Type"].as_str(),
            Some("AWS_OWNED_KEY"),
            "{name}"
        );

        let role = referenced(&properties["RoleArn"])
            .unwrap_or_else(|| panic!("{name}: RoleArn names no role of the stack"));
        assert!(
            attaches_workflow_key_policy(&resources[role.as_str()]),
            "{name}'s role {role} cannot use the workflow key: every Task would fail"
        );
    }
    assert_eq!(
        machines, 5,
        "post-call, real-time, two historical, Contact Lens"
    );
}

#[test]
fn every_role_that_starts_an_execution_or_feeds_the_failure_queue_can_use_the_workflow_key() {
    let template = template();
    let resources = resources(&template);
    let mut starters = Vec::new();
    for (name, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::IAM::Role") {
            continue;
        }
        let policies = serde_yaml_ng::to_string(&resource["Properties"]["Policies"]).expect("yaml");
        if policies.contains("states:StartExecution") || policies.contains("sqs:SendMessage") {
            let name = name.as_str().expect("logical id");
            assert!(
                attaches_workflow_key_policy(resource),
                "{name} starts an execution or sends to the failure queue but cannot use the \
                 workflow key"
            );
            starters.push(name.to_string());
        }
    }
    // The CTR trigger, the two schedules and the two S3 rules.
    assert_eq!(starters.len(), 5, "{starters:?}");

    let policy =
        serde_yaml_ng::to_string(&resources["WorkflowKeyPolicy"]["Properties"]["PolicyDocument"])
            .expect("yaml");
    for action in ["kms:Decrypt", "kms:GenerateDataKey"] {
        assert!(policy.contains(action), "WorkflowKeyPolicy lacks {action}");
    }
    let queue = &resources["CtrTriggerFailureQueue"]["Properties"]["KmsMasterKeyId"];
    let (condition, then, _) = if_branches(queue).expect("KmsMasterKeyId is an !If");
    assert_eq!(condition, KEY_CONDITION);
    assert_eq!(referenced(then).as_deref(), Some("WorkflowKMSKeyARN"));
}
