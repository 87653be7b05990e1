//! The embedded default `connect-sf` and the end-to-end tests run on: each activity's domain
//! step registered on the local engine under its activity name, exactly as `template.yaml`
//! wires the Lambdas ([`template_wiring`]), with the laptop ports ([`ports`]), and the CTR
//! trigger with a starter whose executions run on the engine ([`post_call_runner`]).
//!
//! **Architecture invariant:** this crate calls the same domain functions the Lambda `main`s
//! call (`activity_contract::run_task`, `contact_flow::handle_invocation`,
//! `post_call_trigger::handle_batch`); it depends on no activity crate.

pub mod contract_check;
pub mod ports;
pub mod post_call_runner;
pub mod task_handlers;
pub mod template_wiring;
