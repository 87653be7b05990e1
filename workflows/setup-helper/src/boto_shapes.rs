//! The body in the shapes the old package returned: a boto3 response serialised with
//! `json.dumps`, so its members are the API's PascalCase names, `ResponseMetadata` rides along,
//! and a timestamp is Python's `str(datetime)` text (`2026-12-01 18:14:19.682000+00:00`).

use chrono::{DateTime, Timelike, Utc};
use serde_json::{Map, Value, json};

use crate::ports::{ResponseMetadata, Shard, StreamDescription};

/// `str()` of a UTC `datetime`: microseconds only when there are any.
pub fn python_datetime_text(time: DateTime<Utc>) -> String {
    let micros = time.nanosecond() / 1_000 % 1_000_000;
    if micros == 0 {
        time.format("%Y-%m-%d %H:%M:%S+00:00").to_string()
    } else {
        format!("{}.{micros:06}+00:00", time.format("%Y-%m-%d %H:%M:%S"))
    }
}

/// `members` plus boto3's `ResponseMetadata` (its request id and status; headers are not kept).
pub fn with_metadata(mut members: Map<String, Value>, metadata: &ResponseMetadata) -> Value {
    let mut response = Map::new();
    if let Some(request_id) = &metadata.request_id {
        response.insert("RequestId".to_string(), Value::String(request_id.clone()));
    }
    response.insert("HTTPStatusCode".to_string(), json!(200));
    members.insert("ResponseMetadata".to_string(), Value::Object(response));
    Value::Object(members)
}

fn insert_some(members: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        members.insert(key.to_string(), Value::String(value.clone()));
    }
}

fn shard(shard: &Shard) -> Value {
    let mut members = Map::new();
    members.insert("ShardId".to_string(), json!(shard.shard_id));
    insert_some(&mut members, "ParentShardId", &shard.parent_shard_id);
    insert_some(
        &mut members,
        "AdjacentParentShardId",
        &shard.adjacent_parent_shard_id,
    );
    members.insert(
        "HashKeyRange".to_string(),
        json!({"StartingHashKey": shard.starting_hash_key, "EndingHashKey": shard.ending_hash_key}),
    );
    let mut sequence = Map::new();
    sequence.insert(
        "StartingSequenceNumber".to_string(),
        json!(shard.starting_sequence_number),
    );
    insert_some(
        &mut sequence,
        "EndingSequenceNumber",
        &shard.ending_sequence_number,
    );
    members.insert("SequenceNumberRange".to_string(), Value::Object(sequence));
    Value::Object(members)
}

/// DescribeStream's `StreamDescription`, member by member as boto3 returns it.
pub fn stream_description(description: &StreamDescription) -> Value {
    let mut members = Map::new();
    members.insert("StreamName".to_string(), json!(description.stream_name));
    members.insert("StreamARN".to_string(), json!(description.stream_arn));
    members.insert("StreamStatus".to_string(), json!(description.stream_status));
    if let Some(mode) = &description.stream_mode {
        members.insert("StreamModeDetails".to_string(), json!({"StreamMode": mode}));
    }
    members.insert(
        "Shards".to_string(),
        Value::Array(description.shards.iter().map(shard).collect()),
    );
    members.insert(
        "HasMoreShards".to_string(),
        json!(description.has_more_shards),
    );
    members.insert(
        "RetentionPeriodHours".to_string(),
        json!(description.retention_period_hours),
    );
    members.insert(
        "StreamCreationTimestamp".to_string(),
        json!(python_datetime_text(description.stream_creation_timestamp)),
    );
    members.insert(
        "EnhancedMonitoring".to_string(),
        Value::Array(
            description
                .enhanced_monitoring
                .iter()
                .map(|metrics| json!({"ShardLevelMetrics": metrics}))
                .collect(),
        ),
    );
    insert_some(&mut members, "EncryptionType", &description.encryption_type);
    insert_some(&mut members, "KeyId", &description.key_id);
    Value::Object(members)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn timestamps_read_as_python_prints_them() {
        let whole = Utc
            .with_ymd_and_hms(2026, 12, 1, 18, 14, 19)
            .single()
            .expect("valid");
        assert_eq!(python_datetime_text(whole), "2026-12-01 18:14:19+00:00");
        let fraction = whole + chrono::Duration::microseconds(682_000);
        assert_eq!(
            python_datetime_text(fraction),
            "2026-12-01 18:14:19.682000+00:00"
        );
    }

    #[test]
    fn metadata_carries_the_request_id_when_there_is_one() {
        let body = with_metadata(
            Map::new(),
            &ResponseMetadata {
                request_id: Some("r-1".to_string()),
            },
        );
        assert_eq!(
            body,
            json!({"ResponseMetadata": {"RequestId": "r-1", "HTTPStatusCode": 200}})
        );
        let body = with_metadata(Map::new(), &ResponseMetadata::default());
        assert_eq!(body, json!({"ResponseMetadata": {"HTTPStatusCode": 200}}));
    }
}
