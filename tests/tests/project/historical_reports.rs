//! What `template.yaml` deploys to start the historical report import: the EventBridge rule on
//! the reporting bucket's `Object Created` events, only under `HistoricalReportsImportCondition`
//! (the import switch on and `HistoricalReportingSource` `s3-reports`), its key patterns
//! evaluated as EventBridge evaluates a `wildcard` (`*` is any run of characters, `/` included,
//! and the pattern spans the whole key) against the keys Connect writes and keys it must not
//! start on, with no year in any pattern.

use serde_yaml_ng::Value as Yaml;
use tests::template_yaml::{referenced, resources, template};

const RULE: &str = "HistoricalReportCreatedRule";
const CONDITION: &str = "HistoricalReportsImportCondition";

fn text(value: &Yaml) -> String {
    serde_yaml_ng::to_string(value).expect("yaml")
}

/// EventBridge's `wildcard` match: `*` matches zero or more of any character (`/` too), `\*`
/// and `\\` are a literal star and backslash, every other character matches itself, and the
/// pattern must cover the whole value.
fn wildcard_matches(pattern: &str, value: &str) -> bool {
    enum Token {
        Any,
        Literal(char),
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '*' => tokens.push(Token::Any),
            '\\' => tokens.push(Token::Literal(
                chars.next().expect("a backslash escapes a character"),
            )),
            other => tokens.push(Token::Literal(other)),
        }
    }
    let value: Vec<char> = value.chars().collect();
    // matched[j]: the tokens so far can cover the first j characters of the value.
    let mut matched = vec![false; value.len() + 1];
    matched[0] = true;
    for token in &tokens {
        let mut next = vec![false; value.len() + 1];
        match token {
            Token::Any => {
                let mut reachable = false;
                for j in 0..=value.len() {
                    reachable |= matched[j];
                    next[j] = reachable;
                }
            }
            Token::Literal(expected) => {
                for j in 1..=value.len() {
                    next[j] = matched[j - 1] && value[j - 1] == *expected;
                }
            }
        }
        matched = next;
    }
    matched[value.len()]
}

fn key_patterns(rule: &Yaml) -> Vec<String> {
    rule["Properties"]["EventPattern"]["detail"]["object"]["key"]
        .as_sequence()
        .expect("key patterns")
        .iter()
        .map(|entry| {
            entry["wildcard"]
                .as_str()
                .unwrap_or_else(|| panic!("a wildcard pattern: {}", text(entry)))
                .to_string()
        })
        .collect()
}

fn rule_starts_on(patterns: &[String], key: &str) -> bool {
    patterns
        .iter()
        .any(|pattern| wildcard_matches(pattern, key))
}

#[test]
fn the_wildcard_matcher_is_eventbridges() {
    assert!(wildcard_matches(
        "*/SFDC/Queue/*.csv",
        "a/b/SFDC/Queue/c/d.csv"
    ));
    assert!(wildcard_matches("*.csv", ".csv"), "* matches nothing too");
    assert!(
        !wildcard_matches("SFDC/*.csv", "x/SFDC/a.csv"),
        "anchored at the start"
    );
    assert!(
        !wildcard_matches("SFDC/*.csv", "SFDC/a.csv.gz"),
        "anchored at the end"
    );
    assert!(wildcard_matches(r"a\*b", "a*b"));
    assert!(!wildcard_matches(r"a\*b", "axb"));
}

#[test]
fn the_report_rule_exists_only_under_its_condition() {
    let template = template();
    let resources = resources(&template);
    for name in [RULE, "HistoricalReportCreatedRuleRole"] {
        assert_eq!(
            resources[name]["Condition"].as_str(),
            Some(CONDITION),
            "{name}"
        );
    }
    let target = &resources[RULE]["Properties"]["Targets"][0];
    let machine = referenced(&target["Arn"]).expect("the target is a !Ref");
    assert_eq!(machine, "HistoricalReportImportStateMachine");
    assert_eq!(
        resources[machine.as_str()]["Condition"].as_str(),
        Some(CONDITION),
        "the state machine the rule starts"
    );
    assert_eq!(
        referenced(&target["RoleArn"]).as_deref(),
        Some("HistoricalReportCreatedRuleRole")
    );
    // The import switch on and the reports (not the metrics API) as the source.
    let condition = text(&template["Conditions"][CONDITION]);
    assert!(
        condition.contains("HistoricalReportingImportCondition"),
        "{condition}"
    );
    assert!(
        condition.contains("HistoricalReportingSource") && condition.contains("s3-reports"),
        "{condition}"
    );
}

#[test]
fn the_report_rule_watches_the_reporting_buckets_created_objects() {
    let template = template();
    let pattern = &resources(&template)[RULE]["Properties"]["EventPattern"];
    assert_eq!(text(&pattern["source"]).trim(), "- aws.s3");
    assert_eq!(text(&pattern["detail-type"]).trim(), "- Object Created");
    let buckets = pattern["detail"]["bucket"]["name"]
        .as_sequence()
        .expect("bucket names");
    assert_eq!(buckets.len(), 1, "{buckets:?}");
    assert_eq!(
        referenced(&buckets[0]).as_deref(),
        Some("ConnectReportingS3BucketName")
    );
}

#[test]
fn the_report_rule_starts_on_every_sfdc_report_key_and_no_other() {
    let template = template();
    let patterns = key_patterns(&resources(&template)[RULE]);
    assert!(!patterns.is_empty());
    for pattern in &patterns {
        assert!(
            !pattern.chars().any(|c| c.is_ascii_digit()),
            "no year (no digit at all) in {pattern:?}: the rule must not need editing in January"
        );
        assert!(
            !pattern.contains("**"),
            "EventBridge refuses consecutive wildcards: {pattern:?}"
        );
    }
    for key in [
        "connect/northwind-care/Reports/SFDC/Queue/Queue Interval 30m-2024-03-05T15:15:37Z.csv",
        "connect/a/Reports/SFDC/Queue/x.csv",
        "connect/a/Reports/SFDC/Agent/y.csv",
        "SFDC/Agent/x.csv",
        "SFDC/Queue/x.csv",
        // A report Connect files under dated folders below the prefix.
        "connect/a/Reports/SFDC/Agent/2027/01/01/Agent-2027-01-01T00:00:00Z.csv",
    ] {
        assert!(rule_starts_on(&patterns, key), "{key} under {patterns:?}");
    }
    for key in [
        "connect/a/Reports/Other/x.csv",
        "connect/a/Reports/SFDC/Queue/x.txt",
        "connect/a/Reports/SFDC/Agent/x.csv.txt",
        "connect/a/Reports/SFDC/Queues/x.csv",
        "connect/a/Reports/xSFDC/Queue/x.csv",
        "connect/a/Reports/SFDC/Contact/x.csv",
        "Reports/x.csv",
        "connect/a/CTR/2024/03/05/SFDC.csv",
    ] {
        assert!(
            !rule_starts_on(&patterns, key),
            "{key} should not start the import ({patterns:?})"
        );
    }
}
