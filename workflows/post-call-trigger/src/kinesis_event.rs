//! The part of Lambda's Kinesis Data Streams event the CTR trigger reads, so each record can be
//! decoded (and a malformed one reported by its sequence number) on its own.

use serde::Deserialize;

use post_call::{ContactTraceRecord, MalformedCtr, decode_kinesis_data};

#[derive(Debug, Clone, Deserialize)]
pub struct KinesisCtrEvent {
    #[serde(rename = "Records", default)]
    pub records: Vec<KinesisCtrRecord>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct KinesisCtrRecord {
    #[serde(rename = "eventID", default)]
    pub event_id: Option<String>,
    /// The stream's ARN, kept with a quarantined record.
    #[serde(rename = "eventSourceARN", default)]
    pub event_source_arn: Option<String>,
    pub kinesis: KinesisRecordData,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KinesisRecordData {
    /// Base64 of the CTR's JSON.
    pub data: String,
    #[serde(default)]
    pub partition_key: Option<String>,
    pub sequence_number: String,
    /// When Kinesis received the record, in seconds since the epoch (the quarantine's day).
    #[serde(default)]
    pub approximate_arrival_timestamp: Option<f64>,
}

impl KinesisCtrRecord {
    pub fn decode(&self) -> Result<ContactTraceRecord, MalformedCtr> {
        decode_kinesis_data(&self.kinesis.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use post_call::testing::fixtures;

    #[test]
    fn when_reading_the_kinesis_fixture_should_decode_both_ctrs() {
        let event: KinesisCtrEvent =
            serde_json::from_str(&fixtures::text("connect/kinesis-ctr-event.json")).unwrap();
        let ids: Vec<String> = event
            .records
            .iter()
            .map(|record| record.decode().unwrap().contact_id)
            .collect();
        assert_eq!(
            ids,
            [
                "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08",
                "c41a9e07-5b2d-4f63-8e19-0a7d2b6c3f51"
            ]
        );
        let voice = event.records[0].decode().unwrap();
        let file: ContactTraceRecord =
            serde_json::from_str(&fixtures::text("connect/contact-trace-record-voice.json"))
                .unwrap();
        assert_eq!(voice, file);
    }
}
