//! The `sfInvokeAPI` activity: decodes the Connect contact-flow event, runs the requested
//! Salesforce operation under a deadline below Connect's 8-second limit, and returns the flat
//! string map Connect stores as contact attributes. Business rules live in `contact-flow`.

mod handler;
mod settings;

pub use handler::{HandlerError, handle};
pub use settings::{Settings, SettingsError};
