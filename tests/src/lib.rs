//! Test harness: starts the Salesforce emulator and moto on free loopback ports.
