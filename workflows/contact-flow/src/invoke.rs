//! The entry point: one `sfInvokeAPI` call from a contact flow.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::error::InvokeError;
use crate::flatten;
use crate::operation::Operation;
use crate::operations::{chatter, lookup, phone_lookup, query, records, search};
use crate::parameters::FlowParameters;
use crate::port::SalesforceApi;

/// What a deployment decides about every invocation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvokeOptions {
    /// The old package's lookup rule: a `%` anywhere in a value makes it a LIKE pattern
    /// (`SF_INVOKE_LEGACY_WILDCARDS`, for flows that relied on it).
    pub legacy_wildcards: bool,
}

/// Runs the operation named by `sf_operation` and returns the flat map of strings the flow
/// reads (always under Connect's 32 KB). `now` is the invocation's clock, used by date formulas.
pub async fn invoke(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, String>, InvokeError> {
    invoke_with(api, parameters, now, InvokeOptions::default()).await
}

/// [`invoke`] with the deployment's options.
pub async fn invoke_with(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
    now: DateTime<Utc>,
    options: InvokeOptions,
) -> Result<BTreeMap<String, String>, InvokeError> {
    let operation = Operation::parse(parameters.get("sf_operation"))?;
    tracing::debug!(operation = %operation, "running sfInvokeAPI operation");
    let result = match operation {
        Operation::Lookup | Operation::LookupAll => {
            lookup::lookup(api, parameters, operation, options.legacy_wildcards).await?
        }
        Operation::Create => records::create(api, parameters, now).await?,
        Operation::Update => records::update(api, parameters, now).await?,
        Operation::Delete => records::delete(api, parameters).await?,
        Operation::PhoneLookup => phone_lookup::phone_lookup(api, parameters).await?,
        Operation::Query
        | Operation::QueryOne
        | Operation::SearchSosl
        | Operation::SearchOneSosl => query::query(api, parameters, operation).await?,
        Operation::Search | Operation::SearchOne => {
            search::search(api, parameters, operation).await?
        }
        Operation::CreateChatterPost => chatter::post(api, parameters).await?,
        Operation::CreateChatterComment => chatter::comment(api, parameters).await?,
    };
    flatten::fits(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{RecordingSalesforce, fixed_now};

    #[tokio::test]
    async fn when_sf_operation_is_missing_or_unknown_should_not_call_salesforce() {
        let api = RecordingSalesforce::default();
        let error = invoke(&api, &FlowParameters::default(), fixed_now())
            .await
            .err();
        assert_eq!(
            error.as_ref().map(InvokeError::error_type),
            Some("MissingOperation")
        );
        let parameters = FlowParameters::from([("sf_operation", "upsert")]);
        let error = invoke(&api, &parameters, fixed_now()).await.err();
        assert_eq!(
            error.as_ref().map(InvokeError::error_type),
            Some("UnknownOperation")
        );
        assert!(api.calls().is_empty());
    }

    #[tokio::test]
    async fn when_every_fixture_runs_should_return_strings_under_the_limit() {
        let names = [
            "create-case",
            "create-task-relative-date",
            "createChatterComment",
            "createChatterPost",
            "delete",
            "lookup-homephone",
            "lookup",
            "lookup_all",
            "phoneLookup",
            "query",
            "queryOne",
            "search",
            "searchOne",
            "searchOneSOSL",
            "searchSOSL",
            "update-case-close",
        ];
        for name in names {
            let api = RecordingSalesforce::default();
            let result = invoke(&api, &crate::testing::fixture_parameters(name), fixed_now()).await;
            assert!(result.is_ok(), "{name}: {result:?}");
            assert_eq!(api.calls().len(), 1, "{name}");
        }
    }

    #[test]
    fn when_invoked_should_be_a_send_future() {
        fn assert_send<T: Send>(_: &T) {}
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::default();
        let future = invoke(&api, &parameters, fixed_now());
        assert_send(&future);
    }
}
