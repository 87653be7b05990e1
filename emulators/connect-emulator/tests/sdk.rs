//! The emulator through the real `aws-sdk-connect` client over HTTP: if the SDK parses these
//! answers (and maps these errors to its typed variants), the wire format is Connect's.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_sdk_connect::Client;
use aws_sdk_connect::config::{Credentials, Region};
use aws_sdk_connect::operation::get_contact_attributes::GetContactAttributesError;
use aws_sdk_connect::operation::get_current_metric_data::{
    GetCurrentMetricDataError, GetCurrentMetricDataOutput,
};
use aws_sdk_connect::operation::get_metric_data_v2::GetMetricDataV2Error;
use aws_sdk_connect::operation::list_queues::ListQueuesError;
use aws_sdk_connect::primitives::DateTime;
use aws_sdk_connect::types::{
    Channel, CurrentMetric, CurrentMetricName, FilterV2, Filters, Grouping, IntervalDetails,
    IntervalPeriod, MetricV2, QueueType, Unit,
};
use connect_emulator::{
    CurrentMetricResult, EmulatorControl, Fault, FaultSchedule, MetricResultV2, Operation,
    QueueSummary, RunningEmulator, Seed,
};

async fn emulator(seed: Seed) -> RunningEmulator {
    connect_emulator::start_local(seed)
        .await
        .expect("the emulator starts")
}

/// A client as a production adapter builds one, pointed at the emulator; `retry` None disables retries.
async fn client_with(emulator: &RunningEmulator, retry: RetryConfig) -> Client {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-west-2"))
        .endpoint_url(emulator.base_url())
        .credentials_provider(Credentials::new(
            "AKIDEMULATOR",
            "emulator-secret",
            None,
            None,
            "static",
        ))
        .retry_config(retry)
        .load()
        .await;
    Client::new(&config)
}

async fn client(emulator: &RunningEmulator) -> Client {
    client_with(emulator, RetryConfig::disabled()).await
}

fn metric(name: CurrentMetricName, unit: Unit) -> CurrentMetric {
    CurrentMetric::builder().name(name).unit(unit).build()
}

/// Every page of one GetCurrentMetricData read over `queues`, grouped by QUEUE.
async fn read_current(
    client: &Client,
    instance_id: &str,
    queues: &[String],
    metrics: &[CurrentMetric],
    page_size: i32,
) -> Vec<GetCurrentMetricDataOutput> {
    let mut pages = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .get_current_metric_data()
            .instance_id(instance_id)
            .filters(
                Filters::builder()
                    .set_queues(Some(queues.to_vec()))
                    .channels(Channel::Voice)
                    .channels(Channel::Chat)
                    .channels(Channel::Task)
                    .build(),
            )
            .groupings(Grouping::Queue)
            .set_current_metrics(Some(metrics.to_vec()))
            .max_results(page_size)
            .set_next_token(token)
            .send()
            .await
            .expect("a page of current metrics");
        token = page.next_token().map(str::to_owned);
        pages.push(page);
        if token.is_none() {
            return pages;
        }
    }
}

/// `queue id → value of metric` over the pages of a read.
fn values(pages: &[GetCurrentMetricDataOutput], name: &CurrentMetricName) -> BTreeMap<String, f64> {
    pages
        .iter()
        .flat_map(|page| page.metric_results())
        .filter_map(|result| {
            let queue = result.dimensions()?.queue()?.id()?.to_owned();
            let value = result
                .collections()
                .iter()
                .find(|data| data.metric().and_then(|m| m.name()) == Some(name))?
                .value()?;
            Some((queue, value))
        })
        .collect()
}

#[tokio::test]
async fn list_queues_should_page_450_queues_by_100_and_5000_by_1000() {
    let seed = Seed::with_queues(450);
    let expected = seed.queue_ids();
    let emulator = emulator(seed).await;
    let client = client(&emulator).await;
    let instance_id = emulator.control().seed().instance_id;

    let mut ids = Vec::new();
    let mut page_sizes = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_queues()
            .instance_id(&instance_id)
            .queue_types(QueueType::Standard)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .expect("a page of queues");
        page_sizes.push(page.queue_summary_list().len());
        for queue in page.queue_summary_list() {
            assert_eq!(queue.queue_type(), Some(&QueueType::Standard));
            assert!(queue.last_modified_time().is_some());
            ids.push(queue.id().expect("an id").to_owned());
        }
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(page_sizes, [100, 100, 100, 100, 50]);
    assert_eq!(ids, expected);
    assert_eq!(emulator.control().count(Operation::ListQueues), 5);

    emulator
        .control()
        .replace_seed(Seed::with_queues(5_000))
        .expect("a valid seed");
    let all: Vec<_> = client
        .list_queues()
        .instance_id(&instance_id)
        .max_results(1_000)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("every queue");
    assert_eq!(all.len(), 5_000);
    assert_eq!(emulator.control().count(Operation::ListQueues), 10);
}

#[tokio::test]
async fn list_queues_should_default_to_100_and_filter_by_queue_type() {
    let seed = Seed::with_queues(120);
    let agent_queue = QueueSummary::agent(&seed, "a9d4e1f0-0000-4000-8000-000000000001");
    let emulator = emulator(seed).await;
    emulator
        .control()
        .add_queue(agent_queue.clone())
        .expect("a new queue id");
    let client = client(&emulator).await;
    let instance_id = emulator.control().seed().instance_id;

    let first = client
        .list_queues()
        .instance_id(&instance_id)
        .send()
        .await
        .expect("a first page");
    assert_eq!(first.queue_summary_list().len(), 100);
    assert!(first.next_token().is_some());

    let agents = client
        .list_queues()
        .instance_id(&instance_id)
        .queue_types(QueueType::Agent)
        .send()
        .await
        .expect("agent queues");
    let ids: Vec<_> = agents
        .queue_summary_list()
        .iter()
        .filter_map(|q| q.id())
        .collect();
    assert_eq!(ids, [agent_queue.id.as_str()]);
    assert!(agents.next_token().is_none());

    let unknown = client
        .list_queues()
        .instance_id("00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("an unknown instance")
        .into_service_error();
    assert!(
        matches!(unknown, ListQueuesError::ResourceNotFoundException(_)),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn current_metric_data_should_page_and_answer_only_the_requested_queues_and_metrics() {
    let seed = Seed::with_queues(1_000);
    let chunk: Vec<String> = seed.queue_ids()[300..400].to_vec();
    let expected_online: BTreeMap<String, f64> = seed.current_metrics[300..400]
        .iter()
        .map(|r| {
            (
                r.queue_id().expect("a queue").to_owned(),
                r.value("AGENTS_ONLINE").expect("generated"),
            )
        })
        .collect();
    let emulator = emulator(seed).await;
    let client = client(&emulator).await;
    let instance_id = emulator.control().seed().instance_id;
    let metrics = [
        metric(CurrentMetricName::AgentsOnline, Unit::Count),
        metric(CurrentMetricName::OldestContactAge, Unit::Seconds),
    ];

    let pages = read_current(&client, &instance_id, &chunk, &metrics, 40).await;
    let sizes: Vec<usize> = pages.iter().map(|p| p.metric_results().len()).collect();
    assert_eq!(sizes, [40, 40, 20]);
    assert!(
        pages
            .iter()
            .all(|p| p.approximate_total_count() == Some(100))
    );
    let snapshot_times: Vec<_> = pages.iter().map(|p| p.data_snapshot_time()).collect();
    assert!(snapshot_times[0].is_some());
    assert!(snapshot_times.iter().all(|t| *t == snapshot_times[0]));
    for result in pages.iter().flat_map(|p| p.metric_results()) {
        let names: Vec<_> = result
            .collections()
            .iter()
            .filter_map(|d| d.metric().and_then(|m| m.name()).cloned())
            .collect();
        assert_eq!(
            names,
            [
                CurrentMetricName::AgentsOnline,
                CurrentMetricName::OldestContactAge
            ]
        );
        let queue = result
            .dimensions()
            .and_then(|d| d.queue())
            .expect("a queue dimension");
        assert!(
            queue
                .arn()
                .is_some_and(|arn| arn.ends_with(queue.id().unwrap_or("-")))
        );
    }
    assert_eq!(
        values(&pages, &CurrentMetricName::AgentsOnline),
        expected_online
    );
    assert_eq!(emulator.control().count(Operation::GetCurrentMetricData), 3);
    assert_eq!(emulator.control().current_metric_reads(), 1);
}

#[tokio::test]
async fn current_metric_data_should_refuse_more_than_100_queues_and_foreign_tokens() {
    let seed = Seed::with_queues(450);
    let queues = seed.queue_ids();
    let emulator = emulator(seed).await;
    let client = client(&emulator).await;
    let instance_id = emulator.control().seed().instance_id;
    let request = |queues: &[String]| {
        client
            .get_current_metric_data()
            .instance_id(&instance_id)
            .filters(Filters::builder().set_queues(Some(queues.to_vec())).build())
            .groupings(Grouping::Queue)
            .current_metrics(metric(CurrentMetricName::AgentsOnline, Unit::Count))
    };

    let error = request(&queues[..101])
        .send()
        .await
        .expect_err("101 queues is over Connect's limit")
        .into_service_error();
    match &error {
        GetCurrentMetricDataError::InvalidParameterException(e) => {
            assert!(
                e.message().is_some_and(|m| m.contains("filters.queues")),
                "{e:?}"
            );
        }
        other => panic!("expected InvalidParameterException, got {other:?}"),
    }
    assert!(request(&queues[..100]).send().await.is_ok());

    let first = request(&queues[..100])
        .max_results(10)
        .send()
        .await
        .expect("a first page");
    let token = first.next_token().expect("more pages").to_owned();
    let foreign = request(&queues[100..200])
        .next_token(token)
        .send()
        .await
        .expect_err("a token of another request")
        .into_service_error();
    assert!(
        matches!(
            foreign,
            GetCurrentMetricDataError::InvalidParameterException(_)
        ),
        "{foreign:?}"
    );
}

#[tokio::test]
async fn snapshots_should_advance_per_read_while_pages_stay_on_theirs() {
    let seed = Seed::with_queues(150);
    let queues = seed.queue_ids()[..100].to_vec();
    let snapshot = |staffed: f64| -> Vec<CurrentMetricResult> {
        seed.current_metrics
            .iter()
            .cloned()
            .map(|r| r.with_metric("AGENTS_STAFFED", "COUNT", staffed))
            .collect()
    };
    let snapshots = vec![snapshot(1.0), snapshot(2.0), snapshot(3.0)];
    let emulator = emulator(seed.clone()).await;
    let control = emulator.control();
    control
        .set_current_metric_snapshots(snapshots)
        .expect("three snapshots");
    let client = client(&emulator).await;
    let staffed = [metric(CurrentMetricName::AgentsStaffed, Unit::Count)];

    let mut seen = Vec::new();
    for _ in 0..4 {
        let pages = read_current(&client, &seed.instance_id, &queues, &staffed, 30).await;
        assert_eq!(pages.len(), 4, "100 results by 30");
        let distinct: std::collections::BTreeSet<u64> =
            values(&pages, &CurrentMetricName::AgentsStaffed)
                .values()
                .map(|v| v.to_bits())
                .collect();
        assert_eq!(distinct.len(), 1, "one read, one snapshot");
        seen.push(values(&pages, &CurrentMetricName::AgentsStaffed)[&queues[0]]);
    }
    assert_eq!(seen, [1.0, 2.0, 3.0, 3.0]);
    assert_eq!(control.current_metric_reads(), 4);

    // Between executions: new numbers, a queue gone.
    let gone = queues[0].clone();
    control.set_current_metrics(snapshot(7.0));
    assert!(control.remove_queue(&gone));
    let pages = read_current(&client, &seed.instance_id, &queues, &staffed, 100).await;
    let now = values(&pages, &CurrentMetricName::AgentsStaffed);
    assert_eq!(now.len(), 99);
    assert!(!now.contains_key(&gone));
    assert!(now.values().all(|v| *v == 7.0));
}

fn hours_ago(now: i64, hours: i64) -> i64 {
    (now / 3_600 - hours) * 3_600
}

#[tokio::test]
async fn metric_data_v2_should_filter_by_queue_time_and_metric() {
    let seed = Seed::with_queues(3);
    let [q1, q2, q3] = [0, 1, 2].map(|i| seed.queues[i].id.clone());
    let now = chrono::Utc::now().timestamp();
    let hour = |h: i64| hours_ago(now, h) as f64;
    let results = vec![
        MetricResultV2::default()
            .with_dimension("QUEUE", q1.as_str())
            .with_interval("HOUR", hour(3), hour(2))
            .with_metric("CONTACTS_HANDLED", 5.0)
            .with_metric("AVG_HANDLE_TIME", 240.0),
        MetricResultV2::default()
            .with_dimension("QUEUE", q1.as_str())
            .with_interval("HOUR", hour(2), hour(1))
            .with_metric("CONTACTS_HANDLED", 8.0),
        MetricResultV2::default()
            .with_dimension("QUEUE", q2.as_str())
            .with_interval("HOUR", hour(3), hour(2))
            .with_metric("CONTACTS_HANDLED", 11.0),
        MetricResultV2::default()
            .with_dimension("QUEUE", q3.as_str())
            .with_interval("HOUR", hour(30), hour(29))
            .with_metric("CONTACTS_HANDLED", 2.0),
    ];
    let emulator = emulator(seed.clone()).await;
    emulator.control().set_metric_data_v2(results);
    let client = client(&emulator).await;

    let answer = client
        .get_metric_data_v2()
        .resource_arn(seed.instance_arn())
        .start_time(DateTime::from_secs(hours_ago(now, 4)))
        .end_time(DateTime::from_secs(hours_ago(now, 1)))
        .interval(
            IntervalDetails::builder()
                .interval_period(IntervalPeriod::Hour)
                .time_zone("UTC")
                .build(),
        )
        .filters(
            FilterV2::builder()
                .filter_key("QUEUE")
                .filter_values(q1.as_str())
                .filter_values(seed.queues[2].arn.as_str())
                .build(),
        )
        .groupings("QUEUE")
        .metrics(MetricV2::builder().name("CONTACTS_HANDLED").build())
        .send()
        .await
        .expect("historical metrics");
    let got: Vec<(String, f64, i64)> = answer
        .metric_results()
        .iter()
        .map(|result| {
            let queue = result
                .dimensions()
                .and_then(|d| d.get("QUEUE"))
                .cloned()
                .unwrap_or_default();
            assert_eq!(result.collections().len(), 1, "only CONTACTS_HANDLED");
            let value = result.collections()[0].value().unwrap_or(f64::NAN);
            let interval = result.metric_interval().expect("an interval");
            assert_eq!(interval.interval(), Some(&IntervalPeriod::Hour));
            let start = interval.start_time().map_or(0, DateTime::secs);
            (queue, value, start)
        })
        .collect();
    assert_eq!(
        got,
        [
            (q1.clone(), 5.0, hours_ago(now, 3)),
            (q1.clone(), 8.0, hours_ago(now, 2))
        ],
        "q2 is not asked for; q3's hour is before StartTime"
    );
}

#[tokio::test]
async fn metric_data_v2_should_refuse_time_ranges_connect_refuses() {
    let seed = Seed::demo();
    let queue = seed.queues[0].id.clone();
    let emulator = emulator(seed.clone()).await;
    let client = client(&emulator).await;
    let now = chrono::Utc::now().timestamp();
    let call = |start: i64, end: i64, period: IntervalPeriod| {
        client
            .get_metric_data_v2()
            .resource_arn(seed.instance_arn())
            .start_time(DateTime::from_secs(start))
            .end_time(DateTime::from_secs(end))
            .interval(IntervalDetails::builder().interval_period(period).build())
            .filters(
                FilterV2::builder()
                    .filter_key("QUEUE")
                    .filter_values(queue.as_str())
                    .build(),
            )
            .groupings("QUEUE")
            .metrics(MetricV2::builder().name("CONTACTS_HANDLED").build())
            .send()
    };
    let day = 86_400;
    let refused = [
        (
            "start after end",
            call(now - 3_600, now - 7_200, IntervalPeriod::Hour).await,
        ),
        (
            "end in the future",
            call(now - 3_600, now + 3_600, IntervalPeriod::Hour).await,
        ),
        (
            "older than 93 days",
            call(now - 94 * day, now - 93 * day - 3_600, IntervalPeriod::Day).await,
        ),
        (
            "over 3 days by HOUR",
            call(now - 4 * day, now, IntervalPeriod::Hour).await,
        ),
        (
            "over 35 days by DAY",
            call(now - 36 * day, now, IntervalPeriod::Day).await,
        ),
    ];
    for (case, result) in refused {
        let error = result.expect_err(case).into_service_error();
        assert!(
            matches!(error, GetMetricDataV2Error::InvalidParameterException(_)),
            "{case}: {error:?}"
        );
    }
    let fine = call(now - 30 * day, now, IntervalPeriod::Day)
        .await
        .expect("30 days by DAY");
    assert_eq!(
        fine.metric_results().len(),
        1,
        "the demo seed's Billing totals"
    );
}

#[tokio::test]
async fn contact_attributes_should_be_found_or_not_found() {
    let emulator = emulator(Seed::demo()).await;
    let client = client(&emulator).await;
    let instance_id = emulator.control().seed().instance_id;
    let found = client
        .get_contact_attributes()
        .instance_id(&instance_id)
        .initial_contact_id("8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08")
        .send()
        .await
        .expect("the fixture contact");
    let attributes = found.attributes().expect("attributes");
    assert_eq!(
        attributes.get("accountNumber").map(String::as_str),
        Some("4719208")
    );
    assert_eq!(
        attributes
            .get("postcallTranscribeLanguage")
            .map(String::as_str),
        Some("en-US")
    );

    let missing = client
        .get_contact_attributes()
        .instance_id(&instance_id)
        .initial_contact_id("00000000-0000-4000-8000-00000000dead")
        .send()
        .await
        .expect_err("no such contact")
        .into_service_error();
    assert!(
        matches!(
            missing,
            GetContactAttributesError::ResourceNotFoundException(_)
        ),
        "{missing:?}"
    );
}

async fn one_current_call(
    client: &Client,
    control: &EmulatorControl,
) -> Result<GetCurrentMetricDataOutput, aws_sdk_connect::error::SdkError<GetCurrentMetricDataError>>
{
    let seed = control.seed();
    client
        .get_current_metric_data()
        .instance_id(&seed.instance_id)
        .filters(
            Filters::builder()
                .set_queues(Some(seed.queue_ids()))
                .build(),
        )
        .groupings(Grouping::Queue)
        .current_metrics(metric(CurrentMetricName::ContactsInQueue, Unit::Count))
        .send()
        .await
}

#[tokio::test]
async fn throttling_should_be_the_sdks_throttling_exception_and_5xx_internal_service() {
    let emulator = emulator(Seed::demo()).await;
    let control = emulator.control();
    let client = client(&emulator).await;

    control.inject_fault(Fault::throttle().on_operation("GetCurrentMetricData"));
    let error = one_current_call(&client, &control)
        .await
        .expect_err("throttled");
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(429));
    let error = error.into_service_error();
    match &error {
        GetCurrentMetricDataError::ThrottlingException(e) => {
            assert_eq!(e.message(), Some("Rate exceeded"));
        }
        other => panic!("expected ThrottlingException, got {other:?}"),
    }
    // The fault named its operation: ListQueues is served normally meanwhile.
    let instance_id = control.seed().instance_id;
    control.inject_fault(Fault::throttle().on_operation("GetCurrentMetricData"));
    assert!(
        client
            .list_queues()
            .instance_id(&instance_id)
            .send()
            .await
            .is_ok()
    );
    assert!(one_current_call(&client, &control).await.is_err());

    control.inject_fault(Fault::server_error(500));
    let error = client
        .list_queues()
        .instance_id(&instance_id)
        .send()
        .await
        .expect_err("a server error");
    assert_eq!(error.raw_response().map(|r| r.status().as_u16()), Some(500));
    assert!(matches!(
        error.into_service_error(),
        ListQueuesError::InternalServiceException(_)
    ),);
    control.inject_fault(Fault::server_error(503));
    let error = one_current_call(&client, &control)
        .await
        .expect_err("unavailable");
    assert!(matches!(
        error.into_service_error(),
        GetCurrentMetricDataError::InternalServiceException(_)
    ));
    assert!(
        one_current_call(&client, &control).await.is_ok(),
        "faults were once each"
    );
    assert_eq!(
        control.faults_applied(),
        [
            ("server_error 500".to_owned(), 1),
            ("server_error 503".to_owned(), 1),
            ("throttle".to_owned(), 2)
        ]
    );
}

#[tokio::test]
async fn the_sdks_standard_retries_should_ride_out_throttling() {
    let emulator = emulator(Seed::demo()).await;
    let control = emulator.control();
    let retrying = RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20));
    let client = client_with(&emulator, retrying).await;
    control.inject_fault(
        Fault::throttle()
            .with_schedule(FaultSchedule::Times(2))
            .on_operation("GetCurrentMetricData"),
    );
    let answer = one_current_call(&client, &control)
        .await
        .expect("the third attempt is served");
    assert_eq!(answer.metric_results().len(), 3);
    let statuses: Vec<u16> = control.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 200]);
}

#[tokio::test]
async fn latency_should_delay_only_the_named_operation() {
    let emulator = emulator(Seed::demo()).await;
    let control = emulator.control();
    let client = client(&emulator).await;
    control.inject_fault(
        Fault::latency(Duration::from_millis(300))
            .with_schedule(FaultSchedule::Always)
            .on_operation("GetCurrentMetricData"),
    );
    let started = Instant::now();
    one_current_call(&client, &control)
        .await
        .expect("served late");
    assert!(started.elapsed() >= Duration::from_millis(300));
    let started = Instant::now();
    client
        .list_queues()
        .instance_id(control.seed().instance_id)
        .send()
        .await
        .expect("served");
    assert!(started.elapsed() < Duration::from_millis(300));
    assert_eq!(
        control.requests()[0].fault.as_deref(),
        Some("latency 300ms")
    );
}

#[tokio::test]
async fn the_request_log_should_count_calls_per_operation_with_their_outcome() {
    let emulator = emulator(Seed::demo()).await;
    let control = emulator.control();
    let client = client(&emulator).await;
    let instance_id = control.seed().instance_id;
    for _ in 0..2 {
        client
            .list_queues()
            .instance_id(&instance_id)
            .send()
            .await
            .expect("listed");
    }
    one_current_call(&client, &control).await.expect("metrics");
    let _ = client
        .get_contact_attributes()
        .instance_id(&instance_id)
        .initial_contact_id("unknown-contact")
        .send()
        .await;
    control.inject_fault(Fault::throttle());
    let _ = one_current_call(&client, &control).await;

    let counts = control.request_counts();
    assert_eq!(
        counts,
        BTreeMap::from([
            ("GetContactAttributes".to_owned(), 1),
            ("GetCurrentMetricData".to_owned(), 2),
            ("ListQueues".to_owned(), 2),
        ])
    );
    let log = control.requests();
    let outcomes: Vec<(&str, u16, Option<&str>)> = log
        .iter()
        .map(|r| (r.operation.as_str(), r.status, r.error_type.as_deref()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("ListQueues", 200, None),
            ("ListQueues", 200, None),
            ("GetCurrentMetricData", 200, None),
            (
                "GetContactAttributes",
                404,
                Some("ResourceNotFoundException")
            ),
            ("GetCurrentMetricData", 429, Some("ThrottlingException")),
        ]
    );
    assert_eq!(log[4].fault.as_deref(), Some("throttle"));
    assert_eq!(control.count(Operation::GetMetricDataV2), 0);
    control.clear_requests();
    assert!(control.requests().is_empty());
}

#[tokio::test]
async fn list_users_should_page_through_the_sdk_with_usernames() {
    let mut seed = Seed::demo();
    let demo_users = seed.users.len();
    for i in 0..1_200 {
        let user = connect_emulator::UserSummary::new(
            &seed,
            format!("user-{i:04}"),
            format!("agent.{i:04}"),
        );
        seed.users.push(user);
    }
    let instance_id = seed.instance_id.clone();
    let emulator = emulator(seed).await;
    let client = client(&emulator).await;
    let first = client
        .list_users()
        .instance_id(&instance_id)
        .max_results(1_000)
        .send()
        .await
        .expect("first page");
    assert_eq!(first.user_summary_list().len(), 1_000);
    assert_eq!(first.user_summary_list()[0].username(), Some("priya.raman"));
    let rest = client
        .list_users()
        .instance_id(&instance_id)
        .max_results(1_000)
        .set_next_token(first.next_token().map(str::to_string))
        .send()
        .await
        .expect("second page");
    assert_eq!(rest.user_summary_list().len(), demo_users + 1_200 - 1_000);
    assert!(rest.next_token().is_none());
    assert_eq!(emulator.control().count(Operation::ListUsers), 2);
}
