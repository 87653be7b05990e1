//! One interval of one queue or agent, whichever source read it (a report row, a metrics API
//! result), and how it becomes the Salesforce record: field names matched case-insensitively
//! against the org's describe (cached), values checked against each field's type, the record
//! id, the region.

use std::sync::Arc;

use salesforce_client::{describe::DescribeField, namespace::Namespace, records::Record};
use serde_json::{Value, json};

pub use salesforce_client::describe::ObjectDescribe;

use crate::objects::{
    HistoricalObject, OBJECT_NAME_FIELD, RECORD_ID_FIELD, REGION_FIELD, START_INTERVAL_FIELD,
    record_id,
};

/// A value before it meets its field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Null,
    /// As a report writes it (`%` already stripped).
    Text(String),
    Number(f64),
}

/// One field of a [`HistoricalRecord`]: where it came from (a column header, a metric name),
/// the field (without the namespace) and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldEntry {
    pub source: String,
    pub field: String,
    pub value: FieldValue,
}

/// One queue's or agent's metrics for one interval, before it meets the org.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoricalRecord {
    pub object: HistoricalObject,
    /// The queue or agent name (`AC_Object_Name__c`).
    pub name: String,
    /// The interval start as Connect writes it ([`crate::objects::interval_text`]).
    pub start_interval: String,
    /// Every other field, in order.
    pub fields: Vec<FieldEntry>,
}

impl HistoricalRecord {
    pub fn new(
        object: HistoricalObject,
        name: impl Into<String>,
        start_interval: impl Into<String>,
    ) -> Self {
        Self {
            object,
            name: name.into(),
            start_interval: start_interval.into(),
            fields: Vec::new(),
        }
    }

    pub fn push(&mut self, source: impl Into<String>, field: impl Into<String>, value: FieldValue) {
        self.fields.push(FieldEntry {
            source: source.into(),
            field: field.into(),
            value,
        });
    }
}

/// A value that does not fit its field's type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{column} ({field}): {value:?} is not a valid {expected}")]
pub struct ValueError {
    /// The report column or metric name.
    pub column: String,
    /// The field's API name in the org.
    pub field: String,
    /// The value, personal data masked.
    pub value: String,
    pub expected: &'static str,
}

/// A record ready for the upsert.
#[derive(Debug, Clone, PartialEq)]
pub struct SalesforceRecord {
    /// `AC_Record_Id__c`'s value.
    pub record_id: String,
    pub fields: Record,
    /// The sources whose field the org's object does not have (not sent).
    pub unknown: Vec<String>,
}

/// One of the two objects as the org has it: its API name with the namespace, its describe
/// and whether it has `Region__c`.
#[derive(Debug, Clone)]
pub struct ObjectTarget {
    pub object: HistoricalObject,
    /// The object's API name with the namespace.
    pub api_name: String,
    /// `AC_Record_Id__c` with the namespace.
    pub record_id_field: String,
    namespace: Namespace,
    describe: Arc<ObjectDescribe>,
    /// The functions' region.
    region: String,
    /// Whether the org's object has `Region__c`.
    has_region_field: bool,
    /// `GlobalAnalyticsEnabled` ([`Self::with_global_analytics`]).
    global_analytics: bool,
}

impl ObjectTarget {
    /// `region` is the functions' region; it is used only when the object has `Region__c`.
    pub fn new(
        object: HistoricalObject,
        namespace: &Namespace,
        describe: Arc<ObjectDescribe>,
        region: &str,
    ) -> Self {
        Self {
            object,
            api_name: namespace.apply(object.api_name()),
            record_id_field: namespace.apply(RECORD_ID_FIELD),
            has_region_field: describe.has_field(&namespace.apply(REGION_FIELD)),
            namespace: namespace.clone(),
            describe,
            region: region.to_string(),
            global_analytics: false,
        }
    }

    /// `GlobalAnalyticsEnabled`: each region's replica of the instance imports the same
    /// intervals, so the record id always ends with the region (one record per interval and
    /// region), even where the object has no `Region__c` (which is then still not written).
    pub fn with_global_analytics(mut self, enabled: bool) -> Self {
        self.global_analytics = enabled;
        self
    }

    /// The region the records carry (and their ids end with), when the object has `Region__c`.
    pub fn region(&self) -> Option<&str> {
        self.has_region_field.then_some(self.region.as_str())
    }

    /// The region the record ids end with: the records' own, or under Global Resiliency the
    /// functions' region even where the object has no `Region__c`.
    fn id_region(&self) -> Option<&str> {
        (self.has_region_field || self.global_analytics).then_some(self.region.as_str())
    }

    /// Whether the org's object has the external id the upsert needs.
    pub fn has_record_id_field(&self) -> bool {
        self.describe.has_field(&self.record_id_field)
    }

    /// The org's field for `field` (without the namespace), matched case-insensitively.
    pub fn field(&self, field: &str) -> Option<&DescribeField> {
        self.describe.field(&self.namespace.apply(field))
    }

    /// The record id `record` gets in this org.
    pub fn record_id(&self, record: &HistoricalRecord) -> String {
        record_id(
            record.object,
            &record.name,
            &record.start_interval,
            self.id_region(),
        )
    }

    /// The Salesforce record of `record`: the name, StartInterval, every field the object has
    /// (named as the org spells it, values of its type), the region when the object has it and
    /// the record id. A field the object does not have is left out and listed in `unknown`.
    pub fn record(&self, record: &HistoricalRecord) -> Result<SalesforceRecord, ValueError> {
        let mut fields = Record::new();
        let mut unknown = Vec::new();
        let fixed = [
            (
                record.object.name_column(),
                OBJECT_NAME_FIELD,
                FieldValue::Text(record.name.clone()),
            ),
            (
                "StartInterval",
                START_INTERVAL_FIELD,
                FieldValue::Text(record.start_interval.clone()),
            ),
        ];
        let entries = fixed
            .iter()
            .map(|(source, field, value)| (*source, *field, value))
            .chain(
                record
                    .fields
                    .iter()
                    .map(|entry| (entry.source.as_str(), entry.field.as_str(), &entry.value)),
            );
        for (source, field, value) in entries {
            match self.field(field) {
                Some(describe) => {
                    fields.insert(describe.name.clone(), typed_value(source, describe, value)?);
                }
                None => unknown.push(source.to_string()),
            }
        }
        if let Some(region) = self.region() {
            fields.insert(self.namespace.apply(REGION_FIELD), json!(region));
        }
        let record_id = self.record_id(record);
        fields.insert(self.record_id_field.clone(), json!(record_id));
        Ok(SalesforceRecord {
            record_id,
            fields,
            unknown,
        })
    }
}

/// `value` as the JSON the field's type takes.
fn typed_value(
    source: &str,
    field: &DescribeField,
    value: &FieldValue,
) -> Result<Value, ValueError> {
    let wrong = |expected: &'static str| {
        let shown = match value {
            FieldValue::Null => "null".to_string(),
            FieldValue::Text(text) => text.chars().take(80).collect(),
            FieldValue::Number(number) => number.to_string(),
        };
        ValueError {
            column: source.to_string(),
            field: field.name.clone(),
            value: redaction::redact_personal_data(&shown),
            expected,
        }
    };
    let text = match value {
        FieldValue::Null => return Ok(Value::Null),
        FieldValue::Text(text) => text,
        FieldValue::Number(number) => {
            return match field.field_type.as_str() {
                "double" | "percent" | "currency" => {
                    if number.is_finite() {
                        Ok(json!(number))
                    } else {
                        Err(wrong("number"))
                    }
                }
                "int" | "long" => {
                    if number.is_finite() && number.fract() == 0.0 {
                        Ok(json!(*number as i64))
                    } else {
                        Err(wrong("whole number"))
                    }
                }
                "date" | "datetime" | "time" | "boolean" => Err(wrong(field_kind(field))),
                _ => Ok(json!(number_text(*number))),
            };
        }
    };
    // Parsed trimmed; text goes as it is (the name the agent's record id is formed from).
    let raw = text.as_str();
    let text = text.trim();
    match field.field_type.as_str() {
        "double" | "percent" | "currency" => text
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite())
            .map(|number| json!(number))
            .ok_or_else(|| wrong("number")),
        "int" | "long" => text
            .parse::<i64>()
            .ok()
            .or_else(|| {
                text.parse::<f64>()
                    .ok()
                    .filter(|number| number.is_finite() && number.fract() == 0.0)
                    .map(|number| number as i64)
            })
            .map(|number| json!(number))
            .ok_or_else(|| wrong("whole number")),
        "datetime" => chrono::DateTime::parse_from_rfc3339(text)
            .map(|_| json!(text))
            .map_err(|_| wrong("date and time (ISO 8601 with a zone)")),
        "date" => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|_| json!(text))
            .map_err(|_| wrong("date (YYYY-MM-DD)")),
        "boolean" => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(json!(true)),
            "false" => Ok(json!(false)),
            _ => Err(wrong("boolean")),
        },
        _ => Ok(json!(raw)),
    }
}

fn field_kind(field: &DescribeField) -> &'static str {
    match field.field_type.as_str() {
        "date" => "date (YYYY-MM-DD)",
        "datetime" => "date and time (ISO 8601 with a zone)",
        "boolean" => "boolean",
        _ => "time",
    }
}

/// A number as text: whole numbers without a fraction.
fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{}", number as i64)
    } else {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(with_region: bool) -> Arc<ObjectDescribe> {
        let mut fields = vec![
            json!({"name": "amazonconnect__AC_Record_Id__c", "type": "string", "externalId": true}),
            json!({"name": "amazonconnect__AC_Object_Name__c", "type": "string"}),
            json!({"name": "amazonconnect__StartInterval__c", "type": "datetime"}),
            json!({"name": "amazonconnect__Contacts_Queued__c", "type": "double"}),
            json!({"name": "amazonconnect__Service_level_20_seconds__c", "type": "percent"}),
            json!({"name": "amazonconnect__Handled__c", "type": "int"}),
            json!({"name": "amazonconnect__Note__c", "type": "string"}),
        ];
        if with_region {
            fields.push(json!({"name": "amazonconnect__Region__c", "type": "string"}));
        }
        Arc::new(
            serde_json::from_value(
                json!({"name": "amazonconnect__AC_HistoricalQueueMetrics__c", "fields": fields}),
            )
            .expect("describe"),
        )
    }

    fn target(with_region: bool) -> ObjectTarget {
        ObjectTarget::new(
            HistoricalObject::Queue,
            &Namespace::parse("amazonconnect").expect("ns"),
            describe(with_region),
            "us-west-2",
        )
    }

    fn billing() -> HistoricalRecord {
        let mut record =
            HistoricalRecord::new(HistoricalObject::Queue, "Billing", "2024-03-05T14:30:00Z");
        // Case differs from the org's field: matched case-insensitively, sent as the org spells it.
        record.push(
            "Contacts queued",
            "Contacts_queued__c",
            FieldValue::Text("14".into()),
        );
        record.push(
            "Service level 20 seconds",
            "Service_level_20_seconds__c",
            FieldValue::Text("57.14".into()),
        );
        record.push("Adherence", "Adherence__c", FieldValue::Text("98".into()));
        record.push("Handled", "Handled__c", FieldValue::Null);
        record
    }

    #[test]
    fn when_fields_are_known_should_send_them_as_the_org_names_them_with_their_types() {
        let built = target(false).record(&billing()).expect("record");
        assert_eq!(built.record_id, "Billing2024-03-05T14:30:00Z");
        assert_eq!(
            serde_json::Value::Object(built.fields),
            json!({
                "amazonconnect__AC_Object_Name__c": "Billing",
                "amazonconnect__StartInterval__c": "2024-03-05T14:30:00Z",
                "amazonconnect__Contacts_Queued__c": 14.0,
                "amazonconnect__Service_level_20_seconds__c": 57.14,
                "amazonconnect__Handled__c": null,
                "amazonconnect__AC_Record_Id__c": "Billing2024-03-05T14:30:00Z"
            })
        );
        assert_eq!(built.unknown, vec!["Adherence"]);
    }

    #[test]
    fn when_global_analytics_is_on_the_id_ends_with_the_region_even_without_the_field() {
        let in_region = |region: &str| {
            ObjectTarget::new(
                HistoricalObject::Queue,
                &Namespace::parse("amazonconnect").expect("ns"),
                describe(false),
                region,
            )
        };
        let plain = in_region("eu-west-2").with_global_analytics(true);
        let record = HistoricalRecord {
            object: HistoricalObject::Queue,
            name: "Billing".into(),
            start_interval: "2024-03-05T14:30:00Z".into(),
            fields: Vec::new(),
        };
        assert_eq!(
            plain.record_id(&record),
            "Billing2024-03-05T14:30:00Zeu-west-2"
        );
        let written = plain.record(&record).expect("record");
        assert!(
            !written.fields.keys().any(|key| key.ends_with("Region__c")),
            "no Region__c where the object has none: {:?}",
            written.fields
        );
        let off = in_region("eu-west-2").with_global_analytics(false);
        assert_eq!(off.record_id(&record), "Billing2024-03-05T14:30:00Z");
    }

    #[test]
    fn when_the_object_has_region_should_set_it_and_end_the_id_with_it() {
        let built = target(true).record(&billing()).expect("record");
        assert_eq!(built.record_id, "Billing2024-03-05T14:30:00Zus-west-2");
        assert_eq!(built.fields["amazonconnect__Region__c"], "us-west-2");
    }

    #[test]
    fn when_a_value_does_not_fit_its_field_should_name_the_source_and_field() {
        let mut record = billing();
        record.push(
            "Contacts queued",
            "Contacts_queued__c",
            FieldValue::Text("fourteen".into()),
        );
        let error = target(false).record(&record).expect_err("not a number");
        assert_eq!(error.column, "Contacts queued");
        assert_eq!(error.field, "amazonconnect__Contacts_Queued__c");
        assert_eq!(error.expected, "number");

        let mut record = billing();
        record.start_interval = "yesterday".into();
        let error = target(false).record(&record).expect_err("not a time");
        assert_eq!(error.column, "StartInterval");

        let mut record = billing();
        record.push("Handled", "Handled__c", FieldValue::Text("2.5".into()));
        assert_eq!(
            target(false).record(&record).expect_err("int").expected,
            "whole number"
        );
    }

    #[test]
    fn when_values_are_numbers_should_fit_number_and_text_fields() {
        let mut record =
            HistoricalRecord::new(HistoricalObject::Queue, "Sales", "2024-03-05T15:00:00Z");
        record.push(
            "CONTACTS_QUEUED",
            "Contacts_queued__c",
            FieldValue::Number(3.0),
        );
        record.push("HANDLED", "Handled__c", FieldValue::Number(4.0));
        record.push("NOTE", "Note__c", FieldValue::Number(4.0));
        let built = target(false).record(&record).expect("record");
        assert_eq!(built.fields["amazonconnect__Contacts_Queued__c"], 3.0);
        assert_eq!(built.fields["amazonconnect__Handled__c"], 4);
        assert_eq!(built.fields["amazonconnect__Note__c"], "4");
    }
}
