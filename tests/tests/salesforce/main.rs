//! The Salesforce client and sfInvokeAPI against the emulator over real HTTP: one test binary
//! for the area.

mod auth;
mod every_channel;
mod injection;
mod operations;
mod resilience;
mod session;
mod sf_invoke_api;
