use serde_json::json;

use super::*;
use crate::schema::OrgSchema;

pub(crate) const ACME: &str = "0015e00000QbT4rAAF";
pub(crate) const PRIYA: &str = "0035e00000Xk9QmAAJ";

pub(crate) fn record(value: Value) -> Record {
    value.as_object().cloned().unwrap_or_default()
}

/// A small org: two accounts, four contacts, three cases, a task.
pub(crate) fn sample_org() -> OrgData {
    let mut org = OrgData::new(OrgSchema::cti_org(Some("amazonconnect"), true));
    let seed = json!({
        "Account": [
            { "Id": ACME, "Name": "Acme", "AccountNumber": "4719208", "Type": "Customer - Direct", "Phone": "(206) 555-0100", "NumberOfEmployees": 120 },
            { "Name": "Globex", "AccountNumber": "5550143", "Type": "Prospect", "NumberOfEmployees": 40 }
        ],
        "Contact": [
            { "Id": PRIYA, "FirstName": "Priya", "LastName": "Raman", "Email": "priya.raman@example.com", "Phone": "(206) 555-0143",
              "MobilePhone": "+12065550143", "AccountId": ACME, "Birthdate": "1990-04-01" },
            { "LastName": "O'Brien \\ \" %", "Email": "obrien@example.com" },
            { "FirstName": "Ann", "LastName": "Lee_Smith", "Phone": "555-0199" },
            { "FirstName": "Ann", "LastName": "LeeXSmith" }
        ],
        "Case": [
            { "CaseNumber": "00001005", "Subject": "Billing question", "Status": "New", "ContactId": PRIYA, "AccountId": ACME, "CreatedDate": "2024-03-05T14:30:00Z" },
            { "Subject": "Refund", "Status": "Closed", "ContactId": PRIYA, "CreatedDate": "2024-03-06T09:00:00.000+0000" },
            { "Subject": "Outage", "Status": "Working", "Priority": "High", "CreatedDate": "2024-03-04T08:00:00Z" }
        ]
    });
    org.load_dump(&seed).expect("seed loads");
    org
}

fn case_id(org: &OrgData, subject: &str) -> String {
    let rows = org
        .query(&format!("SELECT Id FROM Case WHERE Subject = '{subject}'"))
        .expect("query");
    rows[0]["Id"].as_str().expect("id").to_owned()
}

#[test]
fn when_creating_contact_should_return_valid_id_and_derive_name() {
    let mut org = sample_org();
    let id = org
        .create(
            "contact",
            &record(
                json!({ "firstname": "Lena", "LastName": "Ortiz", "Email": "lena@example.com" }),
            ),
        )
        .expect("create");
    assert!(crate::ids::is_valid_id(&id) && id.len() == 18 && id.starts_with("003"));
    let got = org.get("Contact", &id, None).expect("get");
    assert_eq!(got["Name"], "Lena Ortiz");
    assert_eq!(got["FirstName"], "Lena");
    assert_eq!(got["attributes"]["type"], "Contact");
    assert_eq!(
        got["attributes"]["url"],
        format!("/services/data/v60.0/sobjects/Contact/{id}")
    );
    assert_eq!(got["Phone"], Value::Null);
    assert_eq!(got["IsDeleted"], false);
    assert!(
        got["CreatedDate"]
            .as_str()
            .is_some_and(|date| date.ends_with("+0000") && date.len() == 28)
    );
}

#[test]
fn when_required_field_is_missing_should_fail() {
    let mut org = sample_org();
    let error = org
        .create("Lead", &record(json!({ "FirstName": "Lena" })))
        .expect_err("missing");
    assert_eq!(error.error_code(), "REQUIRED_FIELD_MISSING");
    assert_eq!(
        error.fields(),
        vec!["LastName".to_owned(), "Company".to_owned()]
    );
    assert_eq!(
        error.message(),
        "Required fields are missing: [LastName, Company]"
    );
    let error = org
        .create("Attachment", &record(json!({ "Name": "a.json" })))
        .expect_err("missing");
    assert_eq!(
        error.fields(),
        vec!["Body".to_owned(), "ParentId".to_owned()]
    );
}

#[test]
fn when_field_is_unknown_should_be_invalid_field() {
    let mut org = sample_org();
    let error = org
        .create(
            "Contact",
            &record(json!({ "LastName": "X", "Foo__c": "y" })),
        )
        .expect_err("unknown");
    assert_eq!(
        error,
        DataError::InvalidField {
            message: "No such column 'Foo__c' on sobject of type Contact".into()
        }
    );
}

#[test]
fn when_field_is_not_createable_should_be_rejected() {
    let mut org = sample_org();
    let error = org
        .create(
            "Contact",
            &record(json!({ "LastName": "X", "Name": "Y", "CreatedDate": "2024-01-01T00:00:00Z" })),
        )
        .expect_err("locked");
    assert_eq!(error.error_code(), "INVALID_FIELD_FOR_INSERT_UPDATE");
    assert!(error.message().starts_with(
        "Unable to create/update fields: Name, CreatedDate. Please check the security settings"
    ));
    let id = case_id(&org, "Outage");
    let error = org
        .update("Case", &id, &record(json!({ "IsClosed": true })))
        .expect_err("locked");
    assert_eq!(error.fields(), vec!["IsClosed".to_owned()]);
}

#[test]
fn when_value_has_wrong_type_should_be_invalid_field_value() {
    let mut org = sample_org();
    let error = org
        .create(
            "Account",
            &record(json!({ "Name": "X", "NumberOfEmployees": "many" })),
        )
        .expect_err("type");
    assert_eq!(error.error_code(), "JSON_PARSER_ERROR");
    assert!(
        error
            .message()
            .contains("Cannot deserialize instance of int from VALUE_STRING value many"),
        "{}",
        error.message()
    );
    let error = org
        .create(
            "Contact",
            &record(json!({ "LastName": "X", "Birthdate": "yesterday" })),
        )
        .expect_err("date");
    assert_eq!(error.fields(), vec!["Birthdate".to_owned()]);
    let error = org
        .create("Case", &record(json!({ "Subject": { "a": 1 } })))
        .expect_err("object");
    assert_eq!(error.error_code(), "JSON_PARSER_ERROR");
    let error = org
        .create("Case", &record(json!({ "ContactId": "not-an-id" })))
        .expect_err("id");
    assert_eq!(error.error_code(), "MALFORMED_ID");
}

#[test]
fn when_number_arrives_as_string_should_convert() {
    let mut org = sample_org();
    let id = org
        .create("amazonconnect__AC_ContactTraceRecord__c", &record(json!({ "amazonconnect__ContactId__c": "c-1", "amazonconnect__QueueDuration__c": "12.5",
            "amazonconnect__InitiationTimestamp__c": "2024-03-05T14:30:00Z", "amazonconnect__DisconnectTimestamp__c": "2024-03-05T07:35:10.5-07:00" })))
        .expect("create");
    let got = org
        .get("amazonconnect__AC_ContactTraceRecord__c", &id, None)
        .expect("get");
    assert_eq!(got["amazonconnect__QueueDuration__c"], json!(12.5));
    assert_eq!(
        got["amazonconnect__InitiationTimestamp__c"],
        "2024-03-05T14:30:00.000+0000"
    );
    assert_eq!(
        got["amazonconnect__DisconnectTimestamp__c"],
        "2024-03-05T14:35:10.500+0000"
    );
    assert_eq!(
        got["Name"],
        json!(id),
        "a custom object's Name defaults to the id"
    );
}

#[test]
fn when_text_is_too_long_should_be_string_too_long() {
    let mut org = sample_org();
    let error = org
        .create("Contact", &record(json!({ "LastName": "x".repeat(81) })))
        .expect_err("long");
    assert_eq!(error.error_code(), "STRING_TOO_LONG");
}

#[test]
fn when_record_is_missing_or_deleted_should_report_like_salesforce() {
    let mut org = sample_org();
    let missing = crate::ids::to_18("003000000000ZZZ");
    assert_eq!(
        org.get("Contact", &missing, None).expect_err("missing"),
        DataError::not_found()
    );
    assert_eq!(
        org.get("Contact", "bogus", None)
            .expect_err("bad id")
            .error_code(),
        "NOT_FOUND"
    );
    assert_eq!(
        org.get("Account", PRIYA, None)
            .expect_err("wrong object")
            .error_code(),
        "NOT_FOUND"
    );
    org.delete("Contact", PRIYA).expect("delete");
    assert_eq!(
        org.delete("Contact", PRIYA)
            .expect_err("again")
            .error_code(),
        "ENTITY_IS_DELETED"
    );
    assert_eq!(
        org.update("Contact", PRIYA, &record(json!({ "Title": "x" })))
            .expect_err("deleted")
            .error_code(),
        "ENTITY_IS_DELETED"
    );
    assert_eq!(
        org.get("Contact", PRIYA, None)
            .expect_err("deleted")
            .error_code(),
        "NOT_FOUND"
    );
    assert!(
        org.query("SELECT Id FROM Contact WHERE Id = '0035e00000Xk9QmAAJ'")
            .expect("query")
            .is_empty()
    );
}

#[test]
fn when_getting_selected_fields_should_return_them_and_id() {
    let org = sample_org();
    let got = org
        .get(
            "Contact",
            &PRIYA[..15],
            Some(&["email".to_owned(), "Name".to_owned()]),
        )
        .expect("get");
    let keys: Vec<&String> = got.keys().collect();
    assert_eq!(keys, ["attributes", "Email", "Name", "Id"]);
    assert_eq!(got["Id"], PRIYA);
    assert_eq!(
        org.get("Contact", PRIYA, Some(&["Nope".to_owned()]))
            .expect_err("unknown")
            .error_code(),
        "INVALID_FIELD"
    );
}

#[test]
fn when_updating_should_change_fields_and_derived_values() {
    let mut org = sample_org();
    org.update(
        "Contact",
        PRIYA,
        &record(json!({ "FirstName": "Priyanka", "Id": PRIYA })),
    )
    .expect("update");
    assert_eq!(
        org.get("Contact", PRIYA, None).expect("get")["Name"],
        "Priyanka Raman"
    );
    let id = case_id(&org, "Outage");
    org.update("Case", &id, &record(json!({ "Status": "Closed" })))
        .expect("close");
    let case = org.get("Case", &id, None).expect("get");
    assert_eq!(case["IsClosed"], true);
    assert!(case["ClosedDate"].is_string());
    let error = org
        .update("Contact", PRIYA, &record(json!({ "LastName": null })))
        .expect_err("required");
    assert_eq!(error.error_code(), "REQUIRED_FIELD_MISSING");
}

#[test]
fn when_creating_case_should_number_after_seeded_cases() {
    let mut org = sample_org();
    let id = org
        .create(
            "Case",
            &record(
                json!({ "Subject": "Amazon Connect Case", "Origin": "Phone", "ContactId": PRIYA }),
            ),
        )
        .expect("create");
    let case = org.get("Case", &id, None).expect("get");
    assert_eq!(
        case["CaseNumber"], "00001008",
        "seeded cases without a number took 00001006 and 00001007"
    );
    assert_eq!(case["Status"], "New");
    assert_eq!(case["IsClosed"], false);
    let next = org
        .create("Case", &record(json!({ "Subject": "Another" })))
        .expect("create");
    assert_eq!(
        org.get("Case", &next, None).expect("get")["CaseNumber"],
        "00001009"
    );
}

#[test]
fn when_reference_points_at_wrong_object_or_nothing_should_fail() {
    let mut org = sample_org();
    let error = org
        .create("Case", &record(json!({ "ContactId": ACME })))
        .expect_err("wrong type");
    assert_eq!(error.error_code(), "FIELD_INTEGRITY_EXCEPTION");
    let error = org
        .create(
            "Case",
            &record(json!({ "ContactId": crate::ids::to_18("003000000000ZZZ") })),
        )
        .expect_err("dangling");
    assert_eq!(error.error_code(), "INVALID_CROSS_REFERENCE_KEY");
}

#[test]
fn when_attachment_is_created_should_compute_body_length_and_serve_blob_url() {
    let mut org = sample_org();
    let id = org
        .create("Attachment", &record(json!({ "Name": "CustomerTranscripts.json", "Body": "eyJhIjoxfQ==", "ContentType": "application/json", "ParentId": PRIYA })))
        .expect("create");
    let got = org.get("Attachment", &id, None).expect("get");
    assert_eq!(got["BodyLength"], 7);
    assert_eq!(
        got["Body"],
        format!("/services/data/v60.0/sobjects/Attachment/{id}/Body")
    );
    assert_eq!(
        org.blob("Attachment", &id, "Body").expect("blob"),
        b"{\"a\":1}"
    );
    let error = org
        .create(
            "Attachment",
            &record(json!({ "Name": "x", "Body": "!!notbase64", "ParentId": PRIYA })),
        )
        .expect_err("bad");
    assert_eq!(error.fields(), vec!["Body".to_owned()]);
}

#[test]
fn when_upserting_should_create_then_update_then_report_multiple_matches() {
    let mut org = sample_org();
    let object = "amazonconnect__AC_QueueMetrics__c";
    let field = "amazonconnect__Queue_Id__c";
    let first = org
        .upsert(
            object,
            field,
            "q-1",
            &record(json!({ "Name": "Billing", "amazonconnect__Agents_Online__c": 3 })),
        )
        .expect("create");
    let UpsertOutcome::Created(id) = first else {
        panic!("expected Created, got {first:?}")
    };
    let second = org
        .upsert(
            object,
            "AMAZONCONNECT__QUEUE_ID__C",
            "Q-1",
            &record(json!({ "amazonconnect__Agents_Online__c": 4 })),
        )
        .expect("update");
    assert_eq!(second, UpsertOutcome::Updated(id.clone()));
    let got = org.get(object, &id, None).expect("get");
    assert_eq!(got["amazonconnect__Agents_Online__c"], json!(4.0));
    assert_eq!(got["amazonconnect__Queue_Id__c"], "q-1");

    let cca = "amazonconnect__AC_ContactChannelAnalytics__c";
    let a = org
        .create(
            cca,
            &record(json!({ "amazonconnect__ContactId__c": "c-9" })),
        )
        .expect("a");
    let b = org
        .create(
            cca,
            &record(json!({ "amazonconnect__ContactId__c": "c-9" })),
        )
        .expect("b");
    let error = org
        .upsert(cca, "amazonconnect__ContactId__c", "c-9", &Record::new())
        .expect_err("multiple");
    assert_eq!(
        error,
        DataError::MultipleMatches {
            object: cca.into(),
            ids: vec![a, b]
        }
    );
    assert_eq!(error.http_status(), 300);
}

#[test]
fn when_upserting_by_non_external_field_should_fail() {
    let mut org = sample_org();
    let error = org
        .upsert("Contact", "Email", "x@example.com", &Record::new())
        .expect_err("not external");
    assert_eq!(error.error_code(), "INVALID_FIELD");
    assert!(
        error
            .message()
            .contains("Provided external ID field does not exist or is not accessible: Email")
    );
}

#[test]
fn when_unique_value_repeats_should_be_duplicate_value() {
    let mut org = sample_org();
    let object = "amazonconnect__AC_ContactTraceRecord__c";
    org.create(
        object,
        &record(json!({ "amazonconnect__ContactId__c": "dup" })),
    )
    .expect("first");
    let error = org
        .create(
            object,
            &record(json!({ "amazonconnect__ContactId__c": "DUP" })),
        )
        .expect_err("second");
    assert_eq!(error.error_code(), "DUPLICATE_VALUE");
}

#[test]
fn when_an_external_id_changes_or_its_record_is_deleted_upserts_should_follow() {
    let mut org = sample_org();
    let object = "amazonconnect__AC_QueueMetrics__c";
    let field = "amazonconnect__Queue_Id__c";
    let UpsertOutcome::Created(id) = org
        .upsert(object, field, "q-1", &record(json!({ "Name": "Billing" })))
        .expect("create")
    else {
        panic!("expected a create")
    };
    org.update(object, &id, &record(json!({ field: "q-2" })))
        .expect("rename the external id");
    assert_eq!(
        org.upsert(object, field, "Q-2", &Record::new())
            .expect("by the new value"),
        UpsertOutcome::Updated(id.clone()),
        "the new value finds the record"
    );
    let UpsertOutcome::Created(other) = org
        .upsert(object, field, "q-1", &Record::new())
        .expect("the old value is free")
    else {
        panic!("the old value must no longer find the renamed record")
    };
    assert_ne!(other, id);
    org.delete(object, &other).expect("delete");
    assert!(
        matches!(
            org.upsert(object, field, "q-1", &Record::new())
                .expect("after delete"),
            UpsertOutcome::Created(_)
        ),
        "a deleted record's value is free again"
    );
    org.clear();
    assert!(matches!(
        org.upsert(object, field, "q-2", &Record::new())
            .expect("after clear"),
        UpsertOutcome::Created(_)
    ));
}

#[test]
fn when_dumping_and_loading_should_round_trip() {
    let org = sample_org();
    let dump = org.dump();
    assert_eq!(dump["Contact"].as_array().map(Vec::len), Some(4));
    let mut copy = OrgData::new(OrgSchema::cti_org(Some("amazonconnect"), true));
    assert_eq!(copy.load_dump(&dump).expect("load"), org.record_count());
    assert_eq!(copy.dump(), dump);
    assert_eq!(
        copy.get("Contact", PRIYA, None).expect("get"),
        org.get("Contact", PRIYA, None).expect("get")
    );
}

#[test]
fn when_seed_has_bad_id_or_unknown_object_should_fail() {
    let mut org = sample_org();
    assert_eq!(
        org.insert_seed("Contact", record(json!({ "Id": ACME, "LastName": "X" })))
            .expect_err("prefix")
            .error_code(),
        "MALFORMED_ID"
    );
    assert_eq!(
        org.insert_seed("Nope__c", record(json!({})))
            .expect_err("object")
            .error_code(),
        "INVALID_TYPE"
    );
}

#[test]
fn when_scope_text_varies_should_parse() {
    assert_eq!(SearchScope::parse("all fields"), Some(SearchScope::All));
    assert_eq!(SearchScope::parse("PHONE"), Some(SearchScope::Phone));
    assert_eq!(SearchScope::parse("Name Fields"), Some(SearchScope::Name));
    assert_eq!(SearchScope::parse("email"), Some(SearchScope::Email));
    assert_eq!(SearchScope::parse("SIDEBAR"), None);
}

#[test]
fn text_values_compare_ignoring_case_in_ascii_and_beyond() {
    assert!(same_text_ignoring_case(
        "Q-0001-us-west-2",
        "q-0001-US-WEST-2"
    ));
    assert!(!same_text_ignoring_case("q-0001", "q-0002"));
    assert!(!same_text_ignoring_case("q-0001", "q-00011"));
    assert!(same_text_ignoring_case("Ärger", "äRGER"));
    assert!(!same_text_ignoring_case("Ärger", "Arger"));
}
