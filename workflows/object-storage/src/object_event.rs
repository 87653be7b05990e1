//! The objects an "object created" event names, in either form the stack receives: an S3 event
//! notification (`Records[].s3`, as S3 notifications, the shared fixtures and `connect-sf
//! invoke` have it) or an EventBridge `Object Created` event (what the deployed rules pass the
//! state machines). Only the fields read here are declared; everything else is tolerated.
//!
//! Keys: S3 notifications URL-encode the key as an HTML form does (`:` → `%3A`, space → `+`),
//! as AWS documents (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html>),
//! and are form-decoded. For EventBridge AWS documents no encoding
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html> shows `key` only by
//! example); keys reported from real events arrive as stored, `+` and `%` included
//! (aws-solutions-library-samples/guidance-for-medialake-on-aws PR #21), and moto sends them so,
//! but AWS's Powertools for Lambda (`S3EventBridgeNotificationObject.key`: `unquote_plus`) and
//! LocalStack treat them as encoded. An EventBridge key is therefore percent-decoded (`%3A` →
//! `:`) with its `+` kept: right either way for every key without `%` and two hex digits, which
//! no Contact Lens analysis, chat transcript or Connect timestamp has (a scheduled report's name
//! is the customer's and could).

use serde::Deserialize;
use serde_json::Value;

use crate::ObjectLocation;

/// What an event is not, said so that the sender can fix it (it names no value of the event).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct ObjectEventError {
    pub reason: String,
}

/// Which form the event came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventForm {
    S3Notification,
    EventBridge,
}

/// One created object, as the event names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedObject {
    pub bucket: String,
    /// The key exactly as the event carries it.
    pub key_as_sent: String,
    pub form: EventForm,
    /// When S3 says the object was created (`eventTime`, EventBridge's `time`), if the event
    /// says.
    pub event_time: Option<String>,
}

impl CreatedObject {
    /// The key as S3 stores it: a notification's key form-decoded, an EventBridge key
    /// percent-decoded (its `+` kept).
    pub fn stored_key(&self) -> Result<String, ObjectEventError> {
        match self.form {
            EventForm::S3Notification => form_decoded(&self.key_as_sent),
            EventForm::EventBridge => percent_decoded(&self.key_as_sent),
        }
    }

    /// The object's location, its key as stored.
    pub fn location(&self) -> Result<ObjectLocation, ObjectEventError> {
        Ok(ObjectLocation::new(self.bucket.clone(), self.stored_key()?))
    }
}

/// A key form-decoded: `+` is a space, then `%XX` a byte of UTF-8.
pub fn form_decoded(key: &str) -> Result<String, ObjectEventError> {
    percent_decoded(&key.replace('+', " "))
}

/// A key percent-decoded: `%XX` (two hex digits) a byte of UTF-8; `+`, and a `%` without two
/// hex digits after it, kept.
pub fn percent_decoded(key: &str) -> Result<String, ObjectEventError> {
    urlencoding::decode(key)
        .map(|decoded| decoded.into_owned())
        .map_err(|_| ObjectEventError {
            reason: "the object key's percent-encoding is not UTF-8".into(),
        })
}

#[derive(Deserialize)]
struct EventBridgeEvent {
    #[serde(rename = "detail-type", default)]
    detail_type: Option<String>,
    #[serde(default)]
    time: Option<String>,
    detail: BucketAndObject,
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
    #[serde(rename = "eventTime", default)]
    event_time: Option<String>,
    s3: BucketAndObject,
}

#[derive(Deserialize)]
struct BucketAndObject {
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

/// Every object `event` says was created, in order (at least one). Any other event (a
/// deletion, no record, neither form) is an error saying what was expected.
pub fn created_objects(event: &Value) -> Result<Vec<CreatedObject>, ObjectEventError> {
    let invalid = |reason: String| ObjectEventError { reason };
    if event.get("Records").is_some() {
        let notification: Notification =
            serde_json::from_value(event.clone()).map_err(|error| {
                invalid(format!(
                    "an S3 notification without Records[].s3.bucket.name and .object.key ({})",
                    redaction::without_quoted_values(&error.to_string())
                ))
            })?;
        if notification.records.is_empty() {
            return Err(invalid("an S3 notification with no record".into()));
        }
        return notification
            .records
            .into_iter()
            .map(|record| {
                if let Some(name) = record.event_name.as_deref()
                    && !name.starts_with("ObjectCreated:")
                {
                    return Err(invalid(format!(
                        "an S3 {name:?} notification, not ObjectCreated"
                    )));
                }
                Ok(CreatedObject {
                    bucket: record.s3.bucket.name,
                    key_as_sent: record.s3.object.key,
                    form: EventForm::S3Notification,
                    event_time: record.event_time,
                })
            })
            .collect();
    }
    if event.get("detail").is_some() || event.get("detail-type").is_some() {
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
        return Ok(vec![CreatedObject {
            bucket: event.detail.bucket.name,
            key_as_sent: event.detail.object.key,
            form: EventForm::EventBridge,
            event_time: event.time,
        }]);
    }
    Err(invalid(
        "expected an EventBridge event {\"detail-type\": \"Object Created\", \"detail\": {\"bucket\": {\"name\"}, \"object\": {\"key\"}}} or an S3 notification {\"Records\": [{\"s3\": {\"bucket\": {\"name\"}, \"object\": {\"key\"}}}]}".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_notification_key_is_form_decoded_and_every_record_is_read() {
        let event = json!({"Records": [
            {"eventName": "ObjectCreated:Put", "eventTime": "2024-03-05T15:15:38.221Z", "s3": {
                "bucket": {"name": "amazon-connect-3e91c4d7a2b8"},
                "object": {"key": "Reports/SFDC/Queue/Queue+Interval-2024-03-05T15%3A15%3A37Z.csv"}}},
            {"s3": {"bucket": {"name": "b"}, "object": {"key": "a+b%2Bc"}}}
        ]});
        let objects = created_objects(&event).unwrap();
        assert_eq!(objects.len(), 2);
        assert_eq!(
            objects[0].stored_key().unwrap(),
            "Reports/SFDC/Queue/Queue Interval-2024-03-05T15:15:37Z.csv"
        );
        assert_eq!(
            objects[0].event_time.as_deref(),
            Some("2024-03-05T15:15:38.221Z")
        );
        assert_eq!(
            objects[1].location().unwrap(),
            ObjectLocation::new("b", "a b+c")
        );
    }

    #[test]
    fn an_eventbridge_key_is_percent_decoded_and_its_plus_kept() {
        let event = json!({"version": "0", "detail-type": "Object Created", "source": "aws.s3",
            "time": "2026-12-01T10:00:01Z",
            "detail": {"bucket": {"name": "b"}, "object": {"key": "Analysis/Chat/c+d%3A.json", "size": 3}}});
        let objects = created_objects(&event).unwrap();
        assert_eq!(objects[0].form, EventForm::EventBridge);
        assert_eq!(objects[0].key_as_sent, "Analysis/Chat/c+d%3A.json");
        assert_eq!(objects[0].stored_key().unwrap(), "Analysis/Chat/c+d:.json");
        assert_eq!(
            objects[0].event_time.as_deref(),
            Some("2026-12-01T10:00:01Z")
        );
        // A key as stored passes unchanged, a lone `%` included.
        for stored in [
            "Analysis/Voice/2024/03/05/c_analysis_2024-03-05T14:23:18Z.json",
            "Reports/SFDC/Queue/Service level 80% (30m)-2024-03-05T15:15:37Z.csv",
        ] {
            assert_eq!(percent_decoded(stored).unwrap(), stored);
        }
    }

    #[test]
    fn anything_but_a_created_object_says_what_was_expected() {
        for (event, says) in [
            (json!({"ctr": {}}), "expected an EventBridge event"),
            (json!({"Records": []}), "no record"),
            (
                json!({"detail-type": "Object Deleted", "detail": {"bucket": {"name": "b"}, "object": {"key": "k"}}}),
                "not \"Object Created\"",
            ),
            (
                json!({"Records": [{"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "b"}, "object": {"key": "k"}}}]}),
                "not ObjectCreated",
            ),
            (
                json!({"Records": [{"s3": {"bucket": {"name": "b"}}}]}),
                ".object.key",
            ),
            (
                json!({"Records": [{"s3": {"bucket": {"name": "b"}, "object": {"key": "%FF"}}}]}),
                "",
            ),
        ] {
            let result = created_objects(&event).and_then(|objects| objects[0].stored_key());
            let error = result.expect_err("not a created object");
            assert!(error.reason.contains(says), "{error}");
        }
    }
}
