//! MonitoringDashboardEnabled: every alarm and dashboard widget on the package's own namespace
//! watches a metric the functions emit, and the dashboard body is valid JSON whichever features
//! the stack deploys (CloudFormation would accept a broken body and the console show nothing).

use std::collections::BTreeSet;

use test_harness::repo_root;

/// Metric names of `AmazonConnectSalesforce` that `template.yaml` watches (alarms and widgets).
fn watched_package_metrics() -> BTreeSet<String> {
    let template = std::fs::read_to_string(repo_root().join("template.yaml")).expect("template");
    let mut names = BTreeSet::new();
    let mut namespace_line = false;
    for line in template.lines() {
        let line = line.trim();
        if line == format!("Namespace: {}", package_metrics::NAMESPACE) {
            namespace_line = true;
            continue;
        }
        if namespace_line && let Some(name) = line.strip_prefix("MetricName: ") {
            names.insert(name.trim().to_string());
        }
        namespace_line = false;
        // Dashboard rows: ["<namespace>","<name>",...]; "." repeats the row before's namespace.
        for widget in line.split("\"metrics\":[[").skip(1) {
            let rows = widget.split("]]").next().unwrap_or_default();
            let mut namespace = String::new();
            for row in rows.split("],[") {
                let fields: Vec<&str> = row
                    .split(',')
                    .map(|field| field.trim_matches('"'))
                    .collect();
                let [first, second, ..] = fields.as_slice() else {
                    continue;
                };
                if *first != "." && *first != "..." {
                    namespace = (*first).to_string();
                }
                if namespace == package_metrics::NAMESPACE && *second != "." {
                    names.insert((*second).to_string());
                }
            }
        }
    }
    names
}

/// Every string literal the workflows' sources hold (a metric name is one, where it is emitted).
fn literals_in_workflows() -> String {
    let mut text = String::new();
    let mut stack = vec![repo_root().join("workflows")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    text
}

#[test]
fn every_package_metric_the_stack_watches_is_emitted_by_a_function() {
    let watched = watched_package_metrics();
    assert!(
        watched.contains(package_metrics::SALESFORCE_AUTH_FAILURE)
            && watched.contains(package_metrics::SALESFORCE_API_USAGE_PERCENT),
        "the sign-in and API usage alarms: {watched:?}"
    );
    let sources = literals_in_workflows();
    let unknown: Vec<&String> = watched
        .iter()
        .filter(|name| !sources.contains(&format!("\"{name}\"")))
        .collect();
    assert!(
        unknown.is_empty(),
        "template.yaml watches metrics no function emits: {unknown:?}"
    );
}

#[test]
fn the_dashboard_body_is_valid_json_with_every_feature_on_and_off() {
    let script = r#"
import json, re, sys
from cfnlint.decode import cfn_yaml
template = cfn_yaml.load(sys.argv[1])
body = template["Resources"]["MonitoringDashboard"]["Properties"]["DashboardBody"]
def resolve(node, on):
    if isinstance(node, dict):
        (function, arguments), = node.items()
        if function == "Fn::Join":
            return arguments[0].join(resolve(part, on) for part in arguments[1])
        if function == "Fn::Sub":
            # Numbers where the template substitutes a Number parameter, text elsewhere.
            return re.sub(r"\$\{([^}]+)\}", lambda m: "90" if m.group(1) == "SalesforceApiBudgetPercent" else "name", arguments)
        if function == "Fn::If":
            return resolve(arguments[1] if on else arguments[2], on)
        raise SystemExit(f"unexpected {function} in the dashboard body")
    return node
for on in (True, False):
    widgets = json.loads(resolve(body, on))["widgets"]
    print(len(widgets))
"#;
    let stdout = crate::python_on_template(script);
    let counts: Vec<usize> = stdout.lines().filter_map(|l| l.parse().ok()).collect();
    assert_eq!(counts.len(), 2, "{stdout}");
    assert!(
        counts[0] > counts[1] && counts[1] >= 2,
        "every feature on shows more widgets than none, and the Salesforce and sfInvokeAPI widgets are always there: {counts:?}"
    );
}
