//! An in-memory org for the post-call objects, with fault injection to simulate crashes.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use base64::Engine;
use salesforce_client::{Attachment, Record, SalesforceError, UpsertOutcome};
use serde_json::{Value, json};

use crate::ports::{ExistingAttachment, SalesforceWrites};

/// The kind of a [`SalesforceWrites`] call, to count calls and aim injected faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SalesforceCall {
    Upsert,
    Create,
    Update,
    HasField,
    CreateAttachment,
    FindIds,
    Attachments,
}

#[derive(Debug, Clone)]
enum Fault {
    /// Fails before anything is applied.
    Refuse(SalesforceError),
    /// Applies the call, then loses the answer (a timeout after the write committed).
    LoseResponse(SalesforceError),
}

#[derive(Debug, Default)]
struct Org {
    records: BTreeMap<String, Vec<Record>>,
    described_fields: BTreeMap<String, HashSet<String>>,
    next_id: u64,
    calls: Vec<SalesforceCall>,
    faults: Vec<(SalesforceCall, Fault)>,
}

/// Records are kept per object in creation order, each with its `Id`.
#[derive(Debug, Default)]
pub struct MemorySalesforce {
    org: Mutex<Org>,
}

impl MemorySalesforce {
    pub fn new() -> Self {
        Self::default()
    }

    /// An org with the CTI adapter's post-call objects described (namespace blank or `-` for
    /// none), with or without `Region__c`.
    pub fn cti_org(namespace: &str, with_region: bool) -> Self {
        let namespace = crate::namespace::Namespace::parse(namespace).unwrap_or_default();
        let salesforce = Self::new();
        for object in [
            crate::ctr_import::CTR_OBJECT,
            crate::contact_analytics::CCA_OBJECT,
        ] {
            let mut fields = vec!["Id", "Name", "ContactId__c"];
            if with_region {
                fields.push("Region__c");
            }
            salesforce.describe(
                &namespace.apply(object),
                &fields
                    .iter()
                    .map(|field| namespace.apply(field))
                    .collect::<Vec<_>>(),
            );
        }
        salesforce
    }

    /// Declares the fields `has_field` reports for `object`.
    pub fn describe(&self, object: &str, fields: &[String]) {
        self.lock().described_fields.insert(
            object.to_ascii_lowercase(),
            fields
                .iter()
                .map(|field| field.to_ascii_lowercase())
                .collect(),
        );
    }

    /// The next `call` fails with `error` and changes nothing.
    pub fn fail_next(&self, call: SalesforceCall, error: SalesforceError) {
        self.lock().faults.push((call, Fault::Refuse(error)));
    }

    /// The next `call` is applied but answers `error`, as when a response is lost.
    pub fn lose_next_response(&self, call: SalesforceCall, error: SalesforceError) {
        self.lock().faults.push((call, Fault::LoseResponse(error)));
    }

    pub fn records(&self, object: &str) -> Vec<Record> {
        self.lock().records.get(object).cloned().unwrap_or_default()
    }

    pub fn record(&self, object: &str, id: &str) -> Option<Record> {
        self.records(object)
            .into_iter()
            .find(|record| record.get("Id").and_then(Value::as_str) == Some(id))
    }

    /// The attachments on `parent_id` as (name, description, decoded body).
    pub fn attachments(&self, parent_id: &str) -> Vec<(String, Option<String>, Vec<u8>)> {
        self.records("Attachment")
            .into_iter()
            .filter(|record| record.get("ParentId").and_then(Value::as_str) == Some(parent_id))
            .map(|record| {
                let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::to_string);
                let body = base64::engine::general_purpose::STANDARD
                    .decode(text("Body").unwrap_or_default())
                    .unwrap_or_default();
                (text("Name").unwrap_or_default(), text("Description"), body)
            })
            .collect()
    }

    pub fn call_count(&self, call: SalesforceCall) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|made| **made == call)
            .count()
    }

    /// Inserts a record directly (seeding), returning its id.
    pub fn insert(&self, object: &str, fields: Record) -> String {
        self.lock().insert(object, fields)
    }

    fn lock(&self) -> MutexGuard<'_, Org> {
        self.org
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Counts the call and takes its injected fault, if any; a refused call returns early.
    fn begin(
        &self,
        call: SalesforceCall,
    ) -> Result<(MutexGuard<'_, Org>, Option<SalesforceError>), SalesforceError> {
        let mut org = self.lock();
        org.calls.push(call);
        let fault = org
            .faults
            .iter()
            .position(|(aimed, _)| *aimed == call)
            .map(|index| org.faults.remove(index).1);
        match fault {
            Some(Fault::Refuse(error)) => Err(error),
            Some(Fault::LoseResponse(error)) => Ok((org, Some(error))),
            None => Ok((org, None)),
        }
    }
}

fn finish<T>(value: T, lost: Option<SalesforceError>) -> Result<T, SalesforceError> {
    match lost {
        Some(error) => Err(error),
        None => Ok(value),
    }
}

fn not_found(object: &str, id: &str) -> SalesforceError {
    SalesforceError::NotFound {
        error_code: "NOT_FOUND".into(),
        message: format!("no {object} with id {id}"),
    }
}

impl Org {
    fn insert(&mut self, object: &str, mut fields: Record) -> String {
        self.next_id += 1;
        let prefix = match object.to_ascii_lowercase() {
            name if name == "attachment" => "00P",
            name if name.ends_with("ac_contacttracerecord__c") => "a00",
            name if name.ends_with("ac_contactchannelanalytics__c") => "a01",
            _ => "a09",
        };
        let id = format!("{prefix}5e{:013}", self.next_id);
        fields.insert("Id".into(), json!(id));
        self.records
            .entry(object.to_string())
            .or_default()
            .push(fields);
        id
    }

    fn matching(&mut self, object: &str, field: &str, value: &str) -> Vec<&mut Record> {
        self.records
            .get_mut(object)
            .map(|records| {
                records
                    .iter_mut()
                    .filter(|record| record.get(field).and_then(Value::as_str) == Some(value))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[async_trait]
impl SalesforceWrites for MemorySalesforce {
    async fn upsert(
        &self,
        object: &str,
        external_id_field: &str,
        value: &str,
        fields: &Record,
    ) -> Result<UpsertOutcome, SalesforceError> {
        let (mut org, lost) = self.begin(SalesforceCall::Upsert)?;
        let mut matches = org.matching(object, external_id_field, value);
        let outcome = match matches.len() {
            0 => {
                let mut record = fields.clone();
                record.insert(external_id_field.into(), json!(value));
                UpsertOutcome::Created(org.insert(object, record))
            }
            1 => {
                let record = &mut matches[0];
                for (key, field) in fields {
                    record.insert(key.clone(), field.clone());
                }
                let id = record.get("Id").and_then(Value::as_str).unwrap_or_default();
                UpsertOutcome::Updated(id.to_string())
            }
            _ => {
                return Err(SalesforceError::MultipleMatches {
                    object: object.to_string(),
                    matches: matches
                        .iter()
                        .filter_map(|record| record.get("Id").and_then(Value::as_str))
                        .map(str::to_string)
                        .collect(),
                });
            }
        };
        finish(outcome, lost)
    }

    async fn create(&self, object: &str, fields: &Record) -> Result<String, SalesforceError> {
        let (mut org, lost) = self.begin(SalesforceCall::Create)?;
        let id = org.insert(object, fields.clone());
        finish(id, lost)
    }

    async fn update(&self, object: &str, id: &str, fields: &Record) -> Result<(), SalesforceError> {
        let (mut org, lost) = self.begin(SalesforceCall::Update)?;
        let mut matches = org.matching(object, "Id", id);
        let record = matches.first_mut().ok_or_else(|| not_found(object, id))?;
        for (key, value) in fields {
            record.insert(key.clone(), value.clone());
        }
        finish((), lost)
    }

    async fn has_field(&self, object: &str, field: &str) -> Result<bool, SalesforceError> {
        let (org, lost) = self.begin(SalesforceCall::HasField)?;
        let fields = org
            .described_fields
            .get(&object.to_ascii_lowercase())
            .ok_or_else(|| SalesforceError::NotFound {
                error_code: "NOT_FOUND".into(),
                message: format!("the requested resource does not exist: {object}"),
            })?;
        finish(fields.contains(&field.to_ascii_lowercase()), lost)
    }

    async fn create_attachment(&self, attachment: &Attachment) -> Result<String, SalesforceError> {
        let (mut org, lost) = self.begin(SalesforceCall::CreateAttachment)?;
        let mut fields = Record::new();
        fields.insert("Name".into(), json!(attachment.name));
        fields.insert("ParentId".into(), json!(attachment.parent_id));
        fields.insert("ContentType".into(), json!(attachment.content_type));
        if let Some(description) = &attachment.description {
            fields.insert("Description".into(), json!(description));
        }
        fields.insert(
            "Body".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(&attachment.body)),
        );
        let id = org.insert("Attachment", fields);
        finish(id, lost)
    }

    async fn find_ids_by_field(
        &self,
        object: &str,
        field: &str,
        value: &str,
    ) -> Result<Vec<String>, SalesforceError> {
        let (mut org, lost) = self.begin(SalesforceCall::FindIds)?;
        let ids = org
            .matching(object, field, value)
            .iter()
            .filter_map(|record| record.get("Id").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        finish(ids, lost)
    }

    async fn field_by_key(
        &self,
        object: &str,
        field: &str,
        value: &str,
        read: &str,
    ) -> Result<Vec<(String, Option<String>)>, SalesforceError> {
        let (mut org, lost) = self.begin(SalesforceCall::FindIds)?;
        let found = org
            .matching(object, field, value)
            .iter()
            .filter_map(|record| {
                let id = record.get("Id")?.as_str()?.to_string();
                let text = record
                    .get(read)
                    .and_then(Value::as_str)
                    .filter(|text| !text.is_empty())
                    .map(str::to_string);
                Some((id, text))
            })
            .collect();
        finish(found, lost)
    }

    async fn attachments_of(
        &self,
        parent_id: &str,
    ) -> Result<Vec<ExistingAttachment>, SalesforceError> {
        let (mut org, lost) = self.begin(SalesforceCall::Attachments)?;
        let attachments = org
            .matching("Attachment", "ParentId", parent_id)
            .iter()
            .filter_map(|record| {
                Some(ExistingAttachment {
                    id: record.get("Id")?.as_str()?.to_string(),
                    name: record.get("Name")?.as_str()?.to_string(),
                })
            })
            .collect();
        finish(attachments, lost)
    }
}
