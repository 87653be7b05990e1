//! A contact centre's real-time queue metrics sync in one process: the Connect emulator and the
//! Salesforce emulator over real HTTP, the production adapters (`aws-sdk-connect` through
//! `ConnectMetricsClient`, the Salesforce client), the sync state in a local directory store,
//! and `statemachines/realtime-queue-metrics.asl.json` on the engine with virtual time, wired
//! as `template.yaml` wires the Lambdas.

use std::{path::PathBuf, sync::Arc};

use aws_adapters::ConnectMetricsClient;
use aws_config::{BehaviorVersion, Region, retry::RetryConfig};
use aws_sdk_s3::config::Credentials;
use connect_emulator::Seed;
use connect_metrics::RealtimeSettings;
use embedded::{task_handlers, template_wiring};
use local_adapters::DirectoryObjectStore;
use salesforce_client::namespace::Namespace;
use salesforce_emulator::{EmulatorConfig, RunningEmulator, demo};
use serde_json::{Value, json};
use step_functions_engine::{
    Engine, ExecutionOptions, ExecutionResult, StateMachine, VirtualClock,
};
use test_harness::{client_config, client_with_secret, password_secret_json, repo_root};

/// The org's queue metrics object (the managed package's namespace).
pub const QUEUE_METRICS_OBJECT: &str = "amazonconnect__AC_QueueMetrics__c";
pub const REALTIME_STATE_MACHINE: &str = "realtime-queue-metrics";

pub struct RealtimeWorld {
    pub salesforce: RunningEmulator,
    pub connect: connect_emulator::RunningEmulator,
    pub engine: Engine,
    pub machine: StateMachine,
    pub settings: Arc<RealtimeSettings>,
    clock: Arc<VirtualClock>,
    storage: PathBuf,
}

impl Drop for RealtimeWorld {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.storage);
    }
}

/// `settings` with the defaults a deployment has for the seed's instance.
pub fn default_settings(seed: &Seed) -> RealtimeSettings {
    RealtimeSettings {
        instance_id: seed.instance_id.clone(),
        queue_page_size: 100,
        metrics_page_size: 100,
        state_bucket: "sync-state".into(),
        region: "us-west-2".into(),
        global_analytics: false,
        namespace: Namespace::parse("amazonconnect").unwrap_or_default(),
        refresh_minutes: 5,
        api_budget_percent: 90,
    }
}

impl RealtimeWorld {
    /// Both emulators (the org with `Region__c` on its objects when `with_region`), the
    /// adapters, and the engine.
    pub async fn start(seed: Seed, with_region: bool) -> Self {
        let settings = default_settings(&seed);
        Self::start_with(seed, with_region, settings).await
    }

    pub async fn start_with(seed: Seed, with_region: bool, settings: RealtimeSettings) -> Self {
        let salesforce = test_harness::start_emulator(EmulatorConfig {
            seed: Some(demo::seed_data()),
            with_region,
            ..EmulatorConfig::default()
        })
        .await;
        let connect = connect_emulator::start_local(seed)
            .await
            .expect("the Connect emulator starts");
        let aws = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-west-2"))
            .endpoint_url(connect.base_url())
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .retry_config(RetryConfig::disabled())
            .load()
            .await;
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let storage =
            std::env::temp_dir().join(format!("realtime-world-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&storage).expect("storage");
        let settings = Arc::new(settings);
        let ports = task_handlers::RealtimePorts {
            connect: Arc::new(ConnectMetricsClient::from_config(&aws)),
            salesforce: Arc::new(client_with_secret(
                client_config(&salesforce),
                &password_secret_json(),
            )),
            store: Arc::new(DirectoryObjectStore::new(&storage)),
            settings: settings.clone(),
        };
        let substitutions = template_wiring::substitutions_for(
            &repo_root().join("template.yaml"),
            "realtime-queue-metrics.asl.json",
        )
        .expect("template")
        .expect("template.yaml deploys realtime-queue-metrics.asl.json");
        let clock = Arc::new(VirtualClock::new());
        let mut builder = Engine::builder()
            .clock(clock.clone())
            .substitutions(substitutions);
        for (name, handler) in task_handlers::realtime_handlers(&ports) {
            builder = builder.handler(name, handler);
        }
        let text = std::fs::read_to_string(
            repo_root().join("statemachines/realtime-queue-metrics.asl.json"),
        )
        .expect("definition");
        Self {
            salesforce,
            connect,
            engine: builder.build(),
            machine: text.parse().expect("valid definition"),
            settings,
            clock,
            storage,
        }
    }

    /// Moves the engine's virtual clock on, as time passes between scheduled executions.
    pub fn advance_minutes(&self, minutes: u32) {
        self.clock.advance(f64::from(minutes) * 60.0);
    }

    /// One scheduled execution, as the schedule starts it (input `{}`).
    pub async fn run_execution(&self, name: &str) -> ExecutionResult {
        self.run_observed(name, None).await
    }

    /// The same, told about each history event as it happens.
    pub async fn run_observed(
        &self,
        name: &str,
        observer: Option<step_functions_engine::Observer>,
    ) -> ExecutionResult {
        self.engine
            .run(
                &self.machine,
                json!({}),
                ExecutionOptions {
                    name: Some(name.to_string()),
                    state_machine_name: Some(REALTIME_STATE_MACHINE.into()),
                    observer,
                    ..ExecutionOptions::default()
                },
            )
            .await
            .expect("the real-time machine runs on the engine")
    }

    /// Every `AC_QueueMetrics__c` record in the org.
    pub fn records(&self) -> Vec<Value> {
        self.salesforce.control().dump()[QUEUE_METRICS_OBJECT]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The record whose `Queue_Id__c` is `external_id`.
    pub fn record(&self, external_id: &str) -> Option<Value> {
        self.records()
            .into_iter()
            .find(|record| record["amazonconnect__Queue_Id__c"] == external_id)
    }

    /// API calls the org counted so far.
    pub fn salesforce_api_calls(&self) -> u64 {
        self.salesforce.control().api_usage().0
    }

    /// Requests the Connect emulator served so far.
    pub fn connect_calls(&self) -> u64 {
        self.connect.control().request_counts().values().sum()
    }
}
