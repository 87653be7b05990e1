//! The REST API under `/services/data`, over real HTTP against the demo org.
#![allow(clippy::unwrap_used)]

mod support;

use reqwest::Method;
use salesforce_emulator::EmulatorConfig;
use serde_json::{Value, json};
use support::{demo_config, demo_org, error_code, json_of};

const CCA: &str = "amazonconnect__AC_ContactChannelAnalytics__c";
const CCA_CONTACT_ID: &str = "amazonconnect__ContactId__c";
const CTR: &str = "amazonconnect__AC_ContactTraceRecord__c";
const CTR_CONTACT_ID: &str = "amazonconnect__ContactId__c";
const DANA: &str = "0035e00000Xk9QmAAJ";

fn ids(records: &Value) -> Vec<String> {
    records
        .as_array()
        .unwrap()
        .iter()
        .map(|record| record["Id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn versions_should_be_listed_without_a_session_and_bad_versions_are_404() {
    let org = demo_org().await;
    let (status, body) = json_of(
        org.http
            .get(format!("{}/services/data", org.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .any(|version| version["url"] == "/services/data/v60.0")
    );

    let response = org
        .http
        .get(format!("{}/services/data/60.0/limits", org.base))
        .bearer_auth(&org.token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, body),
        (
            404,
            json!([{ "errorCode": "NOT_FOUND", "message": "The requested resource does not exist" }])
        )
    );

    let (status, body) = org.get_json("/").await;
    assert_eq!(status, 200);
    assert_eq!(body["query"], "/services/data/v60.0/query");
}

#[tokio::test]
async fn every_authenticated_call_should_count_in_sforce_limit_info() {
    let org = demo_org().await;
    let first = org.get("/limits").await;
    assert_eq!(first.headers()["sforce-limit-info"], "api-usage=1/15000");
    let second = org.get("/sobjects/Nope/describe").await;
    assert_eq!(second.status(), 404);
    assert_eq!(second.headers()["sforce-limit-info"], "api-usage=2/15000");
    let (_, limits) = org.get_json("/limits").await;
    assert_eq!(
        limits["DailyApiRequests"],
        json!({ "Max": 15000, "Remaining": 14997 })
    );
    assert_eq!(org.control.api_usage(), (3, 15000));
}

#[tokio::test]
async fn calls_past_the_daily_limit_should_get_request_limit_exceeded() {
    let org = support::org_with(EmulatorConfig {
        daily_api_limit: 2,
        ..demo_config()
    })
    .await;
    assert_eq!(org.get("/limits").await.status(), 200);
    assert_eq!(org.get("/limits").await.status(), 200);
    let third = org.get("/limits").await;
    assert_eq!(third.headers()["sforce-limit-info"], "api-usage=3/2");
    let (status, body) = json_of(third).await;
    assert_eq!(
        (status, body),
        (
            403,
            json!([{ "message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED" }])
        )
    );
}

#[tokio::test]
async fn describe_should_answer_for_known_objects_and_404_for_unknown_ones() {
    let org = demo_org().await;
    let (status, body) = org.get_json(&format!("/sobjects/{CTR}/describe")).await;
    assert_eq!(status, 200);
    assert!(
        body["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|field| field["name"] == CTR_CONTACT_ID && field["externalId"] == true)
    );
    let (status, body) = org.get_json("/sobjects/Contact").await;
    assert_eq!(status, 200);
    assert_eq!(body["objectDescribe"]["keyPrefix"], "003");
    let (status, body) = org.get_json("/sobjects/NoSuchThing__c/describe").await;
    assert_eq!(
        (status, body),
        (
            404,
            json!([{ "message": "The requested resource does not exist", "errorCode": "NOT_FOUND" }])
        )
    );
}

#[tokio::test]
async fn a_record_should_survive_create_read_update_delete() {
    let org = demo_org().await;
    let (status, created) = org
        .send_json(
            Method::POST,
            "/sobjects/Contact",
            json!({ "FirstName": "Rosa", "LastName": "Ibarra", "Email": "rosa@example.com" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["success"], true);
    assert_eq!(created["errors"], json!([]));
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("003") && id.len() == 18);

    let (status, record) = org.get_json(&format!("/sobjects/Contact/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(record["Email"], "rosa@example.com");
    assert_eq!(
        record["attributes"]["url"],
        format!("/services/data/v60.0/sobjects/Contact/{id}")
    );

    let (status, _) = org
        .send_json(
            Method::PATCH,
            &format!("/sobjects/Contact/{id}"),
            json!({ "Email": "rosa.ibarra@example.com" }),
        )
        .await;
    assert_eq!(status, 204);
    let (_, record) = org
        .get_json(&format!("/sobjects/Contact/{id}?fields=Email,LastName"))
        .await;
    assert_eq!(record["Email"], "rosa.ibarra@example.com");
    assert_eq!(record["LastName"], "Ibarra");

    let (status, _) = json_of(
        org.call(Method::DELETE, &format!("/sobjects/Contact/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = org.get_json(&format!("/sobjects/Contact/{id}")).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn attribute_urls_should_follow_the_requested_api_version() {
    let org = demo_org().await;
    let url = format!("{}/services/data/v58.0/sobjects/Contact/{DANA}", org.base);
    let (status, record) = json_of(
        org.http
            .get(url)
            .bearer_auth(&org.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        record["attributes"]["url"],
        format!("/services/data/v58.0/sobjects/Contact/{DANA}")
    );
}

#[tokio::test]
async fn unknown_fields_should_be_refused_with_invalid_field() {
    let org = demo_org().await;
    let (status, body) = org
        .send_json(
            Method::POST,
            "/sobjects/Contact",
            json!({ "LastName": "X", "Shoe_Size__c": 9 }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "INVALID_FIELD");
    let (status, body) = org
        .send_json(
            Method::POST,
            "/sobjects/Contact",
            json!(["not", "an", "object"]),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "JSON_PARSER_ERROR");
}

#[tokio::test]
async fn upsert_by_external_id_should_create_then_update_and_report_several_matches() {
    let org = demo_org().await;
    let path = format!("/sobjects/{CTR}/{CTR_CONTACT_ID}/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08");
    let (status, created) = org
        .send_json(
            Method::PATCH,
            &path,
            json!({ "amazonconnect__Channel__c": "VOICE" }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["created"], true);
    let (status, updated) =
        org.send_json(Method::PATCH, &path, json!({ "amazonconnect__Channel__c": "CHAT", CTR_CONTACT_ID: "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08" })).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated,
        json!({ "id": created["id"], "success": true, "errors": [], "created": false })
    );

    let (status, body) = org
        .send_json(
            Method::PATCH,
            &path,
            json!({ CTR_CONTACT_ID: "someone-else" }),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    org.control
        .load(&json!({ CCA: [
            { "Id": "a015e00000Cc1AAAAZ", CCA_CONTACT_ID: "dup-contact" },
            { "Id": "a015e00000Cc1ABAAZ", CCA_CONTACT_ID: "dup-contact" },
        ] }))
        .unwrap();
    let (status, body) = org
        .send_json(
            Method::PATCH,
            &format!("/sobjects/{CCA}/{CCA_CONTACT_ID}/dup-contact"),
            json!({}),
        )
        .await;
    assert_eq!(status, 300, "{body}");
    let urls: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|url| url.as_str().unwrap())
        .collect();
    assert_eq!(urls.len(), 2);
    assert!(
        urls.iter()
            .all(|url| url.starts_with(&format!("/services/data/v60.0/sobjects/{CCA}/a01")))
    );
}

#[tokio::test]
async fn external_id_values_in_the_path_should_be_percent_decoded() {
    let org = demo_org().await;
    let (status, created) = org
        .send_json(
            Method::PATCH,
            &format!("/sobjects/{CTR}/{CTR_CONTACT_ID}/a%2Fb%20c"),
            json!({}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let (_, record) = org
        .get_json(&format!(
            "/sobjects/{CTR}/{}",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(record[CTR_CONTACT_ID], "a/b c");
}

#[tokio::test]
async fn queries_larger_than_the_batch_should_page_with_next_records_url() {
    let org = demo_org().await;
    org.control.set_query_batch_size(2);
    let (status, first) = org.query("SELECT Id, Name FROM Contact").await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["totalSize"], 3);
    assert_eq!(first["done"], false);
    assert_eq!(first["records"].as_array().unwrap().len(), 2);
    let next = first["nextRecordsUrl"].as_str().unwrap();
    assert!(
        next.starts_with("/services/data/v60.0/query/01g") && next.ends_with("-2"),
        "{next}"
    );

    let (status, second) = json_of(
        org.http
            .get(format!("{}{next}", org.base))
            .bearer_auth(&org.token)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(second["done"], true);
    assert_eq!(second["totalSize"], 3);
    assert!(second.get("nextRecordsUrl").is_none());
    let mut all = ids(&first["records"]);
    all.extend(ids(&second["records"]));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 3);

    let (status, body) = org.get_json("/query/01gDoesNotExist-2").await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "INVALID_QUERY_LOCATOR");
    let (status, body) = org.get_json("/query").await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "MALFORMED_QUERY");
}

#[tokio::test]
async fn the_batch_size_header_should_lower_the_page_size_within_salesforce_bounds() {
    let org = demo_org().await;
    let path = format!("/composite/sobjects/{CTR}/{CTR_CONTACT_ID}");
    for chunk in 0..2 {
        let records: Vec<Value> = (0..125)
            .map(|i| ctr_record(&format!("bulk-{chunk}-{i}"), "VOICE"))
            .collect();
        let (status, _) = org
            .send_json(
                Method::PATCH,
                &path,
                json!({ "allOrNone": true, "records": records }),
            )
            .await;
        assert_eq!(status, 200);
    }
    let soql = format!("SELECT Id FROM {CTR}");
    let query = |options: &'static str| {
        org.http
            .get(org.data_url("/query"))
            .query(&[("q", soql.as_str())])
            .header("Sforce-Query-Options", options)
            .bearer_auth(&org.token)
            .send()
    };
    let (_, page) = json_of(query("batchSize=200").await.unwrap()).await;
    assert_eq!(
        (
            page["totalSize"].as_u64(),
            page["records"].as_array().unwrap().len()
        ),
        (Some(250), 200)
    );
    assert!(page["nextRecordsUrl"].as_str().unwrap().ends_with("-200"));
    // Outside 200..=2000 the header is ignored, as Salesforce does.
    let (_, page) = json_of(query("batchSize=10").await.unwrap()).await;
    assert_eq!(page["done"], true);
    assert_eq!(page["records"].as_array().unwrap().len(), 250);
}

#[tokio::test]
async fn records_should_be_readable_by_external_id_and_blobs_as_bytes() {
    let org = demo_org().await;
    let (status, created) = org
        .send_json(
            Method::PATCH,
            &format!("/sobjects/{CTR}/{CTR_CONTACT_ID}/ext-1"),
            json!({}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, record) = org
        .get_json(&format!("/sobjects/{CTR}/{CTR_CONTACT_ID}/ext-1"))
        .await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["Id"], created["id"]);

    let attachment =
        json!({ "Name": "a.txt", "ParentId": "5005e00001Hn2WQAAZ", "Body": "aGVsbG8=" });
    let (_, created) = org
        .send_json(Method::POST, "/sobjects/Attachment", attachment)
        .await;
    let response = org
        .get(&format!(
            "/sobjects/Attachment/{}/Body",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"hello");
}

#[tokio::test]
async fn fixture_style_soql_should_find_the_demo_records() {
    let org = demo_org().await;
    let (status, open_cases) = org
        .query(&format!("SELECT Id, CaseNumber, Status, Subject FROM Case WHERE ContactId = '{DANA}' AND IsClosed = false ORDER BY CreatedDate DESC LIMIT 5"))
        .await;
    assert_eq!(status, 200, "{open_cases}");
    assert_eq!(
        ids(&open_cases["records"]),
        ["5005e00001Hn2WQAAZ", "5005e00001Hn2XRAAZ"]
    );
    let (_, by_phone) = org
        .query("SELECT Id, Name, Email FROM Contact WHERE Phone LIKE '%5550143%'")
        .await;
    assert_eq!(ids(&by_phone["records"]), [DANA]);
    let (_, by_home_phone) = org
        .query("SELECT Id, Name FROM Contact WHERE HomePhone LIKE '%206%555%0143%'")
        .await;
    assert_eq!(ids(&by_home_phone["records"]), [DANA]);
    let (_, by_case_number) = org
        .query("SELECT Id, CaseNumber, Status, Subject FROM Case WHERE CaseNumber = '00001847'")
        .await;
    assert_eq!(ids(&by_case_number["records"]), ["5005e00001Hn2WQAAZ"]);
    let (_, new_cases) = org
        .query(&format!(
            "SELECT Id FROM Case WHERE ContactId = '{DANA}' AND Status = 'New'"
        ))
        .await;
    assert_eq!(ids(&new_cases["records"]), ["5005e00001Hn2WQAAZ"]);
    let (_, contacts) = org.query("SELECT Id FROM Contact").await;
    assert!(
        contacts["totalSize"].as_u64().unwrap() > 1,
        "lookups are not trivially single"
    );
}

#[tokio::test]
async fn fixture_style_searches_should_find_exactly_dana() {
    let org = demo_org().await;
    let response = org
        .http
        .get(org.data_url("/parameterizedSearch"))
        .query(&[
            ("q", "dana.whitfield@example.net"),
            ("sobject", "Contact"),
            ("Contact.fields", "Id,Name,Email,Phone"),
        ])
        .bearer_auth(&org.token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body["searchRecords"]), [DANA]);
    let sosl =
        "FIND {dana.whitfield@example.net} IN EMAIL FIELDS RETURNING Contact(Id, Name, Email)";
    let response = org
        .http
        .get(org.data_url("/search"))
        .query(&[("q", sosl)])
        .bearer_auth(&org.token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body["searchRecords"]), [DANA]);
}

#[tokio::test]
async fn sosl_search_should_return_contact_and_lead_by_phone() {
    let org = demo_org().await;
    let sosl = "FIND {2065550143} IN PHONE FIELDS RETURNING Contact(Id, Name, Phone), Lead(Id, Name, Phone)";
    let response = org
        .http
        .get(org.data_url("/search"))
        .query(&[("q", sosl)])
        .bearer_auth(&org.token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    let found = ids(&body["searchRecords"]);
    assert!(found.contains(&DANA.to_owned()), "{found:?}");
    assert!(
        found.contains(&"00Q5e00000Lz4PnEAJ".to_owned()),
        "{found:?}"
    );
}

#[tokio::test]
async fn parameterized_search_should_work_by_get_and_post() {
    let org = demo_org().await;
    let response = org
        .http
        .get(org.data_url("/parameterizedSearch"))
        .query(&[
            ("q", "2065550143"),
            ("sobject", "Contact"),
            ("Contact.fields", "Id,Name,Email,AccountId"),
            ("in", "PHONE"),
        ])
        .bearer_auth(&org.token)
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body["searchRecords"]), [DANA]);

    let search = json!({
        "q": "4719208",
        "in": "ALL",
        "fields": ["Id", "Name", "AccountNumber"],
        "sobjects": [{ "name": "Account", "where": "Type = 'Customer - Direct'" }],
        "overallLimit": 10,
    });
    let (status, body) = org
        .send_json(Method::POST, "/parameterizedSearch", search)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(ids(&body["searchRecords"]), ["0015e00000QbT4rAAF"]);

    let (status, body) = org
        .send_json(
            Method::POST,
            "/parameterizedSearch",
            json!({ "sobjects": [{ "name": "Contact" }] }),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body[0]["message"].as_str().unwrap().contains('q'));
    let (status, _) = org.get_json("/parameterizedSearch?sobject=Contact").await;
    assert_eq!(status, 400);
}

fn ctr_record(contact_id: &str, channel: &str) -> Value {
    json!({ "attributes": { "type": CTR }, CTR_CONTACT_ID: contact_id, "amazonconnect__Channel__c": channel })
}

#[tokio::test]
async fn collection_upsert_should_report_each_record_in_order() {
    let org = demo_org().await;
    let path = format!("/composite/sobjects/{CTR}/{CTR_CONTACT_ID}");
    let body = json!({ "allOrNone": false, "records": [ctr_record("c-1", "VOICE"), ctr_record("c-2", "CHAT")] });
    let (status, results) = org.send_json(Method::PATCH, &path, body).await;
    assert_eq!(status, 200, "{results}");
    assert_eq!(results.as_array().unwrap().len(), 2);
    assert!(
        results
            .as_array()
            .unwrap()
            .iter()
            .all(|result| result["success"] == true && result["created"] == true)
    );

    let body = json!({ "allOrNone": false, "records": [
        ctr_record("c-1", "TASK"),
        { "attributes": { "type": CTR }, CTR_CONTACT_ID: "c-3", "amazonconnect__No_Such__c": 1 },
    ] });
    let (status, results) = org.send_json(Method::PATCH, &path, body).await;
    assert_eq!(status, 200);
    assert_eq!(results[0]["success"], true);
    assert_eq!(results[0]["created"], false);
    assert_eq!(results[1]["success"], false);
    assert_eq!(results[1]["errors"][0]["statusCode"], "INVALID_FIELD");
}

#[tokio::test]
async fn collection_upsert_with_all_or_none_should_write_nothing_when_one_record_fails() {
    let org = demo_org().await;
    let before = org.control.dump();
    let path = format!("/composite/sobjects/{CTR}/{CTR_CONTACT_ID}");
    let body = json!({ "allOrNone": true, "records": [
        ctr_record("c-10", "VOICE"),
        { "attributes": { "type": CTR }, CTR_CONTACT_ID: "c-11", "amazonconnect__No_Such__c": 1 },
    ] });
    let (status, results) = org.send_json(Method::PATCH, &path, body).await;
    assert_eq!(status, 200, "{results}");
    assert_eq!(results[0]["success"], false);
    assert_eq!(
        results[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(results[1]["errors"][0]["statusCode"], "INVALID_FIELD");
    assert_eq!(org.control.dump(), before);
}

#[tokio::test]
async fn collections_of_more_than_200_records_should_be_refused() {
    let org = demo_org().await;
    let records: Vec<Value> = (0..201)
        .map(|i| ctr_record(&format!("c-{i}"), "VOICE"))
        .collect();
    let (status, body) = org
        .send_json(
            Method::PATCH,
            &format!("/composite/sobjects/{CTR}/{CTR_CONTACT_ID}"),
            json!({ "allOrNone": false, "records": records }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!([{ "message": "Maximum size of request reached. Maximum size of request is 200 records.", "errorCode": "EXCEEDED_ID_LIMIT" }])
    );
}

#[tokio::test]
async fn collection_create_should_return_ids() {
    let org = demo_org().await;
    let body = json!({ "allOrNone": false, "records": [
        { "attributes": { "type": "Contact" }, "LastName": "One" },
        { "attributes": { "type": "Account" }, "Name": "Two" },
    ] });
    let (status, results) = org
        .send_json(Method::POST, "/composite/sobjects", body)
        .await;
    assert_eq!(status, 200, "{results}");
    assert!(results[0]["id"].as_str().unwrap().starts_with("003"));
    assert!(results[1]["id"].as_str().unwrap().starts_with("001"));
}

#[tokio::test]
async fn chatter_post_with_mention_and_comment_should_store_feed_records() {
    let org = demo_org().await;
    let post = json!({
        "feedElementType": "FeedItem",
        "subjectId": "5005e00001Hn2WQAAZ",
        "body": { "messageSegments": [
            { "type": "Text", "text": "Duplicate charge refunded. " },
            { "type": "Mention", "id": "0055e000007xKp2AAE" },
        ] },
    });
    let (status, element) = org
        .send_json(Method::POST, "/chatter/feed-elements", post)
        .await;
    assert_eq!(status, 201, "{element}");
    assert_eq!(
        element["body"]["text"],
        "Duplicate charge refunded. @Priya Raman"
    );
    assert_eq!(element["parent"]["id"], "5005e00001Hn2WQAAZ");
    assert_eq!(element["feedElementType"], "FeedItem");
    let feed_item_id = element["id"].as_str().unwrap();
    let (status, stored) = org
        .get_json(&format!("/sobjects/FeedItem/{feed_item_id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(stored["ParentId"], "5005e00001Hn2WQAAZ");
    assert_eq!(stored["Body"], "Duplicate charge refunded. @Priya Raman");

    let comment = json!({ "body": { "messageSegments": [{ "type": "Text", "text": "Refund confirmation emailed." }] } });
    let path = "/chatter/feed-elements/0D55e00008ZfR7cCAF/capabilities/comments/items";
    let (status, created) = org.send_json(Method::POST, path, comment.clone()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["feedElement"]["id"], "0D55e00008ZfR7cCAF");
    assert_eq!(created["body"]["text"], "Refund confirmation emailed.");
    let (status, stored) = org
        .get_json(&format!(
            "/sobjects/FeedComment/{}",
            created["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(stored["FeedItemId"], "0D55e00008ZfR7cCAF");

    let (status, body) = org
        .send_json(
            Method::POST,
            "/chatter/feed-elements/0D55e00008ZzZ9zCAF/capabilities/comments/items",
            comment,
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let missing_subject = json!({ "feedElementType": "FeedItem", "subjectId": "5005e00001Hn2ZZAAZ", "body": { "messageSegments": [{ "type": "Text", "text": "x" }] } });
    let (status, _) = org
        .send_json(Method::POST, "/chatter/feed-elements", missing_subject)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn attachments_should_be_created_with_a_base64_body() {
    let org = demo_org().await;
    let attachment = json!({
        "Name": "CustomerTranscripts.json",
        "ContentType": "application/json",
        "Description": "Call Recording Transcription - Customer Side",
        "ParentId": "5005e00001Hn2WQAAZ",
        "Body": "eyJ0cmFuc2NyaXB0IjpbXX0=",
    });
    let (status, created) = org
        .send_json(Method::POST, "/sobjects/Attachment", attachment)
        .await;
    assert_eq!(status, 201, "{created}");
    assert!(created["id"].as_str().unwrap().starts_with("00P"));
}
