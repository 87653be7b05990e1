use serde_json::json;

use super::*;
use crate::store::SearchObject;
use crate::store::tests::{PRIYA, record, sample_org};

fn search(org: &OrgData, sosl: &str) -> Vec<Record> {
    org.search(sosl)
        .unwrap_or_else(|error| panic!("{sosl}: {error:?}"))
}

fn ids_of(rows: &[Record]) -> Vec<String> {
    rows.iter()
        .map(|row| {
            format!(
                "{}:{}",
                row["attributes"]["type"].as_str().unwrap_or_default(),
                row["Id"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn when_searching_phone_fields_should_match_digits_only() {
    let org = sample_org();
    for term in [
        "2065550143",
        "5550143",
        r"\(206\) 555\-0143",
        "+12065550143",
    ] {
        let rows = search(
            &org,
            &format!(
                "FIND {{{term}}} IN PHONE FIELDS RETURNING Contact(Id, Name, Phone), Lead(Id, Name, Phone)"
            ),
        );
        assert_eq!(rows.len(), 1, "{term}");
        assert_eq!(rows[0]["Name"], "Priya Raman");
        let keys: Vec<&String> = rows[0].keys().collect();
        assert_eq!(keys, ["attributes", "Id", "Name", "Phone"]);
    }
    assert!(search(&org, "FIND {2065550144} IN PHONE FIELDS RETURNING Contact").is_empty());
}

#[test]
fn when_scope_is_email_or_name_should_only_look_there() {
    let org = sample_org();
    assert_eq!(
        search(&org, "FIND {priya} IN EMAIL FIELDS RETURNING Contact").len(),
        1
    );
    assert_eq!(
        search(&org, "FIND {example.com} IN NAME FIELDS RETURNING Contact").len(),
        0
    );
    assert_eq!(
        search(&org, "FIND {raman} IN NAME FIELDS RETURNING Contact").len(),
        1
    );
    assert_eq!(
        search(&org, "find {RAMAN} in all fields returning Contact").len(),
        1
    );
    assert_eq!(
        search(
            &org,
            "FIND {4719208} RETURNING Account(Name, AccountNumber)"
        )[0]["Name"],
        "Acme"
    );
}

#[test]
fn when_no_returning_clause_should_search_standard_objects_for_ids() {
    let org = sample_org();
    let rows = search(&org, "FIND {5550143}");
    assert_eq!(
        ids_of(&rows).len(),
        2,
        "Globex's AccountNumber and Priya's phones: {rows:?}"
    );
    assert_eq!(rows[0].keys().collect::<Vec<_>>(), ["attributes", "Id"]);
    assert_eq!(rows[0]["attributes"]["type"], "Account");
    assert_eq!(rows[1]["Id"], PRIYA);
}

#[test]
fn when_reserved_characters_are_escaped_should_match_literally() {
    let mut org = sample_org();
    let name = r#"Q&A | {x} [y] (z) ^~*:\"'+-? !"#;
    org.create("Account", &record(json!({ "Name": name })))
        .expect("create");
    let escaped: String = name
        .chars()
        .flat_map(|c| {
            if RESERVED_CHARACTERS.contains(&c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect();
    let rows = search(
        &org,
        &format!("FIND {{\"{escaped}\"}} IN NAME FIELDS RETURNING Account(Name)"),
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Name"], name);
    let rows = search(
        &org,
        &format!("FIND {{{escaped}}} IN NAME FIELDS RETURNING Account(Name)"),
    );
    assert_eq!(rows.len(), 1);
}

#[test]
fn when_closing_brace_is_unescaped_should_end_the_term() {
    let org = sample_org();
    let error = org
        .search("FIND {acme} OR x} RETURNING Account")
        .expect_err("brace");
    assert_eq!(error.error_code(), "INVALID_SEARCH");
    assert_eq!(
        org.search("FIND {acme [x]} RETURNING Account")
            .expect_err("bracket")
            .error_code(),
        "INVALID_SEARCH"
    );
    assert_eq!(
        org.search("FIND {acme").expect_err("open").error_code(),
        "INVALID_SEARCH"
    );
    assert_eq!(
        org.search("FIND acme").expect_err("no braces").error_code(),
        "INVALID_SEARCH"
    );
    assert_eq!(
        org.search("FIND {a}").expect_err("short").error_code(),
        "INVALID_SEARCH"
    );
    assert_eq!(
        org.search("SELECT Id FROM Contact")
            .expect_err("soql")
            .error_code(),
        "INVALID_SEARCH"
    );
    assert_eq!(
        org.search("FIND {acme} RETURNING Nope__c")
            .expect_err("object")
            .error_code(),
        "INVALID_TYPE"
    );
    assert_eq!(
        org.search("FIND {acme} RETURNING Account(Nope)")
            .expect_err("field")
            .error_code(),
        "INVALID_FIELD"
    );
}

#[test]
fn when_using_wildcards_and_operators_should_combine_terms() {
    let org = sample_org();
    assert_eq!(
        search(&org, "FIND {pri*} IN NAME FIELDS RETURNING Contact").len(),
        1
    );
    assert_eq!(
        search(&org, "FIND {r?man} IN NAME FIELDS RETURNING Contact").len(),
        1
    );
    assert_eq!(
        search(&org, "FIND {ann smith} IN NAME FIELDS RETURNING Contact").len(),
        2
    );
    assert_eq!(
        search(
            &org,
            "FIND {ann AND NOT LeeXSmith} IN NAME FIELDS RETURNING Contact"
        )
        .len(),
        1
    );
    assert_eq!(
        search(&org, "FIND {priya OR obrien} RETURNING Contact").len(),
        2
    );
    assert_eq!(
        search(&org, "FIND {\"priya raman\"} RETURNING Contact").len(),
        1
    );
    assert!(search(&org, "FIND {\"raman priya\"} RETURNING Contact").is_empty());
    assert_eq!(search(&org, "FIND 'priya' RETURNING Contact").len(), 1);
}

#[test]
fn when_returning_has_where_order_and_limits_should_apply_them() {
    let org = sample_org();
    let rows = search(
        &org,
        "FIND {ann} RETURNING Contact(LastName WHERE LastName LIKE 'Lee%' ORDER BY LastName DESC LIMIT 1)",
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["LastName"], "LeeXSmith");
    let rows = search(
        &org,
        "FIND {example} RETURNING Contact(Name, Account.Name ORDER BY Name), Account LIMIT 1",
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Name"], "O'Brien \\ \" %");
    assert_eq!(rows[0]["Account"], serde_json::Value::Null);
}

#[test]
fn when_parameterized_search_has_where_and_limit_should_filter() {
    let org = sample_org();
    let request = ParameterizedSearch {
        q: "4719208".into(),
        sobjects: vec![SearchObject {
            name: "Account".into(),
            fields: vec![],
            where_clause: Some("Type = 'Customer - Direct'".into()),
            limit: None,
        }],
        default_fields: vec!["Id".into(), "Name".into(), "AccountNumber".into()],
        overall_limit: Some(10),
        ..Default::default()
    };
    let rows = org.parameterized_search(&request).expect("search");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].keys().collect::<Vec<_>>(),
        ["attributes", "Id", "Name", "AccountNumber"]
    );
    let mut request = request;
    request.sobjects[0].where_clause = Some("Type = 'Prospect'".into());
    assert!(
        org.parameterized_search(&request)
            .expect("search")
            .is_empty()
    );

    let request = ParameterizedSearch {
        q: "ann".into(),
        sobjects: vec![SearchObject {
            name: "Contact".into(),
            fields: vec!["Name".into()],
            where_clause: None,
            limit: Some(1),
        }],
        ..Default::default()
    };
    assert_eq!(org.parameterized_search(&request).expect("search").len(), 1);
}

#[test]
fn when_parameterized_search_is_phone_lookup_should_match_national_number() {
    let org = sample_org();
    let request = ParameterizedSearch {
        q: "2065550143".into(),
        scope: SearchScope::Phone,
        sobjects: vec![SearchObject {
            name: "Contact".into(),
            ..Default::default()
        }],
        default_fields: vec![
            "Id".into(),
            "Name".into(),
            "Email".into(),
            "AccountId".into(),
        ],
        ..Default::default()
    };
    let rows = org.parameterized_search(&request).expect("search");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["Id"], PRIYA);
}

#[test]
fn when_parameterized_query_has_reserved_characters_should_treat_them_literally() {
    let mut org = sample_org();
    org.create("Account", &record(json!({ "Name": "A*B {corp}" })))
        .expect("create");
    let request = |q: &str| ParameterizedSearch {
        q: q.into(),
        sobjects: vec![SearchObject {
            name: "Account".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    assert_eq!(
        org.parameterized_search(&request("A*B"))
            .expect("search")
            .len(),
        1
    );
    assert!(
        org.parameterized_search(&request("A*C"))
            .expect("search")
            .is_empty()
    );
    assert_eq!(
        org.parameterized_search(&request("{corp}"))
            .expect("search")
            .len(),
        1
    );
    assert_eq!(
        org.parameterized_search(&request("x"))
            .expect_err("short")
            .error_code(),
        "INVALID_SEARCH"
    );
    let mut bad = request("acme");
    bad.sobjects[0].where_clause = Some("Name = 'a' AND Name = 'b' OR Name = 'c'".into());
    assert_eq!(
        org.parameterized_search(&bad)
            .expect_err("where")
            .error_code(),
        "MALFORMED_QUERY"
    );
}
