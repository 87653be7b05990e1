//! Redrive (`RedriveExecution`) and stop (`StopExecution`), on the virtual clock: an
//! unsuccessful execution continues from the states that did not finish, with the input and
//! variables they were entered with; what ended is kept, not re-run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use step_functions_engine::{
    Engine, EventType, ExecutionOptions, ExecutionResult, ExecutionStatus, FnHandler, HistoryEvent,
    RedriveError, StateMachine, TaskContext, TaskFailure, TaskHandler, VirtualClock,
    clock::add_seconds,
};

/// A handler that fails its first `failures` calls with `error`, then answers `{"from": name,
/// "input": <its input>}`; it keeps every call's input and context object.
struct Counting {
    name: &'static str,
    failures: usize,
    error: &'static str,
    /// Seconds each call spends (sleeping on the engine's clock) before answering.
    busy_seconds: f64,
    calls: Mutex<Vec<(Value, Value)>>,
}

impl Counting {
    fn new(name: &'static str, failures: usize) -> Arc<Self> {
        Arc::new(Self {
            name,
            failures,
            error: "Boom",
            busy_seconds: 0.0,
            calls: Mutex::new(Vec::new()),
        })
    }

    fn busy(name: &'static str, failures: usize, busy_seconds: f64) -> Arc<Self> {
        Arc::new(Self {
            busy_seconds,
            ..Arc::into_inner(Self::new(name, failures)).expect("fresh")
        })
    }

    fn calls(&self) -> usize {
        self.lock().len()
    }

    fn inputs(&self) -> Vec<Value> {
        self.lock().iter().map(|(input, _)| input.clone()).collect()
    }

    fn contexts(&self) -> Vec<Value> {
        self.lock()
            .iter()
            .map(|(_, context)| context.clone())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(Value, Value)>> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait::async_trait]
impl TaskHandler for Counting {
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure> {
        let n = {
            let mut calls = self.lock();
            calls.push((input.clone(), context.context_object.clone()));
            calls.len()
        };
        if self.busy_seconds > 0.0 {
            let until = add_seconds(context.clock.now(), self.busy_seconds);
            context.clock.sleep_until(until).await;
        }
        if n <= self.failures {
            Err(TaskFailure::new(
                self.error,
                format!("{} call {n} failed", self.name),
            ))
        } else {
            Ok(json!({"from": self.name, "input": input}))
        }
    }
}

fn machine(definition: Value) -> StateMachine {
    StateMachine::from_json(&definition).expect("a valid definition")
}

fn engine_on(clock: Arc<VirtualClock>, handlers: &[(&str, Arc<Counting>)]) -> Engine {
    let mut builder = Engine::builder().clock(clock);
    for (name, handler) in handlers {
        builder = builder.handler(*name, handler.clone() as Arc<dyn TaskHandler>);
    }
    builder.build()
}

fn engine(handlers: &[(&str, Arc<Counting>)]) -> Engine {
    engine_on(Arc::new(VirtualClock::new()), handlers)
}

async fn run(engine: &Engine, definition: Value, input: Value) -> ExecutionResult {
    engine
        .run(
            &machine(definition),
            input,
            ExecutionOptions {
                name: Some("order-17".into()),
                ..ExecutionOptions::default()
            },
        )
        .await
        .expect("the definition runs on this engine")
}

async fn redrive(engine: &Engine, execution: &ExecutionResult) -> ExecutionResult {
    engine
        .redrive(execution)
        .await
        .expect("the execution can be redriven")
}

/// The events after the last `ExecutionRedriven`.
fn since_redrive(result: &ExecutionResult) -> &[HistoryEvent] {
    let at = result
        .history
        .iter()
        .rposition(|event| event.event_type == EventType::ExecutionRedriven)
        .expect("an ExecutionRedriven event");
    &result.history[at + 1..]
}

fn entered(events: &[HistoryEvent]) -> Vec<String> {
    events
        .iter()
        .filter(|event| event.event_type.is_state_entered())
        .filter_map(|event| event.details.name.clone())
        .collect()
}

#[tokio::test]
async fn a_task_that_failed_runs_again_on_redrive_with_its_input_and_the_states_before_it_do_not() {
    let prepare = Counting::new("prepare", 0);
    let charge = Counting::new("charge", 1);
    let engine = engine(&[("prepare", prepare.clone()), ("charge", charge.clone())]);
    let definition = json!({
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Task", "Resource": "prepare", "ResultPath": "$.prepared",
                        "Assign": {"attempted.$": "$.from"}, "Next": "Tag"},
            "Tag": {"Type": "Pass", "Result": "tagged", "ResultPath": "$.tag", "Next": "Charge"},
            "Charge": {"Type": "Task", "Resource": "charge",
                       "Parameters": {"order.$": "$.order", "tag.$": "$.tag", "by.$": "$attempted",
                                      "redrives.$": "$$.Execution.RedriveCount"},
                       "End": true}
        }
    });
    let failed = run(&engine, definition, json!({"order": 17})).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(failed.error.as_deref(), Some("Boom"));
    assert_eq!(failed.redrive_count, 0);

    let redriven = redrive(&engine, &failed).await;
    assert_eq!(
        redriven.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        redriven.cause
    );
    assert_eq!(
        (prepare.calls(), charge.calls()),
        (1, 2),
        "Prepare is not re-run"
    );
    // The same input, the variable Prepare assigned, and the redrive count in the context.
    let inputs = charge.inputs();
    assert_eq!(
        inputs[0],
        json!({"order": 17, "tag": "tagged", "by": "prepare", "redrives": 0})
    );
    assert_eq!(
        inputs[1],
        json!({"order": 17, "tag": "tagged", "by": "prepare", "redrives": 1})
    );
    assert_eq!(
        redriven.output,
        Some(json!({"from": "charge", "input": inputs[1]}))
    );

    // The same execution, redriven once; its history continues the failed attempt's.
    assert_eq!(redriven.execution_arn, failed.execution_arn);
    assert_eq!(redriven.name, failed.name);
    assert_eq!(redriven.start_date, failed.start_date);
    assert_eq!(redriven.redrive_count, 1);
    assert!(redriven.redrive_date.is_some());
    assert_eq!(redriven.history[..failed.history.len()], failed.history[..]);
    let redriven_event = &redriven.history[failed.history.len()];
    assert_eq!(redriven_event.event_type, EventType::ExecutionRedriven);
    assert_eq!(redriven_event.details.redrive_count, Some(1));
    assert_eq!(redriven_event.id, failed.history.len() as u64 + 1);
    assert_eq!(
        serde_json::to_value(redriven_event).expect("json")["details"],
        json!({"redriveCount": 1})
    );
    assert_eq!(entered(since_redrive(&redriven)), vec!["Charge"]);
    let context = &charge.contexts()[1]["Execution"];
    assert_eq!(context["RedriveCount"], 1);
    assert!(context["RedriveTime"].is_string(), "{context}");
    assert!(
        charge.contexts()[0]["Execution"]
            .get("RedriveTime")
            .is_none()
    );
}

#[tokio::test]
async fn retry_counts_start_over_on_redrive() {
    let flaky = Counting::new("flaky", 4);
    let engine = engine(&[("flaky", flaky.clone())]);
    let definition = json!({
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": "flaky",
                            "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                            "End": true}}
    });
    let failed = run(&engine, definition, json!({})).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(flaky.calls(), 3, "the first attempt and two retries");

    let redriven = redrive(&engine, &failed).await;
    assert_eq!(redriven.status, ExecutionStatus::Succeeded);
    let retry_counts: Vec<Value> = flaky
        .contexts()
        .iter()
        .map(|context| context["State"]["RetryCount"].clone())
        .collect();
    assert_eq!(
        retry_counts,
        vec![json!(0), json!(1), json!(2), json!(0), json!(1)]
    );
}

#[tokio::test]
async fn a_parallel_redrive_reruns_only_the_branch_that_failed() {
    let left = Counting::new("left", 0);
    let right = Counting::new("right", 1);
    let after = Counting::new("after", 0);
    let engine = engine(&[
        ("left", left.clone()),
        ("right", right.clone()),
        ("after", after.clone()),
    ]);
    let definition = json!({
        "StartAt": "Setup",
        "States": {
            "Setup": {"Type": "Pass", "Assign": {"region": "eu"}, "Next": "Both"},
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Left", "States": {
                        "Left": {"Type": "Task", "Resource": "left", "Next": "LeftDone"},
                        "LeftDone": {"Type": "Pass", "Parameters": {"left.$": "$.from"}, "End": true}}},
                    {"StartAt": "RightPrep", "States": {
                        "RightPrep": {"Type": "Pass", "Parameters": {"region.$": "$region", "n.$": "$.n"},
                                      "Assign": {"prepped": true}, "Next": "Right"},
                        "Right": {"Type": "Task", "Resource": "right",
                                  "Parameters": {"region.$": "$.region", "prepped.$": "$prepped"}, "End": true}}}
                ],
                "ResultPath": "$.both",
                "Next": "After"
            },
            "After": {"Type": "Task", "Resource": "after", "End": true}
        }
    });
    let failed = run(&engine, definition, json!({"n": 3})).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!((left.calls(), right.calls(), after.calls()), (1, 1, 0));

    let redriven = redrive(&engine, &failed).await;
    assert_eq!(
        redriven.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        redriven.cause
    );
    assert_eq!(
        (left.calls(), right.calls(), after.calls()),
        (1, 2, 1),
        "only the failed branch runs again"
    );
    assert_eq!(right.inputs()[1], json!({"region": "eu", "prepped": true}));
    assert_eq!(
        redriven.output.as_ref().expect("output")["input"]["both"],
        json!([{"left": "left"}, {"from": "right", "input": {"region": "eu", "prepped": true}}])
    );
    let names = entered(since_redrive(&redriven));
    assert_eq!(names, vec!["Both", "Right", "After"]);
}

#[tokio::test]
async fn a_parallel_that_failed_with_data_limit_exceeded_runs_again_in_full() {
    let left = Counting::new("left", 0);
    let right = Arc::new(Counting {
        error: "States.DataLimitExceeded",
        ..Arc::into_inner(Counting::new("right", 1)).expect("fresh")
    });
    let engine = engine(&[("left", left.clone()), ("right", right.clone())]);
    let definition = json!({
        "StartAt": "Both",
        "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Task", "Resource": "left", "End": true}}},
            {"StartAt": "Right", "States": {"Right": {"Type": "Task", "Resource": "right", "End": true}}}
        ]}}
    });
    let failed = run(&engine, definition, json!({})).await;
    assert_eq!(failed.error.as_deref(), Some("States.DataLimitExceeded"));
    let redriven = redrive(&engine, &failed).await;
    assert_eq!(redriven.status, ExecutionStatus::Succeeded);
    assert_eq!(
        (left.calls(), right.calls()),
        (2, 2),
        "the successful branch runs again too"
    );
}

#[tokio::test]
async fn a_branch_cancelled_by_its_siblings_failure_resumes_where_it_was() {
    let first = Counting::new("first", 0);
    let second = Counting::new("second", 0);
    let failing = Counting::new("failing", 1);
    let engine = engine(&[
        ("first", first.clone()),
        ("second", second.clone()),
        ("failing", failing.clone()),
    ]);
    let definition = json!({
        "StartAt": "Both",
        "States": {"Both": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "First", "States": {
                    "First": {"Type": "Task", "Resource": "first", "Next": "Pause"},
                    "Pause": {"Type": "Wait", "Seconds": 30, "Next": "Second"},
                    "Second": {"Type": "Task", "Resource": "second", "End": true}}},
                {"StartAt": "Late", "States": {
                    "Late": {"Type": "Wait", "Seconds": 10, "Next": "Failing"},
                    "Failing": {"Type": "Task", "Resource": "failing", "End": true}}}
            ],
            "End": true
        }}
    });
    let failed = run(&engine, definition, json!({})).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    assert_eq!(
        (first.calls(), second.calls(), failing.calls()),
        (1, 0, 1),
        "the first branch was cancelled in its Wait"
    );

    let redriven = redrive(&engine, &failed).await;
    assert_eq!(redriven.status, ExecutionStatus::Succeeded);
    assert_eq!((first.calls(), second.calls(), failing.calls()), (1, 1, 2));
    let mut names = entered(since_redrive(&redriven));
    names.sort();
    assert_eq!(names, vec!["Both", "Failing", "Pause", "Second"]);
}

#[tokio::test]
async fn a_map_redrive_reruns_only_the_iterations_that_failed() {
    let items = Arc::new(AtomicUsize::new(0));
    let calls = items.clone();
    let engine = Engine::builder()
        .clock(Arc::new(VirtualClock::new()))
        .handler(
            "item",
            Arc::new(FnHandler(move |input: Value, context: TaskContext| {
                let calls = calls.clone();
                async move {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let redrives = context.context_object["Execution"]["RedriveCount"].as_u64();
                    if input["n"] == 2 && redrives == Some(0) {
                        Err(TaskFailure::new("Boom", "item 2 failed"))
                    } else {
                        Ok(json!(input["n"].as_u64().map(|n| n * 10)))
                    }
                }
            })),
        )
        .build();
    let definition = json!({
        "StartAt": "Each",
        "States": {"Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemSelector": {"n.$": "$$.Map.Item.Value"},
            "ItemProcessor": {"StartAt": "Item", "States": {
                "Item": {"Type": "Task", "Resource": "item", "End": true}}},
            "End": true
        }}
    });
    let failed = run(&engine, definition, json!({"items": [1, 2, 3]})).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    let first_calls = items.load(Ordering::SeqCst);

    let redriven = redrive(&engine, &failed).await;
    assert_eq!(
        redriven.status,
        ExecutionStatus::Succeeded,
        "{:?}",
        redriven.cause
    );
    assert_eq!(redriven.output, Some(json!([10, 20, 30])));
    // The iterations that ended are kept; the failed one (and any the failure cancelled) ran.
    let redriven_iterations: Vec<usize> = since_redrive(&redriven)
        .iter()
        .filter(|event| event.event_type == EventType::MapIterationStarted)
        .filter_map(|event| event.details.index)
        .collect();
    let rerun_calls = items.load(Ordering::SeqCst) - first_calls;
    assert_eq!(rerun_calls, redriven_iterations.len());
    assert!(redriven_iterations.contains(&1), "{redriven_iterations:?}");
    assert!(
        !redriven_iterations.contains(&0),
        "item 1 ended before the failure: {redriven_iterations:?}"
    );
}

#[tokio::test]
async fn a_failure_through_a_fail_state_is_redriven_into_the_fail_state_and_fails_again() {
    let check = Counting::new("check", 0);
    let engine = engine(&[("check", check.clone())]);
    let definition = json!({
        "StartAt": "Check",
        "States": {
            "Check": {"Type": "Task", "Resource": "check", "ResultPath": "$.checked", "Next": "Refused"},
            "Refused": {"Type": "Fail", "Error": "Order.Refused", "CausePath": "$.checked.from"}
        }
    });
    let failed = run(&engine, definition, json!({})).await;
    assert_eq!(failed.error.as_deref(), Some("Order.Refused"));

    let redriven = redrive(&engine, &failed).await;
    assert_eq!(redriven.status, ExecutionStatus::Failed);
    assert_eq!(redriven.error.as_deref(), Some("Order.Refused"));
    assert_eq!(redriven.cause.as_deref(), Some("check"));
    assert_eq!(check.calls(), 1, "the Task that succeeded is not re-run");
    assert_eq!(entered(since_redrive(&redriven)), vec!["Refused"]);
    assert_eq!(redriven.redrive_count, 1);
    // And it can be redriven again: each attempt counts.
    let again = redrive(&engine, &redriven).await;
    assert_eq!(again.redrive_count, 2);
    assert_eq!(
        again
            .history
            .iter()
            .filter(|event| event.event_type == EventType::ExecutionRedriven)
            .count(),
        2
    );
}

#[tokio::test]
async fn a_stopped_execution_is_aborted_and_its_redrive_resumes_the_running_task() {
    let prepare = Counting::new("prepare", 0);
    let slow = Counting::busy("slow", 0, 600.0);
    let engine = engine(&[("prepare", prepare.clone()), ("slow", slow.clone())]);
    let arn = engine.execution_arn("StateMachine", "order-17");
    let stopper = engine.clone();
    let stop_arn = arn.clone();
    let definition = machine(json!({
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Task", "Resource": "prepare", "Next": "Slow"},
            "Slow": {"Type": "Task", "Resource": "slow", "End": true}
        }
    }));
    let stopped = engine
        .run(
            &definition,
            json!({"order": 17}),
            ExecutionOptions {
                name: Some("order-17".into()),
                // Stopped as soon as the slow task has started.
                observer: Some(Arc::new(move |event: &HistoryEvent| {
                    if event.event_type == EventType::TaskStarted
                        && event.details.resource.as_deref() == Some("slow")
                    {
                        assert!(stopper.stop_execution(
                            &stop_arn,
                            Some("Operator.Stopped"),
                            Some("stuck")
                        ));
                    }
                })),
                ..ExecutionOptions::default()
            },
        )
        .await
        .expect("runs");
    assert_eq!(stopped.status, ExecutionStatus::Aborted);
    assert_eq!(stopped.execution_arn, arn);
    assert_eq!(
        (stopped.error.as_deref(), stopped.cause.as_deref()),
        (Some("Operator.Stopped"), Some("stuck"))
    );
    let last = stopped.history.last().expect("events");
    assert_eq!(last.event_type, EventType::ExecutionAborted);
    assert!(
        (stopped.stop_date - stopped.start_date).num_seconds() < 600,
        "stopped before the task ended"
    );
    assert!(
        !engine.stop_execution(&arn, None, None),
        "nothing runs under that ARN any more"
    );

    let redriven = redrive(&engine, &stopped).await;
    assert_eq!(redriven.status, ExecutionStatus::Succeeded);
    assert_eq!((prepare.calls(), slow.calls()), (1, 2));
    assert_eq!(entered(since_redrive(&redriven)), vec!["Slow"]);
}

#[tokio::test]
async fn a_timed_out_execution_redriven_gets_its_timeout_again() {
    let step = Counting::busy("step", 0, 60.0);
    let engine = engine(&[("step", step.clone())]);
    let definition = json!({
        "TimeoutSeconds": 100,
        "StartAt": "One",
        "States": {
            "One": {"Type": "Task", "Resource": "step", "Next": "Two"},
            "Two": {"Type": "Task", "Resource": "step", "End": true}
        }
    });
    let timed_out = run(&engine, definition, json!({})).await;
    assert_eq!(timed_out.status, ExecutionStatus::TimedOut);
    assert_eq!(step.calls(), 2);

    let redriven = redrive(&engine, &timed_out).await;
    assert_eq!(
        redriven.status,
        ExecutionStatus::Succeeded,
        "60 s left to run, 100 s allowed again: {:?}",
        redriven.cause
    );
    assert_eq!(step.calls(), 3);
    assert_eq!(entered(since_redrive(&redriven)), vec!["Two"]);
}

#[tokio::test]
async fn redrive_is_refused_with_the_reason_aws_gives() {
    let once = Counting::new("once", 1);
    let clock = Arc::new(VirtualClock::new());
    let engine = engine_on(clock.clone(), &[("once", once.clone())]);
    let definition = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "once", "End": true}}});

    let failed = run(&engine, definition.clone(), json!({})).await;
    let succeeded = redrive(&engine, &failed).await;
    assert_eq!(succeeded.status, ExecutionStatus::Succeeded);
    let refused = engine.redrive(&succeeded).await.expect_err("succeeded");
    assert_eq!(refused, RedriveError::Succeeded);
    assert_eq!(
        refused.to_string(),
        "Execution is SUCCEEDED and cannot be redriven."
    );
    assert_eq!(refused.aws_error(), "ExecutionNotRedrivable");
    // The failed attempt has been redriven since: only the latest attempt can be.
    assert_eq!(
        engine.redrive(&failed).await.expect_err("superseded"),
        RedriveError::Superseded { latest: 1 }
    );

    // A result that does not record where it stopped.
    let never = Counting::new("never", usize::MAX);
    let mut forged = succeeded.clone();
    forged.status = ExecutionStatus::Failed;
    let fresh = engine_on(clock.clone(), &[("once", never.clone())]);
    assert_eq!(
        fresh.redrive(&forged).await.expect_err("not recorded"),
        RedriveError::NotRecorded
    );

    // Past the redrivable period: 14 days after the execution ended.
    let engine = engine_on(clock.clone(), &[("once", never.clone())]);
    let failed = run(&engine, definition.clone(), json!({})).await;
    assert!(engine.check_redrivable(&failed).is_ok());
    clock.advance(14.0 * 86_400.0 + 1.0);
    assert_eq!(
        engine.redrive(&failed).await.expect_err("too late"),
        RedriveError::RedrivablePeriodExceeded
    );

    // An engine that cannot run it.
    let failed = run(&engine, definition.clone(), json!({})).await;
    let without_handlers = engine_on(clock.clone(), &[]);
    let refused = without_handlers
        .redrive(&failed)
        .await
        .expect_err("no handler");
    assert!(matches!(refused, RedriveError::Invalid(_)), "{refused:?}");
    assert_eq!(refused.aws_error(), "ValidationException");

    // Started before RedriveExecution existed.
    let old_clock = Arc::new(VirtualClock::starting_at(
        Utc.with_ymd_and_hms(2023, 11, 14, 12, 0, 0)
            .single()
            .expect("a date"),
    ));
    let engine = engine_on(old_clock, &[("once", never.clone())]);
    let failed = run(&engine, definition, json!({})).await;
    assert_eq!(
        engine.redrive(&failed).await.expect_err("too old"),
        RedriveError::StartedBeforeRedriveLaunch
    );
}

#[tokio::test]
async fn an_execution_open_for_more_than_a_year_or_with_a_full_history_is_not_redrivable() {
    let never = Counting::new("never", usize::MAX);
    let engine = engine(&[("never", never.clone())]);
    let year = json!({
        "StartAt": "Long",
        "States": {
            "Long": {"Type": "Wait", "Seconds": 360 * 86_400, "Next": "Call"},
            "Call": {"Type": "Task", "Resource": "never", "End": true}
        }
    });
    let failed = run(&engine, year, json!({})).await;
    assert_eq!(failed.status, ExecutionStatus::Failed);
    engine_clock_advance(&engine, 6.0 * 86_400.0).await;
    assert_eq!(
        engine.redrive(&failed).await.expect_err("open too long"),
        RedriveError::MaxExecutionTimeExceeded
    );

    let looping = json!({
        "StartAt": "Ping",
        "States": {
            "Ping": {"Type": "Pass", "Next": "Pong"},
            "Pong": {"Type": "Pass", "Next": "Ping"}
        }
    });
    let failed = run(&engine, looping, json!({})).await;
    assert_eq!(failed.error.as_deref(), Some("States.Runtime"));
    assert_eq!(
        engine.redrive(&failed).await.expect_err("history full"),
        RedriveError::HistoryEventLimitExceeded {
            events: failed.history.len()
        }
    );
}

/// Lets virtual time pass on the engine's clock (a sleeper that drives it).
async fn engine_clock_advance(engine: &Engine, seconds: f64) {
    let clock = engine.clock();
    let until = add_seconds(clock.now(), seconds);
    clock.sleep_until(until).await;
}

#[tokio::test]
async fn an_execution_being_redriven_is_running_and_cannot_be_redriven_again() {
    let slow = Counting::busy("slow", 1, 60.0);
    let engine = engine(&[("slow", slow.clone())]);
    let failed = run(
        &engine,
        json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "slow", "End": true}}}),
        json!({}),
    )
    .await;
    let checker = async {
        engine_clock_advance(&engine, 30.0).await;
        (
            engine.check_redrivable(&failed),
            engine.redrive(&failed).await.map(|r| r.status),
        )
    };
    let (redriven, (check, second)) = tokio::join!(engine.redrive(&failed), checker);
    assert_eq!(check, Err(RedriveError::Running));
    assert_eq!(second, Err(RedriveError::Running));
    assert_eq!(
        redriven.expect("the first redrive runs").status,
        ExecutionStatus::Succeeded
    );
    assert_eq!(slow.calls(), 2);
}
