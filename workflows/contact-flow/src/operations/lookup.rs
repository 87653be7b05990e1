//! lookup and lookup_all: a SOQL query built from field=value parameters.

use crate::api_name::{parse_field_list, validate_object};
use crate::error::InvokeError;
use crate::flatten::{FlowResult, all_records, first_record, fits};
use crate::operation::Operation;
use crate::parameters::FlowParameters;
use crate::port::SalesforceApi;
use crate::soql_builder::{MatchRules, lookup_query};

/// `lookup` reads one page (it answers with the first record); `lookup_all` reads pages only
/// while what it has read still fits Connect's 32 KB, then answers `ResultTooLarge`.
pub(crate) async fn lookup(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
    operation: Operation,
    legacy_wildcards: bool,
) -> Result<FlowResult, InvokeError> {
    let object = validate_object("sf_object", parameters.required(operation, "sf_object")?)?;
    let fields = parse_field_list("sf_fields", parameters.required(operation, "sf_fields")?)?;
    let rules = MatchRules::new(parameters.optional("sf_like"), legacy_wildcards)?;
    let soql = lookup_query(&fields, object, parameters.others(operation), &rules)?;
    if operation == Operation::LookupAll {
        let still_fits =
            |records: &[salesforce_client::Record]| all_records(records).and_then(fits).is_ok();
        all_records(&api.query_while(&soql, &still_fits).await?)
    } else {
        first_record(&api.query_while(&soql, &|_| false).await?)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::invoke;
    use crate::parameters::FlowParameters;
    use crate::testing::{Call, RecordingSalesforce, fixed_now, fixture_parameters, pairs, record};

    fn case(id: &str, number: &str) -> salesforce_client::Record {
        record(
            json!({"attributes": {"type": "Case", "url": "/x"}, "Id": id, "CaseNumber": number, "Status": "New", "Subject": null}),
        )
    }

    #[tokio::test]
    async fn when_lookup_fixture_runs_should_query_by_case_number_and_return_first_record() {
        let api = RecordingSalesforce::returning(vec![case("5005e00001Hn2WQAAZ", "00001847")]);
        let result = invoke(&api, &fixture_parameters("lookup"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Query(
                "SELECT Id, CaseNumber, Status, Subject FROM Case WHERE CaseNumber = '00001847'"
                    .into()
            )]
        );
        assert_eq!(
            pairs(&result),
            vec![
                ("CaseNumber", "00001847"),
                ("Id", "5005e00001Hn2WQAAZ"),
                ("Status", "New"),
                ("sf_count", "1")
            ]
        );
    }

    #[tokio::test]
    async fn when_lookup_homephone_fixture_runs_should_match_the_last_ten_digits() {
        let api = RecordingSalesforce::returning(vec![]);
        let result = invoke(&api, &fixture_parameters("lookup-homephone"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Query(
                "SELECT Id, Name FROM Contact WHERE HomePhone LIKE '%206%555%0143%'".into()
            )]
        );
        assert_eq!(pairs(&result), vec![("sf_count", "0")]);
    }

    #[tokio::test]
    async fn when_lookup_all_fixture_runs_should_list_every_record() {
        let api = RecordingSalesforce::returning(vec![
            case("5005e00001Hn2WQAAZ", "00001847"),
            case("5005e00001Hn2WRAAZ", "00001848"),
        ]);
        let result = invoke(&api, &fixture_parameters("lookup_all"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Query("SELECT Id, CaseNumber, Status, Subject FROM Case WHERE ContactId = '0035e00000Xk9QmAAJ' AND Status = 'New'".into())]
        );
        assert_eq!(result.get("sf_count").map(String::as_str), Some("2"));
        assert_eq!(
            result.get("sf_records_1_CaseNumber").map(String::as_str),
            Some("00001848")
        );
        assert_eq!(
            result.get("sf_records_0_Id").map(String::as_str),
            Some("5005e00001Hn2WQAAZ")
        );
        assert_eq!(result.len(), 7);
    }

    #[tokio::test]
    async fn when_lookup_values_and_keys_are_hostile_should_keep_the_query_meaning() {
        let api = RecordingSalesforce::returning(vec![]);
        let parameters = FlowParameters::from([
            ("sf_operation", "lookup"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id"),
            ("LastName", "x' OR LastName != '"),
            ("Email", "%' OR Id != null OR Email LIKE '%"),
            ("Title", "} RETURNING User(Id)\\"),
        ]);
        let _ = invoke(&api, &parameters, fixed_now()).await;
        assert_eq!(
            api.calls(),
            vec![Call::Query(
                r"SELECT Id FROM Contact WHERE Email = '%\' OR Id != null OR Email LIKE \'%' AND LastName = 'x\' OR LastName != \'' AND Title = '} RETURNING User(Id)\\'".into()
            )]
        );

        let api = RecordingSalesforce::returning(vec![]);
        let parameters = FlowParameters::from([
            ("sf_operation", "lookup"),
            ("sf_object", "Contact"),
            ("sf_fields", "Id"),
            ("Name = 'x' OR Name", "y"),
        ]);
        let error = invoke(&api, &parameters, fixed_now()).await.err();
        assert_eq!(
            error.as_ref().map(|e| e.error_type()),
            Some("InvalidParameter")
        );
        assert!(api.calls().is_empty());
    }

    #[tokio::test]
    async fn when_lookup_object_or_fields_are_missing_should_name_them() {
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([
            ("sf_operation", "lookup_all"),
            ("sf_fields", "Id"),
            ("Status", "New"),
        ]);
        let message = invoke(&api, &parameters, fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("lookup_all needs the parameter sf_object, which is missing or empty")
        );
        let parameters = FlowParameters::from([
            ("sf_operation", "lookup"),
            ("sf_object", "Case"),
            ("sf_fields", "Id, Owner Name"),
        ]);
        let error = invoke(&api, &parameters, fixed_now()).await.err();
        assert_eq!(
            error.as_ref().map(|e| e.error_type()),
            Some("InvalidParameter")
        );
        assert!(api.calls().is_empty());
    }
}
