//! The post-call Lambdas as Lambda runs them: every activity binary of the post-call workflow
//! started as its own process under a local Runtime API, invoked with the state input Step
//! Functions would give it — because the real `statemachines/post-call.asl.json` runs on the
//! engine, with each Task dispatched to the binary instead of an in-process handler — against
//! moto (S3, Secrets Manager, Transcribe, Comprehend, Step Functions) and the Salesforce
//! emulator.
//!
//! Each contact starts with the `ctr-trigger` binary on a one-record Kinesis event; it starts
//! the execution on Step Functions (moto), whose input the engine then runs under the
//! execution's name, as Step Functions would. Contacts are distinct (own ContactId and
//! recording object), so every step does its full work and no marker short-cuts it.
//!
//! * **Cold**: a fresh process for every invocation (what the first contact after a deployment
//!   or a scale-out meets at every step), timed from spawn to the result arriving, with its
//!   init phase (spawn → first `next`) and peak memory (`VmHWM`).
//! * **Warm**: one long-lived process per function serving every contact, each invocation timed
//!   from the event being handed out to its result arriving; peak memory after every contact.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use async_trait::async_trait;
use aws_adapters::S3ObjectStore;
use post_call::ports::{ObjectLocation, ObjectStore};
use salesforce_emulator::EmulatorControl;
use serde_json::{Value, json};
use step_functions_engine::{
    Engine, ExecutionOptions, ExecutionStatus, StateMachine, TaskContext, TaskFailure, TaskHandler,
    VirtualClock,
};
use test_harness::{
    fixtures::{all_switches, ctr_as_contact, kinesis_record, voice_ctr},
    lambda_process::{lambda_environment, salesforce_environment},
    lambda_runtime_api::{Completion, RuntimeApi},
    moto_resources::{create_buckets, create_post_call_state_machine, s3_client},
};

use crate::{activity::ActivityProcess, environment::BenchEnvironment};

/// The trigger, then the workflow's Task activities in the order a contact meets them.
pub const TRIGGER: &str = "ctr-trigger";
pub const STEPS: [&str; 6] = [
    "plan-contact",
    "import-ctr",
    "import-recording",
    "start-transcription",
    "check-transcription",
    "import-transcript",
];
/// The steps that call Salesforce, and so get the `SF_*` settings (as `template.yaml` does).
const SALESFORCE_STEPS: [&str; 3] = ["import-ctr", "import-recording", "import-transcript"];
const RECORDS_BUCKET: &str = "northwind-care-ctr-records";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Cold,
    Warm,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::Cold => "cold",
            Mode::Warm => "warm",
        }
    }
}

/// One invocation of one binary.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub activity: &'static str,
    pub mode: Mode,
    /// Cold: spawn → result received. Warm: event handed out → result received.
    pub total: Duration,
    /// Cold only: spawn → first `next` (the function's init phase).
    pub init: Option<Duration>,
    /// `VmHWM` after the invocation (warm: of the long-lived process so far).
    pub peak_memory_kib: u64,
    pub salesforce_requests: usize,
    pub ok: bool,
    /// The error body, when the function answered with an error.
    pub error: Option<String>,
}

/// Everything measured, plus what the run looked like.
pub struct Measurements {
    pub invocations: Vec<Invocation>,
    pub cold_contacts: usize,
    pub warm_contacts: usize,
    /// The binaries' sizes on disk, by activity.
    pub binary_sizes: BTreeMap<&'static str, u64>,
    pub bin_dir: PathBuf,
}

/// The functions' configuration and the AWS resources of the stack, on moto.
struct Stack {
    environment: BenchEnvironment,
    bin_dir: PathBuf,
    store: S3ObjectStore,
    state_machine_arn: String,
    sfn: aws_sdk_sfn::Client,
}

impl Stack {
    async fn start(bin_dir: &Path) -> anyhow::Result<Stack> {
        let environment = BenchEnvironment::start().await?;
        let moto = environment.moto();
        let aws = moto.sdk_config().await;
        let s3 = s3_client(moto).await;
        let switches = all_switches();
        create_buckets(
            &s3,
            &[
                &switches.recording_bucket,
                &switches.transcript_bucket,
                RECORDS_BUCKET,
            ],
        )
        .await
        .context("creating the stack's buckets on moto")?;
        let sfn = aws_sdk_sfn::Client::new(&aws);
        let state_machine_arn = create_post_call_state_machine(&sfn)
            .await
            .context("creating the post-call state machine on moto")?;
        Ok(Stack {
            environment,
            bin_dir: bin_dir.to_owned(),
            store: S3ObjectStore::new(s3),
            state_machine_arn,
            sfn,
        })
    }

    fn binary(&self, activity: &str) -> PathBuf {
        self.bin_dir.join(activity)
    }

    /// The variables `template.yaml` gives `activity`, aimed at moto and the emulator.
    fn function_environment(&self, activity: &str) -> Vec<(String, String)> {
        let moto = self.environment.moto_endpoint();
        let mut variables = lambda_environment(activity, moto);
        if SALESFORCE_STEPS.contains(&activity) {
            variables.extend(salesforce_environment(
                &self.environment.emulator_url(),
                self.environment.secret_arn(),
            ));
        }
        if activity == TRIGGER {
            let switches = all_switches();
            let settings = [
                (
                    "POST_CALL_STATE_MACHINE_ARN",
                    self.state_machine_arn.clone(),
                ),
                ("POSTCALL_CTR_IMPORT_ENABLED", "true".into()),
                ("POSTCALL_RECORDING_IMPORT_ENABLED", "true".into()),
                ("POSTCALL_TRANSCRIBE_ENABLED", "true".into()),
                (
                    "TRANSCRIPTION_JOB_CHECK_WAIT_TIME",
                    switches.transcription_job_check_wait_time.to_string(),
                ),
                ("CONNECT_RECORDING_S3_BUCKET", switches.recording_bucket),
                ("TRANSCRIBE_OUTPUT_S3_BUCKET", switches.transcript_bucket),
                ("CTR_RECORDS_S3_BUCKET", RECORDS_BUCKET.into()),
            ];
            variables.extend(
                settings
                    .into_iter()
                    .map(|(name, value)| (name.to_string(), value)),
            );
        }
        if activity == TRIGGER || SALESFORCE_STEPS.contains(&activity) {
            variables.push(("SF_ADAPTER_NAMESPACE".into(), "amazonconnect".into()));
        }
        variables
    }
}

impl Stack {
    /// Amazon Transcribe on moto tracks a job's lifecycle but writes no output: once
    /// `check-transcription` reports the job complete, the recorded two-channel transcript is
    /// written where the job says, as the real service would have (outside the timed window).
    async fn write_transcript_of(&self, progress: &Value) -> anyhow::Result<()> {
        if progress["complete"] != json!(true) {
            return Ok(());
        }
        let Some(location) = progress["transcriptUri"]
            .as_str()
            .and_then(ObjectLocation::from_uri)
        else {
            return Ok(());
        };
        let path =
            test_harness::shared_dir().join("fixtures/transcribe/transcript-two-channel.json");
        let transcript =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        self.store
            .put(&location, &transcript)
            .await
            .context("writing the transcript to moto")?;
        Ok(())
    }
}

/// Runs `cold_contacts` contacts with a fresh process per invocation, then `warm_contacts` with
/// one process per function (after one unmeasured contact that starts them).
pub async fn measure(
    bin_dir: &Path,
    cold_contacts: usize,
    warm_contacts: usize,
) -> anyhow::Result<Measurements> {
    let mut binary_sizes = BTreeMap::new();
    for activity in std::iter::once(TRIGGER).chain(STEPS) {
        let binary = bin_dir.join(activity);
        let metadata = std::fs::metadata(&binary).with_context(|| {
            format!(
                "{} does not exist: build the post-call activities first with \
                 `cargo build --profile bench-release -p {activity}` (scripts/bench does this)",
                binary.display()
            )
        })?;
        binary_sizes.insert(activity, metadata.len());
    }
    eprintln!("lambda-bench: starting the Salesforce emulator and moto (the stack's resources)…");
    let stack = Arc::new(Stack::start(bin_dir).await?);
    let recorder = Recorder::new(stack.environment.control());
    let template = voice_ctr();
    let mut contact = 0;

    // One unmeasured contact first: the page cache holds every binary, moto and the emulator
    // have served each kind of request once, as they would long before a measured start.
    let priming = Functions::new(stack.clone(), Mode::Cold, recorder.clone(), "priming")?;
    run_contact(&stack, &priming, &ctr_for(contact, &template)).await?;
    contact += 1;
    recorder.clear();

    for run in 1..=cold_contacts {
        let functions = Functions::new(stack.clone(), Mode::Cold, recorder.clone(), "cold")?;
        let started = Instant::now();
        run_contact(&stack, &functions, &ctr_for(contact, &template)).await?;
        contact += 1;
        eprintln!(
            "  cold contact {run:>2}/{cold_contacts}: {} invocations in {:.0} ms",
            recorder.count_since(run - 1),
            started.elapsed().as_secs_f64() * 1000.0
        );
        recorder.end_contact();
    }

    let warm = Functions::new(stack.clone(), Mode::Warm, recorder.clone(), "warm")?;
    run_contact(&stack, &warm, &ctr_for(contact, &template)).await?;
    contact += 1;
    recorder.discard_warm();
    for run in 1..=warm_contacts {
        run_contact(&stack, &warm, &ctr_for(contact, &template)).await?;
        contact += 1;
        if run % 10 == 0 || run == warm_contacts {
            eprintln!("  warm contact {run:>2}/{warm_contacts}");
        }
    }
    warm.stop().await?;

    Ok(Measurements {
        invocations: recorder.take(),
        cold_contacts,
        warm_contacts,
        binary_sizes,
        bin_dir: bin_dir.to_owned(),
    })
}

/// The shipped voice CTR as contact `n`: its own ContactId and recording object.
fn ctr_for(n: usize, template: &Value) -> Value {
    ctr_as_contact(template, &format!("b3a7c000-0000-4000-8000-{n:012}"))
}

/// One contact: its recording uploaded, the trigger binary on its Kinesis record, then the
/// execution the trigger started, run on the engine with every Task in its binary.
async fn run_contact(stack: &Stack, functions: &Functions, ctr: &Value) -> anyhow::Result<()> {
    let contact_id = ctr["ContactId"].as_str().unwrap_or_default().to_string();
    let recording = ctr["Recording"]["Location"]
        .as_str()
        .and_then(ObjectLocation::from_recording_location)
        .context("the fixture CTR has a recording location")?;
    stack
        .store
        .put(&recording, b"RIFF....WAVEfmt ")
        .await
        .context("uploading the contact's recording to moto")?;

    let event = json!({ "Records": [kinesis_record("49590001", &ctr.to_string())] });
    let response = functions.invoke(TRIGGER, event).await?;
    if response.get("batchItemFailures") != Some(&json!([])) {
        bail!("ctr-trigger reported failures for contact {contact_id}: {response}");
    }
    let executions = stack
        .sfn
        .list_executions()
        .state_machine_arn(&stack.state_machine_arn)
        .send()
        .await
        .context("ListExecutions")?;
    let execution = executions
        .executions()
        .iter()
        .find(|execution| execution.name().contains(&contact_id))
        .with_context(|| format!("ctr-trigger started no execution for contact {contact_id}"))?;
    let described = stack
        .sfn
        .describe_execution()
        .execution_arn(execution.execution_arn())
        .send()
        .await
        .context("DescribeExecution")?;
    let input: Value = serde_json::from_str(described.input().unwrap_or("{}"))
        .context("the execution's input is JSON")?;

    let result = functions
        .engine()
        .run(
            &functions.machine,
            input,
            ExecutionOptions {
                name: Some(execution.name().to_string()),
                state_machine_name: Some("post-call".into()),
                ..ExecutionOptions::default()
            },
        )
        .await
        .context("the post-call machine runs on the engine")?;
    if result.status != ExecutionStatus::Succeeded {
        bail!(
            "contact {contact_id}: the execution ended {:?}: {:?} {:?}",
            result.status,
            result.error,
            result.cause
        );
    }
    // The execution has ended: Step Functions would now refuse its name.
    stack
        .sfn
        .stop_execution()
        .execution_arn(execution.execution_arn())
        .send()
        .await
        .context("StopExecution")?;
    Ok(())
}

/// Collects every invocation, shared by the functions' handlers.
#[derive(Clone)]
struct Recorder {
    control: EmulatorControl,
    state: Arc<Mutex<RecorderState>>,
}

#[derive(Default)]
struct RecorderState {
    invocations: Vec<Invocation>,
    /// Invocation counts at the end of each cold contact.
    contact_ends: Vec<usize>,
}

impl Recorder {
    fn new(control: EmulatorControl) -> Recorder {
        Recorder {
            control,
            state: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RecorderState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn push(&self, invocation: Invocation) {
        self.lock().invocations.push(invocation);
    }

    fn clear(&self) {
        let mut state = self.lock();
        state.invocations.clear();
        state.contact_ends.clear();
    }

    fn end_contact(&self) {
        let mut state = self.lock();
        let count = state.invocations.len();
        state.contact_ends.push(count);
    }

    /// Invocations since the end of cold contact `contacts` (0: since the start).
    fn count_since(&self, contacts: usize) -> usize {
        let state = self.lock();
        let start = if contacts == 0 {
            0
        } else {
            state.contact_ends.get(contacts - 1).copied().unwrap_or(0)
        };
        state.invocations.len() - start
    }

    /// Drops the warm invocations recorded so far (the unmeasured first warm contact).
    fn discard_warm(&self) {
        self.lock()
            .invocations
            .retain(|invocation| invocation.mode == Mode::Cold);
    }

    fn take(&self) -> Vec<Invocation> {
        std::mem::take(&mut self.lock().invocations)
    }

    fn salesforce_requests(&self) -> usize {
        self.control.requests().len()
    }
}

/// The binaries of one mode, and an engine whose Tasks run in them.
struct Functions {
    stack: Arc<Stack>,
    mode: Mode,
    recorder: Recorder,
    label: &'static str,
    /// Warm mode: the long-lived process of each function started so far.
    warm: Arc<tokio::sync::Mutex<BTreeMap<&'static str, (RuntimeApi, ActivityProcess)>>>,
    engine: Engine,
    machine: StateMachine,
}

impl Functions {
    fn new(
        stack: Arc<Stack>,
        mode: Mode,
        recorder: Recorder,
        label: &'static str,
    ) -> anyhow::Result<Functions> {
        let warm = Arc::new(tokio::sync::Mutex::new(BTreeMap::new()));
        let root = test_harness::repo_root();
        let substitutions = embedded::template_wiring::substitutions_for(
            &root.join("template.yaml"),
            "post-call.asl.json",
        )?
        .context("template.yaml deploys no post-call.asl.json")?;
        let mut builder = Engine::builder()
            .clock(Arc::new(VirtualClock::new()))
            .substitutions(substitutions);
        for activity in STEPS {
            let handler = BinaryTask {
                invoker: Invoker {
                    stack: stack.clone(),
                    mode,
                    recorder: recorder.clone(),
                    label,
                    warm: warm.clone(),
                },
                activity,
            };
            builder = builder.handler(activity, Arc::new(handler) as Arc<dyn TaskHandler>);
        }
        let path = root.join("statemachines/post-call.asl.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let machine: StateMachine = text.parse().map_err(|error| {
            anyhow::anyhow!("{} is not a valid definition: {error}", path.display())
        })?;
        Ok(Functions {
            stack,
            mode,
            recorder,
            label,
            warm,
            engine: builder.build(),
            machine,
        })
    }

    fn engine(&self) -> &Engine {
        &self.engine
    }

    fn invoker(&self) -> Invoker {
        Invoker {
            stack: self.stack.clone(),
            mode: self.mode,
            recorder: self.recorder.clone(),
            label: self.label,
            warm: self.warm.clone(),
        }
    }

    /// `activity`'s binary on `event`: its response, or an error with its error body.
    async fn invoke(&self, activity: &'static str, event: Value) -> anyhow::Result<Value> {
        match self.invoker().invoke(activity, event).await? {
            Ok(response) => Ok(response),
            Err(error) => bail!("{activity} answered an error: {error}"),
        }
    }

    async fn stop(&self) -> anyhow::Result<()> {
        let mut warm = self.warm.lock().await;
        while let Some((_, (_, process))) = warm.pop_first() {
            process.stop().await?;
        }
        Ok(())
    }
}

/// Starts (or reuses) a function's process and times one invocation.
#[derive(Clone)]
struct Invoker {
    stack: Arc<Stack>,
    mode: Mode,
    recorder: Recorder,
    label: &'static str,
    warm: Arc<tokio::sync::Mutex<BTreeMap<&'static str, (RuntimeApi, ActivityProcess)>>>,
}

impl Invoker {
    /// The function's answer: `Ok(response)` or `Err(error body)`; the outer error is the
    /// harness failing (the process died or hung).
    async fn invoke(
        &self,
        activity: &'static str,
        event: Value,
    ) -> anyhow::Result<Result<Value, String>> {
        let before = self.recorder.salesforce_requests();
        let (outcome, init, peak_memory_kib) = match self.mode {
            Mode::Cold => {
                let runtime_api = RuntimeApi::start().await?;
                let pending = runtime_api.queue(event);
                let mut process = self.spawn(activity, &runtime_api)?;
                let outcome = process.finish(&runtime_api, pending).await?;
                let peak = process.peak_memory_kib()?;
                let init = runtime_api
                    .first_next()
                    .map(|first| first.saturating_duration_since(process.spawned_at()));
                let total = outcome
                    .completed
                    .saturating_duration_since(process.spawned_at());
                process.stop().await?;
                ((outcome, total), init, peak)
            }
            Mode::Warm => {
                let mut warm = self.warm.lock().await;
                if !warm.contains_key(activity) {
                    let runtime_api = RuntimeApi::start().await?;
                    let process = self.spawn(activity, &runtime_api)?;
                    warm.insert(activity, (runtime_api, process));
                }
                let Some((runtime_api, process)) = warm.get_mut(activity) else {
                    bail!("{activity}'s warm process was just started");
                };
                let outcome = process
                    .finish(runtime_api, runtime_api.queue(event))
                    .await?;
                let peak = process.peak_memory_kib()?;
                let latency = outcome.latency();
                ((outcome, latency), None, peak)
            }
        };
        let (outcome, total) = outcome;
        let ok = outcome.completion == Completion::Response;
        self.recorder.push(Invocation {
            activity,
            mode: self.mode,
            total,
            init,
            peak_memory_kib,
            salesforce_requests: self.recorder.salesforce_requests() - before,
            ok,
            error: (!ok).then(|| outcome.body.clone()),
        });
        if ok {
            let response = serde_json::from_str(&outcome.body)
                .with_context(|| format!("{activity} answered non-JSON: {}", outcome.body))?;
            Ok(Ok(response))
        } else {
            Ok(Err(outcome.body))
        }
    }

    fn spawn(&self, activity: &str, runtime_api: &RuntimeApi) -> anyhow::Result<ActivityProcess> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = self
            .stack
            .environment
            .log_dir
            .join(format!("post-call-{}-{activity}-{n:04}.log", self.label));
        ActivityProcess::spawn(
            &self.stack.binary(activity),
            &self.stack.function_environment(activity),
            &runtime_api.address(),
            &log,
        )
    }
}

/// A Task state's resource, run in its activity's binary: the state input is the Lambda
/// event, and an error answer becomes the failure Step Functions reports (its `errorType`,
/// the error body as the cause), so the state machine's Retry and Catch see what they would.
struct BinaryTask {
    invoker: Invoker,
    activity: &'static str,
}

#[async_trait]
impl TaskHandler for BinaryTask {
    async fn invoke(&self, input: Value, _context: &TaskContext) -> Result<Value, TaskFailure> {
        match self.invoker.invoke(self.activity, input).await {
            Ok(Ok(response)) => {
                if self.activity == "check-transcription" {
                    self.invoker
                        .stack
                        .write_transcript_of(&response)
                        .await
                        .map_err(|error| {
                            TaskFailure::new("Runtime.ExitError", format!("{error:#}"))
                        })?;
                }
                Ok(response)
            }
            Ok(Err(body)) => {
                let error_type = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|error| error["errorType"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                Err(TaskFailure::new(error_type, body))
            }
            // The harness failed, not the function: Lambda would report the process's death.
            Err(error) => Err(TaskFailure::new("Runtime.ExitError", format!("{error:#}"))),
        }
    }
}
