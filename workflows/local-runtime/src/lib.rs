//! The embedded default the `connect-sf` commands and the end-to-end tests share: activity
//! handlers registered on the local engine exactly as the template wires the Lambdas, the
//! local adapters of the post-call ports, and the CTR trigger with a starter that runs each
//! execution on the engine.

pub mod activity_handlers;
pub mod local_ports;
pub mod post_call_runner;
pub mod template_wiring;
