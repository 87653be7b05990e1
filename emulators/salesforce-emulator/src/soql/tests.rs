use serde_json::json;

use super::*;
use crate::store::tests::{ACME, PRIYA, record, sample_org};

fn names(rows: &[Record], field: &str) -> Vec<String> {
    rows.iter()
        .map(|row| row[field].as_str().unwrap_or("<null>").to_owned())
        .collect()
}

fn query(org: &OrgData, soql: &str) -> Vec<Record> {
    org.query(soql)
        .unwrap_or_else(|error| panic!("{soql}: {error:?}"))
}

fn query_error(org: &OrgData, soql: &str) -> DataError {
    org.query(soql).expect_err(soql)
}

#[test]
fn when_value_has_escaped_quote_should_match_literally() {
    let org = sample_org();
    let rows = query(
        &org,
        r#"SELECT LastName FROM Contact WHERE LastName = 'O\'Brien \\ \" %'"#,
    );
    assert_eq!(names(&rows, "LastName"), [r#"O'Brien \ " %"#]);
}

#[test]
fn when_injection_is_inside_escaped_literal_should_be_plain_text() {
    let org = sample_org();
    assert!(
        query(
            &org,
            r"SELECT Id FROM Contact WHERE LastName = '\' OR LastName != \''"
        )
        .is_empty()
    );
    assert!(
        query(
            &org,
            r"SELECT Id FROM Contact WHERE Name = 'x\' OR Name != \'x'"
        )
        .is_empty()
    );
}

#[test]
fn when_literal_has_every_legal_escape_should_decode() {
    let tokens = lex(r"'a\nb\Nc\rd\Re\tf\Tg\bh\Bi\fj\Fk\u00e9\%\_'").expect("lex");
    let Token::Str(text) = &tokens[0] else {
        panic!("{tokens:?}")
    };
    assert_eq!(
        text.value(),
        "a\nb\nc\rd\re\tf\tg\u{8}h\u{8}i\u{c}j\u{c}ké%_"
    );
}

#[test]
fn when_literal_has_illegal_escape_should_be_malformed() {
    let org = sample_org();
    let error = query_error(&org, r"SELECT Id FROM Contact WHERE Name = 'a\qb'");
    assert_eq!(
        error,
        DataError::malformed_query(
            r"Invalid string literal 'a\qb'. Illegal character sequence '\q' in string literal."
        )
    );
    let error = query_error(&org, r"SELECT Id FROM Contact WHERE Name = 'bad \u12'");
    assert_eq!(error.error_code(), "MALFORMED_QUERY");
}

#[test]
fn when_literal_is_unterminated_should_be_malformed() {
    let org = sample_org();
    let error = query_error(&org, r"SELECT Id FROM Contact WHERE Name = 'O\'Brien");
    assert_eq!(error.error_code(), "MALFORMED_QUERY");
    assert!(
        error.message().contains("expecting '''"),
        "{}",
        error.message()
    );
}

#[test]
fn when_text_compared_with_equals_should_ignore_case() {
    let org = sample_org();
    assert_eq!(
        names(
            &query(
                &org,
                "SELECT Name FROM Contact WHERE email = 'PRIYA.RAMAN@example.com'"
            ),
            "Name"
        ),
        ["Priya Raman"]
    );
    assert_eq!(
        query(&org, "select id from contact where name = 'priya raman'").len(),
        1
    );
}

#[test]
fn when_using_not_equals_should_include_nulls() {
    let org = sample_org();
    let rows = query(
        &org,
        "SELECT LastName FROM Contact WHERE FirstName != 'Ann'",
    );
    assert_eq!(rows.len(), 2, "Priya and O'Brien (null first name)");
    let rows = query(
        &org,
        "SELECT LastName FROM Contact WHERE FirstName <> 'Ann'",
    );
    assert_eq!(rows.len(), 2);
}

#[test]
fn when_comparing_with_null_should_follow_salesforce() {
    let org = sample_org();
    assert_eq!(
        query(&org, "SELECT Id FROM Contact WHERE FirstName = null").len(),
        1
    );
    assert_eq!(
        query(&org, "SELECT Id FROM Contact WHERE FirstName != null").len(),
        3
    );
    assert_eq!(
        query(&org, "SELECT Id FROM Contact WHERE Email = ''").len(),
        2
    );
}

#[test]
fn when_comparing_numbers_should_use_order_operators() {
    let org = sample_org();
    assert_eq!(
        names(
            &query(
                &org,
                "SELECT Name FROM Account WHERE NumberOfEmployees > 100"
            ),
            "Name"
        ),
        ["Acme"]
    );
    assert_eq!(
        query(
            &org,
            "SELECT Name FROM Account WHERE NumberOfEmployees >= 40"
        )
        .len(),
        2
    );
    assert_eq!(
        names(
            &query(
                &org,
                "SELECT Name FROM Account WHERE NumberOfEmployees < 120"
            ),
            "Name"
        ),
        ["Globex"]
    );
    assert_eq!(
        query(
            &org,
            "SELECT Name FROM Account WHERE NumberOfEmployees <= 120"
        )
        .len(),
        2
    );
    assert_eq!(
        query(
            &org,
            "SELECT Name FROM Account WHERE NumberOfEmployees = 40.0"
        )
        .len(),
        1
    );
}

#[test]
fn when_comparing_dates_and_datetimes_should_use_typed_literals() {
    let org = sample_org();
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE CreatedDate > 2024-03-05T00:00:00Z"
        )
        .len(),
        2
    );
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE CreatedDate >= 2024-03-05T14:30:00.000+00:00"
        )
        .len(),
        2
    );
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE CreatedDate < 2024-03-05T15:30:00+01:00"
        )
        .len(),
        1
    );
    assert_eq!(
        query(&org, "SELECT Id FROM Contact WHERE Birthdate = 1990-04-01").len(),
        1
    );
    assert!(query(&org, "SELECT Id FROM Case WHERE CreatedDate = TODAY").is_empty());
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:3"
        )
        .len(),
        4
    );
    let error = query_error(&org, "SELECT Id FROM Case WHERE CreatedDate > 2024-03-05");
    assert_eq!(error.error_code(), "INVALID_FIELD");
    assert!(error.message().contains("must be of type dateTime"));
}

#[test]
fn when_literal_type_is_wrong_should_be_invalid_field() {
    let org = sample_org();
    let error = query_error(&org, "SELECT Id FROM Case WHERE IsClosed = 'false'");
    assert_eq!(
        error.message(),
        "value of filter criterion for field 'IsClosed' must be of type boolean and should not be enclosed in quotes"
    );
    let error = query_error(&org, "SELECT Id FROM Contact WHERE LastName = 5");
    assert!(
        error
            .message()
            .contains("must be of type string and should be enclosed in quotes")
    );
    let error = query_error(&org, "SELECT Id FROM Contact WHERE Id = 'abc'");
    assert_eq!(
        error,
        DataError::InvalidQueryFilterOperator {
            message: "invalid ID field: abc".into()
        }
    );
    let error = query_error(&org, "SELECT Id FROM Account WHERE Description = 'x'");
    assert!(error.message().contains("can not be filtered"));
}

#[test]
fn when_using_like_should_support_wildcards_and_escapes() {
    let org = sample_org();
    assert_eq!(
        query(&org, "SELECT Id FROM Contact WHERE LastName LIKE 'lee%'").len(),
        2
    );
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Contact WHERE LastName LIKE 'Lee_Smith'"
        )
        .len(),
        2
    );
    assert_eq!(
        names(
            &query(
                &org,
                r"SELECT LastName FROM Contact WHERE LastName LIKE 'Lee\_Smith'"
            ),
            "LastName"
        ),
        ["Lee_Smith"]
    );
    assert_eq!(
        query(
            &org,
            r"SELECT LastName FROM Contact WHERE LastName LIKE '%\%'"
        )
        .len(),
        1
    );
    assert_eq!(
        query(&org, "SELECT Id FROM Contact WHERE Phone LIKE '%555%0143'").len(),
        1
    );
    assert!(query(&org, "SELECT Id FROM Contact WHERE LastName LIKE 'Lee'").is_empty());
    assert_eq!(
        query_error(
            &org,
            "SELECT Id FROM Account WHERE NumberOfEmployees LIKE '1%'"
        )
        .error_code(),
        "INVALID_QUERY_FILTER_OPERATOR"
    );
}

#[test]
fn when_using_in_and_not_in_should_match_lists() {
    let org = sample_org();
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE Status IN ('new', 'Working')"
        )
        .len(),
        2
    );
    assert_eq!(
        names(
            &query(
                &org,
                "SELECT Subject FROM Case WHERE Status NOT IN ('New', 'Working')"
            ),
            "Subject"
        ),
        ["Refund"]
    );
    assert_eq!(
        query(
            &org,
            &format!("SELECT Id FROM Contact WHERE Id IN ('{}')", &PRIYA[..15])
        )
        .len(),
        1
    );
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Account WHERE NumberOfEmployees IN (40, 41)"
        )
        .len(),
        1
    );
    assert_eq!(
        query_error(
            &org,
            "SELECT Id FROM Case WHERE ContactId IN (SELECT Id FROM Contact)"
        )
        .error_code(),
        "MALFORMED_QUERY"
    );
}

#[test]
fn when_combining_conditions_should_respect_parentheses_and_not() {
    let org = sample_org();
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE Status = 'New' OR Status = 'Closed'"
        )
        .len(),
        2
    );
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE ContactId != null AND IsClosed = false"
        )
        .len(),
        1
    );
    assert_eq!(query(&org, "SELECT Id FROM Case WHERE (Status = 'New' OR Status = 'Closed') AND Priority = 'Medium'").len(), 2);
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE Status = 'Working' OR (Status = 'New' AND Priority = 'Low')"
        )
        .len(),
        1
    );
    assert_eq!(
        query(&org, "SELECT Id FROM Case WHERE NOT Status = 'New'").len(),
        2
    );
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE NOT (Status = 'New' OR Status = 'Closed')"
        )
        .len(),
        1
    );
}

#[test]
fn when_mixing_and_or_without_parentheses_should_be_malformed() {
    let org = sample_org();
    let error = query_error(
        &org,
        "SELECT Id FROM Case WHERE Status = 'New' AND Priority = 'Low' OR Subject = 'x'",
    );
    assert_eq!(error.error_code(), "MALFORMED_QUERY");
    assert!(error.message().starts_with("unexpected token: 'OR'"));
    assert!(
        query_error(
            &org,
            "SELECT Id FROM Case WHERE Status = 'New' OR Priority = 'Low' AND Subject = 'x'"
        )
        .message()
        .contains("'AND'")
    );
}

#[test]
fn when_selecting_relationship_fields_should_nest_objects() {
    let org = sample_org();
    let rows = query(
        &org,
        "SELECT Id, Name, Account.Name, Account.Owner.Name FROM Contact WHERE Id = '0035e00000Xk9QmAAJ'",
    );
    let row = &rows[0];
    let keys: Vec<&String> = row.keys().collect();
    assert_eq!(keys, ["attributes", "Id", "Name", "Account"]);
    assert_eq!(row["Account"]["Name"], "Acme");
    assert_eq!(
        row["Account"]["attributes"],
        json!({ "type": "Account", "url": format!("/services/data/v60.0/sobjects/Account/{ACME}") })
    );
    assert_eq!(
        row["Account"]["Owner"],
        Value::Null,
        "no User record behind the default owner"
    );
    let rows = query(
        &org,
        "SELECT Subject, Contact.Account.Name, Account.Name FROM Case WHERE Subject = 'Refund'",
    );
    assert_eq!(rows[0]["Contact"]["Account"]["Name"], "Acme");
    assert_eq!(rows[0]["Account"], Value::Null);
}

#[test]
fn when_filtering_and_sorting_on_relationship_fields_should_follow_references() {
    let org = sample_org();
    assert_eq!(
        query(
            &org,
            "SELECT Id FROM Case WHERE Contact.Account.Name = 'acme'"
        )
        .len(),
        2
    );
    let rows = query(
        &org,
        "SELECT Subject FROM Case ORDER BY Contact.LastName NULLS LAST, Subject",
    );
    assert_eq!(
        names(&rows, "Subject"),
        ["Billing question", "Refund", "Outage"]
    );
}

#[test]
fn when_selecting_polymorphic_fields_should_resolve_by_id_prefix() {
    let mut org = sample_org();
    let case = query(&org, "SELECT Id FROM Case WHERE Subject = 'Refund'")[0]["Id"]
        .as_str()
        .map(str::to_owned)
        .expect("id");
    org.create("Task", &record(json!({ "Subject": "Call", "WhoId": PRIYA, "WhatId": case, "ActivityDate": "2024-03-10" }))).expect("task");
    org.create(
        "Task",
        &record(json!({ "Subject": "Follow up", "WhatId": ACME })),
    )
    .expect("task");
    let rows = query(
        &org,
        "SELECT Subject, Who.Name, What.Name, What.Type FROM Task ORDER BY Subject",
    );
    assert_eq!(rows[0]["Who"]["Name"], "Priya Raman");
    assert_eq!(rows[0]["What"]["Name"], "00001006");
    assert_eq!(rows[0]["What"]["Type"], "Case");
    assert_eq!(rows[1]["What"]["Name"], "Acme");
    assert_eq!(rows[1]["Who"], Value::Null);
    assert_eq!(
        query(&org, "SELECT Id FROM Task WHERE What.Type = 'Account'").len(),
        1
    );
    assert_eq!(
        query_error(&org, "SELECT What.Industry FROM Task").error_code(),
        "INVALID_FIELD"
    );
}

#[test]
fn when_ordering_limiting_and_offsetting_should_page() {
    let org = sample_org();
    let rows = query(&org, "SELECT Subject FROM Case ORDER BY CreatedDate DESC");
    assert_eq!(
        names(&rows, "Subject"),
        ["Refund", "Billing question", "Outage"]
    );
    let rows = query(
        &org,
        "SELECT Subject FROM Case ORDER BY CreatedDate ASC LIMIT 2 OFFSET 1",
    );
    assert_eq!(names(&rows, "Subject"), ["Billing question", "Refund"]);
    let rows = query(
        &org,
        "SELECT FirstName FROM Contact ORDER BY FirstName DESC NULLS FIRST, LastName",
    );
    assert_eq!(names(&rows, "FirstName"), ["<null>", "Priya", "Ann", "Ann"]);
    let rows = query(&org, "SELECT FirstName FROM Contact ORDER BY FirstName");
    assert_eq!(
        names(&rows, "FirstName")[0],
        "<null>",
        "ASC puts nulls first by default"
    );
    assert_eq!(query(&org, "SELECT Id FROM Contact LIMIT 0").len(), 0);
}

#[test]
fn when_query_matches_the_flow_fixture_should_return_open_cases() {
    let org = sample_org();
    let rows = query(
        &org,
        "SELECT Id, CaseNumber, Status, Subject FROM Case WHERE ContactId = '0035e00000Xk9QmAAJ' AND IsClosed = false ORDER BY CreatedDate DESC LIMIT 5",
    );
    assert_eq!(names(&rows, "CaseNumber"), ["00001005"]);
    let keys: Vec<&String> = rows[0].keys().collect();
    assert_eq!(
        keys,
        ["attributes", "Id", "CaseNumber", "Status", "Subject"]
    );
}

#[test]
fn when_counting_should_return_total_size_only() {
    let org = sample_org();
    let result = org
        .query_result("SELECT COUNT() FROM Contact WHERE FirstName = 'Ann'")
        .expect("count");
    assert_eq!(
        result,
        QueryResult {
            total_size: 2,
            records: Vec::new()
        }
    );
}

#[test]
fn when_object_or_field_is_unknown_should_name_it() {
    let org = sample_org();
    let error = query_error(&org, "SELECT Id FROM Foo");
    assert_eq!(error.error_code(), "INVALID_TYPE");
    assert!(
        error
            .message()
            .starts_with("sObject type 'Foo' is not supported.")
    );
    let error = query_error(&org, "SELECT Id, Foo__c FROM Contact");
    assert_eq!(
        error.message(),
        "No such column 'Foo__c' on entity 'Contact'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
    );
    let error = query_error(&org, "SELECT Nope.Name FROM Contact");
    assert!(
        error
            .message()
            .starts_with("Didn't understand relationship 'Nope'")
    );
    assert!(
        query_error(&org, "SELECT Id FROM AC_ContactTraceRecord__c")
            .message()
            .contains("not supported")
    );
    assert!(
        org.query(
            "SELECT Id, amazonconnect__ContactId__c FROM amazonconnect__AC_ContactTraceRecord__c"
        )
        .is_ok()
    );
}

#[test]
fn when_query_uses_unsupported_syntax_should_be_malformed_naming_it() {
    let org = sample_org();
    for (soql, needle) in [
        ("SELECT COUNT(Id) FROM Contact", "COUNT()"),
        ("SELECT FIELDS(ALL) FROM Contact LIMIT 200", "FIELDS()"),
        (
            "SELECT Id, (SELECT Id FROM Cases) FROM Contact",
            "subqueries",
        ),
        ("SELECT Id FROM Contact GROUP BY Id", "GROUP BY"),
        ("SELECT Id FROM Contact WITH SECURITY_ENFORCED", "WITH"),
        ("SELECT Id FROM Contact FOR UPDATE", "FOR"),
        (
            "SELECT Id FROM Contact WHERE Id = :contactId",
            "bind variables",
        ),
        ("SELECT Id FROM Contact WHERE", "<EOF>"),
        ("SELECT Id Contact", "unexpected token"),
        ("SELECT Id, Id FROM Contact", "duplicate field"),
        ("SELECT * FROM Contact", "'*'"),
        ("SELECT Id FROM Contact LIMIT -1", "LIMIT"),
        ("SELECT Id FROM Contact OFFSET 2001", "2000"),
        (
            "SELECT Id FROM Contact WHERE Name = 'x' trailing",
            "trailing",
        ),
    ] {
        let error = query_error(&org, soql);
        assert_eq!(error.error_code(), "MALFORMED_QUERY", "{soql}: {error:?}");
        assert!(
            error.message().contains(needle),
            "{soql}: {}",
            error.message()
        );
    }
}
