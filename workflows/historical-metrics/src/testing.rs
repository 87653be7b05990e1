//! In-memory test doubles (feature `testing`): an org with the CTI adapter's two historical
//! objects, counting describes and collection calls, with per-record refusals and outages on
//! demand.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use salesforce_client::{
    ApiUsage, SalesforceError,
    describe::ObjectDescribe,
    namespace::Namespace,
    records::{CollectionError, CollectionRecordResult, Record},
};
use serde_json::json;

use crate::mapping::field_for_header;
use crate::objects::{
    CREATED_DATE_FIELD, END_INTERVAL_FIELD, HistoricalObject, OBJECT_NAME_FIELD, RECORD_ID_FIELD,
    REGION_FIELD, START_INTERVAL_FIELD,
};
use crate::ports::{COLLECTION_LIMIT, HistoricalWrites};

/// The queue report's metric columns as Connect names them (the CTI adapter has a field each).
pub const QUEUE_REPORT_COLUMNS: &[&str] = &[
    "Contacts queued",
    "Contacts handled",
    "Contacts abandoned",
    "Contacts handled incoming",
    "Contacts handled outbound",
    "Contacts transferred out",
    "Contacts put on hold",
    "Contacts hold disconnect",
    "Contacts agent hung up first",
    "Average queue answer time",
    "Average queue abandon time",
    "Average handle time",
    "Average after contact work time",
    "Average customer hold time",
    "Average agent interaction time",
    "Average agent interaction and customer hold time",
    "Maximum queued time",
    "After contact work time",
    "Agent on contact time",
    "Service level 20 seconds",
    "Service level 60 seconds",
    "Agent non-response",
    "Agent non-response without customer abandons",
    "Contacts handled (connected to agent timestamp)",
];

/// The agent report's metric columns.
pub const AGENT_REPORT_COLUMNS: &[&str] = &[
    "Agent on contact time",
    "Agent idle time",
    "Non-Productive Time",
    "Online time",
    "Error status time",
    "After contact work time",
    "Average after contact work time",
    "Average handle time",
    "Average customer hold time",
    "Average agent interaction and customer hold time",
    "Average agent interaction time",
    "Agent interaction time",
    "Agent interaction and hold time",
    "Contacts handled",
    "Contacts handled incoming",
    "Contacts handled outbound",
    "Contacts put on hold",
    "Contacts hold disconnect",
    "Contacts transferred out",
    "Contacts agent hung up first",
    "Agent answer rate",
    "Agent non-response",
    "Occupancy",
];

/// The report columns of `object`.
pub fn report_columns(object: HistoricalObject) -> &'static [&'static str] {
    match object {
        HistoricalObject::Queue => QUEUE_REPORT_COLUMNS,
        HistoricalObject::Agent => AGENT_REPORT_COLUMNS,
    }
}

/// The fields (name, type) the CTI adapter gives `object`, without the namespace.
pub fn cti_fields(object: HistoricalObject, with_region: bool) -> Vec<(String, &'static str)> {
    let mut fields = vec![
        ("Name".to_string(), "string"),
        (RECORD_ID_FIELD.to_string(), "string"),
        (OBJECT_NAME_FIELD.to_string(), "string"),
        (START_INTERVAL_FIELD.to_string(), "datetime"),
        (END_INTERVAL_FIELD.to_string(), "datetime"),
        (CREATED_DATE_FIELD.to_string(), "datetime"),
    ];
    for column in report_columns(object) {
        let lower = column.to_lowercase();
        let kind = if lower.contains("service level")
            || lower.contains("rate")
            || lower.contains("occupancy")
        {
            "percent"
        } else {
            "double"
        };
        fields.push((field_for_header(column), kind));
    }
    if with_region {
        fields.push((REGION_FIELD.to_string(), "string"));
    }
    fields
}

/// An in-memory org for the historical writes.
#[derive(Debug)]
pub struct MemoryHistoricalOrg {
    state: Mutex<OrgState>,
}

#[derive(Debug, Default)]
struct OrgState {
    namespace: Namespace,
    /// Object API name (lower case) → its fields (name, type).
    objects: BTreeMap<String, Vec<(String, String)>>,
    /// (object lower case, external id) → the record as last upserted (fields merged).
    records: BTreeMap<(String, String), Record>,
    describe_calls: usize,
    upsert_calls: usize,
    records_sent: usize,
    /// External ids refused with (code, times left).
    refusals: BTreeMap<String, (String, u32)>,
    /// Collection calls that fail as a whole: (error, times left).
    outage: Option<(SalesforceError, u32)>,
    /// The org's daily API usage now ([`MemoryHistoricalOrg::set_api_usage`]).
    usage: Option<ApiUsage>,
    /// The usage the last call's response reported, as the client keeps it.
    reported: Option<ApiUsage>,
    limits_calls: usize,
}

impl MemoryHistoricalOrg {
    /// Both objects with the CTI adapter's fields under `namespace` (blank or `-`: none), and
    /// `Region__c` when `with_region`.
    pub fn cti(namespace: &str, with_region: bool) -> Self {
        let namespace = Namespace::parse(namespace).unwrap_or_default();
        let mut objects = BTreeMap::new();
        for object in HistoricalObject::ALL {
            let fields = cti_fields(object, with_region)
                .into_iter()
                .map(|(name, kind)| (namespace.apply(&name), kind.to_string()))
                .collect();
            objects.insert(namespace.apply(object.api_name()).to_lowercase(), fields);
        }
        Self {
            state: Mutex::new(OrgState {
                namespace,
                objects,
                ..OrgState::default()
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, OrgState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn object_key(state: &OrgState, object: HistoricalObject) -> String {
        state.namespace.apply(object.api_name()).to_lowercase()
    }

    /// Removes `field` (without the namespace) from `object`, as an org on an older adapter.
    pub fn without_field(self, object: HistoricalObject, field: &str) -> Self {
        {
            let mut state = self.lock();
            let name = state.namespace.apply(field);
            let key = Self::object_key(&state, object);
            if let Some(fields) = state.objects.get_mut(&key) {
                fields.retain(|(existing, _)| !existing.eq_ignore_ascii_case(&name));
            }
        }
        self
    }

    /// Adds `field` (without the namespace) of `kind` (`double`, `string`, …) to `object`.
    pub fn with_field(self, object: HistoricalObject, field: &str, kind: &str) -> Self {
        {
            let mut state = self.lock();
            let name = state.namespace.apply(field);
            let key = Self::object_key(&state, object);
            state
                .objects
                .entry(key)
                .or_default()
                .push((name, kind.to_string()));
        }
        self
    }

    /// The record upserted under `record_id`.
    pub fn record(&self, object: HistoricalObject, record_id: &str) -> Option<Record> {
        let state = self.lock();
        let key = (Self::object_key(&state, object), record_id.to_string());
        state.records.get(&key).cloned()
    }

    /// Every record of `object`, by record id.
    pub fn records(&self, object: HistoricalObject) -> BTreeMap<String, Record> {
        let state = self.lock();
        let key = Self::object_key(&state, object);
        state
            .records
            .iter()
            .filter(|((stored, _), _)| *stored == key)
            .map(|((_, id), record)| (id.clone(), record.clone()))
            .collect()
    }

    pub fn describe_calls(&self) -> usize {
        self.lock().describe_calls
    }

    /// (sObject Collections calls, records sent) so far.
    pub fn upserts(&self) -> (usize, usize) {
        let state = self.lock();
        (state.upsert_calls, state.records_sent)
    }

    /// Refuses the record `record_id` with `code` the next `times` times it is sent.
    pub fn refuse(&self, record_id: &str, code: &str, times: u32) {
        self.lock()
            .refusals
            .insert(record_id.to_string(), (code.to_string(), times));
    }

    /// The org has used `used` of its `max` daily API requests: every later response (a
    /// describe, a collection call, a `limits` request) reports it.
    pub fn set_api_usage(&self, used: u64, max: u64) {
        self.lock().usage = Some(ApiUsage { used, max });
    }

    /// `limits` requests ([`HistoricalWrites::refresh_api_usage`]) so far.
    pub fn limits_calls(&self) -> usize {
        self.lock().limits_calls
    }

    /// The next `times` collection calls fail with `error`.
    pub fn fail_upserts(&self, error: SalesforceError, times: u32) {
        self.lock().outage = Some((error, times));
    }
}

#[async_trait]
impl HistoricalWrites for MemoryHistoricalOrg {
    async fn describe(&self, object: &str) -> Result<Arc<ObjectDescribe>, SalesforceError> {
        let mut state = self.lock();
        state.describe_calls += 1;
        state.reported = state.usage;
        let Some(fields) = state.objects.get(&object.to_lowercase()) else {
            return Err(SalesforceError::UnknownObject {
                error_code: "NOT_FOUND".into(),
                message: format!("The requested resource does not exist: {object}"),
            });
        };
        let fields: Vec<serde_json::Value> = fields
            .iter()
            .map(|(name, kind)| {
                json!({"name": name, "type": kind, "externalId": name.ends_with(RECORD_ID_FIELD),
                       "createable": true, "updateable": true})
            })
            .collect();
        serde_json::from_value(json!({"name": object, "fields": fields}))
            .map(Arc::new)
            .map_err(|error| SalesforceError::UnexpectedResponse(error.to_string()))
    }

    async fn upsert_records(
        &self,
        object: &str,
        external_id_field: &str,
        records: &[Record],
    ) -> Result<Vec<CollectionRecordResult>, SalesforceError> {
        let mut state = self.lock();
        state.upsert_calls += 1;
        state.reported = state.usage;
        if records.len() > COLLECTION_LIMIT {
            return Err(SalesforceError::Rejected {
                status: 400,
                error_code: "EXCEEDED_ID_LIMIT".into(),
                message: format!("record limit exceeded: {} records", records.len()),
            });
        }
        if let Some((error, times)) = state.outage.take() {
            if times > 1 {
                state.outage = Some((error.clone(), times - 1));
            }
            return Err(error);
        }
        state.records_sent += records.len();
        let object_key = object.to_lowercase();
        let mut results = Vec::with_capacity(records.len());
        for record in records {
            let id = record
                .get(external_id_field)
                .and_then(|value| value.as_str())
                .unwrap_or_default()
                .to_string();
            let refused = match state.refusals.get_mut(&id) {
                Some((code, times)) if *times > 0 => {
                    *times -= 1;
                    Some(code.clone())
                }
                _ => None,
            };
            if let Some(code) = refused {
                results.push(CollectionRecordResult {
                    id: None,
                    success: false,
                    created: None,
                    errors: vec![CollectionError {
                        status_code: code,
                        message: "refused by the test org".into(),
                        fields: Vec::new(),
                    }],
                });
                continue;
            }
            let key = (object_key.clone(), id);
            let created = !state.records.contains_key(&key);
            let stored = state.records.entry(key).or_default();
            for (field, value) in record {
                stored.insert(field.clone(), value.clone());
            }
            results.push(CollectionRecordResult {
                id: Some("a03000000000001AAA".into()),
                success: true,
                created: Some(created),
                errors: Vec::new(),
            });
        }
        Ok(results)
    }

    fn api_usage(&self) -> Option<ApiUsage> {
        self.lock().reported
    }

    async fn refresh_api_usage(&self) -> Result<Option<ApiUsage>, SalesforceError> {
        let mut state = self.lock();
        state.limits_calls += 1;
        state.reported = state.usage;
        Ok(state.reported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_memory_org_merges_upserts_and_refuses_more_than_a_call_takes() {
        let org = MemoryHistoricalOrg::cti("amazonconnect", false);
        let object = "amazonconnect__AC_HistoricalQueueMetrics__c";
        let describe = org.describe(object).await.expect("describe");
        assert!(describe.has_field("amazonconnect__contacts_queued__c"));
        let record = |queued: f64| {
            let mut record = Record::new();
            record.insert("amazonconnect__AC_Record_Id__c".into(), json!("Billing1"));
            record.insert("amazonconnect__Contacts_queued__c".into(), json!(queued));
            record
        };
        let field = "amazonconnect__AC_Record_Id__c";
        let results = org
            .upsert_records(object, field, &[record(1.0)])
            .await
            .expect("upsert");
        assert_eq!(results[0].created, Some(true));
        org.upsert_records(object, field, &[record(2.0)])
            .await
            .expect("upsert");
        let records = org.records(HistoricalObject::Queue);
        assert_eq!(records.len(), 1);
        assert_eq!(
            records["Billing1"]["amazonconnect__Contacts_queued__c"],
            2.0
        );
        let too_many = vec![record(3.0); 201];
        assert!(org.upsert_records(object, field, &too_many).await.is_err());
    }
}
