//! A contact centre's post-call pipeline in one process: the Salesforce emulator (real HTTP),
//! the Step Functions engine on virtual time running `statemachines/post-call.asl.json` with
//! every activity's real handler, wired as `template.yaml` wires the Lambdas, and the CTR
//! trigger with a starter that runs each execution on the engine. The trigger keeps its records
//! (a CTR passed by reference, a quarantined record) in [`RECORDS_BUCKET`] of the steps' own
//! object store, as the template's `CtrRecordsBucket` is read by the Lambdas.

use std::{
    collections::BTreeSet,
    path::PathBuf,
    sync::{Arc, Mutex},
};

use embedded::{
    ports::{EmbeddedPorts, local_ports},
    post_call_runner::{TriggerRun, run_queued},
    task_handlers, template_wiring,
};
use local_adapters::QueueingStarter;
use post_call::PackageSwitches;
use post_call::ports::ObjectStore;
use post_call_trigger::{ExecutionStarter, RecordStore};
use salesforce_client::SalesforceClient;
use salesforce_emulator::RunningEmulator;
use serde_json::{Value, json};
use step_functions_engine::{
    Engine, ExecutionOptions, ExecutionResult, Observer, StateMachine, VirtualClock,
};

use aws_adapters::StepFunctionsStarter;

use test_harness::{
    MotoServer, client_config, client_with_secret,
    fixtures::{all_switches, kinesis_record},
    moto_resources::{create_buckets, create_post_call_state_machine, s3_client},
    password_secret_json, repo_root, start_demo_emulator,
};

use crate::post_call_on_aws::moto_post_call_ports;

/// The org's objects and key field (the managed package's namespace).
pub const CTR_OBJECT: &str = "amazonconnect__AC_ContactTraceRecord__c";
pub const CCA_OBJECT: &str = "amazonconnect__AC_ContactChannelAnalytics__c";
pub const CONTACT_FIELD: &str = "amazonconnect__ContactId__c";
/// The contact of [`voice_ctr`].
pub const VOICE_CONTACT_ID: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
/// Where the trigger keeps CTRs passed by reference and quarantined records.
pub const RECORDS_BUCKET: &str = "northwind-care-ctr-records";
/// The post-call state machine's name in execution ARNs.
pub const POST_CALL_STATE_MACHINE: &str = "post-call";

/// The execution the CTR trigger starts for `ctr` with `switches`: its name and input (the
/// trigger's own code, one Kinesis record; nothing is run).
pub async fn triggered_execution(ctr: &Value, switches: &PackageSwitches) -> (String, Value) {
    let starter = QueueingStarter::default();
    let event = json!({ "Records": [kinesis_record("49590001", &ctr.to_string())] });
    post_call_trigger::handle_batch(
        &starter,
        &embedded::post_call_runner::scratch_records().0,
        switches,
        event,
    )
    .await
    .expect("a Kinesis event");
    let mut queued = starter.take_queued();
    assert_eq!(queued.len(), 1, "one execution per CTR");
    queued.remove(0)
}

/// Where the trigger starts executions.
enum Trigger {
    /// A queue in memory, refusing names it has seen (as Step Functions does).
    Local(QueueingStarter),
    /// Step Functions on moto: StartExecution holds the execution by name and input; the
    /// engine then runs it, playing Step Functions' part.
    StepFunctions {
        moto: MotoServer,
        sfn: aws_sdk_sfn::Client,
        state_machine_arn: String,
        starter: StepFunctionsStarter,
        /// Executions already run (a redelivery while one runs is handed back its ARN).
        ran: Mutex<BTreeSet<String>>,
    },
}

pub struct PostCallWorld {
    pub emulator: RunningEmulator,
    pub salesforce: Arc<SalesforceClient>,
    pub engine: Engine,
    pub machine: StateMachine,
    trigger: Trigger,
    /// The steps' object store (a directory, or S3 on moto).
    pub store: Arc<dyn ObjectStore>,
    /// The trigger's records, in [`RECORDS_BUCKET`] of `store`.
    pub records: RecordStore,
    /// The local S3 directory (removed on drop).
    pub storage: PathBuf,
}

impl Drop for PostCallWorld {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.storage);
    }
}

fn unique_storage() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("post-call-world-{}-{n}", std::process::id()))
}

impl PostCallWorld {
    /// Local S3 (a directory), local Transcribe completing after `transcribe_polls` checks,
    /// local Comprehend.
    pub async fn local(transcribe_polls: u32) -> Self {
        Self::build(|salesforce, storage| local_ports(salesforce, storage, transcribe_polls)).await
    }

    /// AWS on moto's server: the trigger starts executions on Step Functions, and the
    /// activities use the SDK adapters for S3 (the buckets of [`all_switches`]), Transcribe and
    /// Comprehend.
    pub async fn on_moto() -> Self {
        let moto = MotoServer::start().await.expect("moto");
        let aws = moto.sdk_config().await;
        let s3 = s3_client(&moto).await;
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
        .expect("CreateBucket");
        let sfn = aws_sdk_sfn::Client::new(&aws);
        let machine_arn = create_post_call_state_machine(&sfn)
            .await
            .expect("CreateStateMachine");
        let mut world =
            Self::build(|salesforce, _| moto_post_call_ports(&aws, s3, salesforce)).await;
        world.trigger = Trigger::StepFunctions {
            starter: StepFunctionsStarter::new(sfn.clone(), machine_arn.clone()),
            state_machine_arn: machine_arn,
            sfn,
            moto,
            ran: Mutex::new(BTreeSet::new()),
        };
        world
    }

    /// Any ports; `make` gets the Salesforce client and a scratch directory.
    pub async fn build(
        make: impl FnOnce(Arc<SalesforceClient>, &std::path::Path) -> EmbeddedPorts,
    ) -> Self {
        let emulator = start_demo_emulator().await;
        let salesforce = Arc::new(client_with_secret(
            client_config(&emulator),
            &password_secret_json(),
        ));
        let storage = unique_storage();
        std::fs::create_dir_all(&storage).expect("storage");
        let ports = make(salesforce.clone(), &storage);
        let store = ports.store.clone();
        let substitutions = template_wiring::substitutions_for(
            &repo_root().join("template.yaml"),
            "post-call.asl.json",
        )
        .expect("template")
        .expect("template.yaml deploys post-call.asl.json");
        let mut builder = Engine::builder()
            .clock(Arc::new(VirtualClock::new()))
            .substitutions(substitutions);
        for (name, handler) in task_handlers::handlers(&ports) {
            builder = builder.handler(name, handler);
        }
        let text = std::fs::read_to_string(repo_root().join("statemachines/post-call.asl.json"))
            .expect("definition");
        let machine: StateMachine = text.parse().expect("valid definition");
        Self {
            emulator,
            salesforce,
            engine: builder.build(),
            machine,
            trigger: Trigger::Local(QueueingStarter::default()),
            records: RecordStore::new(store.clone(), RECORDS_BUCKET),
            store,
            storage,
        }
    }

    /// CTRs as Kinesis delivers them, through the trigger, each execution run to its end.
    pub async fn deliver(&self, ctrs: &[Value], switches: &PackageSwitches) -> TriggerRun {
        let records: Vec<Value> = ctrs
            .iter()
            .enumerate()
            .map(|(index, ctr)| kinesis_record(&format!("4959{index:04}"), &ctr.to_string()))
            .collect();
        self.deliver_event(json!({ "Records": records }), switches)
            .await
    }

    pub async fn deliver_event(&self, event: Value, switches: &PackageSwitches) -> TriggerRun {
        self.deliver_event_through(self.starter(), event, switches)
            .await
    }

    /// The world's StartExecution: the local queue, or Step Functions on moto.
    pub fn starter(&self) -> &dyn ExecutionStarter {
        match &self.trigger {
            Trigger::Local(starter) => starter,
            Trigger::StepFunctions { starter, .. } => starter,
        }
    }

    /// The trigger on `event` with `starter` (the world's, or one wrapping it) and the world's
    /// records, then every execution the world's starter started, each run to its end.
    pub async fn deliver_event_through(
        &self,
        starter: &dyn ExecutionStarter,
        event: Value,
        switches: &PackageSwitches,
    ) -> TriggerRun {
        let (report, response) =
            post_call_trigger::handle_batch(starter, &self.records, switches, event)
                .await
                .expect("a Kinesis event");
        let executions = match &self.trigger {
            Trigger::Local(starter) => run_queued(&self.engine, &self.machine, starter)
                .await
                .expect("executions run"),
            Trigger::StepFunctions { sfn, ran, .. } => {
                let mut executions = Vec::new();
                for started in &report.started {
                    let Some(arn) = started.execution_arn.as_deref() else {
                        continue;
                    };
                    if !ran.lock().expect("lock").insert(arn.to_string()) {
                        continue;
                    }
                    let described = sfn
                        .describe_execution()
                        .execution_arn(arn)
                        .send()
                        .await
                        .expect("DescribeExecution");
                    let input: Value =
                        serde_json::from_str(described.input().expect("input")).expect("json");
                    let result = self.run_named(input, &started.execution_name).await;
                    // The execution has ended: Step Functions now refuses its name.
                    sfn.stop_execution()
                        .execution_arn(arn)
                        .send()
                        .await
                        .expect("StopExecution");
                    executions.push(result);
                }
                executions
            }
        };
        TriggerRun {
            report,
            response,
            executions,
        }
    }

    /// moto's server and the post-call state machine's ARN there, when the world runs on it.
    pub fn on_aws(&self) -> Option<(&MotoServer, &str)> {
        match &self.trigger {
            Trigger::StepFunctions {
                moto,
                state_machine_arn,
                ..
            } => Some((moto, state_machine_arn)),
            Trigger::Local(_) => None,
        }
    }

    /// A console re-run of `execution`: its input, a new execution name.
    /// Runs the post-call execution `name` with `input` on the world's engine (told about its
    /// events when an observer is given), as Step Functions would.
    pub async fn run_execution(
        &self,
        name: &str,
        input: Value,
        observer: Option<Observer>,
    ) -> ExecutionResult {
        self.engine
            .run(
                &self.machine,
                input,
                ExecutionOptions {
                    name: Some(name.to_string()),
                    state_machine_name: Some(POST_CALL_STATE_MACHINE.into()),
                    observer,
                    ..ExecutionOptions::default()
                },
            )
            .await
            .expect("the post-call machine runs on the engine")
    }

    pub async fn rerun(&self, execution: &ExecutionResult, name: &str) -> ExecutionResult {
        let input = execution
            .history
            .first()
            .and_then(|started| started.details.input.clone())
            .expect("the execution's input");
        self.run_named(input, name).await
    }

    /// One execution of the post-call machine on the engine, as Step Functions would run it.
    async fn run_named(&self, input: Value, name: &str) -> ExecutionResult {
        self.engine
            .run(
                &self.machine,
                input,
                ExecutionOptions {
                    name: Some(name.to_string()),
                    state_machine_name: Some("post-call".into()),
                    ..ExecutionOptions::default()
                },
            )
            .await
            .expect("runs")
    }

    /// Every record of `object` in the org.
    pub fn records(&self, object: &str) -> Vec<Value> {
        self.emulator.control().dump()[object]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Records of `object` whose `field` equals `value`.
    pub fn records_where(&self, object: &str, field: &str, value: &str) -> Vec<Value> {
        self.records(object)
            .into_iter()
            .filter(|record| record[field] == value)
            .collect()
    }
}

impl PostCallWorld {
    /// The names of the attachments on record `parent`, sorted.
    pub fn attachment_names(&self, parent: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .records_where("Attachment", "ParentId", parent)
            .iter()
            .filter_map(|attachment| attachment["Name"].as_str().map(str::to_string))
            .collect();
        names.sort();
        names
    }
}
