//! The Amazon Connect contact trace record (CTR) and how one is decoded from a stream record.

mod decode;
mod model;
pub mod reference;

pub use decode::{MalformedCtr, decode_kinesis_data, parse_ctr_json};
pub use model::{
    Agent, ContactTraceRecord, Endpoint, HierarchyGroup, HierarchyGroups, Queue, Recording,
    RoutingProfile,
};
pub use reference::{
    CTR_INPUTS_PREFIX, ContactState, CtrSource, NoOtherFields, ctr_input_key, read_stored_ctr,
};
