//! The local Amazon Connect of the real-time queue metrics and Contact Lens Tasks: the Connect
//! emulator in-process, called over HTTP by the production adapter
//! (`aws_adapters::ConnectMetricsClient` on `aws-sdk-connect`, one client for every Connect
//! call), started only for a definition whose Tasks call Connect.

use std::{collections::HashMap, path::Path, sync::Arc};

use activity_contract::{Task, activity_name};
use anyhow::Context;
use aws_adapters::ConnectMetricsClient;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_connect::config::Credentials;
use connect_emulator::{DEFAULT_REGION, RunningEmulator, Seed};
use connect_metrics::{
    RealtimeSettings,
    ports::{MetricsWrites, ObjectStore},
    settings::{INSTANCE_ID_VARIABLE, NAMESPACE_VARIABLE, REGION_VARIABLE, STATE_BUCKET_VARIABLE},
    steps::{ListQueues, SyncQueueMetrics},
};
use contact_lens::ContactLensSettings;
use embedded::task_handlers::{
    ContactLensPorts, RealtimePorts, contact_lens_handlers, realtime_handlers,
};
use embedded::task_handlers::{HistoricalApiPorts, historical_api_handlers};
use historical_metrics::api_sync::{
    ApiSyncSettings,
    steps::{PlanHistoricalIntervals, SyncHistoricalInterval},
};
use salesforce_client::SalesforceClient;
use serde_json::Value;
use step_functions_engine::TaskHandler;

/// `--connect-seed FILE`: the instance the Connect emulator serves (the demo one without it),
/// read and checked before anything starts.
#[derive(Debug, Clone, Default)]
pub struct EmbeddedConnect {
    pub seed: Option<Seed>,
}

impl EmbeddedConnect {
    pub fn read_option(file: Option<&Path>) -> anyhow::Result<Self> {
        let seed = file
            .map(|file| {
                Seed::from_file(file)
                    .with_context(|| format!("Connect seed file {}", file.display()))
            })
            .transpose()?;
        Ok(Self { seed })
    }
}

/// The sync state's bucket locally, unless `SYNC_STATE_S3_BUCKET` says otherwise.
pub const LOCAL_STATE_BUCKET: &str = "sync-state";

/// The embedded org carries the managed package's namespace (as post-call uses it locally).
const LOCAL_NAMESPACE: &str = "amazonconnect";

/// The activities that call Amazon Connect.
fn connect_activities() -> [String; 3] {
    [
        activity_name(ListQueues::STATE),
        activity_name(SyncQueueMetrics::STATE),
        activity_name(contact_lens::steps::CheckContactLensFile::STATE),
    ]
}

/// Whether the definition (its Task resources and Lambda function names, after the template's
/// substitutions) names an activity that calls Amazon Connect.
pub fn calls_connect(definition: &Value, substitutions: &HashMap<String, String>) -> bool {
    let activities = connect_activities();
    names_any(definition, substitutions, &activities)
        || names_any(definition, substitutions, &historical_activities())
}

/// The historical metrics sync's activities (both call Connect's metrics API).
fn historical_activities() -> [String; 2] {
    [
        activity_name(PlanHistoricalIntervals::STATE),
        activity_name(SyncHistoricalInterval::STATE),
    ]
}

/// The historical metrics sync's configuration for the emulated instance: its instance id and
/// region (the seed's), then the environment as in Lambda (`AMAZON_CONNECT_QUEUE_MAX_RECORDS`,
/// `SYNC_STATE_S3_BUCKET`, `SF_ADAPTER_NAMESPACE`), falling back to the local defaults.
pub fn local_historical_settings(
    seed: &Seed,
    environment: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<ApiSyncSettings> {
    use historical_metrics::api_sync::settings as names;
    let region = seed_region(seed);
    let lookup = |name: &str| match name {
        names::INSTANCE_ID_VARIABLE => Some(seed.instance_id.clone()),
        names::REGION_VARIABLE => Some(region.clone()),
        names::STATE_BUCKET_VARIABLE => {
            environment(name).or_else(|| Some(LOCAL_STATE_BUCKET.into()))
        }
        names::NAMESPACE_VARIABLE => environment(name).or_else(|| Some(LOCAL_NAMESPACE.into())),
        _ => environment(name),
    };
    ApiSyncSettings::from_env(&lookup).context("the historical metrics sync settings")
}

fn names_any(value: &Value, substitutions: &HashMap<String, String>, names: &[String]) -> bool {
    match value {
        Value::String(text) => {
            let mut resolved = text.clone();
            if resolved.contains("${") {
                for (placeholder, target) in substitutions {
                    resolved = resolved.replace(&format!("${{{placeholder}}}"), target);
                }
            }
            // A Lambda ARN names its function after `:function:` (a qualifier may follow).
            let function = resolved
                .split(":function:")
                .nth(1)
                .and_then(|rest| rest.split(':').next());
            names
                .iter()
                .any(|name| resolved == *name || function == Some(name.as_str()))
        }
        Value::Array(items) => items
            .iter()
            .any(|item| names_any(item, substitutions, names)),
        Value::Object(fields) => fields
            .values()
            .any(|field| names_any(field, substitutions, names)),
        _ => false,
    }
}

/// The seed's region, `us-west-2` when it names none.
fn seed_region(seed: &Seed) -> String {
    let region = seed.region.trim();
    if region.is_empty() {
        DEFAULT_REGION.to_string()
    } else {
        region.to_string()
    }
}

/// The functions' configuration for the emulated instance: its instance id and region (the
/// seed's, whatever the environment says: they describe the emulated instance, not the AWS
/// account a laptop's `AWS_REGION` is for), then the environment as in Lambda
/// (`QUEUE_METRICS_REFRESH_MINUTES`, `SALESFORCE_API_BUDGET_PERCENT`, the page sizes,
/// `SYNC_STATE_S3_BUCKET`, `SF_ADAPTER_NAMESPACE`), falling back to the local defaults.
pub fn local_settings(
    seed: &Seed,
    environment: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<RealtimeSettings> {
    let region = seed_region(seed);
    let lookup = |name: &str| match name {
        INSTANCE_ID_VARIABLE => Some(seed.instance_id.clone()),
        REGION_VARIABLE => Some(region.clone()),
        STATE_BUCKET_VARIABLE => environment(name).or_else(|| Some(LOCAL_STATE_BUCKET.into())),
        NAMESPACE_VARIABLE => environment(name).or_else(|| Some(LOCAL_NAMESPACE.into())),
        _ => environment(name),
    };
    RealtimeSettings::from_env(&lookup).context("the real-time queue metrics settings")
}

/// The Contact Lens functions' configuration for the emulated instance: its instance id and
/// region (the seed's), then the environment as in Lambda (`CONTACT_LENS_IMPORT_ENABLED`,
/// `TRANSCRIBE_OUTPUT_S3_BUCKET`, `SF_ADAPTER_NAMESPACE`, `POSTCALL_OUTAGE_TOLERANCE_MINUTES`),
/// falling back to the local defaults (the post-call workflow's local transcript bucket, so
/// both find the same contact markers).
pub fn local_contact_lens_settings(
    seed: &Seed,
    environment: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<ContactLensSettings> {
    use contact_lens::settings as names;
    let region = seed_region(seed);
    let lookup = |name: &str| match name {
        names::INSTANCE_ID_VARIABLE => Some(seed.instance_id.clone()),
        names::REGION_VARIABLE => Some(region.clone()),
        names::TRANSCRIPT_BUCKET_VARIABLE => {
            environment(name).or_else(|| Some(LOCAL_TRANSCRIPT_BUCKET.into()))
        }
        names::NAMESPACE_VARIABLE => environment(name).or_else(|| Some(LOCAL_NAMESPACE.into())),
        _ => environment(name),
    };
    ContactLensSettings::from_env(&lookup).context("the Contact Lens import settings")
}

/// The post-call workflow's local transcript bucket (`embedded::post_call_runner`).
const LOCAL_TRANSCRIPT_BUCKET: &str = "amazon-connect-transcripts";

/// The Connect emulator with the handlers of the Tasks calling it (the real-time queue
/// metrics and the Contact Lens import).
pub struct LocalConnect {
    pub emulator: RunningEmulator,
    pub handlers: Vec<(String, Arc<dyn TaskHandler>)>,
}

impl LocalConnect {
    /// Starts the emulator on a free loopback port serving `connect.seed` (the demo instance
    /// without one), and the real-time handlers on the production adapter aimed at it.
    pub async fn start(
        connect: &EmbeddedConnect,
        salesforce: Arc<SalesforceClient>,
        store: Arc<dyn ObjectStore>,
    ) -> anyhow::Result<Self> {
        let seed = connect.seed.clone().unwrap_or_else(Seed::demo);
        let settings = local_settings(&seed, |name| std::env::var(name).ok())?;
        let historical_settings =
            local_historical_settings(&seed, |name| std::env::var(name).ok())?;
        let contact_lens_settings =
            local_contact_lens_settings(&seed, |name| std::env::var(name).ok())?;
        let region = seed_region(&seed);
        let emulator = connect_emulator::start_local(seed)
            .await
            .context("cannot start the local Amazon Connect")?;
        eprintln!(
            "connect-sf: the local Amazon Connect answers ({}), instance {}",
            emulator.base_url(),
            settings.instance_id
        );
        let aws = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region))
            .endpoint_url(emulator.base_url())
            // The emulator checks no signature: any static credentials do.
            .credentials_provider(Credentials::new(
                "connect-sf",
                "connect-sf",
                None,
                None,
                "connect-sf-local",
            ))
            .timeout_config(sdk_timeouts())
            .load()
            .await;
        let client = Arc::new(ConnectMetricsClient::from_config(&aws));
        let metrics_writes: Arc<dyn MetricsWrites> = salesforce.clone();
        let ports = RealtimePorts {
            connect: client.clone(),
            salesforce: metrics_writes,
            store: store.clone(),
            settings: Arc::new(settings),
        };
        let mut handlers = realtime_handlers(&ports);
        handlers.extend(historical_api_handlers(&HistoricalApiPorts {
            connect: client.clone(),
            salesforce: salesforce.clone(),
            store: store.clone(),
            settings: Arc::new(historical_settings),
        }));
        handlers.extend(contact_lens_handlers(&ContactLensPorts {
            connect: client,
            salesforce,
            store,
            settings: Arc::new(contact_lens_settings),
        }));
        Ok(Self { handlers, emulator })
    }

    /// Connect requests the emulator served so far, by operation (failed ones included).
    pub fn request_counts(&self) -> std::collections::BTreeMap<String, u64> {
        self.emulator.control().request_counts()
    }
}

/// The Lambdas' SDK timeouts (`lambda_glue::sdk_timeouts`), so a stalled call fails as it
/// would there.
fn sdk_timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(std::time::Duration::from_secs(3))
        .operation_attempt_timeout(std::time::Duration::from_secs(10))
        .operation_timeout(std::time::Duration::from_secs(25))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_definition_calls_connect_when_a_task_names_a_connect_activity() {
        let substitutions: HashMap<String, String> = [
            (
                "ListQueuesFunctionArn".to_string(),
                "list-queues".to_string(),
            ),
            ("ImportCtrFunctionArn".to_string(), "import-ctr".to_string()),
        ]
        .into();
        let task =
            |resource: Value| json!({"States": {"A": {"Type": "Task", "Resource": resource}}});
        assert!(calls_connect(
            &task(json!("${ListQueuesFunctionArn}")),
            &substitutions
        ));
        assert!(calls_connect(
            &task(json!(
                "arn:aws:lambda:us-west-2:123456789012:function:sync-queue-metrics:live"
            )),
            &substitutions
        ));
        assert!(calls_connect(
            &json!({"States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "${ListQueuesFunctionArn}"}}}}),
            &substitutions
        ));
        assert!(!calls_connect(
            &task(json!("${ImportCtrFunctionArn}")),
            &substitutions
        ));
        assert!(!calls_connect(&task(json!("${Unwired}")), &substitutions));
        assert!(!calls_connect(
            &json!({"States": {"A": {"Type": "Pass", "Result": "list-queues-report"}}}),
            &substitutions
        ));
    }

    #[test]
    fn the_settings_are_the_seeds_instance_with_the_environments_tuning() {
        let mut seed = Seed::demo();
        seed.region = "eu-central-1".into();
        let environment = |name: &str| match name {
            "QUEUE_METRICS_REFRESH_MINUTES" => Some("2".to_string()),
            "AWS_REGION" => Some("ap-south-1".to_string()),
            "AMAZON_CONNECT_INSTANCE_ID" => Some("someone-elses".to_string()),
            _ => None,
        };
        let settings = local_settings(&seed, environment).expect("valid");
        assert_eq!(settings.instance_id, seed.instance_id);
        assert_eq!(settings.region, "eu-central-1");
        assert_eq!(settings.refresh_minutes, 2);
        assert_eq!(settings.state_bucket, LOCAL_STATE_BUCKET);
        assert_eq!(
            settings.queue_metrics_object(),
            "amazonconnect__AC_QueueMetrics__c"
        );
        assert_eq!(settings.queue_page_size, 100);

        let no_namespace = local_settings(&seed, |name: &str| {
            (name == NAMESPACE_VARIABLE).then(String::new)
        })
        .expect("valid");
        assert_eq!(no_namespace.queue_metrics_object(), "AC_QueueMetrics__c");

        let error = local_settings(&seed, |name: &str| {
            (name == "QUEUE_METRICS_REFRESH_MINUTES").then(|| "0".to_string())
        })
        .expect_err("out of range");
        assert!(
            format!("{error:#}").contains("QUEUE_METRICS_REFRESH_MINUTES"),
            "{error:#}"
        );
    }
}
