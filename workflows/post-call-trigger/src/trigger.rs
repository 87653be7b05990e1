//! One Kinesis batch → one execution per CTR, and every record either started, kept aside
//! with its reason, or returned for a retry.
//!
//! | record | what happens |
//! |---|---|
//! | a CTR whose input fits | started with `{ctr, switches, executionName}` |
//! | a CTR whose input is over [`INLINE_INPUT_LIMIT`], or refused as too large/invalid | CTR stored under `ctr-inputs/`, started with `{ctrReference, switches, executionName}` |
//! | not base64, not JSON, no ContactId | quarantined with the reason, reported as skipped |
//! | StartExecution refused for good (validation, name) | quarantined with the reason, skipped |
//! | StartExecution throttled, 5xx, timed out, or the deployment is wrong | `batchItemFailures` |
//! | storing the CTR or the quarantined record failed | `batchItemFailures` (nothing lost) |

use chrono::{DateTime, Utc};
use post_call::PackageSwitches;
use post_call::ports::ObjectLocation;
use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    execution_name::execution_name,
    kinesis_event::{KinesisCtrEvent, KinesisCtrRecord},
    records::{QuarantineReason, RecordStore},
    starter::{ExecutionStarter, StartError, StartErrorKind, StartOutcome},
};

/// Step Functions' limit on an execution's input and on every state's data: 256 KiB of UTF-8.
pub const STEP_FUNCTIONS_DATA_LIMIT: usize = 256 * 1024;

/// What the workflow adds to its state on the way (the Task envelope, the plan, each branch's
/// results, a failure's error and cause): an input must leave this much room under
/// [`STEP_FUNCTIONS_DATA_LIMIT`], or a later state would fail with `States.DataLimitExceeded`.
pub const WORKFLOW_STATE_ROOM: usize = 32 * 1024;

/// The largest execution input the trigger starts with the CTR inline (224 KiB); a larger one
/// passes the CTR by reference.
pub const INLINE_INPUT_LIMIT: usize = STEP_FUNCTIONS_DATA_LIMIT - WORKFLOW_STATE_ROOM;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerReport {
    /// Sequence numbers of records to retry (Lambda's partial batch response).
    pub batch_item_failures: Vec<String>,
    pub started: Vec<StartedExecution>,
    /// Records set aside for good, each kept in the quarantine with its reason.
    pub skipped: Vec<SkippedRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartedExecution {
    pub contact_id: String,
    pub execution_name: String,
    /// `None` when the execution existed already (a redelivered record).
    pub execution_arn: Option<String>,
    /// Where the CTR was stored when it was passed by reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctr_reference: Option<ObjectLocation>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedRecord {
    pub sequence_number: String,
    /// Why the record was set aside (personal data masked).
    pub reason: String,
    /// The quarantined record: its data as delivered, and the reason.
    pub kept_at: ObjectLocation,
}

/// Starts the post-call workflow for every CTR of the batch, in order. `now` dates a
/// quarantined record whose event gives no arrival time.
pub async fn trigger_post_call(
    event: &KinesisCtrEvent,
    switches: &PackageSwitches,
    starter: &dyn ExecutionStarter,
    records: &RecordStore,
    now: DateTime<Utc>,
) -> TriggerReport {
    let mut report = TriggerReport::default();
    let trigger = Trigger {
        switches,
        starter,
        records,
        now,
    };
    for record in &event.records {
        trigger.start_one(record, &mut report).await;
    }
    report
}

struct Trigger<'a> {
    switches: &'a PackageSwitches,
    starter: &'a dyn ExecutionStarter,
    records: &'a RecordStore,
    now: DateTime<Utc>,
}

/// The contact a record belongs to, once decoded.
struct Contact<'a> {
    id: &'a str,
    execution_name: &'a str,
}

impl Trigger<'_> {
    async fn start_one(&self, record: &KinesisCtrRecord, report: &mut TriggerReport) {
        let ctr = match record.decode() {
            Ok(ctr) => ctr,
            Err(malformed) => {
                let reason = malformed.to_string();
                self.quarantine(
                    record,
                    QuarantineReason::MalformedRecord,
                    &reason,
                    None,
                    report,
                )
                .await;
                return;
            }
        };
        let name = execution_name(&ctr.contact_id, ctr.last_update_timestamp.as_deref());
        let contact = Contact {
            id: &ctr.contact_id,
            execution_name: &name,
        };
        let inline = json!({ "ctr": ctr, "switches": self.switches, "executionName": name });
        let inline_bytes = inline.to_string().len();
        let started = if inline_bytes > INLINE_INPUT_LIMIT {
            tracing::info!(contact_id = %contact.id, execution = %name, input_bytes = inline_bytes, limit = INLINE_INPUT_LIMIT, "the execution input is too large to carry the CTR; passing it by reference");
            self.start_by_reference(&ctr, &contact).await
        } else {
            match self.starter.start_execution(&name, &inline).await {
                Err(error) if error.kind == StartErrorKind::InputRefused => {
                    tracing::warn!(contact_id = %contact.id, execution = %name, input_bytes = inline_bytes, error = %redaction::redact_personal_data(&error.to_string()), "Step Functions refused the input; passing the CTR by reference");
                    self.start_by_reference(&ctr, &contact).await
                }
                other => other.map(|outcome| (outcome, None)).map_err(Failure::Start),
            }
        };
        match started {
            Ok((outcome, ctr_reference)) => {
                let execution_arn = match outcome {
                    StartOutcome::Started { execution_arn } => Some(execution_arn),
                    StartOutcome::AlreadyStarted => None,
                };
                tracing::info!(contact_id = %contact.id, execution = %name, already_started = execution_arn.is_none(), by_reference = ctr_reference.is_some(), "post-call workflow started");
                report.started.push(StartedExecution {
                    contact_id: ctr.contact_id.clone(),
                    execution_name: name.clone(),
                    execution_arn,
                    ctr_reference,
                });
            }
            Err(Failure::Start(error)) if error.is_permanent() => {
                let reason = redaction::redact_personal_data(&error.to_string());
                self.quarantine(
                    record,
                    QuarantineReason::StartRefused,
                    &reason,
                    Some(&contact),
                    report,
                )
                .await;
            }
            Err(failure) => {
                tracing::error!(contact_id = %contact.id, sequence_number = %record.kinesis.sequence_number, error = %redaction::redact_personal_data(&failure.to_string()), "could not start the post-call workflow; the record will be retried");
                report
                    .batch_item_failures
                    .push(record.kinesis.sequence_number.clone());
            }
        }
    }

    /// Stores the CTR, then starts the execution with `ctrReference` instead of `ctr`.
    async fn start_by_reference(
        &self,
        ctr: &post_call::ContactTraceRecord,
        contact: &Contact<'_>,
    ) -> Result<(StartOutcome, Option<ObjectLocation>), Failure> {
        let location = self
            .records
            .keep_ctr_input(contact.execution_name, ctr)
            .await
            .map_err(|error| Failure::Store(error.to_string()))?;
        let input: Value = json!({
            "ctrReference": location,
            "switches": self.switches,
            "executionName": contact.execution_name,
        });
        let outcome = self
            .starter
            .start_execution(contact.execution_name, &input)
            .await
            .map_err(Failure::Start)?;
        Ok((outcome, Some(location)))
    }

    /// Keeps `record` in the quarantine and reports it skipped; when even that fails, returns
    /// it for a retry so nothing is lost.
    async fn quarantine(
        &self,
        record: &KinesisCtrRecord,
        kind: QuarantineReason,
        reason: &str,
        contact: Option<&Contact<'_>>,
        report: &mut TriggerReport,
    ) {
        let sequence_number = &record.kinesis.sequence_number;
        let reason = redaction::redact_personal_data(reason);
        let kept = self
            .records
            .quarantine(
                record,
                kind,
                &reason,
                contact.map(|contact| (contact.id, contact.execution_name)),
                self.now,
            )
            .await;
        match kept {
            Ok(kept_at) => {
                tracing::warn!(sequence_number = %sequence_number, contact_id = contact.map(|c| c.id), reason = %reason, kept_at = %kept_at, "record set aside in the quarantine, not retried");
                report.skipped.push(SkippedRecord {
                    sequence_number: sequence_number.clone(),
                    reason,
                    kept_at,
                });
            }
            Err(error) => {
                tracing::error!(sequence_number = %sequence_number, contact_id = contact.map(|c| c.id), reason = %reason, error = %redaction::redact_personal_data(&error.to_string()), "could not keep the record in the quarantine; it will be retried");
                report.batch_item_failures.push(sequence_number.clone());
            }
        }
    }
}

/// Why a record was not started.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Start(StartError),
    #[error("the CTR could not be stored to pass it by reference: {0}")]
    Store(String),
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;
    use base64::Engine;
    use chrono::TimeZone;
    use post_call::ports::{ObjectStore, ObjectVersion, StoreError, StoredObject};
    use post_call::testing::MemoryObjectStore;

    use super::*;

    const BUCKET: &str = "ctr-records";

    /// Remembers names like Step Functions does and refuses inputs over its limit; fails the
    /// names in `failing` with their error.
    #[derive(Default)]
    struct RecordingStarter {
        started: Mutex<Vec<(String, Value)>>,
        failing: BTreeMap<String, StartError>,
    }

    #[async_trait]
    impl ExecutionStarter for RecordingStarter {
        async fn start_execution(
            &self,
            name: &str,
            input: &Value,
        ) -> Result<StartOutcome, StartError> {
            if let Some(error) = self.failing.get(name) {
                return Err(error.clone());
            }
            if input.to_string().len() > STEP_FUNCTIONS_DATA_LIMIT {
                return Err(StartError::input_refused(
                    "InvalidExecutionInput: too large",
                ));
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

    impl RecordingStarter {
        fn failing(failures: &[(&str, StartError)]) -> Self {
            Self {
                failing: failures
                    .iter()
                    .map(|(name, error)| ((*name).to_string(), error.clone()))
                    .collect(),
                ..Self::default()
            }
        }

        fn inputs(&self) -> Vec<(String, Value)> {
            self.started.lock().expect("lock").clone()
        }
    }

    /// A store that is down.
    struct DownStore;

    #[async_trait]
    impl ObjectStore for DownStore {
        async fn get(&self, location: &ObjectLocation) -> Result<Option<Vec<u8>>, StoreError> {
            Err(down(location))
        }
        async fn get_versioned(
            &self,
            location: &ObjectLocation,
        ) -> Result<Option<StoredObject>, StoreError> {
            Err(down(location))
        }
        async fn put_if_version(
            &self,
            location: &ObjectLocation,
            _: &[u8],
            _: &ObjectVersion,
        ) -> Result<bool, StoreError> {
            Err(down(location))
        }
        async fn put(&self, location: &ObjectLocation, _: &[u8]) -> Result<(), StoreError> {
            Err(down(location))
        }
        async fn put_if_absent(
            &self,
            location: &ObjectLocation,
            _: &[u8],
        ) -> Result<bool, StoreError> {
            Err(down(location))
        }
    }

    fn down(location: &ObjectLocation) -> StoreError {
        StoreError::Unavailable {
            location: location.to_string(),
            message: "SlowDown (HTTP 503)".into(),
        }
    }

    struct Setup {
        store: Arc<MemoryObjectStore>,
        records: RecordStore,
    }

    fn setup() -> Setup {
        let store = Arc::new(MemoryObjectStore::new());
        Setup {
            records: RecordStore::new(store.clone(), BUCKET),
            store,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 5, 14, 30, 0).unwrap()
    }

    fn record(sequence: &str, data: &str) -> Value {
        json!({"eventID": format!("shardId-000:{sequence}"), "kinesis": {"data": data, "partitionKey": "p", "sequenceNumber": sequence}})
    }

    fn encode(text: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(text)
    }

    fn ctr_data(contact_id: &str) -> String {
        encode(&json!({"ContactId": contact_id, "Channel": "CHAT", "Agent": null, "Queue": null, "Recording": null}).to_string())
    }

    /// A CTR whose attributes alone take `bytes` bytes of UTF-8.
    fn large_ctr_data(contact_id: &str, bytes: usize) -> String {
        let note = "會".repeat(bytes / 3);
        encode(
            &json!({"ContactId": contact_id, "Channel": "VOICE", "Attributes": {"note": note}})
                .to_string(),
        )
    }

    fn event(records: Vec<Value>) -> KinesisCtrEvent {
        serde_json::from_value(json!({ "Records": records })).expect("event")
    }

    async fn run(setup: &Setup, starter: &RecordingStarter, records: Vec<Value>) -> TriggerReport {
        trigger_post_call(
            &event(records),
            &PackageSwitches::default(),
            starter,
            &setup.records,
            now(),
        )
        .await
    }

    async fn stored_json(setup: &Setup, location: &ObjectLocation) -> Value {
        let bytes = setup
            .store
            .get(location)
            .await
            .expect("get")
            .expect("stored");
        serde_json::from_slice(&bytes).expect("JSON")
    }

    #[tokio::test]
    async fn each_ctr_starts_one_execution_named_after_its_contact_with_ctr_and_switches() {
        let setup = setup();
        let starter = RecordingStarter::default();
        let report = run(
            &setup,
            &starter,
            vec![record("1", &ctr_data("c-1")), record("2", &ctr_data("c-2"))],
        )
        .await;
        assert!(report.batch_item_failures.is_empty());
        let started = starter.inputs();
        assert_eq!(started.len(), 2);
        assert_eq!(started[0].0, "contact-c-1");
        assert_eq!(started[0].1["ctr"]["ContactId"], "c-1");
        assert_eq!(
            started[0].1["switches"],
            serde_json::to_value(PackageSwitches::default()).expect("switches")
        );
        assert!(report.started.iter().all(|s| s.ctr_reference.is_none()));
        assert!(setup.store.locations().is_empty(), "nothing stored");
    }

    #[tokio::test]
    async fn a_redelivered_record_starts_nothing_new() {
        let setup = setup();
        let starter = RecordingStarter::default();
        run(&setup, &starter, vec![record("1", &ctr_data("c-1"))]).await;
        let again = run(&setup, &starter, vec![record("1", &ctr_data("c-1"))]).await;
        assert_eq!(starter.inputs().len(), 1);
        assert_eq!(again.started[0].execution_arn, None);
        assert!(again.batch_item_failures.is_empty());
    }

    #[tokio::test]
    async fn a_ctr_too_large_for_the_input_is_stored_and_passed_by_reference() {
        let setup = setup();
        let starter = RecordingStarter::default();
        let report = run(
            &setup,
            &starter,
            vec![record("1", &large_ctr_data("big", 300 * 1024))],
        )
        .await;
        assert!(report.batch_item_failures.is_empty() && report.skipped.is_empty());
        let (name, input) = starter.inputs().remove(0);
        assert_eq!(name, "contact-big");
        assert!(input.get("ctr").is_none(), "the CTR never enters the state");
        let reference = ObjectLocation::new(BUCKET, "ctr-inputs/contact-big.json");
        assert_eq!(input["ctrReference"], json!(reference));
        assert_eq!(input["executionName"], "contact-big");
        assert!(
            input.to_string().len() < 2048,
            "{}",
            input.to_string().len()
        );
        assert_eq!(report.started[0].ctr_reference, Some(reference.clone()));
        let stored = stored_json(&setup, &reference).await;
        assert_eq!(stored["ContactId"], "big");
        assert_eq!(
            stored["Attributes"]["note"].as_str().map(str::len),
            Some(300 * 1024 / 3 * 3)
        );

        // Redelivered: the same object again, and nothing new starts.
        let again = run(
            &setup,
            &starter,
            vec![record("1", &large_ctr_data("big", 300 * 1024))],
        )
        .await;
        assert_eq!(again.started[0].execution_arn, None);
        assert_eq!(setup.store.locations(), vec![reference]);
    }

    #[tokio::test]
    async fn an_input_just_under_the_inline_limit_travels_inline_and_just_over_by_reference() {
        let setup = setup();
        let starter = RecordingStarter::default();
        // The input as the trigger builds it, with an empty note: what the note may add.
        let room = |contact_id: &str| {
            let ctr: post_call::ContactTraceRecord = serde_json::from_value(
                json!({"ContactId": contact_id, "Channel": "VOICE", "Attributes": {"note": ""}}),
            )
            .expect("a CTR");
            let input = json!({"ctr": ctr, "switches": PackageSwitches::default(), "executionName": format!("contact-{contact_id}")});
            INLINE_INPUT_LIMIT - input.to_string().len()
        };
        let under = room("under");
        let over = room("above");
        run(
            &setup,
            &starter,
            vec![
                record("1", &large_ctr_data("under", under - under % 3)),
                record("2", &large_ctr_data("above", over - over % 3 + 3)),
            ],
        )
        .await;
        let inputs = starter.inputs();
        assert!(inputs[0].1.get("ctr").is_some());
        let bytes = inputs[0].1.to_string().len();
        assert!(
            bytes <= INLINE_INPUT_LIMIT && bytes > INLINE_INPUT_LIMIT - 3,
            "{bytes}"
        );
        assert!(inputs[1].1.get("ctrReference").is_some());
    }

    #[tokio::test]
    async fn an_input_step_functions_refuses_as_invalid_is_retried_by_reference() {
        let setup = setup();
        // Refused inline, accepted by reference: the name stays the same.
        struct RefusesInlineCtrs(RecordingStarter);
        #[async_trait]
        impl ExecutionStarter for RefusesInlineCtrs {
            async fn start_execution(
                &self,
                name: &str,
                input: &Value,
            ) -> Result<StartOutcome, StartError> {
                if input.get("ctr").is_some() {
                    return Err(StartError::input_refused(
                        "InvalidExecutionInput (HTTP 400): Invalid State Machine Execution Input",
                    ));
                }
                self.0.start_execution(name, input).await
            }
        }
        let starter = RefusesInlineCtrs(RecordingStarter::default());
        let report = trigger_post_call(
            &event(vec![record("1", &ctr_data("c-1"))]),
            &PackageSwitches::default(),
            &starter,
            &setup.records,
            now(),
        )
        .await;
        assert!(report.batch_item_failures.is_empty());
        let inputs = starter.0.inputs();
        assert_eq!(inputs[0].0, "contact-c-1");
        assert_eq!(
            inputs[0].1["ctrReference"]["key"],
            "ctr-inputs/contact-c-1.json"
        );
    }

    #[tokio::test]
    async fn malformed_records_are_quarantined_with_the_reason_and_the_rest_still_start() {
        let setup = setup();
        let starter = RecordingStarter::default();
        let not_json = encode("not json +12065550143");
        let no_contact = encode(r#"{"Channel":"VOICE"}"#);
        let report = run(
            &setup,
            &starter,
            vec![
                record("1", "%%% not base64"),
                record("2", &not_json),
                record("3", &no_contact),
                record("4", &ctr_data("c-4")),
            ],
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

        // Each is kept: the data as delivered and the reason, one object per record.
        for (skipped, data) in
            report
                .skipped
                .iter()
                .zip(["%%% not base64", not_json.as_str(), no_contact.as_str()])
        {
            assert_eq!(skipped.kept_at.bucket, BUCKET);
            assert_eq!(
                skipped.kept_at.key,
                format!(
                    "quarantine/ctr-trigger/2024-03-05/{}.json",
                    skipped.sequence_number
                )
            );
            let kept = stored_json(&setup, &skipped.kept_at).await;
            assert_eq!(kept["data"], data);
            assert_eq!(kept["reason"], skipped.reason.as_str());
            assert_eq!(kept["reasonKind"], "MalformedRecord");
            assert_eq!(kept["sequenceNumber"], skipped.sequence_number.as_str());
            assert_eq!(kept["partitionKey"], "p");
        }
    }

    #[tokio::test]
    async fn a_permanent_start_error_is_quarantined_and_a_transient_one_retried() {
        let setup = setup();
        let starter = RecordingStarter::failing(&[
            (
                "contact-c-1",
                StartError::refused("InvalidName (HTTP 400): Invalid Name: 'contact-c-1'"),
            ),
            (
                "contact-c-2",
                StartError::unavailable("ThrottlingException (HTTP 400): Rate exceeded"),
            ),
            (
                "contact-c-3",
                StartError::misconfigured(
                    "StateMachineDoesNotExist (HTTP 400): State Machine Does Not Exist",
                ),
            ),
        ]);
        let report = run(
            &setup,
            &starter,
            vec![
                record("1", &ctr_data("c-1")),
                record("2", &ctr_data("c-2")),
                record("3", &ctr_data("c-3")),
                record("4", &ctr_data("c-4")),
            ],
        )
        .await;
        assert_eq!(report.batch_item_failures, vec!["2", "3"]);
        assert_eq!(report.started.len(), 1);
        assert_eq!(report.skipped.len(), 1);
        let skipped = &report.skipped[0];
        assert_eq!(skipped.sequence_number, "1");
        assert!(skipped.reason.contains("InvalidName"), "{}", skipped.reason);
        let kept = stored_json(&setup, &skipped.kept_at).await;
        assert_eq!(kept["reasonKind"], "StartRefused");
        assert_eq!(kept["contactId"], "c-1");
        assert_eq!(kept["executionName"], "contact-c-1");
        assert_eq!(kept["data"], ctr_data("c-1"));
    }

    #[tokio::test]
    async fn a_refused_execution_by_reference_is_quarantined_too() {
        let setup = setup();
        let starter = RecordingStarter::failing(&[(
            "contact-big",
            StartError::refused("ValidationException (HTTP 400): 1 validation error detected"),
        )]);
        let report = run(
            &setup,
            &starter,
            vec![record("1", &large_ctr_data("big", 300 * 1024))],
        )
        .await;
        assert!(report.batch_item_failures.is_empty());
        assert_eq!(report.skipped.len(), 1);
        let kept = stored_json(&setup, &report.skipped[0].kept_at).await;
        assert_eq!(kept["reasonKind"], "StartRefused");
    }

    #[tokio::test]
    async fn when_nothing_can_be_kept_the_record_is_retried_not_lost() {
        let records = RecordStore::new(Arc::new(DownStore), BUCKET);
        let starter = RecordingStarter::failing(&[(
            "contact-c-2",
            StartError::refused("InvalidName (HTTP 400)"),
        )]);
        let report = trigger_post_call(
            &event(vec![
                record("1", "%%% not base64"),
                record("2", &ctr_data("c-2")),
                record("3", &large_ctr_data("big", 300 * 1024)),
                record("4", &ctr_data("c-4")),
            ]),
            &PackageSwitches::default(),
            &starter,
            &records,
            now(),
        )
        .await;
        assert_eq!(report.batch_item_failures, vec!["1", "2", "3"]);
        assert!(report.skipped.is_empty());
        assert_eq!(report.started.len(), 1);
        assert_eq!(starter.inputs().len(), 1, "only c-4 started");
    }

    #[tokio::test]
    async fn reasons_in_the_report_never_carry_a_phone_number_or_an_e_mail_address() {
        let setup = setup();
        let starter = RecordingStarter::failing(&[(
            "contact-c-1",
            StartError::refused(
                "ValidationException (HTTP 400): Value '+12065550143' or 'priya@example.com' at 'input'",
            ),
        )]);
        let report = run(&setup, &starter, vec![record("1", &ctr_data("c-1"))]).await;
        let reason = &report.skipped[0].reason;
        assert!(
            !reason.contains("2065550143") && !reason.contains("priya@example.com"),
            "{reason}"
        );
    }
}
