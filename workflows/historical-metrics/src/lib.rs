//! Amazon Connect's historical queue and agent metrics into Salesforce.
//!
//! Two sources write the same records: Connect's scheduled reports, exported as CSV to the
//! reporting bucket ([`report`], the Task [`steps::ImportHistoricalReport`] of
//! `statemachines/historical-report-import.asl.json`, the old package's path), and the
//! scheduled GetMetricDataV2 sync ([`api_sync`]). Both build a [`record::HistoricalRecord`] per
//! queue or agent and interval, turn it into the object's record against the org's cached
//! describe ([`record::ObjectTarget`]) with the old package's `AC_Record_Id__c`
//! ([`objects::record_id`]), and upsert it with sObject Collections through
//! [`ports::HistoricalWrites`], so a customer can switch sources without duplicates.

pub mod api_sync;
pub mod error;
pub mod mapping;
pub mod objects;
pub mod ports;
pub mod record;
pub mod report;
pub mod settings;
pub mod steps;
pub mod telemetry;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{ImportError, ImportErrorKind};
pub use objects::{HistoricalObject, record_id};
pub use settings::HistoricalSettings;
