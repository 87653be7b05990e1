//! The errors of a step that fails either for a reason of its own (one of its crate's
//! `error_kinds!`) or because Salesforce did: one rule for every domain crate's `NamedError`,
//! so a Salesforce failure keeps its `Salesforce.*` name and retry class everywhere.

use activity_contract::{ErrorKind, ErrorName, kind_names};

use crate::SalesforceError;

/// A domain error that is one of its own kinds or a Salesforce error.
pub trait KindOrSalesforce {
    type Kind: ErrorKind;

    fn kind_or_salesforce(&self) -> Result<Self::Kind, &SalesforceError>;
}

/// The error name of `error` (its kind's, or Salesforce's).
pub fn error_name<E: KindOrSalesforce>(error: &E) -> &'static str {
    match error.kind_or_salesforce() {
        Ok(kind) => kind.name(),
        Err(salesforce) => salesforce.error_type(),
    }
}

/// Whether a `Retry` may help `error`.
pub fn is_retryable<E: KindOrSalesforce>(error: &E) -> bool {
    match error.kind_or_salesforce() {
        Ok(kind) => kind.retryable(),
        Err(salesforce) => salesforce.is_retryable_later(),
    }
}

/// The names one step can return: `kinds`, plus every Salesforce name when it calls Salesforce.
pub fn step_error_names<K: ErrorKind>(kinds: &[K], calls_salesforce: bool) -> Vec<ErrorName> {
    let mut names = kind_names(kinds);
    if calls_salesforce {
        names.extend(<SalesforceError as activity_contract::NamedError>::error_names());
    }
    names
}

/// Implements [`KindOrSalesforce`] and `NamedError` for an error type whose inherent
/// `fn kind(&self) -> Result<$kind, &SalesforceError>` maps it; its name list is every kind of
/// its enum plus every Salesforce name.
#[macro_export]
macro_rules! named_error_or_salesforce {
    ($error:ty, $kind:ty) => {
        impl $crate::step_errors::KindOrSalesforce for $error {
            type Kind = $kind;

            fn kind_or_salesforce(&self) -> ::std::result::Result<$kind, &$crate::SalesforceError> {
                <$error>::kind(self)
            }
        }

        impl ::activity_contract::NamedError for $error {
            fn error_name(&self) -> &'static str {
                $crate::step_errors::error_name(self)
            }

            fn is_retryable(&self) -> bool {
                $crate::step_errors::is_retryable(self)
            }

            fn error_names() -> ::std::vec::Vec<::activity_contract::ErrorName> {
                $crate::step_errors::step_error_names(<$kind>::ALL, true)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    activity_contract::error_kinds! {
        enum DemoKind {
            Busy => "Demo.Busy", retryable = true;
            Broken => "Demo.Broken", retryable = false;
        }
    }

    #[derive(Debug, thiserror::Error)]
    enum DemoError {
        #[error("busy")]
        Busy,
        #[error(transparent)]
        Salesforce(#[from] SalesforceError),
    }

    impl DemoError {
        fn kind(&self) -> Result<DemoKind, &SalesforceError> {
            match self {
                DemoError::Busy => Ok(DemoKind::Busy),
                DemoError::Salesforce(source) => Err(source),
            }
        }
    }

    crate::named_error_or_salesforce!(DemoError, DemoKind);

    #[test]
    fn a_salesforce_failure_keeps_its_own_name_and_retry_class() {
        use activity_contract::NamedError;
        assert_eq!(DemoError::Busy.error_name(), "Demo.Busy");
        assert!(DemoError::Busy.is_retryable());
        let limit = DemoError::Salesforce(SalesforceError::from_response(
            403,
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
        ));
        assert_eq!(limit.error_name(), "Salesforce.ApiLimitExceeded");
        let names = DemoError::error_names();
        assert!(
            names
                .iter()
                .any(|n| n.name == "Demo.Broken" && !n.retryable)
        );
        assert!(
            names
                .iter()
                .any(|n| n.name == "Salesforce.ApiLimitExceeded")
        );
        assert_eq!(
            step_error_names(&[DemoKind::Broken], false),
            vec![ErrorName {
                name: "Demo.Broken",
                retryable: false
            }]
        );
    }
}
