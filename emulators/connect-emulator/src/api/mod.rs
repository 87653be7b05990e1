//! The Connect operations, as functions from the instance's state and a request to Connect's
//! answer; the HTTP layer only routes to them.

pub mod contact_attributes;
pub mod current_metrics;
pub mod instance_admin;
pub mod list_queues;
pub mod list_users;
pub mod metric_data_v2;

use std::fmt;

use serde_json::Value;

use crate::error::ConnectError;
use crate::seed::Seed;

/// An operation of the Connect API the emulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ListQueues,
    ListUsers,
    GetCurrentMetricData,
    GetMetricDataV2,
    GetContactAttributes,
    ListInstances,
    ListInstanceStorageConfigs,
    AssociateInstanceStorageConfig,
    UpdateInstanceStorageConfig,
    AssociateApprovedOrigin,
    ListApprovedOrigins,
}

impl Operation {
    pub const ALL: [Self; 11] = [
        Self::ListQueues,
        Self::ListUsers,
        Self::GetCurrentMetricData,
        Self::GetMetricDataV2,
        Self::GetContactAttributes,
        Self::ListInstances,
        Self::ListInstanceStorageConfigs,
        Self::AssociateInstanceStorageConfig,
        Self::UpdateInstanceStorageConfig,
        Self::AssociateApprovedOrigin,
        Self::ListApprovedOrigins,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::ListQueues => "ListQueues",
            Self::ListUsers => "ListUsers",
            Self::GetCurrentMetricData => "GetCurrentMetricData",
            Self::GetMetricDataV2 => "GetMetricDataV2",
            Self::GetContactAttributes => "GetContactAttributes",
            Self::ListInstances => "ListInstances",
            Self::ListInstanceStorageConfigs => "ListInstanceStorageConfigs",
            Self::AssociateInstanceStorageConfig => "AssociateInstanceStorageConfig",
            Self::UpdateInstanceStorageConfig => "UpdateInstanceStorageConfig",
            Self::AssociateApprovedOrigin => "AssociateApprovedOrigin",
            Self::ListApprovedOrigins => "ListApprovedOrigins",
        }
    }

    /// The operation `aws-sdk-connect` sends as this method and path, if any.
    pub fn of(method: &str, path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("GET", ["queues-summary", instance]) if !instance.is_empty() => Some(Self::ListQueues),
            ("GET", ["users-summary", instance]) if !instance.is_empty() => Some(Self::ListUsers),
            ("POST", ["metrics", "current", instance]) if !instance.is_empty() => {
                Some(Self::GetCurrentMetricData)
            }
            ("POST", ["metrics", "data"]) => Some(Self::GetMetricDataV2),
            ("GET", ["contact", "attributes", instance, contact])
                if !instance.is_empty() && !contact.is_empty() =>
            {
                Some(Self::GetContactAttributes)
            }
            ("GET", ["instance"]) => Some(Self::ListInstances),
            ("GET", ["instance", instance, "storage-configs"]) if !instance.is_empty() => {
                Some(Self::ListInstanceStorageConfigs)
            }
            ("PUT", ["instance", instance, "storage-config"]) if !instance.is_empty() => {
                Some(Self::AssociateInstanceStorageConfig)
            }
            ("POST", ["instance", instance, "storage-config", association])
                if !instance.is_empty() && !association.is_empty() =>
            {
                Some(Self::UpdateInstanceStorageConfig)
            }
            ("PUT", ["instance", instance, "approved-origin"]) if !instance.is_empty() => {
                Some(Self::AssociateApprovedOrigin)
            }
            ("GET", ["instance", instance, "approved-origins"]) if !instance.is_empty() => {
                Some(Self::ListApprovedOrigins)
            }
            _ => None,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The emulated instance: its seed and where the real-time snapshots have got to.
#[derive(Debug)]
pub struct Instance {
    pub seed: Seed,
    /// Reads (GetCurrentMetricData calls without a NextToken) since the snapshots were last set.
    pub snapshot_cursor: usize,
    /// Reads since start.
    pub reads_started: u64,
}

impl Instance {
    pub fn new(seed: Seed) -> Self {
        Self {
            seed,
            snapshot_cursor: 0,
            reads_started: 0,
        }
    }

    /// Replaces the seed; the next read starts at the first snapshot again.
    pub fn replace_seed(&mut self, seed: Seed) {
        self.seed = seed;
        self.snapshot_cursor = 0;
    }

    /// Takes the snapshot for a new read and moves the cursor on.
    pub(crate) fn start_read(&mut self) -> usize {
        let index = self
            .snapshot_cursor
            .min(self.seed.snapshot_count().saturating_sub(1));
        self.snapshot_cursor = self.snapshot_cursor.saturating_add(1);
        self.reads_started += 1;
        index
    }

    /// Refuses an instance id (or ARN) other than this instance's.
    pub(crate) fn check_instance(&self, instance_id: &str) -> Result<(), ConnectError> {
        if self.seed.is_instance(instance_id) {
            Ok(())
        } else {
            Err(ConnectError::ResourceNotFound(format!(
                "Instance not found: {instance_id}"
            )))
        }
    }
}

/// A JSON body of the operation's shape, or SerializationException as Connect answers it.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<(T, Value), ConnectError> {
    let text = if body.is_empty() {
        b"{}".as_slice()
    } else {
        body
    };
    let value: Value = serde_json::from_slice(text)
        .map_err(|error| ConnectError::Serialization(format!("Malformed request body: {error}")))?;
    let request = serde_json::from_value(value.clone())
        .map_err(|error| ConnectError::Serialization(format!("Malformed request body: {error}")))?;
    Ok((request, value))
}

/// The request without its paging members, for binding NextTokens to it.
pub(crate) fn without_paging(body: &Value) -> String {
    let mut body = body.clone();
    if let Some(object) = body.as_object_mut() {
        object.remove("NextToken");
        object.remove("MaxResults");
    }
    body.to_string()
}

/// MaxResults in `min..=max`, `default` when absent.
pub(crate) fn page_size(
    field: &str,
    value: Option<i64>,
    max: i64,
    default: usize,
) -> Result<usize, ConnectError> {
    match value {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(usize::try_from(n).unwrap_or(default)),
        Some(n) => Err(crate::error::out_of_range(field, n, 1, max)),
    }
}

/// Connect's "must not be null" for a required member.
pub(crate) fn required(field: &str) -> ConnectError {
    ConnectError::InvalidParameter(format!(
        "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
    ))
}

/// Whether two JSON values are the same, numbers compared by value (`60` equals `60.0`).
pub(crate) fn json_equivalent(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equivalent(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, p)| y.get(key).is_some_and(|q| json_equivalent(p, q)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_of_should_name_the_sdk_paths() {
        assert_eq!(
            Operation::of("GET", "/queues-summary/i-1"),
            Some(Operation::ListQueues)
        );
        assert_eq!(
            Operation::of("POST", "/metrics/current/i-1"),
            Some(Operation::GetCurrentMetricData)
        );
        assert_eq!(
            Operation::of("POST", "/metrics/data"),
            Some(Operation::GetMetricDataV2)
        );
        assert_eq!(
            Operation::of("GET", "/contact/attributes/i-1/c-1"),
            Some(Operation::GetContactAttributes)
        );
        assert_eq!(Operation::of("POST", "/queues-summary/i-1"), None);
        assert_eq!(Operation::of("GET", "/contact/attributes/i-1"), None);
    }

    #[test]
    fn snapshots_should_advance_per_read_and_repeat_the_last() {
        let mut seed = Seed::with_queues(1);
        seed.current_metric_snapshots = Some(vec![seed.current_metrics.clone(); 3]);
        let mut instance = Instance::new(seed.clone());
        let taken: Vec<usize> = (0..5).map(|_| instance.start_read()).collect();
        assert_eq!(taken, [0, 1, 2, 2, 2]);
        instance.replace_seed(seed);
        assert_eq!(instance.start_read(), 0);
        assert_eq!(instance.reads_started, 6);
    }

    #[test]
    fn json_equivalent_should_compare_numbers_by_value() {
        assert!(json_equivalent(
            &serde_json::json!([{"ThresholdValue": 60}]),
            &serde_json::json!([{"ThresholdValue": 60.0}])
        ));
        assert!(!json_equivalent(
            &serde_json::json!({"a": 1}),
            &serde_json::json!({"a": 1, "b": 2})
        ));
    }
}
