//! Which reports an event names: every object an S3 event notification or an EventBridge
//! `Object Created` event says was created (`object_storage::object_event`, which both imports
//! share), under a `…/SFDC/Queue/` or `…/SFDC/Agent/` folder, with the time it was created.

use object_storage::object_event::{EventForm, ObjectEventError, created_objects, form_decoded};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ImportError;
use crate::objects::HistoricalObject;
use crate::ports::ObjectLocation;

/// One report to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportObject {
    pub location: ObjectLocation,
    /// The keys read instead, in order, when `location` does not exist: the key exactly as the
    /// event sent it, and for an EventBridge event the key form-decoded too (`+` a space), so
    /// a report is found whether or not EventBridge encoded its key.
    #[serde(skip)]
    pub alternative_keys: Vec<String>,
    pub object: HistoricalObject,
    /// When S3 says the object was created: every record's `Created_Date__c`.
    pub event_time: String,
}

/// The reports `event` names, in order.
pub fn reports_of(event: &Value) -> Result<Vec<ReportObject>, ImportError> {
    let not_a_report = |error: ObjectEventError| ImportError::NotAReport {
        reason: error.reason,
    };
    created_objects(event)
        .map_err(not_a_report)?
        .into_iter()
        .map(|created| {
            // A key that does not decode (`%C0`) can only be the key as stored.
            let key = created
                .stored_key()
                .unwrap_or_else(|_| created.key_as_sent.clone());
            let mut alternative_keys = vec![created.key_as_sent.clone()];
            if created.form == EventForm::EventBridge
                && let Ok(decoded) = form_decoded(&created.key_as_sent)
            {
                alternative_keys.push(decoded);
            }
            let Some(event_time) = created.event_time else {
                return Err(ImportError::NotAReport {
                    reason: "the event does not say when the report was created (Records[].eventTime, or EventBridge's time): every record's Created_Date__c".into(),
                });
            };
            report(&created.bucket, key, alternative_keys, event_time)
        })
        .collect()
}

fn report(
    bucket: &str,
    key: String,
    mut alternative_keys: Vec<String>,
    event_time: String,
) -> Result<ReportObject, ImportError> {
    let object = object_of_key(&key).ok_or_else(|| ImportError::NotAReport {
        reason: format!(
            "s3://{bucket}/{key} is not under a …/SFDC/Queue/ or …/SFDC/Agent/ prefix, where Connect's scheduled reports for Salesforce are exported"
        ),
    })?;
    if chrono::DateTime::parse_from_rfc3339(&event_time).is_err() {
        return Err(ImportError::NotAReport {
            reason: format!("the event's time {event_time:?} is not an ISO 8601 date and time"),
        });
    }
    Ok(ReportObject {
        location: ObjectLocation::new(bucket, key.clone()),
        alternative_keys: {
            alternative_keys.retain(|alternative| *alternative != key);
            alternative_keys.dedup();
            alternative_keys
        },
        object,
        event_time,
    })
}

/// `SFDC/Queue/` or `SFDC/Agent/` as a prefix or after any `/` of the key (any instance alias,
/// any year); anything else is not a report for Salesforce.
pub fn object_of_key(key: &str) -> Option<HistoricalObject> {
    HistoricalObject::ALL.into_iter().find(|object| {
        let segment = format!("SFDC/{}/", object.name_column());
        key.starts_with(&segment) || key.contains(&format!("/{segment}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn notification(key: &str) -> Value {
        json!({"Records": [{
            "eventTime": "2024-03-05T15:15:38.221Z",
            "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": "amazon-connect-3e91c4d7a2b8"}, "object": {"key": key, "size": 1439}}
        }]})
    }

    #[test]
    fn when_a_notification_names_a_queue_report_should_decode_its_key_as_a_form() {
        let reports = reports_of(&notification(
            "connect/northwind-care/Reports/SFDC/Queue/Queue+Interval+30m-2024-03-05T15%3A15%3A37Z.csv",
        ))
        .expect("report");
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].object, HistoricalObject::Queue);
        assert_eq!(
            reports[0].location.key,
            "connect/northwind-care/Reports/SFDC/Queue/Queue Interval 30m-2024-03-05T15:15:37Z.csv"
        );
        assert_eq!(reports[0].event_time, "2024-03-05T15:15:38.221Z");
        // A literal plus is %2B.
        assert_eq!(
            form_decoded("SFDC/Agent/A%2BB+C.csv").expect("key"),
            "SFDC/Agent/A+B C.csv"
        );
    }

    #[test]
    fn when_an_eventbridge_event_names_an_agent_report_should_keep_its_key() {
        let event = json!({
            "version": "0", "detail-type": "Object Created", "source": "aws.s3",
            "time": "2024-03-05T15:15:42Z", "region": "us-west-2",
            "detail": {"bucket": {"name": "amazon-connect-3e91c4d7a2b8"},
                       "object": {"key": "connect/x/Reports/SFDC/Agent/Agent Interval 30m-2024-03-05T15:15:41Z.csv"},
                       "reason": "PutObject"}
        });
        let reports = reports_of(&event).expect("report");
        assert_eq!(reports[0].object, HistoricalObject::Agent);
        assert!(
            reports[0]
                .location
                .key
                .ends_with("Agent Interval 30m-2024-03-05T15:15:41Z.csv")
        );
        assert_eq!(reports[0].event_time, "2024-03-05T15:15:42Z");
        assert!(
            reports[0].alternative_keys.is_empty(),
            "nothing was decoded"
        );
    }

    #[test]
    fn when_an_eventbridge_key_decodes_to_another_key_should_fall_back_to_it_as_sent() {
        // A report named with a literal "%41": as stored if EventBridge sent it raw.
        let event = json!({
            "version": "0", "detail-type": "Object Created", "source": "aws.s3",
            "time": "2024-03-05T15:15:42Z", "region": "us-west-2",
            "detail": {"bucket": {"name": "amazon-connect-3e91c4d7a2b8"},
                       "object": {"key": "SFDC/Queue/Top%41+queues.csv"},
                       "reason": "PutObject"}
        });
        let reports = reports_of(&event).expect("report");
        assert_eq!(reports[0].location.key, "SFDC/Queue/TopA+queues.csv");
        assert_eq!(
            reports[0].alternative_keys,
            ["SFDC/Queue/Top%41+queues.csv", "SFDC/Queue/TopA queues.csv"]
        );
        // Encoded as a notification encodes it (if EventBridge did): the spaces are found too.
        let mut encoded = event.clone();
        encoded["detail"]["object"]["key"] = json!("SFDC/Agent/Agent+Interval+30m.csv");
        let reports = reports_of(&encoded).expect("report");
        assert_eq!(reports[0].location.key, "SFDC/Agent/Agent+Interval+30m.csv");
        assert_eq!(
            reports[0].alternative_keys,
            ["SFDC/Agent/Agent Interval 30m.csv"]
        );
    }

    #[test]
    fn when_the_key_is_not_under_sfdc_queue_or_agent_should_say_so() {
        for key in [
            "connect/x/Reports/Other/Queue/r.csv",
            "connect/x/Reports/SFDCQueue/r.csv",
            "connect/x/Reports/SFDC/Queues/r.csv",
        ] {
            let error = reports_of(&notification(key)).expect_err(key);
            assert!(error.to_string().contains("SFDC/Queue/"), "{error}");
        }
        assert_eq!(
            object_of_key("SFDC/Agent/r.csv"),
            Some(HistoricalObject::Agent)
        );
        assert_eq!(
            object_of_key("any/depth/2025/SFDC/Queue/r.csv"),
            Some(HistoricalObject::Queue)
        );
    }

    #[test]
    fn when_the_event_is_something_else_should_name_what_it_expected() {
        for event in [
            json!({"hello": 1}),
            json!({"Records": []}),
            json!({"Records": [{"eventTime": "2024-03-05T15:15:38Z", "eventName": "ObjectRemoved:Delete",
                               "s3": {"bucket": {"name": "b"}, "object": {"key": "SFDC/Queue/r.csv"}}}]}),
            json!({"detail-type": "Object Deleted", "time": "2024-03-05T15:15:38Z",
                   "detail": {"bucket": {"name": "b"}, "object": {"key": "SFDC/Queue/r.csv"}}}),
        ] {
            let error = reports_of(&event).expect_err("not a report");
            assert_eq!(
                activity_contract::NamedError::error_name(&error),
                "HistoricalReport.NotAReport"
            );
        }
    }
}
