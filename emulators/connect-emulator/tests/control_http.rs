//! The `/__emulator` control calls over plain HTTP, for users outside Rust, and the raw error
//! wire format they produce.

use connect_emulator::Seed;
use serde_json::{Value, json};

async fn send_json(request: reqwest::RequestBuilder, body: &Value) -> reqwest::Response {
    request
        .json(body)
        .send()
        .await
        .expect("the emulator answers")
}

#[tokio::test]
async fn control_calls_should_fault_seed_and_report_over_http() {
    let emulator = connect_emulator::start_local(Seed::with_queues(3))
        .await
        .expect("the emulator starts");
    let base = emulator.base_url();
    let http = reqwest::Client::new();
    let seed: Value = http
        .get(format!("{base}/__emulator/seed"))
        .send()
        .await
        .expect("the seed")
        .json()
        .await
        .expect("JSON");
    let instance_id = seed["instanceId"]
        .as_str()
        .expect("an instance id")
        .to_owned();
    let list_url = format!("{base}/queues-summary/{instance_id}?queueTypes=STANDARD");

    // A throttle fault, in its documented JSON form, answers as Connect does.
    let injected = send_json(
        http.post(format!("{base}/__emulator/faults")),
        &json!({"kind": {"throttle": {}}, "schedule": {"times": 1}, "operation": "ListQueues"}),
    )
    .await;
    assert_eq!(injected.status(), 204);
    let throttled = http.get(&list_url).send().await.expect("answered");
    assert_eq!(throttled.status(), 429);
    assert_eq!(
        throttled
            .headers()
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok()),
        Some("ThrottlingException")
    );
    assert!(throttled.headers().contains_key("x-amzn-RequestId"));
    let body: Value = throttled.json().await.expect("a JSON error body");
    assert_eq!(body, json!({"Message": "Rate exceeded"}));
    let listed: Value = http
        .get(&list_url)
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed["QueueSummaryList"].as_array().map(Vec::len), Some(3));

    // Snapshots set over HTTP; the second read gets the second one.
    let queue = &seed["queues"][0];
    let snapshot = |value: f64| {
        json!([{
            "Dimensions": {"Queue": {"Id": queue["Id"], "Arn": queue["Arn"]}},
            "Collections": [{"Metric": {"Name": "CONTACTS_IN_QUEUE", "Unit": "COUNT"}, "Value": value}]
        }])
    };
    let set = send_json(
        http.put(format!("{base}/__emulator/current-metric-snapshots")),
        &json!([snapshot(1.0), snapshot(4.0)]),
    )
    .await;
    assert_eq!(set.status(), 204);
    let read = json!({
        "Filters": {"Queues": [queue["Id"]]},
        "Groupings": ["QUEUE"],
        "CurrentMetrics": [{"Name": "CONTACTS_IN_QUEUE", "Unit": "COUNT"}]
    });
    let metrics_url = format!("{base}/metrics/current/{instance_id}");
    let mut values = Vec::new();
    for _ in 0..2 {
        let answer: Value = send_json(http.post(&metrics_url), &read)
            .await
            .json()
            .await
            .expect("JSON");
        values.push(answer["MetricResults"][0]["Collections"][0]["Value"].clone());
    }
    assert_eq!(values, [json!(1.0), json!(4.0)]);

    // A queue removed over HTTP is gone from ListQueues.
    let queue_id = queue["Id"].as_str().expect("an id");
    let removed = http
        .delete(format!("{base}/__emulator/queues/{queue_id}"))
        .send()
        .await
        .expect("answered");
    assert_eq!(removed.status(), 204);
    let health: Value = http
        .get(format!("{base}/__emulator/health"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(health["queues"], json!(2));
    assert_eq!(health["currentMetricReads"], json!(2));

    // A seed with a typo is refused and changes nothing.
    let refused = send_json(
        http.put(format!("{base}/__emulator/seed")),
        &json!({"instanceId": "x", "queue": []}),
    )
    .await;
    assert_eq!(refused.status(), 400);

    let counts: Value = http
        .get(format!("{base}/__emulator/requests/counts"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(counts, json!({"GetCurrentMetricData": 2, "ListQueues": 2}));
    let log: Value = http
        .get(format!("{base}/__emulator/requests"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(log[0]["fault"], json!("throttle"));
    assert_eq!(log[0]["status"], json!(429));
    let applied: Value = http
        .get(format!("{base}/__emulator/faults"))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON");
    assert_eq!(applied, json!({"throttle": 1}));

    let unknown = http
        .get(format!("{base}/routing-profiles-summary/{instance_id}"))
        .send()
        .await
        .expect("answered");
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown
            .headers()
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok()),
        Some("UnknownOperationException")
    );
}
