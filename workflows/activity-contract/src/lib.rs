//! The contract between an activity and whatever calls it (AWS Step Functions, the local
//! engine, a Connect flow): errors carry a stable name that `Retry`/`Catch` match and say
//! whether a later attempt may succeed ([`NamedError`]); a post-call step is a typed function
//! ([`Task`]) that [`run_task`] feeds from and back to the state's JSON; a failure reaches the
//! caller as [`ErrorBody`], Lambda's `{errorType, errorMessage}`.
//!
//! **Architecture invariant:** this crate knows no Lambda runtime, no AWS SDK and no HTTP, so
//! every domain crate can implement the contract.

mod error_body;
mod error_kinds;
mod named_error;
mod task;

pub use error_body::ErrorBody;
pub use error_kinds::{ErrorKind, kind_names};
pub use named_error::{ErrorName, NamedError, names_of};
pub use task::{Task, TaskContext, TaskError, activity_name, run_task};
