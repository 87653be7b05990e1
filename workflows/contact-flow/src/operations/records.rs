//! create, update and delete of one record.

use chrono::{DateTime, Utc};
use salesforce_client::Record;
use serde_json::Value;

use crate::api_name::{is_api_name, printable, validate_object};
use crate::date_formula;
use crate::error::InvokeError;
use crate::flatten::FlowResult;
use crate::operation::Operation;
use crate::parameters::FlowParameters;
use crate::port::SalesforceApi;
use crate::record_id::validate_record_id;

pub(crate) async fn create(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
    now: DateTime<Utc>,
) -> Result<FlowResult, InvokeError> {
    let operation = Operation::Create;
    let object = validate_object("sf_object", parameters.required(operation, "sf_object")?)?;
    let fields = field_values(parameters, operation, object, now)?;
    let id = api.create(object, &fields).await?;
    Ok(FlowResult::from([("Id".to_string(), id)]))
}

pub(crate) async fn update(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
    now: DateTime<Utc>,
) -> Result<FlowResult, InvokeError> {
    let operation = Operation::Update;
    let object = validate_object("sf_object", parameters.required(operation, "sf_object")?)?;
    let id = validate_record_id("sf_id", parameters.required(operation, "sf_id")?)?;
    let fields = field_values(parameters, operation, object, now)?;
    let status = api.update(object, id, &fields).await?;
    Ok(FlowResult::from([(
        "Status".to_string(),
        status.to_string(),
    )]))
}

pub(crate) async fn delete(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
) -> Result<FlowResult, InvokeError> {
    let operation = Operation::Delete;
    let object = validate_object("sf_object", parameters.required(operation, "sf_object")?)?;
    let id = validate_record_id("sf_id", parameters.required(operation, "sf_id")?)?;
    let status = api.delete(object, id).await?;
    Ok(FlowResult::from([(
        "Response".to_string(),
        status.to_string(),
    )]))
}

/// Every other parameter as a field value (strings, as the old package sent them), date
/// formulas rendered unless the object is `AC_ContactChannelAnalytics__c`.
fn field_values(
    parameters: &FlowParameters,
    operation: Operation,
    object: &str,
    now: DateTime<Utc>,
) -> Result<Record, InvokeError> {
    let formulas = date_formula::applies_to(object);
    let mut fields = Record::new();
    for (name, value) in parameters.others(operation) {
        if !is_api_name(name) {
            return Err(InvokeError::invalid(
                printable(name),
                format!(
                    "{operation} sends every other parameter as a field, and this is not a field API name (letters, digits and underscores, starting with a letter)"
                ),
            ));
        }
        let value = if formulas {
            date_formula::render(name, value, now)?
        } else {
            value.to_string()
        };
        fields.insert(name.to_string(), Value::String(value));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::invoke;
    use crate::parameters::FlowParameters;
    use crate::testing::{Call, RecordingSalesforce, fixed_now, fixture_parameters, pairs, record};

    #[tokio::test]
    async fn when_create_case_fixture_runs_should_send_every_other_parameter_as_a_field() {
        let api = RecordingSalesforce::default();
        let result = invoke(&api, &fixture_parameters("create-case"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Create {
                object: "Case".into(),
                fields: record(json!({
                    "AccountId": "0015e00000QbT4rAAF",
                    "ContactId": "0035e00000Xk9QmAAJ",
                    "Description": "Caller reports being billed twice for the February gas bill; refund of the duplicate requested.",
                    "Origin": "Phone",
                    "Priority": "Medium",
                    "Status": "New",
                    "Subject": "Duplicate February gas charge"
                })),
            }]
        );
        assert_eq!(pairs(&result), vec![("Id", "5005e00001Hn2WQAAZ")]);
    }

    #[tokio::test]
    async fn when_create_task_has_a_relative_date_should_render_it_from_now() {
        let api = RecordingSalesforce::default();
        let _ = invoke(
            &api,
            &fixture_parameters("create-task-relative-date"),
            fixed_now(),
        )
        .await;
        let calls = api.calls();
        let Some(Call::Create { object, fields }) = calls.first() else {
            panic!("expected a create, got {calls:?}");
        };
        assert_eq!(object, "Task");
        assert_eq!(fields.get("ActivityDate"), Some(&json!("2024-03-10")));
        assert_eq!(
            fields.get("Subject"),
            Some(&json!("Confirm refund reached the customer's card"))
        );
    }

    #[tokio::test]
    async fn when_object_is_contact_channel_analytics_should_not_render_formulas() {
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([
            ("sf_operation", "create"),
            ("sf_object", "amazonconnect__AC_ContactChannelAnalytics__c"),
            ("Note__c", "5d|date"),
        ]);
        let _ = invoke(&api, &parameters, fixed_now()).await;
        assert_eq!(
            api.calls(),
            vec![Call::Create {
                object: "amazonconnect__AC_ContactChannelAnalytics__c".into(),
                fields: record(json!({"Note__c": "5d|date"})),
            }]
        );
    }

    #[tokio::test]
    async fn when_update_fixture_runs_should_return_the_status() {
        let api = RecordingSalesforce::default();
        let result = invoke(&api, &fixture_parameters("update-case-close"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Update {
                object: "Case".into(),
                id: "5005e00001Hn2WQAAZ".into(),
                fields: record(json!({"Status": "Closed"})),
            }]
        );
        assert_eq!(pairs(&result), vec![("Status", "204")]);
    }

    #[tokio::test]
    async fn when_delete_fixture_runs_should_return_the_response_status() {
        let api = RecordingSalesforce::default();
        let result = invoke(&api, &fixture_parameters("delete"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Delete {
                object: "Task".into(),
                id: "00T5e00000Ux3LdEAJ".into()
            }]
        );
        assert_eq!(pairs(&result), vec![("Response", "204")]);
    }

    #[tokio::test]
    async fn when_sf_id_or_field_name_is_invalid_should_refuse_before_calling() {
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([
            ("sf_operation", "delete"),
            ("sf_object", "Task"),
            ("sf_id", "00T5e00000Ux3Ld/../x"),
        ]);
        let message = invoke(&api, &parameters, fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "the parameter sf_id is invalid: must be a Salesforce record id (15 letters and digits, or 18 with a valid case-safe suffix)"
            )
        );
        let parameters = FlowParameters::from([
            ("sf_operation", "update"),
            ("sf_object", "Case"),
            ("sf_id", "5005e00001Hn2WQAAZ"),
            ("Bad Field", "x"),
        ]);
        let message = invoke(&api, &parameters, fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "the parameter Bad Field is invalid: update sends every other parameter as a field, and this is not a field API name (letters, digits and underscores, starting with a letter)"
            )
        );
        let parameters = FlowParameters::from([("sf_operation", "update"), ("sf_object", "Case")]);
        let message = invoke(&api, &parameters, fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("update needs the parameter sf_id, which is missing or empty")
        );
        assert!(api.calls().is_empty());
    }

    #[tokio::test]
    async fn when_salesforce_refuses_should_keep_its_error_class() {
        let api = RecordingSalesforce::failing(salesforce_client::SalesforceError::InvalidField {
            error_code: "INVALID_FIELD".into(),
            message: "No such column 'Foo' on sobject of type Case".into(),
            fields: vec!["Foo".into()],
        });
        let parameters = FlowParameters::from([
            ("sf_operation", "create"),
            ("sf_object", "Case"),
            ("Foo", "x"),
        ]);
        let error = invoke(&api, &parameters, fixed_now()).await.err();
        assert_eq!(
            error.as_ref().map(|e| e.error_type()),
            Some("Salesforce.InvalidField")
        );
        assert!(
            error
                .map(|e| e.to_string())
                .unwrap_or_default()
                .contains("INVALID_FIELD")
        );
    }
}
