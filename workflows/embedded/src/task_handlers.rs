//! The activities a local state machine can call, each running its domain step in-process
//! where AWS would invoke the Lambda, registered under its activity name (the crate in
//! `activities/`, which `template_wiring` derives from the template's
//! `DefinitionSubstitutions`). [`contracts`] lists what each can fail with, for checks that
//! need no running backend.

use std::sync::Arc;

use activity_contract::{
    ErrorBody, ErrorName, NamedError, Task, TaskError, activity_name, run_task,
};
use async_trait::async_trait;
use connect_metrics::RealtimeSettings;
use connect_metrics::ports::{ConnectMetrics, MetricsWrites, ObjectStore};
use connect_metrics::steps::{
    ListQueues, ListQueuesPorts, SyncQueueMetrics, SyncQueueMetricsPorts,
};
use contact_flow::{InvocationError, InvocationSettings, handle_invocation};
use contact_lens::ContactLensSettings;
use contact_lens::ports::ContactAttributes;
use contact_lens::steps::{
    CheckContactLensFile, CheckContactLensFilePorts, ImportContactLensFile,
    ImportContactLensFilePorts,
};
use historical_metrics::HistoricalSettings;
use historical_metrics::api_sync::{
    ApiSyncSettings, ConnectHistory,
    steps::{
        PlanHistoricalIntervals, PlanHistoricalIntervalsPorts, SyncHistoricalInterval,
        SyncHistoricalIntervalPorts,
    },
};
use historical_metrics::ports::HistoricalWrites;
use historical_metrics::steps::{ImportHistoricalReport, ImportHistoricalReportPorts};
use post_call::ports::SalesforceWrites;
use post_call::steps::{
    CheckTranscription, ImportCtr, ImportCtrPorts, ImportRecording, ImportRecordingPorts,
    ImportTranscript, ImportTranscriptPorts, PlanContact, StartTranscription,
    StartTranscriptionPorts,
};
use serde_json::Value;
use step_functions_engine::{TaskContext, TaskFailure, TaskHandler};

use crate::ports::EmbeddedPorts;

/// The activity contact flows call, which no state machine of ours does (registered so an
/// ad-hoc definition can).
pub const SF_INVOKE_API: &str = "sf-invoke-api";

/// What one activity can fail with.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityContract {
    /// The activity crate's name (`import-ctr`).
    pub activity: String,
    /// The Task state it implements, for the post-call steps.
    pub state: Option<&'static str>,
    /// Every error name it can return, sorted.
    pub error_names: Vec<ErrorName>,
}

fn task_contract<T: Task>() -> ActivityContract {
    ActivityContract {
        activity: activity_name(T::STATE),
        state: Some(T::STATE),
        error_names: TaskError::<T::Error>::names_for::<T>(),
    }
}

/// Every registered activity's contract.
pub fn contracts() -> Vec<ActivityContract> {
    vec![
        ActivityContract {
            activity: SF_INVOKE_API.to_string(),
            state: None,
            error_names: activity_contract::names_of::<InvocationError>(),
        },
        task_contract::<PlanContact>(),
        task_contract::<ImportCtr>(),
        task_contract::<ImportRecording>(),
        task_contract::<StartTranscription>(),
        task_contract::<CheckTranscription>(),
        task_contract::<ImportTranscript>(),
        task_contract::<ListQueues>(),
        task_contract::<SyncQueueMetrics>(),
        task_contract::<PlanHistoricalIntervals>(),
        task_contract::<SyncHistoricalInterval>(),
        task_contract::<ImportHistoricalReport>(),
        task_contract::<CheckContactLensFile>(),
        task_contract::<ImportContactLensFile>(),
    ]
}

/// What the Contact Lens steps call: Amazon Connect's contact attributes (the emulator over
/// HTTP with the SDK adapter, on a laptop), the org, the object store (the files, the markers,
/// the import claims) and the functions' configuration.
pub struct ContactLensPorts {
    pub connect: Arc<dyn ContactAttributes>,
    pub salesforce: Arc<dyn SalesforceWrites>,
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<ContactLensSettings>,
}

/// The handlers of `statemachines/contact-lens.asl.json`, by activity name.
pub fn contact_lens_handlers(ports: &ContactLensPorts) -> Vec<(String, Arc<dyn TaskHandler>)> {
    vec![
        step::<CheckContactLensFile>(CheckContactLensFilePorts {
            store: ports.store.clone(),
            connect: ports.connect.clone(),
            settings: ports.settings.clone(),
        }),
        step::<ImportContactLensFile>(ImportContactLensFilePorts {
            salesforce: ports.salesforce.clone(),
            store: ports.store.clone(),
            settings: ports.settings.clone(),
        }),
    ]
}

/// What the real-time queue metrics steps call: Amazon Connect (the emulator over HTTP with
/// the SDK adapter, on a laptop), the org, the object store of the sync state, and the
/// functions' configuration.
pub struct RealtimePorts {
    pub connect: Arc<dyn ConnectMetrics>,
    pub salesforce: Arc<dyn MetricsWrites>,
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<RealtimeSettings>,
}

/// The handlers of `statemachines/realtime-queue-metrics.asl.json`, by activity name.
pub fn realtime_handlers(ports: &RealtimePorts) -> Vec<(String, Arc<dyn TaskHandler>)> {
    vec![
        step::<ListQueues>(ListQueuesPorts {
            connect: ports.connect.clone(),
            store: ports.store.clone(),
            settings: ports.settings.clone(),
        }),
        step::<SyncQueueMetrics>(SyncQueueMetricsPorts {
            connect: ports.connect.clone(),
            salesforce: ports.salesforce.clone(),
            store: ports.store.clone(),
            settings: ports.settings.clone(),
        }),
    ]
}

/// What the historical metrics sync's steps call: Amazon Connect's metrics API (the emulator
/// over HTTP with the SDK adapter, on a laptop), the org, the object store of the checkpoint,
/// and the functions' configuration.
pub struct HistoricalApiPorts {
    pub connect: Arc<dyn ConnectHistory>,
    pub salesforce: Arc<dyn HistoricalWrites>,
    pub store: Arc<dyn ObjectStore>,
    pub settings: Arc<ApiSyncSettings>,
}

/// The handlers of `statemachines/historical-metrics.asl.json`, by activity name.
pub fn historical_api_handlers(ports: &HistoricalApiPorts) -> Vec<(String, Arc<dyn TaskHandler>)> {
    vec![
        step::<PlanHistoricalIntervals>(PlanHistoricalIntervalsPorts {
            connect: ports.connect.clone(),
            store: ports.store.clone(),
            settings: ports.settings.clone(),
        }),
        step::<SyncHistoricalInterval>(SyncHistoricalIntervalPorts {
            connect: ports.connect.clone(),
            salesforce: ports.salesforce.clone(),
            store: ports.store.clone(),
            settings: ports.settings.clone(),
        }),
    ]
}

/// The historical report import's configuration on a laptop: `SF_ADAPTER_NAMESPACE` and
/// `AWS_REGION` as in Lambda, defaulting to the template's namespace (`amazonconnect`, the
/// embedded org's) and `us-west-2`; an invalid namespace is reported and the default used.
pub fn local_historical_settings(lookup: &impl Fn(&str) -> Option<String>) -> HistoricalSettings {
    use historical_metrics::settings::{NAMESPACE_VARIABLE, REGION_VARIABLE};
    let with_defaults = |name: &str| {
        lookup(name).or_else(|| match name {
            NAMESPACE_VARIABLE => Some("amazonconnect".to_string()),
            REGION_VARIABLE => Some("us-west-2".to_string()),
            _ => None,
        })
    };
    HistoricalSettings::from_env(&with_defaults).unwrap_or_else(|error| {
        tracing::warn!(%error, "the historical report import uses the namespace amazonconnect");
        HistoricalSettings::from_env(&|name: &str| match name {
            NAMESPACE_VARIABLE => Some("amazonconnect".to_string()),
            _ => with_defaults(name),
        })
        .unwrap_or(HistoricalSettings {
            namespace: salesforce_client::namespace::Namespace::none(),
            region: "us-west-2".to_string(),
            global_analytics: false,
        })
    })
}

/// Every activity handler of the embedded default, by activity name, each given only the
/// ports its step calls.
pub fn handlers(ports: &EmbeddedPorts) -> Vec<(String, Arc<dyn TaskHandler>)> {
    let salesforce: Arc<dyn SalesforceWrites> = ports.salesforce.clone();
    vec![
        (
            SF_INVOKE_API.to_string(),
            Arc::new(SfInvokeApiTask {
                salesforce: ports.salesforce.clone(),
            }) as Arc<dyn TaskHandler>,
        ),
        step::<PlanContact>(ports.store.clone()),
        step::<ImportCtr>(ImportCtrPorts {
            salesforce: salesforce.clone(),
            store: ports.store.clone(),
        }),
        step::<ImportRecording>(ImportRecordingPorts {
            salesforce: salesforce.clone(),
            store: ports.store.clone(),
        }),
        step::<StartTranscription>(StartTranscriptionPorts {
            store: ports.store.clone(),
            transcriber: ports.transcriber.clone(),
        }),
        step::<CheckTranscription>(ports.transcriber.clone()),
        step::<ImportTranscript>(ImportTranscriptPorts {
            salesforce,
            store: ports.store.clone(),
            analysis: ports.analysis.clone(),
        }),
        step::<ImportHistoricalReport>(ImportHistoricalReportPorts {
            salesforce: ports.salesforce.clone(),
            store: ports.store.clone(),
            settings: Arc::new(local_historical_settings(&|name: &str| {
                std::env::var(name).ok()
            })),
        }),
    ]
}

fn step<T: Task>(ports: T::Ports) -> (String, Arc<dyn TaskHandler>) {
    (
        activity_name(T::STATE),
        Arc::new(StepTask::<T> { ports }) as Arc<dyn TaskHandler>,
    )
}

/// How Step Functions reports a Lambda's error: `Error` is its `errorType`, `Cause` the JSON
/// text of the error body.
fn lambda_failure(error: &dyn NamedError) -> TaskFailure {
    let body = ErrorBody::of(error);
    TaskFailure::new(&body.error_type, body.to_json_text())
}

struct StepTask<T: Task> {
    ports: T::Ports,
}

#[async_trait]
impl<T: Task> TaskHandler for StepTask<T> {
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure> {
        run_task::<T>(&self.ports, input, context.clock.now())
            .await
            .map_err(|error| lambda_failure(&error))
    }
}

struct SfInvokeApiTask {
    salesforce: Arc<salesforce_client::SalesforceClient>,
}

#[async_trait]
impl TaskHandler for SfInvokeApiTask {
    async fn invoke(&self, input: Value, context: &TaskContext) -> Result<Value, TaskFailure> {
        let now = context.clock.now();
        handle_invocation(
            self.salesforce.as_ref(),
            input,
            &InvocationSettings::default(),
            None,
            now,
        )
        .await
        .map(|result| {
            Value::Object(
                result
                    .into_iter()
                    .map(|(key, value)| (key, Value::String(value)))
                    .collect(),
            )
        })
        .map_err(|error| lambda_failure(&error))
    }
}
