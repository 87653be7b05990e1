//! What the emulated instance holds: its queues, the real-time metric snapshots it serves, its
//! historical (V2) metric results and its contacts' attributes — all in AWS's own JSON shapes.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::api::list_users::UserSummary;

/// The demo instance: the queues and real-time metrics of the shared Connect fixtures.
const DEMO_SEED_JSON: &str = include_str!("../seed/default.json");

/// Region of a seed that names none.
pub const DEFAULT_REGION: &str = "us-west-2";

/// Account in ARNs when a seed names none and its queues carry no ARN to take it from.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// The real-time metrics the queue-metrics workflow asks for, with their units.
pub const REALTIME_QUEUE_METRICS: [(&str, &str); 10] = [
    ("AGENTS_ONLINE", "COUNT"),
    ("AGENTS_AVAILABLE", "COUNT"),
    ("AGENTS_ON_CONTACT", "COUNT"),
    ("AGENTS_STAFFED", "COUNT"),
    ("AGENTS_AFTER_CONTACT_WORK", "COUNT"),
    ("AGENTS_NON_PRODUCTIVE", "COUNT"),
    ("AGENTS_ERROR", "COUNT"),
    ("CONTACTS_IN_QUEUE", "COUNT"),
    ("OLDEST_CONTACT_AGE", "SECONDS"),
    ("CONTACTS_SCHEDULED", "COUNT"),
];

/// A seed that cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("reading the seed file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the seed is not valid JSON of the expected shape: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("the seed is not usable: {0}")]
    Invalid(String),
}

/// Everything an emulated instance serves. JSON field names are camelCase at the top level; every
/// nested object is in AWS's shape (PascalCase), as ListQueues, GetCurrentMetricData and
/// GetMetricDataV2 answer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    /// The instance id (the last part of the instance ARN).
    pub instance_id: String,
    #[serde(default = "default_region")]
    pub region: String,
    /// Account in the instance ARN; when absent, taken from the first queue ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// `QueueSummary` objects, in the order ListQueues pages through them.
    #[serde(default)]
    pub queues: Vec<QueueSummary>,
    /// `UserSummary` objects (the instance's agents), in the order ListUsers pages through them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserSummary>,
    /// One list of `CurrentMetricResult`, served on every read (unless snapshots are given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub current_metrics: Vec<CurrentMetricResult>,
    /// Successive lists of `CurrentMetricResult`: each GetCurrentMetricData call without a
    /// NextToken moves to the next list (the last one repeats); its pages stay on that list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_metric_snapshots: Option<Vec<Vec<CurrentMetricResult>>>,
    /// `MetricResultV2` objects GetMetricDataV2 selects from.
    #[serde(
        default,
        rename = "metricDataV2",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub metric_data_v2: Vec<MetricResultV2>,
    /// The instance's alias, as ListInstances lists it (the setup helper finds the instance by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_alias: Option<String>,
    /// Other instances of the account (`InstanceSummary`), listed by ListInstances after this one;
    /// only this instance serves the other operations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<crate::api::instance_admin::InstanceSummary>,
    /// The instance's storage associations: `InstanceStorageConfig` objects with their
    /// `ResourceType` (List/Associate/UpdateInstanceStorageConfig).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage_configs: Vec<crate::api::instance_admin::StorageAssociation>,
    /// Origins approved for the instance (AssociateApprovedOrigin, ListApprovedOrigins).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approved_origins: Vec<String>,
    /// `{contactId: {key: value}}` for GetContactAttributes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub contact_attributes: BTreeMap<String, BTreeMap<String, String>>,
}

fn default_region() -> String {
    DEFAULT_REGION.to_owned()
}

impl Seed {
    /// The demo instance (`seed/default.json`): the three queues and the real-time metrics of the
    /// shared Connect fixtures, the attributes of the two fixture contacts, a few V2 results.
    pub fn demo() -> Self {
        Self::from_json_str(DEMO_SEED_JSON).expect("the embedded demo seed is valid")
    }

    /// The embedded demo seed's JSON text.
    pub fn demo_json() -> &'static str {
        DEMO_SEED_JSON
    }

    /// An instance with nothing in it.
    pub fn empty(instance_id: impl Into<String>) -> Self {
        Self {
            instance_id: instance_id.into(),
            region: default_region(),
            account_id: None,
            queues: Vec::new(),
            users: Vec::new(),
            current_metrics: Vec::new(),
            current_metric_snapshots: None,
            metric_data_v2: Vec::new(),
            contact_attributes: BTreeMap::new(),
            instance_alias: None,
            instances: Vec::new(),
            storage_configs: Vec::new(),
            approved_origins: Vec::new(),
        }
    }

    pub fn from_json_str(json: &str) -> Result<Self, SeedError> {
        let seed: Self = serde_json::from_str(json)?;
        seed.validate()?;
        Ok(seed)
    }

    pub fn from_value(value: Value) -> Result<Self, SeedError> {
        let seed: Self = serde_json::from_value(value)?;
        seed.validate()?;
        Ok(seed)
    }

    pub fn from_file(path: &Path) -> Result<Self, SeedError> {
        let text = std::fs::read_to_string(path).map_err(|source| SeedError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json_str(&text)
    }

    /// `n` STANDARD queues on the demo instance, with deterministic ids (UUID-shaped), names
    /// (`Queue 0001`…) and one `CurrentMetricResult` per queue carrying the ten real-time metrics.
    pub fn with_queues(n: usize) -> Self {
        let demo = Self::demo();
        let account = demo.account_id();
        Self::with_queues_in(&demo.instance_id, &demo.region, &account, n)
    }

    /// Like [`Seed::with_queues`] on any instance.
    pub fn with_queues_in(instance_id: &str, region: &str, account_id: &str, n: usize) -> Self {
        let mut seed = Self::empty(instance_id);
        seed.region = region.to_owned();
        seed.account_id = Some(account_id.to_owned());
        for index in 0..n {
            let id = generated_queue_id(index);
            let arn = seed.queue_arn(&id);
            seed.current_metrics
                .push(generated_realtime_metrics(index, &id, &arn));
            seed.queues.push(QueueSummary {
                id,
                arn,
                name: Some(format!("Queue {:04}", index + 1)),
                queue_type: Some("STANDARD".to_owned()),
                last_modified_time: Some(1_700_000_000.0 + index as f64),
                last_modified_region: Some(region.to_owned()),
            });
        }
        seed
    }

    /// Checks what serde cannot: an instance id, unique queue ids, at least one list per snapshot set.
    pub fn validate(&self) -> Result<(), SeedError> {
        if self.instance_id.trim().is_empty() {
            return Err(SeedError::Invalid("instanceId is empty".to_owned()));
        }
        let mut ids = HashSet::new();
        for queue in &self.queues {
            if !ids.insert(queue.id.as_str()) {
                return Err(SeedError::Invalid(format!(
                    "queue id {} appears twice",
                    queue.id
                )));
            }
        }
        let mut user_ids = HashSet::new();
        for user in &self.users {
            if !user_ids.insert(user.id.as_str()) {
                return Err(SeedError::Invalid(format!(
                    "user id {} appears twice",
                    user.id
                )));
            }
        }
        if self
            .current_metric_snapshots
            .as_ref()
            .is_some_and(Vec::is_empty)
        {
            return Err(SeedError::Invalid(
                "currentMetricSnapshots is empty (omit it, or give at least one list)".to_owned(),
            ));
        }
        Ok(())
    }

    /// The account in ARNs: `accountId`, else the first queue ARN's, else [`DEFAULT_ACCOUNT_ID`].
    pub fn account_id(&self) -> String {
        if let Some(account) = &self.account_id {
            return account.clone();
        }
        self.queues
            .iter()
            .find_map(|queue| queue.arn.split(':').nth(4).filter(|a| !a.is_empty()))
            .unwrap_or(DEFAULT_ACCOUNT_ID)
            .to_owned()
    }

    /// `arn:aws:connect:{region}:{account}:instance/{instanceId}` (GetMetricDataV2's ResourceArn).
    pub fn instance_arn(&self) -> String {
        format!(
            "arn:aws:connect:{}:{}:instance/{}",
            self.region,
            self.account_id(),
            self.instance_id
        )
    }

    /// The ARN a queue with this id has on this instance.
    pub fn queue_arn(&self, queue_id: &str) -> String {
        format!("{}/queue/{queue_id}", self.instance_arn())
    }

    /// Whether `id_or_arn` names this instance (its id or its ARN).
    pub fn is_instance(&self, id_or_arn: &str) -> bool {
        id_or_arn == self.instance_id
            || (id_or_arn.starts_with("arn:")
                && id_or_arn.ends_with(&format!(":instance/{}", self.instance_id)))
    }

    pub fn queue_ids(&self) -> Vec<String> {
        self.queues.iter().map(|queue| queue.id.clone()).collect()
    }

    /// The lists GetCurrentMetricData serves in turn: the snapshots, else `[currentMetrics]`.
    pub fn snapshots(&self) -> Vec<Vec<CurrentMetricResult>> {
        match &self.current_metric_snapshots {
            Some(snapshots) if !snapshots.is_empty() => snapshots.clone(),
            _ => vec![self.current_metrics.clone()],
        }
    }

    pub(crate) fn snapshot_count(&self) -> usize {
        match &self.current_metric_snapshots {
            Some(snapshots) if !snapshots.is_empty() => snapshots.len(),
            _ => 1,
        }
    }

    pub(crate) fn snapshot(&self, index: usize) -> &[CurrentMetricResult] {
        match &self.current_metric_snapshots {
            Some(snapshots) if !snapshots.is_empty() => &snapshots[index.min(snapshots.len() - 1)],
            _ => &self.current_metrics,
        }
    }

    /// Removes a queue and its real-time metric results; whether it was there.
    pub fn remove_queue(&mut self, queue_id: &str) -> bool {
        let before = self.queues.len();
        self.queues.retain(|queue| queue.id != queue_id);
        let is_other = |result: &CurrentMetricResult| result.queue_id() != Some(queue_id);
        self.current_metrics.retain(is_other);
        if let Some(snapshots) = &mut self.current_metric_snapshots {
            for snapshot in snapshots {
                snapshot.retain(is_other);
            }
        }
        self.queues.len() != before
    }
}

/// A UUID-shaped id that depends only on the index.
fn generated_queue_id(index: usize) -> String {
    let a = splitmix64(index as u64);
    let b = splitmix64(a);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// Plausible, consistent real-time figures for a generated queue (staffed = available + on
/// contact + after contact work + non-productive + error; online ≥ staffed).
fn generated_realtime_metrics(index: usize, id: &str, arn: &str) -> CurrentMetricResult {
    let h = splitmix64(0xc0ffee ^ index as u64);
    let pick = |shift: u32, modulo: u64| ((h >> shift) % modulo) as f64;
    let available = pick(0, 4);
    let on_contact = pick(4, 6);
    let after_contact_work = pick(8, 3);
    let non_productive = pick(12, 2);
    let error = if pick(16, 10) == 0.0 { 1.0 } else { 0.0 };
    let staffed = available + on_contact + after_contact_work + non_productive + error;
    let online = staffed + pick(20, 2);
    let in_queue = pick(24, 8);
    let oldest = if in_queue > 0.0 {
        1.0 + pick(28, 600)
    } else {
        0.0
    };
    let scheduled = pick(40, 3);
    let values = [
        online,
        available,
        on_contact,
        staffed,
        after_contact_work,
        non_productive,
        error,
        in_queue,
        oldest,
        scheduled,
    ];
    let mut result = CurrentMetricResult::for_queue(id, arn);
    for ((name, unit), value) in REALTIME_QUEUE_METRICS.iter().zip(values) {
        result = result.with_metric(name, unit, value);
    }
    result
}

fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A queue as ListQueues returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueueSummary {
    pub id: String,
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `STANDARD` or `AGENT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_type: Option<String>,
    /// Epoch seconds (an RFC 3339 string is accepted in seeds).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "epoch_seconds"
    )]
    pub last_modified_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_region: Option<String>,
}

impl QueueSummary {
    /// A STANDARD queue on `seed`'s instance.
    pub fn standard(seed: &Seed, id: impl Into<String>, name: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            arn: seed.queue_arn(&id),
            id,
            name: Some(name.into()),
            queue_type: Some("STANDARD".to_owned()),
            last_modified_time: None,
            last_modified_region: Some(seed.region.clone()),
        }
    }

    /// An AGENT queue (no name) on `seed`'s instance.
    pub fn agent(seed: &Seed, id: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            arn: seed.queue_arn(&id),
            id,
            name: None,
            queue_type: Some("AGENT".to_owned()),
            last_modified_time: None,
            last_modified_region: Some(seed.region.clone()),
        }
    }
}

/// `{Id, Arn}` of a queue, routing profile or agent status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceReference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

impl ResourceReference {
    /// Whether `id_or_arn` is this resource's id or ARN.
    pub fn is(&self, id_or_arn: &str) -> bool {
        self.id.as_deref() == Some(id_or_arn) || self.arn.as_deref() == Some(id_or_arn)
    }
}

/// The dimensions of a real-time result: `Queue`, `Channel`, `RoutingProfile`, and any other
/// dimension Connect has (kept as given).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Dimensions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<ResourceReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_profile: Option<ResourceReference>,
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One `CurrentMetricResult` of GetCurrentMetricData.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CurrentMetricResult {
    #[serde(default)]
    pub dimensions: Dimensions,
    #[serde(default)]
    pub collections: Vec<CurrentMetricData>,
}

impl CurrentMetricResult {
    /// A result for one queue with no metrics yet.
    pub fn for_queue(queue_id: impl Into<String>, queue_arn: impl Into<String>) -> Self {
        Self {
            dimensions: Dimensions {
                queue: Some(ResourceReference {
                    id: Some(queue_id.into()),
                    arn: Some(queue_arn.into()),
                }),
                ..Dimensions::default()
            },
            collections: Vec::new(),
        }
    }

    pub fn with_channel(mut self, channel: impl Into<String>) -> Self {
        self.dimensions.channel = Some(channel.into());
        self
    }

    pub fn with_metric(mut self, name: &str, unit: &str, value: f64) -> Self {
        self.set_value(name, unit, value);
        self
    }

    /// Sets a metric's value, adding the metric if it is not there.
    pub fn set_value(&mut self, name: &str, unit: &str, value: f64) {
        if let Some(data) = self.collections.iter_mut().find(|d| d.metric.name == name) {
            data.value = Some(value);
        } else {
            self.collections.push(CurrentMetricData {
                metric: CurrentMetric {
                    name: name.to_owned(),
                    unit: Some(unit.to_owned()),
                    metric_id: None,
                },
                value: Some(value),
            });
        }
    }

    pub fn value(&self, name: &str) -> Option<f64> {
        self.collections
            .iter()
            .find(|data| data.metric.name == name)
            .and_then(|data| data.value)
    }

    pub fn queue_id(&self) -> Option<&str> {
        self.dimensions.queue.as_ref().and_then(|q| q.id.as_deref())
    }
}

/// `{Metric: {Name, Unit}, Value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CurrentMetricData {
    pub metric: CurrentMetric,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// `{Name, Unit, MetricId?}` of a real-time metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CurrentMetric {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_id: Option<String>,
}

/// One `MetricResultV2` of GetMetricDataV2.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricResultV2 {
    /// `{"QUEUE": "<id>", "CHANNEL": "VOICE", ...}`: the groupings this result answers.
    #[serde(default)]
    pub dimensions: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric_interval: Option<MetricInterval>,
    #[serde(default)]
    pub collections: Vec<MetricDataV2>,
}

impl MetricResultV2 {
    pub fn with_dimension(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.dimensions.insert(key.into(), value.into());
        self
    }

    /// `interval` is an IntervalPeriod (`FIFTEEN_MIN`, `THIRTY_MIN`, `HOUR`, `DAY`, `WEEK`, `TOTAL`).
    pub fn with_interval(mut self, interval: &str, start_epoch: f64, end_epoch: f64) -> Self {
        self.metric_interval = Some(MetricInterval {
            interval: Some(interval.to_owned()),
            start_time: Some(start_epoch),
            end_time: Some(end_epoch),
        });
        self
    }

    pub fn with_metric(mut self, name: impl Into<String>, value: f64) -> Self {
        self.collections.push(MetricDataV2 {
            metric: MetricV2 {
                name: name.into(),
                details: Map::new(),
            },
            value: Some(value),
        });
        self
    }
}

/// `{Interval, StartTime, EndTime}` (epoch seconds; RFC 3339 strings are accepted in seeds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricInterval {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "epoch_seconds"
    )]
    pub start_time: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "epoch_seconds"
    )]
    pub end_time: Option<f64>,
}

/// `{Metric: {Name, Threshold?, MetricFilters?}, Value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricDataV2 {
    pub metric: MetricV2,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// A V2 metric: its name and, as given, `Threshold`, `MetricFilters`, `MetricId`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricV2 {
    #[serde(rename = "Name", default)]
    pub name: String,
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

/// Epoch seconds as a JSON number; a seed may also give an RFC 3339 string.
mod epoch_seconds {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(seconds) => serializer.serialize_f64(*seconds),
            None => serializer.serialize_none(),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(f64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<f64>, D::Error> {
        match Option::<Raw>::deserialize(deserializer)? {
            None => Ok(None),
            Some(Raw::Seconds(seconds)) => Ok(Some(seconds)),
            Some(Raw::Text(text)) => chrono::DateTime::parse_from_rfc3339(&text)
                .map(|time| Some(time.timestamp_millis() as f64 / 1000.0))
                .map_err(|error| {
                    serde::de::Error::custom(format!("timestamp {text:?} is not RFC 3339: {error}"))
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_seed_should_hold_the_fixture_queues_and_metrics() {
        let seed = Seed::demo();
        assert_eq!(seed.instance_id, "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35");
        assert_eq!(seed.queues.len(), 3);
        assert_eq!(seed.current_metrics.len(), 3);
        assert_eq!(seed.account_id(), "482915370164");
        assert_eq!(
            seed.instance_arn(),
            "arn:aws:connect:us-west-2:482915370164:instance/5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35"
        );
        assert_eq!(seed.queues[0].arn, seed.queue_arn(&seed.queues[0].id));
    }

    #[test]
    fn with_queues_should_be_deterministic_and_unique() {
        let first = Seed::with_queues(1_000);
        let second = Seed::with_queues(1_000);
        assert_eq!(first, second);
        let ids: HashSet<_> = first.queue_ids().into_iter().collect();
        assert_eq!(ids.len(), 1_000);
        assert_eq!(first.current_metrics.len(), 1_000);
        assert_eq!(first.queues[0].name.as_deref(), Some("Queue 0001"));
        assert!(first.validate().is_ok());
        let metrics = &first.current_metrics[7];
        let staffed = metrics.value("AGENTS_STAFFED").expect("generated");
        let parts: f64 = [
            "AGENTS_AVAILABLE",
            "AGENTS_ON_CONTACT",
            "AGENTS_AFTER_CONTACT_WORK",
            "AGENTS_NON_PRODUCTIVE",
            "AGENTS_ERROR",
        ]
        .iter()
        .filter_map(|name| metrics.value(name))
        .sum();
        assert_eq!(staffed, parts);
    }

    #[test]
    fn when_a_seed_has_an_unknown_field_should_refuse_it() {
        let error = Seed::from_json_str(r#"{"instanceId":"i","currentMetricSnapshot":[]}"#)
            .expect_err("typo refused");
        assert!(
            error.to_string().contains("currentMetricSnapshot"),
            "{error}"
        );
    }

    #[test]
    fn seed_timestamps_should_accept_rfc3339_and_serialize_as_epoch_seconds() {
        let seed = Seed::from_json_str(
            r#"{"instanceId":"i","queues":[{"Id":"q","Arn":"a","LastModifiedTime":"2024-03-05T14:50:34.512Z"}]}"#,
        )
        .expect("valid seed");
        assert_eq!(seed.queues[0].last_modified_time, Some(1_709_650_234.512));
        let json = serde_json::to_value(&seed.queues[0]).expect("serializable");
        assert_eq!(
            json["LastModifiedTime"],
            serde_json::json!(1_709_650_234.512)
        );
    }

    #[test]
    fn remove_queue_should_drop_its_metrics_from_every_snapshot() {
        let mut seed = Seed::with_queues(3);
        let gone = seed.queues[1].id.clone();
        seed.current_metric_snapshots = Some(vec![seed.current_metrics.clone(); 2]);
        assert!(seed.remove_queue(&gone));
        assert!(!seed.remove_queue(&gone));
        assert_eq!(seed.queues.len(), 2);
        assert!(seed.snapshots().iter().all(|snapshot| snapshot.len() == 2));
        assert!(
            seed.current_metrics
                .iter()
                .all(|r| r.queue_id() != Some(&gone))
        );
    }
}
