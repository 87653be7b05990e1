//! Domain library of the `sfInvokeAPI` contact-flow activity.
//!
//! Amazon Connect flows pass a flat map of string parameters (`sf_operation` plus inputs); this
//! crate validates them, builds every SOQL/SOSL text with escaping (no value supplied at call
//! time can change a query's meaning), calls Salesforce through the narrow [`SalesforceApi`]
//! port and returns the flat string map Connect accepts (under its 32 KB limit). It knows
//! nothing of Lambda: the activity's `main` and the local runner both call
//! [`handle_invocation`] with the contact-flow event.

pub mod api_name;
pub mod chatter_template;
pub mod date_formula;
pub mod error;
pub mod flatten;
pub mod invocation;
pub mod invoke;
pub mod operation;
mod operations;
pub mod parameters;
pub mod phone;
pub mod phone_metadata;
pub mod placeholders;
pub mod port;
pub mod record_id;
pub mod soql_builder;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::InvokeError;
pub use invocation::{InvocationError, InvocationSettings, handle_invocation};
pub use invoke::{InvokeOptions, invoke, invoke_with};
pub use operation::Operation;
pub use parameters::FlowParameters;
pub use port::SalesforceApi;
