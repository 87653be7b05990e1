//! search and searchOne: a parameterizedSearch of `q` in one object.
//!
//! `q` is searched literally: SOSL reserved characters are escaped and the operator words
//! quoted, so a caller's `OR`, `AND NOT`, `*` or `?` is text to find, never an operator.
//! `where` is a SOQL condition written by the flow author: it is configuration, not caller
//! data, and is passed through as it is; put caller data in `q`, never in `where`.

use salesforce_client::escape::sosl_terms;
use salesforce_client::{ParameterizedSearch, SearchObject};

use crate::api_name::{parse_field_list, validate_object};
use crate::error::InvokeError;
use crate::flatten::{FlowResult, all_records, exactly_one_record};
use crate::operation::Operation;
use crate::parameters::FlowParameters;
use crate::port::SalesforceApi;

/// Default `overallLimit`, as in the old package.
pub(crate) const DEFAULT_OVERALL_LIMIT: u32 = 100;
/// parameterizedSearch refuses an `overallLimit` above this.
pub(crate) const MAX_OVERALL_LIMIT: u32 = 2000;

pub(crate) async fn search(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
    operation: Operation,
) -> Result<FlowResult, InvokeError> {
    let q = parameters.required(operation, "q")?;
    let fields = parse_field_list("sf_fields", parameters.required(operation, "sf_fields")?)?;
    let object = validate_object("sf_object", parameters.required(operation, "sf_object")?)?;
    let where_clause = parameters
        .optional("where")
        .map(|clause| clause.trim().to_string());
    let overall_limit = match parameters.optional("overallLimit") {
        None => DEFAULT_OVERALL_LIMIT,
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|limit| (1..=MAX_OVERALL_LIMIT).contains(limit))
            .ok_or_else(|| {
                InvokeError::invalid(
                    "overallLimit",
                    format!("must be a whole number from 1 to {MAX_OVERALL_LIMIT}"),
                )
            })?,
    };
    let search = ParameterizedSearch {
        q: sosl_terms(q),
        scope: None,
        fields: Vec::new(),
        sobjects: vec![SearchObject {
            name: object.to_string(),
            fields,
            where_clause,
            limit: None,
        }],
        overall_limit: Some(overall_limit),
    };
    let records = api.parameterized_search(&search).await?;
    if operation == Operation::SearchOne {
        exactly_one_record(&records)
    } else {
        all_records(&records)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::invoke;
    use crate::parameters::FlowParameters;
    use crate::testing::{Call, RecordingSalesforce, fixed_now, fixture_parameters, pairs, record};

    fn account(id: &str) -> salesforce_client::Record {
        record(
            json!({"attributes": {"type": "Account"}, "Id": id, "Name": "Northwind", "AccountNumber": "4719208"}),
        )
    }

    #[tokio::test]
    async fn when_search_fixture_runs_should_send_the_documented_parameterized_search() {
        let api = RecordingSalesforce::returning(vec![account("0015e00000QbT4rAAF")]);
        let result = invoke(&api, &fixture_parameters("search"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::ParameterizedSearch(json!({
                "q": "4719208",
                "sobjects": [{"name": "Account", "fields": ["Id", "Name", "AccountNumber"], "where": "Type = 'Customer - Direct'"}],
                "overallLimit": 10
            }))]
        );
        assert_eq!(
            pairs(&result),
            vec![
                ("sf_count", "1"),
                ("sf_records_0_AccountNumber", "4719208"),
                ("sf_records_0_Id", "0015e00000QbT4rAAF"),
                ("sf_records_0_Name", "Northwind"),
            ]
        );
    }

    #[tokio::test]
    async fn when_search_one_fixture_runs_should_default_the_limit_and_return_one_record() {
        let api = RecordingSalesforce::returning(vec![record(
            json!({"Id": "0035e00000Xk9QmAAJ", "Email": "dana.whitfield@example.net", "Phone": null}),
        )]);
        let result = invoke(&api, &fixture_parameters("searchOne"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::ParameterizedSearch(json!({
                "q": "dana.whitfield@example.net",
                "sobjects": [{"name": "Contact", "fields": ["Id", "Name", "Email", "Phone"]}],
                "overallLimit": 100
            }))]
        );
        assert_eq!(
            pairs(&result),
            vec![
                ("Email", "dana.whitfield@example.net"),
                ("Id", "0035e00000Xk9QmAAJ"),
                ("sf_count", "1")
            ]
        );
    }

    #[tokio::test]
    async fn when_search_term_has_reserved_characters_or_operators_should_search_them_literally() {
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([
            ("sf_operation", "search"),
            ("q", "x} RETURNING User(Id) OR \"a\" -b*"),
            ("sf_fields", "Id"),
            ("sf_object", "Account"),
        ]);
        let _ = invoke(&api, &parameters, fixed_now()).await;
        assert_eq!(
            api.calls(),
            vec![Call::ParameterizedSearch(json!({
                "q": r#"x\} RETURNING User\(Id\) "OR" \"a\" \-b\*"#,
                "sobjects": [{"name": "Account", "fields": ["Id"]}],
                "overallLimit": 100
            }))]
        );
    }

    #[tokio::test]
    async fn when_overall_limit_is_not_a_positive_integer_should_refuse() {
        for limit in ["0", "-1", "ten", "2001", "1.5"] {
            let api = RecordingSalesforce::default();
            let parameters = FlowParameters::from([
                ("sf_operation", "search"),
                ("q", "a"),
                ("sf_fields", "Id"),
                ("sf_object", "Account"),
                ("overallLimit", limit),
            ]);
            let message = invoke(&api, &parameters, fixed_now())
                .await
                .err()
                .map(|e| e.to_string());
            assert_eq!(
                message.as_deref(),
                Some(
                    "the parameter overallLimit is invalid: must be a whole number from 1 to 2000"
                ),
                "{limit}"
            );
            assert!(api.calls().is_empty());
        }
    }
}
