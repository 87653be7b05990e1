//! The Amazon Connect contact trace record (CTR) and how it arrives on the Kinesis stream.

mod decode;
mod kinesis_event;
mod model;

pub use decode::{MalformedCtr, decode_kinesis_data, parse_ctr_json};
pub use kinesis_event::{KinesisCtrEvent, KinesisCtrRecord, KinesisRecordData};
pub use model::{
    Agent, ContactTraceRecord, Endpoint, HierarchyGroup, HierarchyGroups, Queue, Recording,
    RoutingProfile,
};
