//! Focused behaviour tests of the engine (all on the virtual clock: nothing really sleeps).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use step_functions_engine::{
    Engine, EventType, ExecutionOptions, ExecutionResult, ExecutionStatus, FnHandler, HistoryEvent,
    StateMachine, TaskContext, TaskFailure, TaskHandler, VirtualClock,
};

fn machine(definition: Value) -> StateMachine {
    match StateMachine::from_json(&definition) {
        Ok(m) => m,
        Err(e) => panic!("definition should be valid: {e}"),
    }
}

async fn run(engine: &Engine, definition: Value, input: Value) -> ExecutionResult {
    match engine
        .run(&machine(definition), input, ExecutionOptions::default())
        .await
    {
        Ok(result) => result,
        Err(e) => panic!("engine rejected the definition: {e}"),
    }
}

/// A handler that fails `failures` times with `error`, then echoes its input, and records the
/// clock time of every call.
struct Flaky {
    failures: usize,
    error: String,
    calls: Mutex<Vec<DateTime<Utc>>>,
}

impl Flaky {
    fn new(failures: usize, error: &str) -> Arc<Self> {
        Arc::new(Self {
            failures,
            error: error.to_string(),
            calls: Mutex::new(Vec::new()),
        })
    }

    fn gaps(&self) -> Vec<f64> {
        let calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        calls
            .windows(2)
            .map(|w| (w[1] - w[0]).num_milliseconds() as f64 / 1000.0)
            .collect()
    }
}

#[async_trait::async_trait]
impl TaskHandler for Flaky {
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure> {
        let n = {
            let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
            calls.push(context.clock.now());
            calls.len()
        };
        if n <= self.failures {
            Err(TaskFailure::new(
                self.error.clone(),
                format!("attempt {n} failed"),
            ))
        } else {
            Ok(input)
        }
    }
}

fn virtual_engine(handlers: Vec<(&str, Arc<dyn TaskHandler>)>) -> Engine {
    let mut builder = Engine::builder().clock(Arc::new(VirtualClock::new()));
    for (name, handler) in handlers {
        builder = builder.handler(name, handler);
    }
    builder.build()
}

fn retry_machine(retrier: Value) -> Value {
    json!({
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": "flaky", "Retry": [retrier], "End": true}}
    })
}

#[tokio::test]
async fn retry_backoff_follows_interval_times_rate_power_n() {
    let flaky = Flaky::new(3, "Transient");
    let engine = virtual_engine(vec![("flaky", flaky.clone())]);
    let started = Instant::now();
    let result = run(
        &engine,
        retry_machine(json!({"ErrorEquals": ["Transient"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 3})),
        json!({"x": 1}),
    )
    .await;
    assert_eq!(result.status, ExecutionStatus::Succeeded);
    assert_eq!(result.output, Some(json!({"x": 1})));
    assert_eq!(flaky.gaps(), vec![2.0, 6.0, 18.0]);
    assert!(
        started.elapsed().as_secs() < 5,
        "the virtual clock must not sleep"
    );
}

#[tokio::test]
async fn retry_max_delay_caps_each_delay_and_max_attempts_zero_never_retries() {
    let flaky = Flaky::new(3, "Transient");
    let engine = virtual_engine(vec![("flaky", flaky.clone())]);
    let result = run(
        &engine,
        retry_machine(json!({"ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "BackoffRate": 10, "MaxDelaySeconds": 15, "MaxAttempts": 5})),
        json!({}),
    )
    .await;
    assert_eq!(result.status, ExecutionStatus::Succeeded);
    assert_eq!(flaky.gaps(), vec![10.0, 15.0, 15.0]);

    let flaky = Flaky::new(1, "Transient");
    let engine = virtual_engine(vec![("flaky", flaky.clone())]);
    let result = run(
        &engine,
        retry_machine(json!({"ErrorEquals": ["Transient"], "MaxAttempts": 0})),
        json!({}),
    )
    .await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert_eq!(result.error.as_deref(), Some("Transient"));
    assert_eq!(result.cause.as_deref(), Some("attempt 1 failed"));
}

#[tokio::test]
async fn full_jitter_stays_within_the_backoff() {
    let flaky = Flaky::new(4, "Transient");
    let engine = virtual_engine(vec![("flaky", flaky.clone())]);
    let result = run(
        &engine,
        retry_machine(json!({"ErrorEquals": ["Transient"], "IntervalSeconds": 4, "BackoffRate": 2, "MaxAttempts": 4, "JitterStrategy": "FULL"})),
        json!({}),
    )
    .await;
    assert_eq!(result.status, ExecutionStatus::Succeeded);
    let gaps = flaky.gaps();
    assert_eq!(gaps.len(), 4);
    for (n, gap) in gaps.iter().enumerate() {
        let bound = 4.0 * 2f64.powi(n as i32);
        assert!(
            *gap >= 0.0 && *gap <= bound,
            "gap {n} = {gap} outside [0, {bound}]"
        );
    }
}

#[tokio::test]
async fn exhausted_retries_fall_through_to_catch_with_result_path() {
    let flaky = Flaky::new(10, "Boom");
    let engine = virtual_engine(vec![("flaky", flaky.clone())]);
    let result = run(
        &engine,
        json!({
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task", "Resource": "flaky",
                    "Retry": [{"ErrorEquals": ["Boom"], "MaxAttempts": 1}],
                    "Catch": [{"ErrorEquals": ["Other"], "Next": "Wrong"},
                              {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled"}],
                    "End": true
                },
                "Wrong": {"Type": "Fail", "Error": "Wrong"},
                "Handled": {"Type": "Pass", "End": true}
            }
        }),
        json!({"order": 7}),
    )
    .await;
    assert_eq!(result.status, ExecutionStatus::Succeeded);
    assert_eq!(
        result.output,
        Some(json!({"order": 7, "error": {"Error": "Boom", "Cause": "attempt 2 failed"}}))
    );
    assert_eq!(flaky.gaps().len(), 1);
}

#[tokio::test]
async fn states_all_does_not_catch_states_runtime() {
    let engine = virtual_engine(vec![]);
    let result = run(
        &engine,
        json!({
            "StartAt": "P",
            "States": {
                "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "InputPath": "$.missing", "End": true}}}],
                      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
                "Caught": {"Type": "Pass", "End": true}
            }
        }),
        json!({}),
    )
    .await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert_eq!(result.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        result.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'B' (entered at the event id #4). Invalid path '$.missing' : No results for path: $['missing']"
        )
    );
}

/// Counts concurrent calls; each call waits 5 virtual seconds.
struct Concurrency {
    running: AtomicUsize,
    max: AtomicUsize,
}

#[async_trait::async_trait]
impl TaskHandler for Concurrency {
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        let deadline = context.clock.now() + chrono::TimeDelta::seconds(5);
        context.clock.sleep_until(deadline).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        Ok(json!({"item": input, "retry": context.retry_count}))
    }
}

#[tokio::test]
async fn map_max_concurrency_limits_concurrent_handler_calls_and_keeps_order() {
    let handler = Arc::new(Concurrency {
        running: AtomicUsize::new(0),
        max: AtomicUsize::new(0),
    });
    let engine = virtual_engine(vec![("work", handler.clone())]);
    let result = run(
        &engine,
        json!({
            "StartAt": "Each",
            "States": {"Each": {
                "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
                "ItemSelector": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
                "ItemProcessor": {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "work", "End": true}}},
                "End": true
            }}
        }),
        json!({"items": ["a", "b", "c", "d", "e", "f"]}),
    )
    .await;
    assert_eq!(result.status, ExecutionStatus::Succeeded);
    assert_eq!(handler.max.load(Ordering::SeqCst), 2);
    let output = result.output.unwrap_or(Value::Null);
    let values: Vec<&str> = output
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v["item"]["value"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(values, ["a", "b", "c", "d", "e", "f"]);
    // Six 5-second items, two at a time: 15 virtual seconds.
    assert_eq!((result.stop_date - result.start_date).num_seconds(), 15);
}

#[tokio::test]
async fn parallel_branch_failure_fails_the_state_with_the_branch_error() {
    let engine = virtual_engine(vec![]);
    let definition = json!({
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 30, "End": true}}},
                    {"StartAt": "Bad", "States": {"Bad": {"Type": "Fail", "Error": "Broken", "Cause": "branch two"}}}
                ],
                "End": true
            }
        }
    });
    let result = run(&engine, definition.clone(), json!({})).await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert_eq!(result.error.as_deref(), Some("Broken"));
    assert_eq!(result.cause.as_deref(), Some("branch two"));
    assert!(
        result
            .history
            .iter()
            .any(|e| e.event_type == EventType::ParallelStateFailed)
    );
    // The slow branch was cancelled: no 30 seconds went by.
    assert!((result.stop_date - result.start_date).num_seconds() < 30);
}

#[tokio::test]
async fn a_twenty_second_wait_is_instant_but_advances_history_time() {
    let engine = virtual_engine(vec![]);
    let started = Instant::now();
    let result = run(
        &engine,
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 20, "End": true}}}),
        json!({"k": "v"}),
    )
    .await;
    assert!(started.elapsed().as_millis() < 2000);
    assert_eq!(result.status, ExecutionStatus::Succeeded);
    let time_of = |ty: EventType| -> Option<DateTime<Utc>> {
        result
            .history
            .iter()
            .find(|e| e.event_type == ty)
            .map(|e| e.timestamp)
    };
    let entered = time_of(EventType::WaitStateEntered);
    let exited = time_of(EventType::WaitStateExited);
    match (entered, exited) {
        (Some(a), Some(b)) => assert_eq!((b - a).num_seconds(), 20),
        _ => panic!("wait events missing"),
    }
}

#[tokio::test]
async fn task_timeout_on_the_virtual_clock() {
    let slow = Arc::new(FnHandler(|_input: Value, ctx: TaskContext| async move {
        let deadline = ctx.clock.now() + chrono::TimeDelta::seconds(100);
        ctx.clock.sleep_until(deadline).await;
        Ok(json!("late"))
    }));
    let engine = virtual_engine(vec![("slow", slow)]);
    let result = run(
        &engine,
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "slow", "TimeoutSeconds": 10, "End": true}}}),
        json!({}),
    )
    .await;
    assert_eq!(result.status, ExecutionStatus::Failed);
    assert_eq!(result.error.as_deref(), Some("States.Timeout"));
    assert_eq!((result.stop_date - result.start_date).num_seconds(), 10);
}

#[tokio::test]
async fn handlers_resolve_by_resource_lambda_arn_and_lambda_invoke_function_name() {
    let echo = Arc::new(FnHandler(|input: Value, ctx: TaskContext| async move {
        Ok(json!({"got": input, "function": ctx.function_name}))
    }));
    let engine = Engine::builder()
        .clock(Arc::new(VirtualClock::new()))
        .handler("sfInvokeAPI", echo.clone())
        .handler("local-resource", echo)
        .substitutions(HashMap::from([(
            "InvokeArn".to_string(),
            "arn:aws:lambda:us-east-1:123456789012:function:sfInvokeAPI".to_string(),
        )]))
        .build();
    let result = run(
        &engine,
        json!({
            "StartAt": "Direct",
            "States": {
                "Direct": {"Type": "Task", "Resource": "local-resource", "ResultPath": "$.direct", "Next": "Arn"},
                "Arn": {"Type": "Task", "Resource": "${InvokeArn}", "InputPath": "$.a", "ResultPath": "$.arn", "Next": "Invoke"},
                "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Parameters": {"FunctionName": "${InvokeArn}:$LATEST", "Payload": {"p.$": "$.a"}},
                           "ResultSelector": {"body.$": "$.Payload", "code.$": "$.StatusCode"},
                           "ResultPath": "$.invoke", "End": true}
            }
        }),
        json!({"a": 1}),
    )
    .await;
    assert_eq!(
        result.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        result.cause
    );
    let output = result.output.unwrap_or(Value::Null);
    assert_eq!(output["direct"], json!({"got": {"a": 1}, "function": null}));
    assert_eq!(output["arn"], json!({"got": 1, "function": "sfInvokeAPI"}));
    assert_eq!(
        output["invoke"],
        json!({"body": {"got": {"p": 1}, "function": "sfInvokeAPI"}, "code": 200})
    );
}

#[tokio::test]
async fn handler_failure_error_type_and_default_task_failed() {
    let typed = Arc::new(FnHandler(|_: Value, _: TaskContext| async move {
        Err::<Value, _>(TaskFailure::new(
            "MissingParameter",
            "sf_object is required",
        ))
    }));
    let untyped = Arc::new(FnHandler(|_: Value, _: TaskContext| async move {
        Err::<Value, _>(TaskFailure {
            error: String::new(),
            cause: None,
        })
    }));
    let engine = virtual_engine(vec![("typed", typed), ("untyped", untyped)]);
    let one = |resource: &str| json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": true}}});
    let result = run(&engine, one("typed"), json!({})).await;
    assert_eq!(result.error.as_deref(), Some("MissingParameter"));
    assert_eq!(result.cause.as_deref(), Some("sf_object is required"));
    let result = run(&engine, one("untyped"), json!({})).await;
    assert_eq!(result.error.as_deref(), Some("States.TaskFailed"));
    let types: Vec<EventType> = result.history.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [
            EventType::ExecutionStarted,
            EventType::TaskStateEntered,
            EventType::TaskScheduled,
            EventType::TaskStarted,
            EventType::TaskFailed,
            EventType::ExecutionFailed
        ]
    );
}

#[tokio::test]
async fn observer_sees_every_event_in_order() {
    let seen: Arc<Mutex<Vec<(u64, EventType)>>> = Arc::default();
    let sink = seen.clone();
    let engine = Engine::builder()
        .clock(Arc::new(VirtualClock::new()))
        .observer(Arc::new(move |event: &HistoryEvent| {
            sink.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((event.id, event.event_type));
        }))
        .build();
    let result = run(
        &engine,
        json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}}}),
        json!({}),
    )
    .await;
    let seen = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let expected: Vec<(u64, EventType)> = result
        .history
        .iter()
        .map(|e| (e.id, e.event_type))
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(seen.len(), 6);
    assert_eq!(
        serde_json::to_value(result.status).ok(),
        Some(json!("SUCCEEDED"))
    );
}

fn problems(definition: Value) -> Vec<String> {
    match StateMachine::from_json(&definition) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn validation_lists_every_problem_precisely() {
    let found = problems(json!({
        "StartAt": "Missing",
        "States": {
            "A": {"Type": "Pass", "Next": "Nowhere"},
            "B": {"Type": "Pass"},
            "C": {"Type": "Pass", "Next": "A", "End": true},
            "D": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "one", "Next": "A"}], "Default": "Gone"},
            "E": {"Type": "Task", "Resource": "r", "Retry": [{"ErrorEquals": [], "BackoffRate": 0.5}], "End": true},
            "F": {"Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject"},
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "G", "States": {"G": {"Type": "Pass", "End": true}}}, "End": true},
            "H": {"Type": "Pass", "QueryLanguage": "JSONata", "End": true},
            "I": {"Type": "Wait", "End": true},
            "J": {"Type": "Pass", "Retry": [], "End": true}
        }
    }));
    let expect = [
        "/StartAt: 'StartAt' names the state 'Missing', which does not exist",
        "/States/A/Next: 'Next' names the state 'Nowhere', which does not exist",
        "/States/B: a Pass state needs either 'Next' or 'End: true'",
        "/States/C: a state cannot have both 'Next' and 'End: true'",
        "/States/D/Choices/0/NumericEquals: invalid operand \"one\" for the operator 'NumericEquals'",
        "/States/D/Default: 'Default' names the state 'Gone', which does not exist",
        "/States/E/Retry/0/ErrorEquals: must be a non-empty array of error names",
        "/States/E/Retry/0/BackoffRate: must be at least 1.0",
        "/States/F/ItemReader: 'ItemReader' (distributed Map reading or writing S3) is not supported by the local engine",
        "/States/H/QueryLanguage: QueryLanguage 'JSONata' is not supported (only JSONPath)",
        "/States/I: a Wait state must have exactly one of 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'",
        "/States/J/Retry: the field 'Retry' is not supported by a Pass state",
    ];
    for e in expect {
        assert!(
            found.iter().any(|f| f.ends_with(e) || f == e),
            "missing problem {e:?} in {found:#?}"
        );
    }
}

#[test]
fn unreachable_states_and_bad_text_are_reported() {
    let found = problems(json!({
        "StartAt": "A",
        "States": {"A": {"Type": "Succeed"}, "Orphan": {"Type": "Succeed"}}
    }));
    assert_eq!(
        found,
        ["/States/Orphan: the state 'Orphan' is not reachable from 'A'"]
    );
    let err = "{not json"
        .parse::<StateMachine>()
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("not valid JSON")));
}

#[tokio::test]
async fn tasks_without_handlers_and_unsupported_patterns_are_validation_errors() {
    let engine = virtual_engine(vec![]);
    let m = machine(json!({
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:nothing", "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                  "Parameters": {"FunctionName": "x"}, "Next": "C"},
            "C": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "ghost"}, "End": true}
        }
    }));
    let error = match engine.run(&m, json!({}), ExecutionOptions::default()).await {
        Ok(_) => panic!("should not run"),
        Err(e) => e,
    };
    let text = error.to_string();
    assert!(text.contains("Task state 'A': no task handler is registered for the resource 'arn:aws:lambda:us-east-1:1:function:nothing'"), "{text}");
    assert!(
        text.contains("Task state 'B': the integration pattern '.waitForTaskToken'"),
        "{text}"
    );
    assert!(
        text.contains(
            "Task state 'C': no task handler is registered for the Lambda function 'ghost'"
        ),
        "{text}"
    );
    assert_eq!(error.problems.len(), 3);
}

#[tokio::test]
async fn variables_are_scoped_to_branches_and_iterations() {
    let engine = virtual_engine(vec![]);
    let result = run(
        &engine,
        json!({
            "StartAt": "Set",
            "States": {
                "Set": {"Type": "Pass", "Assign": {"x": 42, "items": [1, 2]}, "Next": "Each"},
                "Each": {"Type": "Map", "ItemsPath": "$items", "MaxConcurrency": 1,
                         "ItemProcessor": {"StartAt": "In", "States": {"In": {"Type": "Pass", "Assign": {"inner.$": "$x"}, "Parameters": {"v.$": "$", "x.$": "$x"}, "End": true}}},
                         "Assign": {"count.$": "States.ArrayLength($)"}, "Next": "After"},
                "After": {"Type": "Pass", "Parameters": {"x.$": "$x", "count.$": "$count", "results.$": "$"}, "End": true}
            }
        }),
        json!({}),
    )
    .await;
    assert_eq!(
        result.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        result.cause
    );
    assert_eq!(
        result.output,
        Some(json!({"x": 42, "count": 2, "results": [{"v": 1, "x": 42}, {"v": 2, "x": 42}]}))
    );
}

#[tokio::test]
async fn choice_no_match_and_context_object() {
    let engine = virtual_engine(vec![]);
    let result = run(
        &engine,
        json!({"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "Done"}]}, "Done": {"Type": "Succeed"}}}),
        json!({"n": 1}),
    )
    .await;
    assert_eq!(result.error.as_deref(), Some("States.NoChoiceMatched"));
    let result = run(
        &engine,
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"name.$": "$$.State.Name", "exec.$": "$$.Execution.Name", "redrive.$": "$$.Execution.RedriveCount"}, "End": true}}}),
        json!({}),
    )
    .await;
    let output = result.output.unwrap_or(Value::Null);
    assert_eq!(output["name"], json!("P"));
    assert_eq!(output["redrive"], json!(0));
    assert_eq!(output["exec"].as_str(), Some(result.name.as_str()));
}

#[tokio::test]
async fn virtual_time_waits_for_handlers_doing_real_work() {
    // A handler doing real I/O (here 50 ms of real time) must not be timed out because another
    // branch's Wait moves the virtual clock.
    let io = Arc::new(FnHandler(|input: Value, _ctx: TaskContext| async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        Ok(input)
    }));
    let engine = virtual_engine(vec![("io", io)]);
    let result = run(
        &engine,
        json!({
            "StartAt": "Both",
            "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "io", "TimeoutSeconds": 5, "End": true}}},
                {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 60, "End": true}}}
            ]}}
        }),
        json!({"n": 1}),
    )
    .await;
    assert_eq!(
        result.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        result.cause
    );
    assert_eq!(result.output, Some(json!([{"n": 1}, {"n": 1}])));
    assert_eq!((result.stop_date - result.start_date).num_seconds(), 60);
}
