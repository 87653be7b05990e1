//! Values full of quotes, backslashes, wildcards and SOSL reserved characters, passed through
//! the client's escaping, must be matched literally: they can never change a query's meaning.

use salesforce_client::{
    ParameterizedSearch, Record, SalesforceClient, SearchObject,
    escape::{soql_like_literal, soql_quoted, sosl_phrase, sosl_term},
};
use serde_json::json;
use test_harness::*;

const DECOY: &str = "Qqqq Wwww";

fn hostile_values() -> Vec<String> {
    vec![
        "O'Brien".into(),
        "' OR LastName != '".into(),
        r"\' OR LastName != \'".into(),
        r"trailing backslash \".into(),
        r#"say "cheese""#.into(),
        "50% off_sale".into(),
        "%".into(),
        "_".into(),
        "line\nbreak\rcarriage\ttab".into(),
        "bell\u{8}form\u{c}feed".into(),
        "} RETURNING User(Id, Username)".into(),
        "a OR b".into(),
        "x AND NOT y".into(),
        r#"?&|!{}[]()^~*:\"'+-"#.into(),
        "Zoë 'single' \"double\" \\back".into(),
    ]
}

/// Salesforce refuses search terms shorter than two characters (`INVALID_SEARCH`), so the
/// search tests use the values a search can accept.
fn searchable_values() -> Vec<String> {
    hostile_values()
        .into_iter()
        .filter(|v| v.chars().count() >= 2)
        .collect()
}

fn contact(last_name: &str) -> Record {
    json!({ "LastName": last_name })
        .as_object()
        .cloned()
        .unwrap_or_default()
}

async fn seed(client: &SalesforceClient) -> Vec<(String, String)> {
    client
        .create("Contact", &contact(DECOY))
        .await
        .expect("decoy");
    let mut created = Vec::new();
    for value in hostile_values() {
        let id = client
            .create("Contact", &contact(&value))
            .await
            .expect("create hostile contact");
        created.push((value, id));
    }
    created
}

fn last_names(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .filter_map(|r| {
            r.get("LastName")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .collect()
}

#[tokio::test]
async fn soql_equality_matches_exactly_the_hostile_value() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    for (value, id) in seed(&client).await {
        let soql = format!(
            "SELECT Id, LastName FROM Contact WHERE LastName = {}",
            soql_quoted(&value)
        );
        let records = client
            .query(&soql)
            .await
            .unwrap_or_else(|error| panic!("query for {value:?} failed: {error}"));
        assert_eq!(
            records.len(),
            1,
            "{value:?} matched {:?}",
            last_names(&records)
        );
        assert_eq!(records[0]["Id"], id.as_str());
        assert_eq!(records[0]["LastName"], value.as_str());
    }
}

#[tokio::test]
async fn soql_like_with_literal_escaping_treats_wildcards_as_text() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    for (value, id) in seed(&client).await {
        let soql = format!(
            "SELECT Id, LastName FROM Contact WHERE LastName LIKE '{}'",
            soql_like_literal(&value)
        );
        let records = client
            .query(&soql)
            .await
            .unwrap_or_else(|error| panic!("LIKE for {value:?} failed: {error}"));
        assert_eq!(
            records.len(),
            1,
            "{value:?} matched {:?}",
            last_names(&records)
        );
        assert_eq!(records[0]["Id"], id.as_str());
    }
}

#[tokio::test]
async fn soql_not_equal_with_a_hostile_value_excludes_only_that_record() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    let seeded = seed(&client).await;
    let total = client
        .query("SELECT Id FROM Contact")
        .await
        .expect("all contacts")
        .len();
    for (value, _) in &seeded {
        let soql = format!(
            "SELECT Id FROM Contact WHERE LastName != {}",
            soql_quoted(value)
        );
        let records = client.query(&soql).await.expect("query");
        assert_eq!(records.len(), total - 1, "{value:?}");
    }
}

#[tokio::test]
async fn sosl_terms_with_reserved_characters_are_searched_literally() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    seed(&client).await;
    for value in searchable_values() {
        for term in [sosl_term(&value), sosl_phrase(&value)] {
            let sosl = format!("FIND {{{term}}} IN NAME FIELDS RETURNING Contact(Id, LastName)");
            let records = client
                .search(&sosl)
                .await
                .unwrap_or_else(|error| panic!("search for {value:?} as {term:?} failed: {error}"));
            for record in &records {
                assert_eq!(
                    record["attributes"]["type"], "Contact",
                    "{value:?} escaped its RETURNING clause"
                );
                assert_ne!(
                    record["LastName"], DECOY,
                    "{value:?} as {term:?} widened the search"
                );
            }
        }
    }
}

#[tokio::test]
async fn parameterized_search_text_cannot_widen_or_redirect_the_search() {
    let emulator = start_demo_emulator().await;
    let client = demo_client(&emulator);
    seed(&client).await;
    for value in searchable_values() {
        let search = ParameterizedSearch {
            q: value.clone(),
            sobjects: vec![SearchObject {
                name: "Contact".into(),
                fields: vec!["Id".into(), "LastName".into()],
                ..SearchObject::default()
            }],
            ..ParameterizedSearch::default()
        };
        let records = client
            .parameterized_search(&search)
            .await
            .unwrap_or_else(|error| panic!("parameterizedSearch for {value:?} failed: {error}"));
        for record in &records {
            assert_eq!(record["attributes"]["type"], "Contact");
            assert_ne!(record["LastName"], DECOY, "{value:?} widened the search");
        }
    }
}
