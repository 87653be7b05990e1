//! Request and result shapes of the Salesforce operations this package uses.

use serde::{Deserialize, Serialize};

/// A record as Salesforce's REST API returns it (including its `attributes` object).
pub type Record = serde_json::Map<String, serde_json::Value>;

/// What an upsert by external id did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created(String),
    Updated(String),
}

impl UpsertOutcome {
    pub fn id(&self) -> &str {
        match self {
            Self::Created(id) | Self::Updated(id) => id,
        }
    }
}

/// One record's outcome in an sObject Collections request, in request order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CollectionRecordResult {
    #[serde(default)]
    pub id: Option<String>,
    pub success: bool,
    #[serde(default)]
    pub created: Option<bool>,
    #[serde(default)]
    pub errors: Vec<CollectionError>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CollectionError {
    #[serde(rename = "statusCode", default)]
    pub status_code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// A `parameterizedSearch` request (sent as the documented JSON body).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ParameterizedSearch {
    pub q: String,
    /// Search scope: `ALL`, `NAME`, `EMAIL` or `PHONE`.
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sobjects: Vec<SearchObject>,
    #[serde(rename = "overallLimit", skip_serializing_if = "Option::is_none")]
    pub overall_limit: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchObject {
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub where_clause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A Chatter message segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum MessageSegment {
    Text { text: String },
    Mention { id: String },
}

/// A Chatter feed element (post) on a record or user.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedElement {
    /// Usually `FeedItem`.
    pub feed_element_type: String,
    pub subject_id: String,
    pub segments: Vec<MessageSegment>,
}

/// A file attached to a record (the classic `Attachment` object).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub parent_id: String,
    pub name: String,
    pub content_type: String,
    pub description: Option<String>,
    pub body: Vec<u8>,
}
