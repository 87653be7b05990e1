//! Where the trigger keeps what it cannot hand to Step Functions inline, so no record is ever
//! only logged:
//!
//! - `ctr-inputs/<execution name>.json`: a CTR too large for an execution input, which the
//!   execution then reads by reference (`post_call::ctr::reference`). One key per execution
//!   name, so a redelivered record writes the same object again.
//! - `quarantine/ctr-trigger/<arrival date>/<sequence number>.json`: a record that cannot be
//!   decoded, or whose execution Step Functions refuses for good, with the reason and the
//!   record's data exactly as Kinesis delivered it. Again one key per record.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use post_call::ContactTraceRecord;
use post_call::ctr::ctr_input_key;
use post_call::ports::{ObjectLocation, ObjectStore, StoreError};
use serde::Serialize;

use crate::kinesis_event::KinesisCtrRecord;

/// Where the records the trigger could not start are kept.
pub const QUARANTINE_PREFIX: &str = "quarantine/ctr-trigger/";

/// Why a record was set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum QuarantineReason {
    /// Not base64, not JSON, not an object, no ContactId, or not the CTR data model.
    MalformedRecord,
    /// Step Functions refused the record's execution for good.
    StartRefused,
}

/// One quarantined record as stored: everything needed to replay it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuarantinedRecord<'a> {
    pub reason_kind: QuarantineReason,
    pub reason: &'a str,
    pub sequence_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_source_arn: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approximate_arrival_timestamp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_name: Option<&'a str>,
    /// The record's `kinesis.data` as delivered (base64 of the CTR, when it is base64 at all).
    pub data: &'a str,
}

/// The object store and bucket the trigger keeps records in.
#[derive(Clone)]
pub struct RecordStore {
    store: Arc<dyn ObjectStore>,
    bucket: String,
}

impl RecordStore {
    pub fn new(store: Arc<dyn ObjectStore>, bucket: impl Into<String>) -> Self {
        Self {
            store,
            bucket: bucket.into(),
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// Stores the CTR of execution `execution_name` for the execution to read, exactly as it
    /// would have travelled inline.
    pub async fn keep_ctr_input(
        &self,
        execution_name: &str,
        ctr: &ContactTraceRecord,
    ) -> Result<ObjectLocation, StoreError> {
        let location = ObjectLocation::new(&self.bucket, ctr_input_key(execution_name));
        let bytes = serde_json::to_vec(ctr).map_err(|error| StoreError::Failed {
            location: location.to_string(),
            message: format!("the CTR could not be encoded: {error}"),
        })?;
        self.store.put(&location, &bytes).await?;
        Ok(location)
    }

    /// Stores `record` with why it was set aside, under the day Kinesis received it (`now`
    /// when the event does not say).
    pub async fn quarantine(
        &self,
        record: &KinesisCtrRecord,
        kind: QuarantineReason,
        reason: &str,
        contact: Option<(&str, &str)>,
        now: DateTime<Utc>,
    ) -> Result<ObjectLocation, StoreError> {
        let location = ObjectLocation::new(&self.bucket, quarantine_key(record, now));
        let document = QuarantinedRecord {
            reason_kind: kind,
            reason,
            sequence_number: &record.kinesis.sequence_number,
            event_id: record.event_id.as_deref(),
            event_source_arn: record.event_source_arn.as_deref(),
            partition_key: record.kinesis.partition_key.as_deref(),
            approximate_arrival_timestamp: record.kinesis.approximate_arrival_timestamp,
            contact_id: contact.map(|(contact_id, _)| contact_id),
            execution_name: contact.map(|(_, name)| name),
            data: &record.kinesis.data,
        };
        let bytes = serde_json::to_vec_pretty(&document).map_err(|error| StoreError::Failed {
            location: location.to_string(),
            message: format!("the quarantined record could not be encoded: {error}"),
        })?;
        self.store.put(&location, &bytes).await?;
        Ok(location)
    }
}

/// `quarantine/ctr-trigger/<YYYY-MM-DD>/<sequence number>.json`: the same key every time the
/// record is delivered (arrival time and sequence number are the record's own).
pub fn quarantine_key(record: &KinesisCtrRecord, now: DateTime<Utc>) -> String {
    let arrived = record
        .kinesis
        .approximate_arrival_timestamp
        .and_then(|seconds| {
            // Whole milliseconds: Kinesis reports the arrival time to the millisecond.
            DateTime::from_timestamp_millis((seconds * 1000.0).round() as i64)
        })
        .unwrap_or(now);
    let sequence: String = record
        .kinesis
        .sequence_number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let sequence = if sequence.is_empty() {
        "no-sequence-number".to_string()
    } else {
        sequence
    };
    format!(
        "{QUARANTINE_PREFIX}{}/{sequence}.json",
        arrived.format("%Y-%m-%d")
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn record(value: serde_json::Value) -> KinesisCtrRecord {
        serde_json::from_value(value).expect("record")
    }

    #[test]
    fn the_quarantine_key_is_the_arrival_day_and_the_sequence_number() {
        let now = Utc.with_ymd_and_hms(2024, 3, 9, 1, 2, 3).unwrap();
        let arrived = record(json!({"kinesis": {
            "data": "x", "sequenceNumber": "49590001", "approximateArrivalTimestamp": 1709648584.123
        }}));
        assert_eq!(
            quarantine_key(&arrived, now),
            "quarantine/ctr-trigger/2024-03-05/49590001.json"
        );
        let unknown = record(json!({"kinesis": {"data": "x", "sequenceNumber": "../4959 0002"}}));
        assert_eq!(
            quarantine_key(&unknown, now),
            "quarantine/ctr-trigger/2024-03-09/49590002.json"
        );
    }
}
