//! One Kinesis batch → one execution per CTR.

use post_call::PackageSwitches;
use serde::Serialize;
use serde_json::json;

use crate::{
    execution_name::execution_name,
    kinesis_event::{KinesisCtrEvent, KinesisCtrRecord},
    starter::{ExecutionStarter, StartOutcome},
};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerReport {
    /// Sequence numbers of records to retry (Lambda's partial batch response).
    pub batch_item_failures: Vec<String>,
    pub started: Vec<StartedExecution>,
    pub skipped: Vec<SkippedRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartedExecution {
    pub contact_id: String,
    pub execution_name: String,
    /// `None` when the execution existed already (a redelivered record).
    pub execution_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedRecord {
    pub sequence_number: String,
    pub reason: String,
}

/// Starts the post-call workflow for every CTR of the batch, in order.
pub async fn trigger_post_call(
    event: &KinesisCtrEvent,
    switches: &PackageSwitches,
    starter: &dyn ExecutionStarter,
) -> TriggerReport {
    let mut report = TriggerReport::default();
    for record in &event.records {
        start_one(record, switches, starter, &mut report).await;
    }
    report
}

async fn start_one(
    record: &KinesisCtrRecord,
    switches: &PackageSwitches,
    starter: &dyn ExecutionStarter,
    report: &mut TriggerReport,
) {
    let sequence_number = record.kinesis.sequence_number.clone();
    let ctr = match record.decode() {
        Ok(ctr) => ctr,
        Err(malformed) => {
            tracing::warn!(sequence_number = %sequence_number, reason = %redaction::redact_personal_data(&malformed.to_string()), "skipping a malformed CTR record");
            report.skipped.push(SkippedRecord {
                sequence_number,
                reason: malformed.to_string(),
            });
            return;
        }
    };
    let name = execution_name(&ctr.contact_id, ctr.last_update_timestamp.as_deref());
    let input = json!({ "ctr": ctr, "switches": switches, "executionName": name });
    match starter.start_execution(&name, &input).await {
        Ok(outcome) => {
            let execution_arn = match outcome {
                StartOutcome::Started { execution_arn } => Some(execution_arn),
                StartOutcome::AlreadyStarted => None,
            };
            tracing::info!(contact_id = %ctr.contact_id, execution = %name, already_started = execution_arn.is_none(), "post-call workflow started");
            report.started.push(StartedExecution {
                contact_id: ctr.contact_id,
                execution_name: name,
                execution_arn,
            });
        }
        Err(error) => {
            tracing::error!(contact_id = %ctr.contact_id, sequence_number = %sequence_number, error = %redaction::redact_personal_data(&error.to_string()), "could not start the post-call workflow; the record will be retried");
            report.batch_item_failures.push(sequence_number);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use async_trait::async_trait;
    use base64::Engine;

    use super::*;
    use crate::starter::StartError;

    /// Remembers names like Step Functions does; fails for names in `failing`.
    #[derive(Default)]
    struct RecordingStarter {
        started: Mutex<Vec<(String, serde_json::Value)>>,
        failing: Vec<String>,
    }

    #[async_trait]
    impl ExecutionStarter for RecordingStarter {
        async fn start_execution(
            &self,
            name: &str,
            input: &serde_json::Value,
        ) -> Result<StartOutcome, StartError> {
            if self.failing.iter().any(|failing| failing == name) {
                return Err(StartError {
                    message: "ThrottlingException".into(),
                });
            }
            let mut started = self.started.lock().expect("lock");
            if started.iter().any(|(existing, _)| existing == name) {
                return Ok(StartOutcome::AlreadyStarted);
            }
            started.push((name.to_string(), input.clone()));
            Ok(StartOutcome::Started {
                execution_arn: format!("arn:aws:states:us-west-2:1:execution:post-call:{name}"),
            })
        }
    }

    fn record(sequence: &str, data: &str) -> serde_json::Value {
        json!({"eventID": format!("shardId-000:{sequence}"), "kinesis": {"data": data, "partitionKey": "p", "sequenceNumber": sequence}})
    }

    fn ctr_data(contact_id: &str) -> String {
        base64::engine::general_purpose::STANDARD
            .encode(json!({"ContactId": contact_id, "Channel": "CHAT", "Agent": null, "Queue": null, "Recording": null}).to_string())
    }

    fn event(records: Vec<serde_json::Value>) -> KinesisCtrEvent {
        serde_json::from_value(json!({ "Records": records })).expect("event")
    }

    #[tokio::test]
    async fn each_ctr_starts_one_execution_named_after_its_contact_with_ctr_and_switches() {
        let starter = RecordingStarter::default();
        let switches = PackageSwitches::default();
        let report = trigger_post_call(
            &event(vec![
                record("1", &ctr_data("c-1")),
                record("2", &ctr_data("c-2")),
            ]),
            &switches,
            &starter,
        )
        .await;
        assert!(report.batch_item_failures.is_empty());
        let started = starter.started.lock().expect("lock").clone();
        assert_eq!(started.len(), 2);
        assert_eq!(started[0].0, "contact-c-1");
        assert_eq!(started[0].1["ctr"]["ContactId"], "c-1");
        assert_eq!(
            started[0].1["switches"],
            serde_json::to_value(&switches).expect("switches")
        );
    }

    #[tokio::test]
    async fn a_redelivered_record_starts_nothing_new() {
        let starter = RecordingStarter::default();
        let batch = event(vec![record("1", &ctr_data("c-1"))]);
        trigger_post_call(&batch, &PackageSwitches::default(), &starter).await;
        let again = trigger_post_call(&batch, &PackageSwitches::default(), &starter).await;
        assert_eq!(starter.started.lock().expect("lock").len(), 1);
        assert_eq!(again.started[0].execution_arn, None);
        assert!(again.batch_item_failures.is_empty());
    }

    #[tokio::test]
    async fn malformed_records_are_skipped_with_the_reason_and_the_rest_still_start() {
        let starter = RecordingStarter::default();
        let not_json = base64::engine::general_purpose::STANDARD.encode("not json");
        let no_contact = base64::engine::general_purpose::STANDARD.encode(r#"{"Channel":"VOICE"}"#);
        let report = trigger_post_call(
            &event(vec![
                record("1", "%%% not base64"),
                record("2", &not_json),
                record("3", &no_contact),
                record("4", &ctr_data("c-4")),
            ]),
            &PackageSwitches::default(),
            &starter,
        )
        .await;
        assert!(
            report.batch_item_failures.is_empty(),
            "poison records are not retried"
        );
        let reasons: Vec<(&str, &str)> = report
            .skipped
            .iter()
            .map(|skipped| (skipped.sequence_number.as_str(), skipped.reason.as_str()))
            .collect();
        assert_eq!(reasons.len(), 3);
        assert!(reasons[0].1.contains("not base64"), "{reasons:?}");
        assert!(reasons[1].1.contains("not UTF-8 JSON"), "{reasons:?}");
        assert!(reasons[2].1.contains("no ContactId"), "{reasons:?}");
        assert_eq!(report.started.len(), 1);
    }

    #[tokio::test]
    async fn records_that_could_not_be_started_are_reported_for_retry() {
        let starter = RecordingStarter {
            failing: vec!["contact-c-2".into()],
            ..RecordingStarter::default()
        };
        let report = trigger_post_call(
            &event(vec![
                record("1", &ctr_data("c-1")),
                record("2", &ctr_data("c-2")),
                record("3", &ctr_data("c-3")),
            ]),
            &PackageSwitches::default(),
            &starter,
        )
        .await;
        assert_eq!(report.batch_item_failures, vec!["2".to_string()]);
        assert_eq!(report.started.len(), 2);
    }
}
