//! One module per group of `sf_operation`s; each reads its parameters, calls Salesforce once
//! (or not at all) and shapes the flow result.

pub(crate) mod chatter;
pub(crate) mod lookup;
pub(crate) mod phone_lookup;
pub(crate) mod query;
pub(crate) mod records;
pub(crate) mod search;
