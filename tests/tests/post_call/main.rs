//! The post-call workflow end to end, on the embedded default and on moto: one test binary for
//! the area.

mod faults;
mod on_moto;
mod redrive;
mod trigger_keeps_every_record;
mod workflow;
