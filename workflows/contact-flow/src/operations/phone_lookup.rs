//! phoneLookup: a parameterizedSearch (`in: PHONE`) of the caller's national number.

use salesforce_client::{ParameterizedSearch, SearchObject};

use crate::api_name::{parse_field_list, validate_object};
use crate::error::InvokeError;
use crate::flatten::{FlowResult, first_record};
use crate::operation::Operation;
use crate::parameters::FlowParameters;
use crate::phone::{CallerNumber, parse_caller_number};
use crate::port::SalesforceApi;

pub(crate) async fn phone_lookup(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
) -> Result<FlowResult, InvokeError> {
    let operation = Operation::PhoneLookup;
    // Blank is a flow that forgot to pass the number: say so rather than answer "not found".
    let phone = parameters.required(operation, "sf_phone")?;
    let fields = parse_field_list("sf_fields", parameters.required(operation, "sf_fields")?)?;
    let objects = match parameters.optional("sf_objects") {
        None => vec!["Contact".to_string()],
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| validate_object("sf_objects", name).map(str::to_string))
            .collect::<Result<Vec<_>, _>>()?,
    };
    let national = match parse_caller_number("sf_phone", phone)? {
        CallerNumber::Withheld => return first_record(&[]),
        CallerNumber::National(digits) => digits,
    };
    let search = ParameterizedSearch {
        q: national,
        scope: Some("PHONE".into()),
        fields: Vec::new(),
        sobjects: objects
            .into_iter()
            .map(|name| SearchObject {
                name,
                fields: fields.clone(),
                ..SearchObject::default()
            })
            .collect(),
        overall_limit: None,
    };
    let records = api.parameterized_search(&search).await?;
    first_record(&records)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::invoke;
    use crate::parameters::FlowParameters;
    use crate::testing::{Call, RecordingSalesforce, fixed_now, fixture_parameters, pairs, record};

    #[tokio::test]
    async fn when_phone_lookup_fixture_runs_should_search_the_national_number_in_contact() {
        let api = RecordingSalesforce::returning(vec![
            record(
                json!({"attributes": {"type": "Contact"}, "Id": "0035e00000Xk9QmAAJ", "Name": "Dana Whitfield", "Email": "dana.whitfield@example.net", "AccountId": "0015e00000QbT4rAAF"}),
            ),
            record(
                json!({"attributes": {"type": "Contact"}, "Id": "0035e00000Xk9QnAAJ", "Name": "Sam Whitfield", "Email": null, "AccountId": null}),
            ),
        ]);
        let result = invoke(&api, &fixture_parameters("phoneLookup"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::ParameterizedSearch(json!({
                "q": "2065550143",
                "in": "PHONE",
                "sobjects": [{"name": "Contact", "fields": ["Id", "Name", "Email", "AccountId"]}]
            }))]
        );
        assert_eq!(
            pairs(&result),
            vec![
                ("AccountId", "0015e00000QbT4rAAF"),
                ("Email", "dana.whitfield@example.net"),
                ("Id", "0035e00000Xk9QmAAJ"),
                ("Name", "Dana Whitfield"),
                ("sf_count", "2"),
            ]
        );
    }

    #[tokio::test]
    async fn when_sf_objects_is_given_should_search_each_object() {
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([
            ("sf_operation", "phoneLookup"),
            ("sf_phone", "+12065550143"),
            ("sf_fields", "Id, Name"),
            ("sf_objects", "Contact, Account,Lead"),
        ]);
        let _ = invoke(&api, &parameters, fixed_now()).await;
        let fields = json!(["Id", "Name"]);
        assert_eq!(
            api.calls(),
            vec![Call::ParameterizedSearch(json!({
                "q": "2065550143",
                "in": "PHONE",
                "sobjects": [
                    {"name": "Contact", "fields": fields},
                    {"name": "Account", "fields": fields},
                    {"name": "Lead", "fields": fields}
                ]
            }))]
        );
    }

    #[tokio::test]
    async fn when_caller_is_anonymous_should_answer_zero_without_calling_salesforce() {
        for phone in ["anonymous", "Anonymous", "+"] {
            let api = RecordingSalesforce::default();
            let parameters = FlowParameters::from([
                ("sf_operation", "phoneLookup"),
                ("sf_phone", phone),
                ("sf_fields", "Id"),
            ]);
            let result = invoke(&api, &parameters, fixed_now())
                .await
                .unwrap_or_default();
            assert_eq!(pairs(&result), vec![("sf_count", "0")], "{phone}");
            assert!(api.calls().is_empty());
        }
    }

    #[tokio::test]
    async fn when_sf_phone_is_blank_should_be_a_missing_parameter_not_no_match() {
        for phone in ["", "  "] {
            let api = RecordingSalesforce::default();
            let parameters = FlowParameters::from([
                ("sf_operation", "phoneLookup"),
                ("sf_phone", phone),
                ("sf_fields", "Id"),
            ]);
            let error = invoke(&api, &parameters, fixed_now()).await.err();
            assert_eq!(
                error.as_ref().map(crate::InvokeError::error_type),
                Some("MissingParameter"),
                "{phone:?}"
            );
            assert!(api.calls().is_empty());
        }
    }

    #[tokio::test]
    async fn when_phone_is_hostile_or_unparsable_should_refuse_with_a_redacted_number() {
        for phone in [
            "+1206555014} RETURNING User(Id)",
            "2065550143",
            "+12065550143' OR",
        ] {
            let api = RecordingSalesforce::default();
            let parameters = FlowParameters::from([
                ("sf_operation", "phoneLookup"),
                ("sf_phone", phone),
                ("sf_fields", "Id"),
            ]);
            let error = invoke(&api, &parameters, fixed_now()).await.err();
            assert_eq!(
                error.as_ref().map(|e| e.error_type()),
                Some("InvalidParameter"),
                "{phone}"
            );
            let message = error.map(|e| e.to_string()).unwrap_or_default();
            assert!(!message.contains("555014"), "{message}");
            assert!(!message.contains("RETURNING"), "{message}");
            assert!(api.calls().is_empty());
        }
    }

    #[tokio::test]
    async fn when_sf_phone_or_objects_are_bad_should_say_which() {
        let api = RecordingSalesforce::default();
        let parameters =
            FlowParameters::from([("sf_operation", "phoneLookup"), ("sf_fields", "Id")]);
        let message = invoke(&api, &parameters, fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("phoneLookup needs the parameter sf_phone, which is missing or empty")
        );
        let parameters = FlowParameters::from([
            ("sf_operation", "phoneLookup"),
            ("sf_phone", "+12065550143"),
            ("sf_fields", "Id"),
            ("sf_objects", "Contact, User(Id)"),
        ]);
        let message = invoke(&api, &parameters, fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "the parameter sf_objects is invalid: \"User(Id)\" is not a Salesforce object API name (letters, digits and underscores, starting with a letter)"
            )
        );
    }
}
