//! A contact centre's Contact Lens import in one process: `statemachines/contact-lens.asl.json`
//! on the engine (virtual time) as `template.yaml` wires its Lambdas, S3 on moto through the
//! S3 adapter (the files, the post-call markers, the import claims), the Connect emulator
//! through `aws-sdk-connect` (`ConnectMetricsClient`), the Salesforce emulator through the
//! Salesforce client; beside it the post-call workflow on the same S3 and org, so its CCA and
//! marker are the real ones.

use std::sync::Arc;

use aws_adapters::ConnectMetricsClient;
use aws_config::{BehaviorVersion, Region, retry::RetryConfig};
use aws_sdk_s3::config::Credentials;
use connect_emulator::Seed;
use contact_lens::ContactLensSettings;
use embedded::{task_handlers, template_wiring};
use object_storage::ObjectLocation;
use post_call::PackageSwitches;
use serde_json::{Value, json};
use step_functions_engine::{
    Engine, ExecutionOptions, ExecutionResult, StateMachine, VirtualClock,
};
use test_harness::{fixtures::all_switches, repo_root};

use crate::post_call_world::PostCallWorld;

pub const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
pub const TRANSCRIPTS: &str = "northwind-care-transcripts";
pub const CCA: &str = "amazonconnect__AC_ContactChannelAnalytics__c";
pub const CONTACT_FIELD: &str = "amazonconnect__ContactId__c";
pub const VOICE_CONTACT: &str = "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08";
pub const CHAT_CONTACT: &str = "3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97";
pub const VOICE_KEY: &str = "Analysis/Voice/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_2024-03-05T14:23:18Z.json";
pub const REDACTED_VOICE_KEY: &str = "Analysis/Voice/Redacted/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_redacted_2024-03-05T14:23:18Z.json";
pub const CHAT_KEY: &str = "Analysis/Chat/2024/03/05/3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97_analysis_2024-03-05T15:03:39Z.json";
pub const TRANSCRIPT_KEY: &str = "connect/northwind-care/ChatTranscripts/2024/03/05/3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97_20240305T15:02_UTC.json";

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        repo_root()
            .join("workflows/contact-lens/fixtures")
            .join(name),
    )
    .expect("contact-lens fixture")
}

pub fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).expect("JSON fixture")
}

/// The EventBridge event the rule passes the state machine for `key`.
pub fn object_created(key: &str) -> Value {
    json!({"version": "0", "detail-type": "Object Created", "source": "aws.s3",
        "account": "482915370164", "region": "us-west-2",
        "detail": {"version": "0", "bucket": {"name": BUCKET}, "object": {"key": key, "size": 1}, "reason": "PutObject"}})
}

pub struct ContactLensWorld {
    pub post_call: PostCallWorld,
    pub connect: connect_emulator::RunningEmulator,
    pub engine: Engine,
    pub machine: StateMachine,
    pub settings: ContactLensSettings,
}

impl ContactLensWorld {
    /// On moto's S3.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// On moto's S3, the Contact Lens functions' settings changed by `change`.
    pub async fn start_with(change: impl FnOnce(&mut ContactLensSettings)) -> Self {
        Self::start_on(PostCallWorld::on_moto().await, change).await
    }

    /// Beside `post_call` (its S3 and org), the settings changed by `change`.
    pub async fn start_on(
        post_call: PostCallWorld,
        change: impl FnOnce(&mut ContactLensSettings),
    ) -> Self {
        let seed = Seed::demo();
        let mut settings = ContactLensSettings {
            import_enabled: true,
            instance_id: seed.instance_id.clone(),
            transcript_bucket: Some(TRANSCRIPTS.into()),
            namespace: post_call::Namespace::parse("amazonconnect").expect("namespace"),
            region: "us-west-2".into(),
            outage_tolerance_minutes: 60,
        };
        change(&mut settings);
        let connect = connect_emulator::start_local(seed)
            .await
            .expect("the Connect emulator");
        connect.control().set_contact_attributes(
            CHAT_CONTACT,
            [
                ("contactLensImportEnabled", "true"),
                ("postchatTranscriptImportEnabled", "true"),
            ]
            .into_iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect(),
        );
        let aws = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-west-2"))
            .endpoint_url(connect.base_url())
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .retry_config(RetryConfig::disabled())
            .load()
            .await;
        let ports = task_handlers::ContactLensPorts {
            connect: Arc::new(ConnectMetricsClient::from_config(&aws)),
            salesforce: post_call.salesforce.clone(),
            store: post_call.store.clone(),
            settings: Arc::new(settings.clone()),
        };
        let substitutions = template_wiring::substitutions_for(
            &repo_root().join("template.yaml"),
            "contact-lens.asl.json",
        )
        .expect("template")
        .expect("template.yaml deploys contact-lens.asl.json");
        let mut builder = Engine::builder()
            .clock(Arc::new(VirtualClock::new()))
            .substitutions(substitutions);
        for (name, handler) in task_handlers::contact_lens_handlers(&ports) {
            builder = builder.handler(name, handler);
        }
        let text = std::fs::read_to_string(repo_root().join("statemachines/contact-lens.asl.json"))
            .expect("definition");
        Self {
            post_call,
            connect,
            engine: builder.build(),
            machine: text.parse().expect("valid definition"),
            settings,
        }
    }

    /// Contact Lens (or Connect) writes `bytes` at `key` of the recording bucket.
    pub async fn put(&self, key: &str, bytes: Vec<u8>) {
        self.post_call
            .store
            .put(&ObjectLocation::new(BUCKET, key), &bytes)
            .await
            .expect("PutObject");
    }

    /// An object of the transcript bucket (the markers and claims), if any.
    pub async fn transcript_object(&self, key: &str) -> Option<Vec<u8>> {
        self.post_call
            .store
            .get(&ObjectLocation::new(TRANSCRIPTS, key))
            .await
            .expect("GetObject")
    }

    /// The post-call workflow for the fixture voice CTR (CTR and recording import, no
    /// transcription): the contact's CCA and marker as post-call leaves them.
    pub async fn post_call_voice_contact(&self) -> String {
        let switches = PackageSwitches {
            transcribe_enabled: false,
            ..all_switches()
        };
        self.post_call
            .deliver(&[test_harness::fixtures::voice_ctr()], &switches)
            .await;
        let ccas = self.ccas(VOICE_CONTACT);
        assert_eq!(ccas.len(), 1, "post-call made the CCA");
        ccas[0]["Id"].as_str().expect("id").to_string()
    }

    /// One execution, as the rule starts it with `event`.
    pub async fn import(&self, event: Value, name: &str) -> ExecutionResult {
        self.engine
            .run(
                &self.machine,
                event,
                ExecutionOptions {
                    name: Some(name.to_string()),
                    state_machine_name: Some("contact-lens".into()),
                    ..ExecutionOptions::default()
                },
            )
            .await
            .expect("the contact-lens machine runs on the engine")
    }

    pub fn ccas(&self, contact_id: &str) -> Vec<Value> {
        self.post_call.records_where(CCA, CONTACT_FIELD, contact_id)
    }

    pub fn attachments(&self, parent: &str) -> Vec<Value> {
        self.post_call
            .records_where("Attachment", "ParentId", parent)
    }

    /// API calls the org counted so far.
    pub fn salesforce_calls(&self) -> u64 {
        self.post_call.emulator.control().api_usage().0
    }

    pub fn contact_attribute_reads(&self) -> u64 {
        self.connect
            .control()
            .request_counts()
            .get("GetContactAttributes")
            .copied()
            .unwrap_or(0)
    }
}

/// The execution's verdict and import report.
pub fn output(result: &ExecutionResult) -> Value {
    assert_eq!(
        result.status,
        step_functions_engine::ExecutionStatus::Succeeded,
        "{:?} {:?}",
        result.error,
        result.cause
    );
    result.output.clone().unwrap_or(Value::Null)
}
