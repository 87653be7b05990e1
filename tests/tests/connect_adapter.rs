//! The Amazon Connect adapter (`aws_adapters::ConnectMetricsClient`, the real `aws-sdk-connect`
//! client) against the Connect emulator over HTTP: ListQueues and GetCurrentMetricData paging,
//! the real-time values as seeded, and Connect's errors in the port's terms.
//!
//! The SDK's own retries are off unless a test says otherwise, so every emulator answer reaches
//! the adapter and the request log counts exactly the calls `connect_reads` makes.

use std::net::TcpListener;
use std::time::Duration;

use aws_adapters::ConnectMetricsClient;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
// The shared `aws-credential-types` type, as every SDK crate re-exports it.
use aws_sdk_s3::config::Credentials;
use connect_emulator::{
    EmulatorControl, Fault, FaultSchedule, Operation, QueueSummary, RunningEmulator, Seed,
};
use connect_metrics::connect_reads::{ConnectCalls, current_values, list_all_queues};
use connect_metrics::metrics::REALTIME_METRICS;
use connect_metrics::ports::{ConnectError, ConnectMetrics, CurrentMetricsRequest};

const REGION: &str = "us-west-2";
const PAGE_SIZE: u32 = 100;

async fn emulator(queues: usize) -> RunningEmulator {
    connect_emulator::start_local(Seed::with_queues(queues))
        .await
        .expect("the Connect emulator starts")
}

/// A Lambda's SDK configuration (static credentials, us-west-2) pointed at `endpoint`.
async fn sdk_config_with(
    endpoint: &str,
    retry: RetryConfig,
    timeouts: Option<TimeoutConfig>,
) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "connect-emulator",
        ))
        .retry_config(retry);
    if let Some(timeouts) = timeouts {
        loader = loader.timeout_config(timeouts);
    }
    loader.load().await
}

async fn adapter(emulator: &RunningEmulator) -> ConnectMetricsClient {
    ConnectMetricsClient::from_config(
        &sdk_config_with(&emulator.base_url(), RetryConfig::disabled(), None).await,
    )
}

fn instance_id(control: &EmulatorControl) -> String {
    control.seed().instance_id
}

fn request<'a>(instance_id: &'a str, queue_ids: &'a [String]) -> CurrentMetricsRequest<'a> {
    CurrentMetricsRequest {
        instance_id,
        queue_ids,
        page_size: PAGE_SIZE,
        next_token: None,
    }
}

#[tokio::test]
async fn list_all_queues_should_list_450_standard_queues_in_5_calls_of_100() {
    let emulator = emulator(450).await;
    let control = emulator.control();
    let seed = control.seed();
    // An AGENT queue at the end: ListQueues is asked for STANDARD queues only.
    control
        .add_queue(QueueSummary::agent(&seed, "agent-queue-of-someone"))
        .expect("an agent queue");
    let connect = adapter(&emulator).await;

    let first = connect
        .list_queues_page(&seed.instance_id, PAGE_SIZE, None)
        .await
        .expect("the first page");
    assert_eq!(first.queues.len(), 100);
    assert!(
        first.next_token.is_some(),
        "450 queues are more than a page"
    );
    control.clear_requests();

    let mut calls = ConnectCalls::default();
    let queues = list_all_queues(&connect, &seed.instance_id, PAGE_SIZE, &mut calls)
        .await
        .expect("every queue");

    assert_eq!(control.count(Operation::ListQueues), 5);
    assert_eq!(
        calls,
        ConnectCalls {
            calls: 5,
            retried: 0
        }
    );
    let expected: Vec<_> = seed
        .queues
        .iter()
        .map(|queue| {
            (
                queue.id.clone(),
                queue.arn.clone(),
                queue.name.clone().unwrap_or_default(),
            )
        })
        .collect();
    let listed: Vec<_> = queues
        .into_iter()
        .map(|queue| (queue.id, queue.arn, queue.name))
        .collect();
    assert_eq!(listed.len(), 450);
    assert_eq!(
        listed, expected,
        "every STANDARD queue, in Connect's order, with its ARN and name"
    );
    assert_eq!(listed[0].2, "Queue 0001");
}

#[tokio::test]
async fn current_values_should_read_450_queues_in_5_calls_of_100_with_the_seeded_values() {
    let emulator = emulator(450).await;
    let control = emulator.control();
    let seed = control.seed();
    let connect = adapter(&emulator).await;
    let queue_ids = seed.queue_ids();

    let mut calls = ConnectCalls::default();
    let values = current_values(
        &connect,
        &seed.instance_id,
        &queue_ids,
        PAGE_SIZE,
        &mut calls,
    )
    .await
    .expect("the current values");

    assert_eq!(
        control.count(Operation::GetCurrentMetricData),
        5,
        "one call per 100 queues"
    );
    assert_eq!(
        calls,
        ConnectCalls {
            calls: 5,
            retried: 0
        }
    );
    assert_eq!(control.current_metric_reads(), 5);
    assert_eq!(values.len(), 450, "every queue has its values");
    assert_eq!(seed.current_metrics.len(), 450);
    for result in &seed.current_metrics {
        let queue_id = result.queue_id().expect("a seeded result names its queue");
        let read = &values[queue_id];
        assert_eq!(
            read.0.len(),
            REALTIME_METRICS.len(),
            "{queue_id}: all ten metrics"
        );
        for metric in &REALTIME_METRICS {
            let seeded = result
                .value(metric.name)
                .expect("the seed has all ten metrics");
            assert_eq!(read.value(metric), seeded, "{queue_id} {}", metric.name);
        }
    }
}

#[tokio::test]
async fn a_throttled_answer_should_be_throttled_and_two_should_be_ridden_out() {
    let emulator = emulator(450).await;
    let control = emulator.control();
    let instance_id = instance_id(&control);
    let queue_ids = control.seed().queue_ids();
    let connect = adapter(&emulator).await;

    control.inject_fault(Fault::throttle());
    let error = connect
        .list_queues_page(&instance_id, PAGE_SIZE, None)
        .await
        .expect_err("throttled");
    assert!(
        matches!(&error, ConnectError::Throttled { operation: "ListQueues", message } if message.contains("ThrottlingException")),
        "{error:?}"
    );
    assert!(error.is_retryable());

    control.inject_fault(Fault::throttle());
    let error = connect
        .current_metrics_page(&request(&instance_id, &queue_ids[..100]))
        .await
        .expect_err("throttled");
    assert!(
        matches!(
            &error,
            ConnectError::Throttled {
                operation: "GetCurrentMetricData",
                ..
            }
        ),
        "{error:?}"
    );

    control.clear_requests();
    control.inject_fault(
        Fault::throttle()
            .with_schedule(FaultSchedule::Times(2))
            .on_operation(Operation::ListQueues.name()),
    );
    let mut calls = ConnectCalls::default();
    let queues = list_all_queues(&connect, &instance_id, PAGE_SIZE, &mut calls)
        .await
        .expect("two throttled answers are ridden out");
    assert_eq!(queues.len(), 450);
    assert_eq!(
        calls,
        ConnectCalls {
            calls: 7,
            retried: 2
        }
    );
    assert_eq!(control.count(Operation::ListQueues), 7);

    control.inject_fault(
        Fault::throttle()
            .with_schedule(FaultSchedule::Times(2))
            .on_operation(Operation::GetCurrentMetricData.name()),
    );
    let mut calls = ConnectCalls::default();
    let values = current_values(&connect, &instance_id, &queue_ids, PAGE_SIZE, &mut calls)
        .await
        .expect("two throttled answers are ridden out");
    assert_eq!(values.len(), 450);
    assert_eq!(
        calls,
        ConnectCalls {
            calls: 7,
            retried: 2
        }
    );
    assert_eq!(control.count(Operation::GetCurrentMetricData), 7);
}

#[tokio::test]
async fn a_server_error_should_be_unavailable() {
    let emulator = emulator(3).await;
    let control = emulator.control();
    let instance_id = instance_id(&control);
    let queue_ids = control.seed().queue_ids();
    let connect = adapter(&emulator).await;

    control.inject_fault(Fault::server_error(500));
    let error = connect
        .list_queues_page(&instance_id, PAGE_SIZE, None)
        .await
        .expect_err("a 500");
    assert!(
        matches!(&error, ConnectError::Unavailable { operation: "ListQueues", message }
            if message.contains("InternalServiceException") && message.contains("500")),
        "{error:?}"
    );

    control.inject_fault(Fault::server_error(503));
    let error = connect
        .current_metrics_page(&request(&instance_id, &queue_ids))
        .await
        .expect_err("a 503");
    assert!(
        matches!(
            &error,
            ConnectError::Unavailable {
                operation: "GetCurrentMetricData",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());

    // A passing outage inside a read is ridden out like throttling.
    control.inject_fault(
        Fault::server_error(500).on_operation(Operation::GetCurrentMetricData.name()),
    );
    let mut calls = ConnectCalls::default();
    let values = current_values(&connect, &instance_id, &queue_ids, PAGE_SIZE, &mut calls)
        .await
        .expect("one 500 is ridden out");
    assert_eq!(values.len(), 3);
    assert_eq!(
        calls,
        ConnectCalls {
            calls: 2,
            retried: 1
        }
    );
}

#[tokio::test]
async fn a_timeout_or_no_connection_should_be_unavailable() {
    let emulator = emulator(3).await;
    let control = emulator.control();
    let instance_id = instance_id(&control);
    let timeouts = TimeoutConfig::builder()
        .operation_attempt_timeout(Duration::from_millis(200))
        .build();
    let connect = ConnectMetricsClient::from_config(
        &sdk_config_with(
            &emulator.base_url(),
            RetryConfig::disabled(),
            Some(timeouts),
        )
        .await,
    );
    control.inject_fault(Fault::latency(Duration::from_secs(2)));
    let error = connect
        .list_queues_page(&instance_id, PAGE_SIZE, None)
        .await
        .expect_err("the attempt times out");
    assert!(
        matches!(
            &error,
            ConnectError::Unavailable {
                operation: "ListQueues",
                ..
            }
        ),
        "{error:?}"
    );

    // A port nobody listens on.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address")
    };
    let nowhere = ConnectMetricsClient::from_config(
        &sdk_config_with(&format!("http://{closed}"), RetryConfig::disabled(), None).await,
    );
    let error = nowhere
        .current_metrics_page(&request(&instance_id, &["q".to_string()]))
        .await
        .expect_err("no connection");
    assert!(
        matches!(
            &error,
            ConnectError::Unavailable {
                operation: "GetCurrentMetricData",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unknown_instance_or_a_bad_parameter_should_be_rejected_naming_the_code() {
    let emulator = emulator(3).await;
    let control = emulator.control();
    let instance_id = instance_id(&control);
    let queue_ids = control.seed().queue_ids();
    let connect = adapter(&emulator).await;
    let unknown = "00000000-0000-4000-8000-000000000000";

    let error = connect
        .list_queues_page(unknown, PAGE_SIZE, None)
        .await
        .expect_err("an unknown instance");
    assert!(
        matches!(&error, ConnectError::Rejected { operation: "ListQueues", code, .. } if code == "ResourceNotFoundException"),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert!(
        error.to_string().contains("ResourceNotFoundException"),
        "{error}"
    );

    let error = connect
        .current_metrics_page(&request(unknown, &queue_ids))
        .await
        .expect_err("an unknown instance");
    assert!(
        matches!(&error, ConnectError::Rejected { operation: "GetCurrentMetricData", code, .. } if code == "ResourceNotFoundException"),
        "{error:?}"
    );

    // A refusal is not retried.
    control.clear_requests();
    let mut calls = ConnectCalls::default();
    let error = list_all_queues(&connect, unknown, PAGE_SIZE, &mut calls)
        .await
        .expect_err("an unknown instance");
    assert!(matches!(error, ConnectError::Rejected { .. }));
    assert_eq!(
        calls,
        ConnectCalls {
            calls: 1,
            retried: 0
        }
    );
    assert_eq!(control.count(Operation::ListQueues), 1);

    // GetCurrentMetricData takes at most 100 results a page.
    let error = connect
        .current_metrics_page(&CurrentMetricsRequest {
            page_size: 101,
            ..request(&instance_id, &queue_ids)
        })
        .await
        .expect_err("MaxResults 101");
    assert!(
        matches!(&error, ConnectError::Rejected { code, message, .. }
            if code == "InvalidParameterException" && message.contains("maxResults")),
        "{error:?}"
    );
}

/// With the SDK's standard retries (what a Lambda's configuration has), one throttled answer is
/// retried by the SDK itself, and throttling that lasts still reaches the port as Throttled.
#[tokio::test]
async fn with_the_sdks_retries_lasting_throttling_should_still_be_throttled() {
    let emulator = emulator(3).await;
    let control = emulator.control();
    let instance_id = instance_id(&control);
    let retry = RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(10));
    let connect = ConnectMetricsClient::from_config(
        &sdk_config_with(&emulator.base_url(), retry, None).await,
    );

    control.inject_fault(Fault::throttle());
    let page = connect
        .list_queues_page(&instance_id, PAGE_SIZE, None)
        .await
        .expect("the SDK retries one throttled answer");
    assert_eq!(page.queues.len(), 3);
    assert_eq!(control.count(Operation::ListQueues), 2);

    control.clear_requests();
    control.inject_fault(Fault::throttle().with_schedule(FaultSchedule::Always));
    let error = connect
        .list_queues_page(&instance_id, PAGE_SIZE, None)
        .await
        .expect_err("throttled on every attempt");
    assert!(
        matches!(
            &error,
            ConnectError::Throttled {
                operation: "ListQueues",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(control.count(Operation::ListQueues), 3);
}
