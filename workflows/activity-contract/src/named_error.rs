//! One trait for "error name + retryable", implemented by every error an activity can return.

/// One name an error can carry, and whether a state machine's `Retry` should cover it: true
/// when some errors of that name are transient (an outage, throttling, another execution still
/// working), even if a particular one is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ErrorName {
    pub name: &'static str,
    pub retryable: bool,
}

/// An error an activity can return.
pub trait NamedError: std::error::Error + Send + Sync + 'static {
    /// The stable name Step Functions reports as the error (`Salesforce.Transient`): what the
    /// Lambda error's `errorType` says and what `ErrorEquals` matches.
    fn error_name(&self) -> &'static str;

    /// Whether a later attempt of the same call may succeed.
    fn is_retryable(&self) -> bool;

    /// Every name a value of this type can carry, derived from the type (see
    /// [`crate::error_kinds!`]), never a hand-kept list.
    fn error_names() -> Vec<ErrorName>
    where
        Self: Sized;
}

/// The names of `E`, sorted and without repeats: what checks compare `ErrorEquals` against.
pub fn names_of<E: NamedError>() -> Vec<ErrorName> {
    let mut names = E::error_names();
    names.sort();
    names.dedup();
    names
}
