//! The object an event announces: an EventBridge `Object Created` event (what the deployed rule
//! passes the state machine) or an S3 event notification (`Records[0]`, as S3 notifications,
//! the shared fixtures and `connect-sf invoke` have it). Only the fields read here are declared;
//! everything else is tolerated.
//!
//! Keys: S3 notifications URL-encode the key with form encoding (`:` → `%3A`, space → `+`);
//! EventBridge carries it as stored. A percent sequence in an EventBridge key is decoded too
//! (Contact Lens and Connect never write `%` in a key), a `+` is kept.

use object_storage::ObjectLocation;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ContactLensError;

#[derive(Deserialize)]
struct EventBridgeEvent {
    #[serde(rename = "detail-type", default)]
    detail_type: Option<String>,
    detail: EventBridgeDetail,
}

#[derive(Deserialize)]
struct EventBridgeDetail {
    bucket: Named,
    object: Keyed,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct Keyed {
    key: String,
}

#[derive(Deserialize)]
struct Notification {
    #[serde(rename = "Records")]
    records: Vec<NotificationRecord>,
}

#[derive(Deserialize)]
struct NotificationRecord {
    #[serde(rename = "eventName", default)]
    event_name: Option<String>,
    s3: NotificationS3,
}

#[derive(Deserialize)]
struct NotificationS3 {
    bucket: Named,
    object: Keyed,
}

/// The created object's location, its key decoded.
pub fn created_object(event: &Value) -> Result<ObjectLocation, ContactLensError> {
    let invalid = |reason: String| ContactLensError::InvalidEvent { reason };
    if event.get("detail").is_some() {
        let event: EventBridgeEvent = serde_json::from_value(event.clone()).map_err(|error| {
            invalid(format!(
                "an EventBridge event without detail.bucket.name and detail.object.key ({})",
                redaction::without_quoted_values(&error.to_string())
            ))
        })?;
        if let Some(kind) = event.detail_type.as_deref()
            && kind != "Object Created"
        {
            return Err(invalid(format!(
                "an EventBridge {kind:?} event, not \"Object Created\""
            )));
        }
        let key = percent_decoded(&event.detail.object.key)?;
        return Ok(ObjectLocation::new(event.detail.bucket.name, key));
    }
    if event.get("Records").is_some() {
        let notification: Notification =
            serde_json::from_value(event.clone()).map_err(|error| {
                invalid(format!(
                    "an S3 notification without Records[].s3.bucket.name and .object.key ({})",
                    redaction::without_quoted_values(&error.to_string())
                ))
            })?;
        let Some(record) = notification.records.into_iter().next() else {
            return Err(invalid("an S3 notification with no record".into()));
        };
        if let Some(name) = record.event_name.as_deref()
            && !name.starts_with("ObjectCreated:")
        {
            return Err(invalid(format!(
                "an S3 {name:?} notification, not ObjectCreated"
            )));
        }
        let key = form_decoded(&record.s3.object.key)?;
        return Ok(ObjectLocation::new(record.s3.bucket.name, key));
    }
    Err(invalid(
        "expected an EventBridge event {\"detail-type\": \"Object Created\", \"detail\": {\"bucket\": {\"name\"}, \"object\": {\"key\"}}} or an S3 notification {\"Records\": [{\"s3\": {...}}]}".into(),
    ))
}

/// An S3 notification's key: `+` is a space, then percent-decoding.
pub fn form_decoded(key: &str) -> Result<String, ContactLensError> {
    percent_decoded(&key.replace('+', " "))
}

fn percent_decoded(key: &str) -> Result<String, ContactLensError> {
    urlencoding::decode(key)
        .map(|decoded| decoded.into_owned())
        .map_err(|_| ContactLensError::InvalidEvent {
            reason: "the object key's percent-encoding is not UTF-8".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn when_an_s3_notification_key_has_percent_3a_should_decode_it() {
        let event = json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {
            "bucket": {"name": "amazon-connect-3e91c4d7a2b8"},
            "object": {"key": "Analysis/Voice/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_2024-03-05T14%3A23%3A18Z.json"}}}]});
        let location = created_object(&event).unwrap();
        assert_eq!(location.bucket, "amazon-connect-3e91c4d7a2b8");
        assert_eq!(
            location.key,
            "Analysis/Voice/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_2024-03-05T14:23:18Z.json"
        );
        assert_eq!(form_decoded("a+b%2Bc").unwrap(), "a b+c");
    }

    #[test]
    fn when_an_eventbridge_event_arrives_should_read_its_detail() {
        let event = json!({"version": "0", "detail-type": "Object Created", "source": "aws.s3",
            "detail": {"bucket": {"name": "b"}, "object": {"key": "Analysis/Chat/2026/12/01/c_analysis_2026-12-01T10:00:00Z.json", "size": 3}}});
        let location = created_object(&event).unwrap();
        assert_eq!(
            location.key,
            "Analysis/Chat/2026/12/01/c_analysis_2026-12-01T10:00:00Z.json"
        );
    }

    #[test]
    fn when_the_input_is_no_object_event_should_say_what_was_expected() {
        for event in [
            json!({"ctr": {}}),
            json!({"Records": []}),
            json!({"detail-type": "Object Deleted", "detail": {"bucket": {"name": "b"}, "object": {"key": "k"}}}),
            json!({"Records": [{"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}}]}),
        ] {
            let error = created_object(&event).unwrap_err();
            assert_eq!(
                activity_contract::NamedError::error_name(&error),
                "InvalidEvent",
                "{error}"
            );
        }
    }
}
