//! The Task states of `statemachines/contact-lens.asl.json`, one file each, named as the
//! state; each is an [`activity_contract::Task`] that `activities/<state in kebab-case>` and the
//! local engine run with `run_task`.

mod check_contact_lens_file;
mod import_contact_lens_file;
#[cfg(test)]
mod tests;

pub use check_contact_lens_file::{CheckContactLensFile, CheckContactLensFilePorts};
pub use import_contact_lens_file::{ImportContactLensFile, ImportContactLensFilePorts};
