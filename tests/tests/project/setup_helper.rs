//! sfExecuteAWSService in the template: deployed only while `SalesforceExecuteAWSServiceUser`
//! names the wizard's IAM user, invocable by that user alone, its role exactly the wizard's calls.

use std::collections::BTreeSet;

use serde_yaml_ng::Value as Yaml;
use tests::template_yaml::template;

const CONDITION: &str = "SalesforceExecuteAWSServiceUserHasValue";

/// The text under a tag (`!Sub 'arn:…'`), or the plain value's.
fn text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::Tagged(tagged) => text(&tagged.value),
        Yaml::String(text) => Some(text.clone()),
        _ => None,
    }
}

fn strings(value: &Yaml) -> Vec<String> {
    match value {
        Yaml::Sequence(items) => items.iter().filter_map(text).collect(),
        other => text(other).into_iter().collect(),
    }
}

#[test]
fn the_setup_helper_exists_only_while_its_iam_user_is_named() {
    let template = template();
    let resources = &template["Resources"];
    for name in [
        "SfExecuteAwsServiceFunction",
        "SfExecuteAwsServiceFunctionRole",
        "SfExecuteAwsServiceInvokePermission",
        "InvokeSfExecuteAWSServicePolicy",
    ] {
        assert_eq!(
            resources[name]["Condition"].as_str(),
            Some(CONDITION),
            "{name} must be deployed only while SalesforceExecuteAWSServiceUser is set"
        );
    }
    assert_eq!(
        template["Outputs"]["SfExecuteAwsServiceFunctionArn"]["Condition"].as_str(),
        Some(CONDITION)
    );
    let condition = format!("{:?}", template["Conditions"][CONDITION]);
    assert!(
        condition.contains("SalesforceExecuteAWSServiceUser") && condition.contains("!Not"),
        "{condition}"
    );
    let function = &resources["SfExecuteAwsServiceFunction"]["Properties"];
    assert_eq!(
        function["CodeUri"].as_str(),
        Some("activities/sf-execute-aws-service")
    );
    assert!(
        text(&function["Environment"]["Variables"]["CLOUDFORMATION_STACK_ID"])
            .is_some_and(|value| value == "AWS::StackId"),
        "retrieve_lambda_parameters answers the stack id"
    );
}

#[test]
fn only_the_named_iam_user_may_invoke_the_setup_helper() {
    let template = template();
    let resources = template["Resources"].as_mapping().expect("Resources");
    let permissions: Vec<&Yaml> = resources
        .values()
        .filter(|resource| resource["Type"].as_str() == Some("AWS::Lambda::Permission"))
        .filter(|resource| {
            text(&resource["Properties"]["FunctionName"])
                .is_some_and(|name| name.starts_with("SfExecuteAwsServiceFunction"))
        })
        .collect();
    assert_eq!(permissions.len(), 1, "one grant, for the wizard's user");
    let properties = &permissions[0]["Properties"];
    assert_eq!(properties["Action"].as_str(), Some("lambda:InvokeFunction"));
    assert_eq!(
        text(&properties["Principal"]).as_deref(),
        Some(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/${SalesforceExecuteAWSServiceUser}"
        )
    );
    // The install guide's policy for that user: invoking this function, nothing else.
    let policy = &template["Resources"]["InvokeSfExecuteAWSServicePolicy"]["Properties"];
    let statements = policy["PolicyDocument"]["Statement"]
        .as_sequence()
        .expect("statements");
    assert_eq!(statements.len(), 1);
    assert_eq!(strings(&statements[0]["Action"]), ["lambda:InvokeFunction"]);
    assert_eq!(
        text(&statements[0]["Resource"]).as_deref(),
        Some("SfExecuteAwsServiceFunction.Arn")
    );
}

#[test]
fn the_setup_helpers_role_allows_exactly_the_wizards_calls() {
    let template = template();
    let role = &template["Resources"]["SfExecuteAwsServiceFunctionRole"]["Properties"];
    let mut actions = BTreeSet::new();
    for policy in role["Policies"].as_sequence().expect("inline policies") {
        for statement in policy["PolicyDocument"]["Statement"]
            .as_sequence()
            .expect("statements")
        {
            assert_eq!(statement["Effect"].as_str(), Some("Allow"));
            actions.extend(strings(&statement["Action"]));
        }
    }
    let expected: BTreeSet<String> = [
        // connect_create_instance, and finding an instance by its alias
        "connect:CreateInstance",
        "connect:ListInstances",
        // what CreateInstance does with the caller's rights
        "ds:AuthorizeApplication",
        "ds:CheckAlias",
        "ds:CreateAlias",
        "ds:CreateIdentityPoolDirectory",
        "ds:DeleteDirectory",
        "ds:DescribeDirectories",
        "ds:UnauthorizeApplication",
        "iam:CreateServiceLinkedRole",
        "iam:PutRolePolicy",
        // storage associations, retrieve_lambda_parameters, approved origins
        "connect:ListInstanceStorageConfigs",
        "connect:AssociateInstanceStorageConfig",
        "connect:UpdateInstanceStorageConfig",
        "connect:AssociateApprovedOrigin",
        "s3:GetBucketLocation",
        "s3:GetBucketAcl",
        "kms:DescribeKey",
        "kms:CreateGrant",
        // the CTR stream and the buckets
        "kinesis:CreateStream",
        "kinesis:DescribeStream",
        "s3:CreateBucket",
    ]
    .map(str::to_string)
    .into();
    assert_eq!(actions, expected);
    let managed: Vec<String> = role["ManagedPolicyArns"]
        .as_sequence()
        .expect("managed policies")
        .iter()
        .map(|policy| format!("{policy:?}"))
        .collect();
    assert!(
        managed
            .iter()
            .all(|policy| policy.contains("AWSLambdaBasicExecutionRole")
                || policy.contains("AWSLambdaVPCAccessExecutionRole")),
        "{managed:?}"
    );
}
