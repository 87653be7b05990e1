//! The CTI adapter namespace lives in `salesforce-client` (every workflow names custom objects with it).

pub use salesforce_client::namespace::{InvalidNamespace, Namespace};
