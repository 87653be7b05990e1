//! The ten real-time metrics the old package reads, their units and the `AC_QueueMetrics__c`
//! field each fills, and one queue's values as read from GetCurrentMetricData.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A metric GetCurrentMetricData is asked for, and where its value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RealtimeMetric {
    /// Connect's `CurrentMetricName`.
    pub name: &'static str,
    /// Connect's unit for it (`OLDEST_CONTACT_AGE` is asked in seconds, as the old package did).
    pub unit: &'static str,
    /// The `AC_QueueMetrics__c` field, without the namespace.
    pub field: &'static str,
}

/// In the order the old package lists them.
pub const REALTIME_METRICS: [RealtimeMetric; 10] = [
    metric("AGENTS_ONLINE", "COUNT", "Agents_Online__c"),
    metric("AGENTS_AVAILABLE", "COUNT", "Agents_Available__c"),
    metric("AGENTS_ON_CONTACT", "COUNT", "Agents_On_Call__c"),
    metric("AGENTS_STAFFED", "COUNT", "Agents_Staffed__c"),
    metric(
        "AGENTS_AFTER_CONTACT_WORK",
        "COUNT",
        "Agents_After_Contact_Work__c",
    ),
    metric("AGENTS_NON_PRODUCTIVE", "COUNT", "Agents_Non_Productive__c"),
    metric("AGENTS_ERROR", "COUNT", "Agents_Error__c"),
    metric("CONTACTS_IN_QUEUE", "COUNT", "Contacts_In_Queue__c"),
    metric("OLDEST_CONTACT_AGE", "SECONDS", "Oldest_Contact_Age__c"),
    metric("CONTACTS_SCHEDULED", "COUNT", "Contacts_Scheduled__c"),
];

/// The channels the old package groups by queue over.
pub const CHANNELS: [&str; 3] = ["VOICE", "CHAT", "TASK"];

/// Connect's limit on queues in one GetCurrentMetricData filter.
pub const MAX_QUEUES_PER_CALL: usize = 100;

const fn metric(name: &'static str, unit: &'static str, field: &'static str) -> RealtimeMetric {
    RealtimeMetric { name, unit, field }
}

/// One queue's values by metric name, as Connect reported them; a metric Connect left out is
/// absent here and written as 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueMetricValues(pub BTreeMap<String, f64>);

impl QueueMetricValues {
    /// The value written for `metric`: Connect's, or 0 when it sent none.
    pub fn value(&self, metric: &RealtimeMetric) -> f64 {
        self.0.get(metric.name).copied().unwrap_or(0.0)
    }

    /// Adds a value; several rows for one queue (e.g. one per channel) add up.
    pub fn add(&mut self, name: &str, value: f64) {
        *self.0.entry(name.to_string()).or_insert(0.0) += value;
    }

    /// A short digest of what is written for a queue (its name and all ten values, 0 for
    /// missing), to tell whether it changed since it was last written without keeping it all.
    pub fn fingerprint(&self, name: &str) -> String {
        let mut bytes = name.as_bytes().to_vec();
        for metric in &REALTIME_METRICS {
            bytes.extend_from_slice(&self.value(metric).to_bits().to_le_bytes());
        }
        // The object store's content version is the same 64-bit FNV-1a digest.
        object_storage::ObjectVersion::of_content(&bytes).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_metric_is_zero_and_channels_add_up() {
        let mut values = QueueMetricValues::default();
        values.add("CONTACTS_IN_QUEUE", 2.0);
        values.add("CONTACTS_IN_QUEUE", 3.0);
        assert_eq!(values.value(&REALTIME_METRICS[7]), 5.0);
        assert_eq!(values.value(&REALTIME_METRICS[0]), 0.0);
    }

    #[test]
    fn the_fingerprint_changes_with_any_value_and_ignores_explicit_zeros() {
        let mut a = QueueMetricValues::default();
        a.add("AGENTS_ONLINE", 4.0);
        let mut b = a.clone();
        assert_eq!(a.fingerprint("Billing"), b.fingerprint("Billing"));
        b.add("AGENTS_ERROR", 0.0);
        assert_eq!(
            a.fingerprint("Billing"),
            b.fingerprint("Billing"),
            "0 is what a missing metric writes"
        );
        b.add("OLDEST_CONTACT_AGE", 1.0);
        assert_ne!(a.fingerprint("Billing"), b.fingerprint("Billing"));
        assert_ne!(
            a.fingerprint("Billing"),
            a.fingerprint("Billing EMEA"),
            "a rename is a change"
        );
    }
}
