//! The answer the wizard reads: `{"success": true, "body": "<JSON text>"}`, or
//! `{"success": false, "body": "<what went wrong>"}` (plain text, as the old package sent it).

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupResponse {
    pub success: bool,
    pub body: String,
}

impl SetupResponse {
    /// `result` serialised as the body's JSON text.
    pub fn success(result: &Value) -> Self {
        Self {
            success: true,
            body: result.to_string(),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            success: false,
            body: message.into(),
        }
    }

    /// The body parsed back (for a successful answer).
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
}
