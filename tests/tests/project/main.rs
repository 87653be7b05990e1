//! The project's own shape: the SAM template, the crate map's invariants over `cargo metadata`,
//! one name per step and one error contract between the state machines and the activities,
//! each schedule file deployed as its template schedule.

mod architecture;
mod diagrams;
mod error_contract;
mod monitoring;
mod schedules;
mod setup_helper;
mod template;
