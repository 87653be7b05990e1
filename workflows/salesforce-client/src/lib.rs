//! Salesforce REST API client used by every activity that reads or writes Salesforce.
//!
//! It owns the whole conversation with an org: credentials (read once per container from
//! Secrets Manager or a local source), the three OAuth grants, an in-memory bearer token that is
//! refreshed once (single-flight) on `INVALID_SESSION_ID`, request timeouts, retries with
//! backoff for transient failures of idempotent calls, typed errors carrying Salesforce's
//! `errorCode`, the `Sforce-Limit-Info` usage header, and the escaping helpers that every value
//! must pass through before it meets SOQL or SOSL.

pub mod api_usage;
pub mod auth;
pub mod client;
pub mod config;
pub mod credentials;
pub mod describe;
pub mod error;
pub mod escape;
pub mod names;
pub mod namespace;
pub mod records;
pub mod step_errors;
mod transport;

pub use api_usage::ApiUsage;
pub use auth::AuthGrant;
pub use client::SalesforceClient;
pub use config::{ApiVersion, AuthGrantChoice, RetryPolicy, SalesforceConfig};
pub use credentials::{
    CredentialSource, CredentialsError, SalesforceCredentials, StaticCredentials,
};
pub use describe::{DescribeField, ObjectDescribe};
pub use error::{SalesforceError, SalesforceErrorKind};
pub use names::{ApiName, NameError, RecordId};
pub use records::{
    Attachment, CollectionError, CollectionRecordResult, FeedElement, MessageSegment,
    ParameterizedSearch, Record, SearchObject, UpsertOutcome,
};
