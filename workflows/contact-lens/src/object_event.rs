//! The analysis or transcript an event announces: the first object of an EventBridge
//! `Object Created` event or an S3 event notification (`object_storage::object_event`, which
//! both imports share), its key as stored (a notification's form-decoded, an EventBridge
//! key's percent-encoding decoded).

use object_storage::ObjectLocation;
use object_storage::object_event::{ObjectEventError, created_objects};
use serde_json::Value;

use crate::error::ContactLensError;

/// The created object's location, its key as S3 stores it.
pub fn created_object(event: &Value) -> Result<ObjectLocation, ContactLensError> {
    let invalid = |error: ObjectEventError| ContactLensError::InvalidEvent {
        reason: error.reason,
    };
    let objects = created_objects(event).map_err(invalid)?;
    let Some(first) = objects.first() else {
        return Err(ContactLensError::InvalidEvent {
            reason: "the event names no object".into(),
        });
    };
    first.location().map_err(invalid)
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
    fn when_an_eventbridge_key_has_percent_3a_should_decode_it() {
        let event = json!({"version": "0", "detail-type": "Object Created", "source": "aws.s3",
            "detail": {"bucket": {"name": "b"}, "object": {"key": "Analysis/Chat/2026/12/01/c_analysis_2026-12-01T10%3A00%3A00Z.json"}}});
        assert_eq!(
            created_object(&event).unwrap().key,
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
