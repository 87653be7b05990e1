//! The shipped Connect fixtures as tests use them: CTRs, Kinesis records, switches.

use base64::Engine as _;
use post_call::PackageSwitches;
use serde_json::{Value, json};

/// Switches with every feature on and the local buckets.
pub fn all_switches() -> PackageSwitches {
    serde_json::from_value(json!({
        "postcallCTRImportEnabled": true,
        "postcallRecordingImportEnabled": true,
        "postcallRedactedRecordingImportEnabled": true,
        "postcallTranscribeEnabled": true,
        "transcriptionJobCheckWaitTime": 20,
        "salesforceAdapterNamespace": "amazonconnect",
        "connectRecordingS3BucketName": "amazon-connect-3e91c4d7a2b8",
        "transcribeOutputS3BucketName": "northwind-care-transcripts",
        "region": "us-west-2"
    }))
    .expect("switches")
}

/// One Kinesis record carrying `data` (base64-encoded as Kinesis does).
pub fn kinesis_record(sequence_number: &str, data: &str) -> Value {
    json!({
        "eventID": format!("shardId-000000000000:{sequence_number}"),
        "eventSource": "aws:kinesis",
        "kinesis": {
            "data": base64::engine::general_purpose::STANDARD.encode(data),
            "partitionKey": "ctr",
            "sequenceNumber": sequence_number,
            "kinesisSchemaVersion": "1.0"
        }
    })
}

/// The shipped fixture CTRs.
pub fn voice_ctr() -> Value {
    fixture("connect/contact-trace-record-voice.json")
}

/// `ctr` as contact `contact_id`: its ContactId and its recordings' locations (which name the
/// contact) replaced, so benchmarks can run many distinct contacts from one fixture.
pub fn ctr_as_contact(ctr: &Value, contact_id: &str) -> Value {
    let mut ctr = ctr.clone();
    let original = ctr["ContactId"].as_str().unwrap_or_default().to_string();
    ctr["ContactId"] = json!(contact_id);
    let relocate = |location: &mut Value| {
        if let Some(text) = location.as_str() {
            *location = json!(text.replace(&original, contact_id));
        }
    };
    relocate(&mut ctr["Recording"]["Location"]);
    if let Some(recordings) = ctr["Recordings"].as_array_mut() {
        for recording in recordings {
            relocate(&mut recording["Location"]);
        }
    }
    ctr
}

pub fn chat_ctr() -> Value {
    fixture("connect/contact-trace-record-chat.json")
}

fn fixture(path: &str) -> Value {
    let path = crate::shared_dir().join("fixtures").join(path);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("json")
}
