//! Connect's scheduled reports from the reporting bucket (the old package's path): which report
//! an S3 event names ([`event`]), its CSV rows read in bounded memory ([`reader`]), and its
//! import into the object ([`import`]).

pub mod event;
pub mod import;
pub mod reader;

#[cfg(test)]
mod import_tests;
