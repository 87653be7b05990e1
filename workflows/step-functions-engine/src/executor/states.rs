//! State-by-state execution.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tokio::sync::Semaphore;

use super::join::{BoxFuture, join_all, join_fail_fast};
use super::progress::{Checkpoint, OpenState, Trace};
use super::{Inner, MAX_HISTORY_EVENTS, timestamp};
use crate::choice;
use crate::clock::{WorkGuard, add_seconds, in_handler};
use crate::definition::{
    MapMode, MapState, State, StateKind, StateMachineDef, TaskState, WaitSpec,
};
use crate::error::{Failure, error_matches, names};
use crate::history::{EventDetails, EventType, History};
use crate::paths::{EvalError, PathEnv, Scope, apply_result_path, to_json};
use crate::task::{self, TaskContext};

/// One running execution.
pub(crate) struct Exec {
    pub(crate) inner: Arc<Inner>,
    pub(crate) history: History,
    pub(crate) execution: Value,
    pub(crate) state_machine: Value,
    pub(crate) execution_name: String,
}

/// Where a state leads.
enum Step {
    Next(String, Value),
    End(Value),
}

/// The state being executed: its name, where it was entered, and the progress of the machine
/// running it.
struct StateCtx<'a> {
    state: &'a State,
    entered_id: u64,
    entered_time: DateTime<Utc>,
    trace: &'a Trace,
}

impl StateCtx<'_> {
    /// An evaluation error as AWS reports it, prefixed with the state and its entered event.
    fn wrap(&self, error: EvalError) -> Failure {
        Failure::new(
            error.error,
            format!(
                "An error occurred while executing the state '{}' (entered at the event id #{}). {}",
                self.state.name, self.entered_id, error.cause
            ),
        )
    }
}

fn entered_type(state: &State) -> EventType {
    match state.kind {
        StateKind::Pass { .. } => EventType::PassStateEntered,
        StateKind::Task(_) => EventType::TaskStateEntered,
        StateKind::Choice(_) => EventType::ChoiceStateEntered,
        StateKind::Wait(_) => EventType::WaitStateEntered,
        StateKind::Succeed => EventType::SucceedStateEntered,
        StateKind::Fail(_) => EventType::FailStateEntered,
        StateKind::Parallel(_) => EventType::ParallelStateEntered,
        StateKind::Map(_) => EventType::MapStateEntered,
    }
}

fn exited_type(state: &State) -> EventType {
    match state.kind {
        StateKind::Pass { .. } => EventType::PassStateExited,
        StateKind::Task(_) => EventType::TaskStateExited,
        StateKind::Choice(_) => EventType::ChoiceStateExited,
        StateKind::Wait(_) => EventType::WaitStateExited,
        StateKind::Succeed | StateKind::Fail(_) => EventType::SucceedStateExited,
        StateKind::Parallel(_) => EventType::ParallelStateExited,
        StateKind::Map(_) => EventType::MapStateExited,
    }
}

/// Text of a value inside a cause: strings bare, anything else as JSON.
fn bare(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => to_json(other),
    }
}

fn step_after(state: &State, output: Value) -> Step {
    match &state.next {
        Some(next) if !state.end => Step::Next(next.clone(), output),
        _ => Step::End(output),
    }
}

impl Exec {
    fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    fn record(&self, prev: &mut u64, event_type: EventType, details: EventDetails) -> u64 {
        *prev = self.history.record(*prev, self.now(), event_type, details);
        *prev
    }

    fn named(name: &str) -> EventDetails {
        EventDetails {
            name: Some(name.to_string()),
            ..EventDetails::default()
        }
    }

    /// The context object a state sees.
    fn context(
        &self,
        sc: &StateCtx<'_>,
        retry_count: Option<u64>,
        item: Option<(usize, &Value)>,
    ) -> Value {
        let mut state = json!({
            "Name": sc.state.name,
            "EnteredTime": timestamp(sc.entered_time),
        });
        if let (Some(count), Some(obj)) = (retry_count, state.as_object_mut()) {
            obj.insert("RetryCount".to_string(), json!(count));
        }
        let mut ctx = json!({
            "Execution": self.execution,
            "StateMachine": self.state_machine,
            "State": state,
        });
        if let (Some((index, value)), Some(obj)) = (item, ctx.as_object_mut()) {
            obj.insert(
                "Map".to_string(),
                json!({"Item": {"Index": index, "Value": value}}),
            );
        }
        ctx
    }

    /// Runs a state machine, branch or iteration from `StartAt` to its end, or, redriven, from
    /// the state `resume` left open (with the input and variables it was entered with), keeping
    /// its progress in `trace`.
    pub(crate) fn run_machine<'a>(
        &'a self,
        def: &'a StateMachineDef,
        input: Value,
        scope: Scope,
        prev: u64,
        trace: Arc<Trace>,
        resume: Option<&'a OpenState>,
    ) -> BoxFuture<'a, Result<Value, Failure>> {
        Box::pin(async move {
            let mut prev = prev;
            let mut current = def.start_at.clone();
            let mut input = input;
            let mut resume_here = None;
            if let Some(open) = resume {
                current = open.name.clone();
                input = open.input.clone();
                scope.assign(&open.variables);
                resume_here = Some(open);
            }
            loop {
                if self.history.last_id() as usize >= MAX_HISTORY_EVENTS {
                    return Err(Failure::runtime(format!(
                        "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
                    )));
                }
                let Some(state) = def.state(&current) else {
                    return Err(Failure::runtime(format!(
                        "The state '{current}' does not exist in the state machine"
                    )));
                };
                trace.enter(&state.name, &input, scope.own_values());
                let step = self
                    .run_state(state, input, &scope, &mut prev, &trace, resume_here.take())
                    .await;
                match step {
                    Ok(Step::Next(next, output)) => {
                        current = next;
                        input = output;
                    }
                    Ok(Step::End(output)) => {
                        trace.end(&output);
                        return Ok(output);
                    }
                    Err(failure) => {
                        trace.failed(failure.error.as_deref());
                        return Err(failure);
                    }
                }
            }
        })
    }

    fn env<'b>(&self, input: &'b Value, context: &'b Value, scope: &'b Scope) -> PathEnv<'b> {
        PathEnv {
            input,
            context,
            scope,
        }
    }

    fn input_path(
        &self,
        sc: &StateCtx<'_>,
        raw: &Value,
        ctx: &Value,
        scope: &Scope,
    ) -> Result<Value, Failure> {
        match &sc.state.input_path {
            None => Ok(json!({})),
            Some(p) if p == "$" => Ok(raw.clone()),
            Some(p) => self
                .env(raw, ctx, scope)
                .resolve_io_path(p)
                .map_err(|e| sc.wrap(e)),
        }
    }

    fn output_path(
        &self,
        sc: &StateCtx<'_>,
        output: Value,
        ctx: &Value,
        scope: &Scope,
    ) -> Result<Value, Failure> {
        match &sc.state.output_path {
            None => Ok(json!({})),
            Some(p) if p == "$" => Ok(output),
            Some(p) => self
                .env(&output, ctx, scope)
                .resolve_io_path(p)
                .map_err(|e| sc.wrap(e)),
        }
    }

    fn template(
        &self,
        sc: &StateCtx<'_>,
        template: Option<&Value>,
        input: Value,
        ctx: &Value,
        scope: &Scope,
    ) -> Result<Value, Failure> {
        match template {
            Some(t) => self
                .env(&input, ctx, scope)
                .eval_template(t)
                .map_err(|e| sc.wrap(e)),
            None => Ok(input),
        }
    }

    fn assign(
        &self,
        sc: &StateCtx<'_>,
        assign: Option<&Value>,
        dollar: &Value,
        ctx: &Value,
        scope: &Scope,
    ) -> Result<Option<Map<String, Value>>, Failure> {
        let Some(template) = assign else {
            return Ok(None);
        };
        match self.env(dollar, ctx, scope).eval_template(template) {
            Ok(Value::Object(map)) => Ok(Some(map)),
            Ok(_) => Ok(None),
            Err(e) => Err(sc.wrap(e)),
        }
    }

    fn exit(
        &self,
        sc: &StateCtx<'_>,
        output: &Value,
        assigned: Option<Map<String, Value>>,
        scope: &Scope,
        prev: &mut u64,
    ) {
        if let Some(values) = &assigned {
            scope.assign(values);
        }
        self.record(
            prev,
            exited_type(sc.state),
            EventDetails {
                name: Some(sc.state.name.clone()),
                output: Some(output.clone()),
                assigned_variables: assigned.filter(|a| !a.is_empty()),
                ..EventDetails::default()
            },
        );
    }

    /// Runs one state; `resume` is its open record from an earlier attempt when a redrive
    /// resumes it (a Parallel or Map then keeps the branches or iterations that ended).
    async fn run_state(
        &self,
        state: &State,
        raw: Value,
        scope: &Scope,
        prev: &mut u64,
        trace: &Trace,
        resume: Option<&OpenState>,
    ) -> Result<Step, Failure> {
        let entered_time = self.now();
        let entered_id = self.record(
            prev,
            entered_type(state),
            EventDetails {
                name: Some(state.name.clone()),
                input: Some(raw.clone()),
                ..EventDetails::default()
            },
        );
        let sc = StateCtx {
            state,
            entered_id,
            entered_time,
            trace,
        };
        match &state.kind {
            StateKind::Pass { result } => {
                let ctx = self.context(&sc, None, None);
                let effective = self.input_path(&sc, &raw, &ctx, scope)?;
                let result = match result {
                    Some(r) => r.clone(),
                    None => {
                        self.template(&sc, state.parameters.as_ref(), effective, &ctx, scope)?
                    }
                };
                let assigned = self.assign(&sc, state.assign.as_ref(), &result, &ctx, scope)?;
                let output = apply_result_path(&raw, result, state.result_path.as_deref())
                    .map_err(|e| sc.wrap(e))?;
                let output = self.output_path(&sc, output, &ctx, scope)?;
                self.exit(&sc, &output, assigned, scope, prev);
                Ok(step_after(state, output))
            }
            StateKind::Choice(choice_state) => {
                let ctx = self.context(&sc, None, None);
                let effective = self.input_path(&sc, &raw, &ctx, scope)?;
                let env = self.env(&effective, &ctx, scope);
                let mut chosen: Option<(String, Option<&Value>)> = None;
                for rule in &choice_state.choices {
                    if choice::evaluate(&rule.condition, &env).map_err(|e| sc.wrap(e))? {
                        chosen =
                            Some((rule.next.clone().unwrap_or_default(), rule.assign.as_ref()));
                        break;
                    }
                }
                let (next, assign) = match chosen {
                    Some(found) => found,
                    None => match &choice_state.default {
                        Some(default) => (default.clone(), state.assign.as_ref()),
                        None => {
                            return Err(sc.wrap(EvalError {
                                error: names::NO_CHOICE_MATCHED.to_string(),
                                cause: "No Matches!".to_string(),
                            }));
                        }
                    },
                };
                let assigned = self.assign(&sc, assign, &effective, &ctx, scope)?;
                let output = self.output_path(&sc, effective, &ctx, scope)?;
                self.exit(&sc, &output, assigned, scope, prev);
                Ok(Step::Next(next, output))
            }
            StateKind::Wait(spec) => {
                let ctx = self.context(&sc, None, None);
                let effective = self.input_path(&sc, &raw, &ctx, scope)?;
                let deadline = self.wait_deadline(&sc, spec, &effective, &ctx, scope)?;
                self.inner.clock.sleep_until(deadline).await;
                let assigned = self.assign(&sc, state.assign.as_ref(), &effective, &ctx, scope)?;
                let output = self.output_path(&sc, effective, &ctx, scope)?;
                self.exit(&sc, &output, assigned, scope, prev);
                Ok(step_after(state, output))
            }
            StateKind::Succeed => {
                let ctx = self.context(&sc, None, None);
                let effective = self.input_path(&sc, &raw, &ctx, scope)?;
                let output = self.output_path(&sc, effective, &ctx, scope)?;
                self.exit(&sc, &output, None, scope, prev);
                Ok(Step::End(output))
            }
            StateKind::Fail(fail) => {
                let ctx = self.context(&sc, None, None);
                let env = self.env(&raw, &ctx, scope);
                let dynamic = |text: &str, field: &str| -> Result<String, Failure> {
                    env.eval_expression(text, field)
                        .map(|v| bare(&v))
                        .map_err(|e| sc.wrap(e))
                };
                let error = match (&fail.error, &fail.error_path) {
                    (Some(e), _) => Some(e.clone()),
                    (None, Some(p)) => Some(dynamic(p, "ErrorPath")?),
                    (None, None) => None,
                };
                let cause = match (&fail.cause, &fail.cause_path) {
                    (Some(c), _) => Some(c.clone()),
                    (None, Some(p)) => Some(dynamic(p, "CausePath")?),
                    (None, None) => None,
                };
                Err(Failure { error, cause })
            }
            StateKind::Task(_) | StateKind::Parallel(_) | StateKind::Map(_) => {
                let kept = resume.and_then(OpenState::resumable_children);
                self.run_recoverable(&sc, &raw, scope, prev, kept).await
            }
        }
    }

    fn wait_deadline(
        &self,
        sc: &StateCtx<'_>,
        spec: &WaitSpec,
        effective: &Value,
        ctx: &Value,
        scope: &Scope,
    ) -> Result<DateTime<Utc>, Failure> {
        let env = self.env(effective, ctx, scope);
        let runtime = |cause: String| sc.wrap(EvalError::runtime(cause));
        match spec {
            WaitSpec::Seconds(s) => Ok(add_seconds(self.now(), *s as f64)),
            WaitSpec::SecondsPath(path) => {
                let value = env.resolve(path).map_err(|_| {
                    runtime(format!(
                        "The SecondsPath parameter does not reference an input value: {path}"
                    ))
                })?;
                match value.as_i64() {
                    Some(s) if s >= 0 => Ok(add_seconds(self.now(), s as f64)),
                    Some(_) => Err(runtime(format!(
                        "The SecondsPath parameter references a negative value: {path} == {}",
                        bare(&value)
                    ))),
                    None => Err(runtime(format!(
                        "The SecondsPath parameter cannot be parsed as a long value: {path} == {}",
                        bare(&value)
                    ))),
                }
            }
            WaitSpec::Timestamp(text) => choice::parse_timestamp(text).ok_or_else(|| {
                runtime(format!(
                    "The Timestamp field is not a valid ISO-8601 extended offset date-time format string: {text}"
                ))
            }),
            WaitSpec::TimestampPath(path) => {
                let value = env.resolve(path).map_err(|_| {
                    runtime(format!(
                        "The TimestampPath parameter does not reference an input value: {path}"
                    ))
                })?;
                value.as_str().and_then(choice::parse_timestamp).ok_or_else(|| {
                    runtime(format!(
                        "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {path} == {}",
                        bare(&value)
                    ))
                })
            }
        }
    }

    /// Task, Parallel and Map: attempts with `Retry`, then `Catch`. Retry counts start at 0,
    /// also when a redrive re-runs the state; only its first attempt keeps the branches or
    /// iterations (`kept`) that ended before.
    async fn run_recoverable(
        &self,
        sc: &StateCtx<'_>,
        raw: &Value,
        scope: &Scope,
        prev: &mut u64,
        kept: Option<&[Checkpoint]>,
    ) -> Result<Step, Failure> {
        let state = sc.state;
        let mut attempts = vec![0u64; state.retry.len()];
        let mut retry_count = 0u64;
        let mut kept = kept;
        loop {
            let outcome = self
                .attempt(sc, raw, scope, prev, retry_count, kept.take())
                .await;
            let failure = match outcome {
                Ok((output, assigned)) => {
                    self.exit(sc, &output, assigned, scope, prev);
                    return Ok(step_after(state, output));
                }
                Err(failure) => failure,
            };
            let retrier = state
                .retry
                .iter()
                .position(|r| error_matches(&r.error_equals, failure.error.as_deref()));
            if let Some(i) = retrier {
                let r = &state.retry[i];
                if attempts[i] < r.max_attempts {
                    let delay = r.delay_seconds(attempts[i], rand::random::<f64>());
                    attempts[i] += 1;
                    retry_count += 1;
                    let deadline = add_seconds(self.now(), delay);
                    self.inner.clock.sleep_until(deadline).await;
                    continue;
                }
            }
            return self.catch(sc, raw, failure, scope, prev);
        }
    }

    fn catch(
        &self,
        sc: &StateCtx<'_>,
        raw: &Value,
        failure: Failure,
        scope: &Scope,
        prev: &mut u64,
    ) -> Result<Step, Failure> {
        let Some(catcher) = sc
            .state
            .catch
            .iter()
            .find(|c| error_matches(&c.error_equals, failure.error.as_deref()))
        else {
            return Err(failure);
        };
        let ctx = self.context(sc, None, None);
        let error_output = failure.error_output();
        let assigned = self.assign(sc, catcher.assign.as_ref(), &error_output, &ctx, scope)?;
        let output = apply_result_path(raw, error_output, catcher.result_path.as_deref())
            .map_err(|e| sc.wrap(e))?;
        self.exit(sc, &output, assigned, scope, prev);
        Ok(Step::Next(catcher.next.clone(), output))
    }

    /// One attempt of a Task, Parallel or Map state: its output and assigned variables.
    async fn attempt(
        &self,
        sc: &StateCtx<'_>,
        raw: &Value,
        scope: &Scope,
        prev: &mut u64,
        retry_count: u64,
        kept: Option<&[Checkpoint]>,
    ) -> Result<(Value, Option<Map<String, Value>>), Failure> {
        let state = sc.state;
        let is_task = matches!(state.kind, StateKind::Task(_));
        let ctx = self.context(sc, is_task.then_some(retry_count), None);
        let effective = self.input_path(sc, raw, &ctx, scope)?;
        let result = match &state.kind {
            StateKind::Task(t) => {
                let params = self.template(
                    sc,
                    state.parameters.as_ref(),
                    effective.clone(),
                    &ctx,
                    scope,
                )?;
                self.invoke_task(sc, t, params, &effective, &ctx, scope, retry_count, prev)
                    .await?
            }
            StateKind::Parallel(p) => {
                let input = self.template(sc, state.parameters.as_ref(), effective, &ctx, scope)?;
                self.record(
                    prev,
                    EventType::ParallelStateStarted,
                    EventDetails::default(),
                );
                let started = *prev;
                let mut traces = Vec::with_capacity(p.branches.len());
                let mut futures: Vec<BoxFuture<'_, Result<Value, Failure>>> =
                    Vec::with_capacity(p.branches.len());
                for (index, branch) in p.branches.iter().enumerate() {
                    let (trace, future) = self.child_run(
                        branch,
                        &input,
                        kept.and_then(|k| k.get(index)),
                        scope.child(),
                        started,
                    );
                    traces.push(trace);
                    futures.push(future);
                }
                sc.trace.set_children(traces);
                match join_fail_fast(futures).await {
                    Ok(results) => {
                        self.record(
                            prev,
                            EventType::ParallelStateSucceeded,
                            EventDetails::default(),
                        );
                        Value::Array(results)
                    }
                    Err(failure) => {
                        self.record(
                            prev,
                            EventType::ParallelStateFailed,
                            EventDetails {
                                error: failure.error.clone(),
                                cause: failure.cause.clone(),
                                ..EventDetails::default()
                            },
                        );
                        return Err(failure);
                    }
                }
            }
            StateKind::Map(m) => {
                self.run_map(sc, m, &effective, &ctx, scope, prev, kept)
                    .await?
            }
            _ => return Err(Failure::runtime("internal error: not an executable state")),
        };
        let assigned = self.assign(sc, state.assign.as_ref(), &result, &ctx, scope)?;
        let selected = self.template(sc, state.result_selector.as_ref(), result, &ctx, scope)?;
        let output = apply_result_path(raw, selected, state.result_path.as_deref())
            .map_err(|e| sc.wrap(e))?;
        let output = self.output_path(sc, output, &ctx, scope)?;
        Ok((output, assigned))
    }

    #[allow(clippy::too_many_arguments)]
    async fn invoke_task(
        &self,
        sc: &StateCtx<'_>,
        t: &TaskState,
        params: Value,
        effective: &Value,
        ctx: &Value,
        scope: &Scope,
        retry_count: u64,
        prev: &mut u64,
    ) -> Result<Value, Failure> {
        let resource = t.resource.clone();
        let invocation = task::resolve(&self.inner.handlers, &resource, params.clone())
            .map_err(|(error, cause)| Failure::new(error, cause))?;
        let timeout = match (&t.timeout_seconds, &t.timeout_seconds_path) {
            (Some(s), _) => Some(*s),
            (None, Some(path)) => {
                let value = self.env(effective, ctx, scope).resolve(path).ok();
                match value.as_ref().and_then(Value::as_u64) {
                    Some(s) if s > 0 => Some(s),
                    _ => {
                        return Err(sc.wrap(EvalError::runtime(format!(
                            "The TimeoutSecondsPath parameter does not reference a positive integer value: {path}"
                        ))));
                    }
                }
            }
            (None, None) => None,
        };
        let resource_details = || EventDetails {
            resource: Some(resource.clone()),
            ..EventDetails::default()
        };
        self.record(
            prev,
            EventType::TaskScheduled,
            EventDetails {
                input: Some(params),
                ..resource_details()
            },
        );
        self.record(prev, EventType::TaskStarted, resource_details());
        let context = TaskContext {
            state_name: sc.state.name.clone(),
            resource: resource.clone(),
            function_name: invocation.function_name.clone(),
            execution_name: self.execution_name.clone(),
            retry_count,
            context_object: ctx.clone(),
            clock: self.inner.clock.clone(),
        };
        let _work = WorkGuard::start(self.inner.clock.as_ref());
        let call = in_handler(invocation.handler.invoke(invocation.input, &context));
        let outcome = match timeout {
            Some(seconds) => {
                let deadline = add_seconds(self.now(), seconds as f64);
                tokio::select! {
                    biased;
                    result = call => Some(result),
                    () = self.inner.clock.deadline(deadline) => None,
                }
            }
            None => Some(call.await),
        };
        match outcome {
            Some(Ok(value)) => {
                let value = if invocation.wrap_lambda {
                    task::wrap_lambda_result(
                        value,
                        &uuid::Uuid::new_v4().to_string(),
                        &self.now().to_rfc2822(),
                    )
                } else {
                    value
                };
                self.record(
                    prev,
                    EventType::TaskSucceeded,
                    EventDetails {
                        output: Some(value.clone()),
                        ..resource_details()
                    },
                );
                Ok(value)
            }
            Some(Err(failure)) => {
                let error = if failure.error.is_empty() {
                    names::TASK_FAILED.to_string()
                } else {
                    failure.error
                };
                self.record(
                    prev,
                    EventType::TaskFailed,
                    EventDetails {
                        error: Some(error.clone()),
                        cause: failure.cause.clone(),
                        ..resource_details()
                    },
                );
                Err(Failure {
                    error: Some(error),
                    cause: failure.cause,
                })
            }
            None => {
                self.record(
                    prev,
                    EventType::TaskTimedOut,
                    EventDetails {
                        error: Some(names::TIMEOUT.to_string()),
                        ..resource_details()
                    },
                );
                Err(Failure {
                    error: Some(names::TIMEOUT.to_string()),
                    cause: None,
                })
            }
        }
    }

    /// `MaxConcurrencyPath` / `ToleratedFailureCountPath`: a non-negative integer (an integer
    /// string is accepted; MaxConcurrency also truncates a fractional number).
    fn integer_field(
        &self,
        sc: &StateCtx<'_>,
        env: &PathEnv<'_>,
        path: &str,
        field: &str,
    ) -> Result<u64, Failure> {
        let value = env.resolve_io_path(path).map_err(|e| sc.wrap(e))?;
        let max_concurrency = field == "MaxConcurrencyPath";
        let parsed: Option<i64> = match &value {
            Value::Number(n) => n.as_i64().or_else(|| {
                max_concurrency
                    .then(|| n.as_f64().map(|f| f.trunc() as i64))
                    .flatten()
            }),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        match parsed {
            Some(n) if n >= 0 => Ok(n as u64),
            Some(n) => Err(sc.wrap(EvalError::runtime(if max_concurrency {
                format!("Expected non-negative integer for MaxConcurrency, got '{n}' instead.")
            } else {
                "ToleratedFailureCount cannot be negative.".to_string()
            }))),
            None => Err(sc.wrap(EvalError::runtime(format!(
                "The {field} field refers to value \"{}\" which is not a valid integer: {path}",
                bare(&value)
            )))),
        }
    }

    /// A Parallel branch's or a Map iteration's run: from its start on `input`, or, when a
    /// redrive resumes it, kept (it ended: its output, no events) or resumed where it stopped,
    /// on the input it had.
    fn child_run<'a>(
        &'a self,
        def: &'a StateMachineDef,
        input: &Value,
        kept: Option<&'a Checkpoint>,
        scope: Scope,
        prev: u64,
    ) -> (Arc<Trace>, BoxFuture<'a, Result<Value, Failure>>) {
        match kept {
            Some(Checkpoint {
                input,
                done: Some(output),
                ..
            }) => {
                let output = output.clone();
                (
                    Trace::finished(input.clone(), output.clone()),
                    Box::pin(async move { Ok(output) }),
                )
            }
            Some(checkpoint) => {
                let trace = Trace::new(checkpoint.input.clone());
                let future = self.run_machine(
                    def,
                    checkpoint.input.clone(),
                    scope,
                    prev,
                    trace.clone(),
                    checkpoint.open.as_ref(),
                );
                (trace, future)
            }
            None => {
                let trace = Trace::new(input.clone());
                let future = self.run_machine(def, input.clone(), scope, prev, trace.clone(), None);
                (trace, future)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_map(
        &self,
        sc: &StateCtx<'_>,
        m: &MapState,
        effective: &Value,
        ctx: &Value,
        scope: &Scope,
        prev: &mut u64,
        kept: Option<&[Checkpoint]>,
    ) -> Result<Value, Failure> {
        let env = self.env(effective, ctx, scope);
        let max_concurrency = match &m.max_concurrency_path {
            Some(path) => self.integer_field(sc, &env, path, "MaxConcurrencyPath")?,
            None => m.max_concurrency,
        };
        let items = if m.items_path == "$" {
            effective.clone()
        } else {
            env.resolve_io_path(&m.items_path).map_err(|e| sc.wrap(e))?
        };
        let Value::Array(items) = items else {
            return Err(sc.wrap(EvalError::runtime(format!(
                "Items of the Map state must be a JSON array, got '{}' from the ItemsPath '{}'",
                to_json(&items),
                m.items_path
            ))));
        };
        self.record(
            prev,
            EventType::MapStateStarted,
            EventDetails {
                length: Some(items.len()),
                ..EventDetails::default()
            },
        );
        let started = *prev;
        let tolerated_count = match &m.tolerated_failure_count_path {
            Some(path) => Some(self.integer_field(sc, &env, path, "ToleratedFailureCountPath")?),
            None => m.tolerated_failure_count,
        };
        let tolerated_percentage = match &m.tolerated_failure_percentage_path {
            Some(path) => {
                let value = env.resolve_io_path(path).map_err(|e| sc.wrap(e))?;
                let parsed = match &value {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) => s.trim().parse::<i64>().ok().map(|n| n as f64),
                    _ => None,
                };
                let Some(p) = parsed else {
                    return Err(sc.wrap(EvalError::runtime(format!(
                        "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {path}",
                        bare(&value)
                    ))));
                };
                Some(p)
            }
            None => m.tolerated_failure_percentage,
        };
        if let Some(p) = tolerated_percentage
            && !(0.0..=100.0).contains(&p)
        {
            return Err(sc.wrap(EvalError::runtime(
                "ToleratedFailurePercentage must be between 0 and 100.",
            )));
        }
        // Each iteration's input: the item, or the ItemSelector evaluated with $$.Map.Item.
        let mut inputs = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            let input = match &m.item_selector {
                Some(template) => {
                    let item_ctx = self.context(sc, None, Some((index, item)));
                    self.env(effective, &item_ctx, scope)
                        .eval_template(template)
                        .map_err(|e| sc.wrap(e))?
                }
                None => item.clone(),
            };
            inputs.push(input);
        }
        let permits = if max_concurrency == 0 {
            Semaphore::MAX_PERMITS
        } else {
            usize::try_from(max_concurrency)
                .unwrap_or(Semaphore::MAX_PERMITS)
                .min(Semaphore::MAX_PERMITS)
        };
        let semaphore = Semaphore::new(permits.max(1));
        let name = sc.state.name.as_str();
        let semaphore_ref = &semaphore;
        let mut traces = Vec::with_capacity(inputs.len());
        let mut futures: Vec<BoxFuture<'_, Result<Value, Failure>>> =
            Vec::with_capacity(inputs.len());
        for (index, input) in inputs.into_iter().enumerate() {
            let kept_item = kept.and_then(|k| k.get(index));
            // An iteration that ended in an earlier attempt keeps its output and is not re-run.
            if let Some(Checkpoint {
                input,
                done: Some(output),
                ..
            }) = kept_item
            {
                traces.push(Trace::finished(input.clone(), output.clone()));
                let output = output.clone();
                futures.push(Box::pin(async move { Ok(output) }));
                continue;
            }
            let (input, resume) = match kept_item {
                Some(checkpoint) => (checkpoint.input.clone(), checkpoint.open.as_ref()),
                None => (input, None),
            };
            let trace = Trace::new(input.clone());
            traces.push(trace.clone());
            let iteration_scope = match m.mode {
                MapMode::Inline => scope.child(),
                MapMode::Distributed => Scope::default(),
            };
            futures.push(Box::pin(async move {
                let _permit = semaphore_ref.acquire().await.map_err(|_| {
                    Failure::runtime("internal error: Map concurrency limiter closed")
                })?;
                let mut iteration_prev = started;
                self.record(
                    &mut iteration_prev,
                    EventType::MapIterationStarted,
                    EventDetails {
                        index: Some(index),
                        ..Self::named(name)
                    },
                );
                let result = self
                    .run_machine(
                        &m.processor,
                        input,
                        iteration_scope,
                        iteration_prev,
                        trace,
                        resume,
                    )
                    .await;
                let details = EventDetails {
                    index: Some(index),
                    ..Self::named(name)
                };
                match &result {
                    Ok(_) => self.record(
                        &mut iteration_prev,
                        EventType::MapIterationSucceeded,
                        details,
                    ),
                    Err(f) => self.record(
                        &mut iteration_prev,
                        EventType::MapIterationFailed,
                        EventDetails {
                            error: f.error.clone(),
                            cause: f.cause.clone(),
                            ..details
                        },
                    ),
                };
                result
            }));
        }
        sc.trace.set_children(traces);
        // A distributed Map (or one with tolerated failures) runs every item and fails with
        // States.ExceedToleratedFailureThreshold past the threshold (none given: no failure
        // tolerated); an inline Map fails with the first failing iteration's error.
        let thresholds = m.mode == MapMode::Distributed
            || tolerated_count.is_some()
            || tolerated_percentage.is_some();
        let outcome = if thresholds {
            let total = futures.len();
            let results = join_all(futures).await;
            let failed = results.iter().filter(|r| r.is_err()).count();
            let exceeded = match (tolerated_count, tolerated_percentage) {
                (None, None) => failed > 0,
                (count, percentage) => {
                    count.is_some_and(|c| failed as u64 > c)
                        || percentage.is_some_and(|p| {
                            total > 0 && (failed as f64) * 100.0 / (total as f64) > p
                        })
                }
            };
            if exceeded {
                Err(Failure::new(
                    names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                    "The specified tolerated failure threshold was exceeded",
                ))
            } else {
                Ok(results
                    .into_iter()
                    .map(|r| r.unwrap_or_else(|f| f.error_output()))
                    .collect())
            }
        } else {
            join_fail_fast(futures).await
        };
        match outcome {
            Ok(results) => {
                self.record(prev, EventType::MapStateSucceeded, EventDetails::default());
                Ok(Value::Array(results))
            }
            Err(failure) => {
                self.record(
                    prev,
                    EventType::MapStateFailed,
                    EventDetails {
                        error: failure.error.clone(),
                        cause: failure.cause.clone(),
                        ..EventDetails::default()
                    },
                );
                Err(failure)
            }
        }
    }
}
