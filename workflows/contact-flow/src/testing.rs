//! An in-memory, recording [`SalesforceApi`] for tests (enabled by the `testing` feature), and
//! a reader for the shared Connect flow-event fixtures.

use std::path::PathBuf;
use std::sync::Mutex;

use async_trait::async_trait;
use salesforce_client::{
    FeedElement, MessageSegment, ParameterizedSearch, Record, SalesforceError,
};

use crate::parameters::FlowParameters;
use crate::port::SalesforceApi;

/// One call the code under test made.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Create {
        object: String,
        fields: Record,
    },
    Update {
        object: String,
        id: String,
        fields: Record,
    },
    Delete {
        object: String,
        id: String,
    },
    Query(String),
    Search(String),
    /// The request body exactly as the real client would send it.
    ParameterizedSearch(serde_json::Value),
    FeedElement {
        feed_element_type: String,
        subject_id: String,
        segments: Vec<MessageSegment>,
    },
    Comment {
        feed_element_id: String,
        segments: Vec<MessageSegment>,
    },
}

/// Records every call and answers with canned values: `records` for queries and searches,
/// `created_id` for creates and Chatter posts, `status` for update/delete, or `failure` for all.
#[derive(Debug)]
pub struct RecordingSalesforce {
    calls: Mutex<Vec<Call>>,
    pub records: Vec<Record>,
    pub created_id: String,
    pub status: u16,
    pub failure: Option<SalesforceError>,
}

impl Default for RecordingSalesforce {
    fn default() -> Self {
        Self {
            calls: Mutex::new(Vec::new()),
            records: Vec::new(),
            created_id: "5005e00001Hn2WQAAZ".into(),
            status: 204,
            failure: None,
        }
    }
}

impl RecordingSalesforce {
    /// Answers queries and searches with these records.
    pub fn returning(records: Vec<Record>) -> Self {
        Self {
            records,
            ..Self::default()
        }
    }

    /// Fails every call with this error.
    pub fn failing(error: SalesforceError) -> Self {
        Self {
            failure: Some(error),
            ..Self::default()
        }
    }

    /// The calls made so far, in order.
    pub fn calls(&self) -> Vec<Call> {
        self.calls
            .lock()
            .map(|calls| calls.clone())
            .unwrap_or_default()
    }

    fn record(&self, call: Call) -> Result<(), SalesforceError> {
        if let Ok(mut calls) = self.calls.lock() {
            calls.push(call);
        }
        match &self.failure {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }
}

#[async_trait]
impl SalesforceApi for RecordingSalesforce {
    async fn create(&self, object: &str, fields: &Record) -> Result<String, SalesforceError> {
        self.record(Call::Create {
            object: object.into(),
            fields: fields.clone(),
        })?;
        Ok(self.created_id.clone())
    }

    async fn update(
        &self,
        object: &str,
        id: &str,
        fields: &Record,
    ) -> Result<u16, SalesforceError> {
        self.record(Call::Update {
            object: object.into(),
            id: id.into(),
            fields: fields.clone(),
        })?;
        Ok(self.status)
    }

    async fn delete(&self, object: &str, id: &str) -> Result<u16, SalesforceError> {
        self.record(Call::Delete {
            object: object.into(),
            id: id.into(),
        })?;
        Ok(self.status)
    }

    async fn query(&self, soql: &str) -> Result<Vec<Record>, SalesforceError> {
        self.record(Call::Query(soql.into()))?;
        Ok(self.records.clone())
    }

    async fn search(&self, sosl: &str) -> Result<Vec<Record>, SalesforceError> {
        self.record(Call::Search(sosl.into()))?;
        Ok(self.records.clone())
    }

    async fn parameterized_search(
        &self,
        search: &ParameterizedSearch,
    ) -> Result<Vec<Record>, SalesforceError> {
        let body = serde_json::to_value(search).unwrap_or_default();
        self.record(Call::ParameterizedSearch(body))?;
        Ok(self.records.clone())
    }

    async fn post_feed_element(&self, element: &FeedElement) -> Result<String, SalesforceError> {
        self.record(Call::FeedElement {
            feed_element_type: element.feed_element_type.clone(),
            subject_id: element.subject_id.clone(),
            segments: element.segments.clone(),
        })?;
        Ok(self.created_id.clone())
    }

    async fn post_comment(
        &self,
        feed_element_id: &str,
        segments: &[MessageSegment],
    ) -> Result<String, SalesforceError> {
        self.record(Call::Comment {
            feed_element_id: feed_element_id.into(),
            segments: segments.to_vec(),
        })?;
        Ok(self.created_id.clone())
    }
}

/// The shared reference directory: `CONNECT_SF_SHARED_DIR`, else `../../../shared` from this
/// crate (the repository's sibling `shared/`).
pub fn shared_dir() -> PathBuf {
    std::env::var_os("CONNECT_SF_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// `Details.Parameters` of `fixtures/connect/flow-event-<name>.json`. Panics (test helper) when
/// the file is missing or malformed, naming the path.
pub fn fixture_parameters(name: &str) -> FlowParameters {
    let path = shared_dir().join(format!("fixtures/connect/flow-event-{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let event: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()));
    FlowParameters::from_json(&event["Details"]["Parameters"])
        .unwrap_or_else(|error| panic!("{} has bad parameters: {error}", path.display()))
}

/// A record from JSON (test convenience); anything but an object gives an empty record.
pub fn record(value: serde_json::Value) -> Record {
    match value {
        serde_json::Value::Object(map) => map,
        _ => Record::new(),
    }
}

/// A fixed clock for tests: 2024-03-05T14:30:15Z (the fixtures' day).
pub fn fixed_now() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2024, 3, 5, 14, 30, 15)
        .single()
        .unwrap_or_default()
}

/// The result as sorted `(key, value)` pairs, for compact assertions.
pub fn pairs(result: &std::collections::BTreeMap<String, String>) -> Vec<(&str, &str)> {
    result
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect()
}
