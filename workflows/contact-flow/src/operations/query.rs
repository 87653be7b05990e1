//! query, queryOne (SOQL) and searchSOSL, searchOneSOSL (SOSL) from a template with
//! placeholders.

use crate::error::InvokeError;
use crate::flatten::{FlowResult, all_records, exactly_one_record};
use crate::operation::Operation;
use crate::parameters::FlowParameters;
use crate::placeholders;
use crate::port::SalesforceApi;

pub(crate) async fn query(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
    operation: Operation,
) -> Result<FlowResult, InvokeError> {
    let template = parameters.required(operation, "query")?;
    let text = placeholders::render(template, parameters.others(operation))?;
    let records = match operation {
        Operation::SearchSosl | Operation::SearchOneSosl => api.search(&text).await?,
        _ => api.query(&text).await?,
    };
    match operation {
        Operation::Query | Operation::SearchSosl => all_records(&records),
        _ => exactly_one_record(&records),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::invoke;
    use crate::parameters::FlowParameters;
    use crate::testing::{Call, RecordingSalesforce, fixed_now, fixture_parameters, pairs, record};

    fn contact(id: &str) -> salesforce_client::Record {
        record(
            json!({"attributes": {"type": "Contact"}, "Id": id, "Name": "Dana Whitfield", "Account": {"attributes": {"type": "Account"}, "Name": "Northwind"}}),
        )
    }

    #[tokio::test]
    async fn when_query_fixture_runs_should_replace_the_placeholder_and_list_records() {
        let api = RecordingSalesforce::returning(vec![
            contact("0035e00000Xk9QmAAJ"),
            contact("0035e00000Xk9QnAAJ"),
        ]);
        let result = invoke(&api, &fixture_parameters("query"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Query("SELECT Id, CaseNumber, Status, Subject FROM Case WHERE ContactId = '0035e00000Xk9QmAAJ' AND IsClosed = false ORDER BY CreatedDate DESC LIMIT 5".into())]
        );
        assert_eq!(result.get("sf_count").map(String::as_str), Some("2"));
        assert_eq!(
            result.get("sf_records_1_Account.Name").map(String::as_str),
            Some("Northwind")
        );
    }

    #[tokio::test]
    async fn when_query_one_fixture_matches_one_should_return_its_fields() {
        let api = RecordingSalesforce::returning(vec![contact("0035e00000Xk9QmAAJ")]);
        let result = invoke(&api, &fixture_parameters("queryOne"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Query(
                "SELECT Id, Name, Email FROM Contact WHERE Phone LIKE '%5550143%'".into()
            )]
        );
        assert_eq!(
            pairs(&result),
            vec![
                ("Account.Name", "Northwind"),
                ("Id", "0035e00000Xk9QmAAJ"),
                ("Name", "Dana Whitfield"),
                ("sf_count", "1")
            ]
        );
    }

    #[tokio::test]
    async fn when_query_one_matches_several_should_return_only_the_count() {
        let api = RecordingSalesforce::returning(vec![
            contact("0035e00000Xk9QmAAJ"),
            contact("0035e00000Xk9QnAAJ"),
        ]);
        let result = invoke(&api, &fixture_parameters("queryOne"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(pairs(&result), vec![("sf_count", "2")]);
    }

    #[tokio::test]
    async fn when_search_sosl_fixture_runs_should_run_sosl_and_list_records() {
        let api = RecordingSalesforce::returning(vec![contact("0035e00000Xk9QmAAJ")]);
        let result = invoke(&api, &fixture_parameters("searchSOSL"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Search("FIND {2065550143} IN PHONE FIELDS RETURNING Contact(Id, Name, Phone), Lead(Id, Name, Phone)".into())]
        );
        assert_eq!(
            result.get("sf_records_0_Id").map(String::as_str),
            Some("0035e00000Xk9QmAAJ")
        );
        assert_eq!(result.get("sf_count").map(String::as_str), Some("1"));
    }

    #[tokio::test]
    async fn when_search_one_sosl_fixture_runs_should_run_sosl_not_soql() {
        let api = RecordingSalesforce::returning(vec![contact("0035e00000Xk9QmAAJ")]);
        let result = invoke(&api, &fixture_parameters("searchOneSOSL"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Search("FIND {dana.whitfield@example.net} IN EMAIL FIELDS RETURNING Contact(Id, Name, Email)".into())]
        );
        assert_eq!(
            result.get("Id").map(String::as_str),
            Some("0035e00000Xk9QmAAJ")
        );
        assert_eq!(result.get("sf_count").map(String::as_str), Some("1"));
    }

    #[tokio::test]
    async fn when_placeholder_values_are_hostile_should_keep_the_query_meaning() {
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([
            ("sf_operation", "searchSOSL"),
            (
                "query",
                "FIND {{{phone}}} IN PHONE FIELDS RETURNING Contact(Id WHERE LastName = '{{name}}')",
            ),
            ("{{phone}}", "1} RETURNING User(Id, Email"),
            ("{{name}}", "x') , User(Id"),
        ]);
        let _ = invoke(&api, &parameters, fixed_now()).await;
        assert_eq!(
            api.calls(),
            vec![Call::Search(r"FIND {1\} RETURNING User\(Id, Email} IN PHONE FIELDS RETURNING Contact(Id WHERE LastName = 'x\') , User(Id')".into())]
        );

        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([
            ("sf_operation", "query"),
            (
                "query",
                "SELECT Id FROM Case WHERE ContactId = {{contactId}}",
            ),
            ("{{contactId}}", "null OR Id != null"),
        ]);
        let error = invoke(&api, &parameters, fixed_now()).await.err();
        assert_eq!(
            error.as_ref().map(|e| e.error_type()),
            Some("UnsafePlaceholder")
        );
        assert!(
            !error
                .map(|e| e.to_string())
                .unwrap_or_default()
                .contains("Id != null")
        );
        assert!(api.calls().is_empty());
    }

    #[tokio::test]
    async fn when_query_is_missing_should_say_so() {
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([("sf_operation", "queryOne")]);
        let message = invoke(&api, &parameters, fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("queryOne needs the parameter query, which is missing or empty")
        );
    }
}
