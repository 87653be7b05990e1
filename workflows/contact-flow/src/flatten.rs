//! Salesforce records → the flat map of strings Amazon Connect accepts.
//!
//! Key scheme (one rule everywhere):
//! - a field is its API name; related records are joined with `.` (`Account.Owner.Name`);
//!   list elements (child subqueries) by their index (`Contacts.records.0.LastName`);
//! - `attributes` objects and `null` values are dropped; strings are kept as they are, booleans
//!   become `true`/`false`, whole numbers are written without `.0` (`84.0` → `84`);
//! - record lists are `sf_records_<i>_<key>`; `sf_count` (the number of records matched) is
//!   always present;
//! - `sf_` is ours: a record key that itself starts with `sf_` (an aggregate alias such as
//!   `COUNT(Id) sf_count`) is renamed `sf_field_<key>`, so it can never collide with `sf_count`
//!   or `sf_records_…` and two different keys never become the same key. Any remaining duplicate
//!   key is refused (`KeyCollision`) rather than overwritten.
//!
//! The serialized JSON must fit Connect's 32 KB response limit: over it the whole call fails
//! with `ResultTooLarge` (nothing is silently cut off).

use std::collections::BTreeMap;

use salesforce_client::Record;
use serde_json::{Number, Value};

use crate::error::InvokeError;

/// Amazon Connect's limit for a Lambda response, in bytes of JSON.
pub const CONNECT_RESULT_LIMIT_BYTES: usize = 32 * 1024;

/// A flow result: string keys to string values.
pub type FlowResult = BTreeMap<String, String>;

/// The fields of one record, flattened.
pub fn flatten_record(record: &Record) -> Result<FlowResult, InvokeError> {
    let mut result = FlowResult::new();
    for (key, value) in record {
        if key == "attributes" {
            continue;
        }
        flatten_value(&mut result, &record_key(key), value)?;
    }
    Ok(result)
}

/// lookup / phoneLookup: the first record's fields and `sf_count`.
pub fn first_record(records: &[Record]) -> Result<FlowResult, InvokeError> {
    let mut result = match records.first() {
        Some(record) => flatten_record(record)?,
        None => FlowResult::new(),
    };
    result.insert("sf_count".into(), records.len().to_string());
    fits(result)
}

/// queryOne / searchOne / searchOneSOSL: the record's fields only when exactly one matched;
/// `sf_count` is always the real count.
pub fn exactly_one_record(records: &[Record]) -> Result<FlowResult, InvokeError> {
    let mut result = match records {
        [record] => flatten_record(record)?,
        _ => FlowResult::new(),
    };
    result.insert("sf_count".into(), records.len().to_string());
    fits(result)
}

/// lookup_all / query / search / searchSOSL: `sf_records_<i>_<key>` for every record and
/// `sf_count`.
pub fn all_records(records: &[Record]) -> Result<FlowResult, InvokeError> {
    let mut result = FlowResult::new();
    for (index, record) in records.iter().enumerate() {
        for (key, value) in flatten_record(record)? {
            insert(&mut result, format!("sf_records_{index}_{key}"), value)?;
        }
    }
    result.insert("sf_count".into(), records.len().to_string());
    fits(result)
}

/// The result itself when its JSON fits Connect's limit; `ResultTooLarge` otherwise.
pub fn fits(result: FlowResult) -> Result<FlowResult, InvokeError> {
    let bytes = serde_json::to_vec(&result)
        .map(|json| json.len())
        .unwrap_or(usize::MAX);
    if bytes > CONNECT_RESULT_LIMIT_BYTES {
        return Err(InvokeError::ResultTooLarge {
            bytes,
            limit: CONNECT_RESULT_LIMIT_BYTES,
        });
    }
    Ok(result)
}

fn record_key(key: &str) -> String {
    if key.starts_with("sf_") {
        format!("sf_field_{key}")
    } else {
        key.to_string()
    }
}

fn flatten_value(result: &mut FlowResult, prefix: &str, value: &Value) -> Result<(), InvokeError> {
    match value {
        Value::Null => Ok(()),
        Value::Bool(flag) => insert(result, prefix.to_string(), flag.to_string()),
        Value::Number(number) => insert(result, prefix.to_string(), number_text(number)),
        Value::String(text) => insert(result, prefix.to_string(), text.clone()),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten_value(result, &format!("{prefix}.{index}"), item)?;
            }
            Ok(())
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                if key != "attributes" {
                    flatten_value(result, &format!("{prefix}.{key}"), item)?;
                }
            }
            Ok(())
        }
    }
}

fn insert(result: &mut FlowResult, key: String, value: String) -> Result<(), InvokeError> {
    if result.contains_key(&key) {
        return Err(InvokeError::KeyCollision { key });
    }
    result.insert(key, value);
    Ok(())
}

/// Whole numbers without a fractional part (`84.0` → `84`); others as the shortest exact text.
fn number_text(number: &Number) -> String {
    if number.is_i64() || number.is_u64() {
        return number.to_string();
    }
    match number.as_f64() {
        Some(float) if float.is_finite() && float.fract() == 0.0 && float.abs() < 1e15 => {
            format!("{float:.0}")
        }
        Some(float) => float.to_string(),
        None => number.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(value: Value) -> Record {
        match value {
            Value::Object(map) => map,
            _ => Record::new(),
        }
    }

    fn pairs(result: &FlowResult) -> Vec<(&str, &str)> {
        result
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn when_record_has_relationships_should_join_with_dots_and_drop_attributes_and_nulls() {
        let record = record(json!({
            "attributes": {"type": "Contact", "url": "/services/data/v60.0/sobjects/Contact/1"},
            "Id": "0035e00000Xk9QmAAJ",
            "Email": null,
            "Account": {
                "attributes": {"type": "Account"},
                "Name": "Northwind",
                "Owner": {"attributes": {"type": "User"}, "Name": "Priya Raman", "Manager": null}
            },
            "ReportsTo": null
        }));
        let result = flatten_record(&record).unwrap_or_default();
        assert_eq!(
            pairs(&result),
            vec![
                ("Account.Name", "Northwind"),
                ("Account.Owner.Name", "Priya Raman"),
                ("Id", "0035e00000Xk9QmAAJ"),
            ]
        );
    }

    #[test]
    fn when_values_are_numbers_and_bools_should_write_them_as_text() {
        let record = record(
            json!({"Amount": 84.0, "Rate": 0.125, "Count": 3, "Big": 12345678901234567_u64, "IsClosed": false, "Neg": -2.50, "Huge": 1e20}),
        );
        let result = flatten_record(&record).unwrap_or_default();
        assert_eq!(
            pairs(&result),
            vec![
                ("Amount", "84"),
                ("Big", "12345678901234567"),
                ("Count", "3"),
                ("Huge", "100000000000000000000"),
                ("IsClosed", "false"),
                ("Neg", "-2.5"),
                ("Rate", "0.125"),
            ]
        );
    }

    #[test]
    fn when_record_has_a_child_subquery_should_index_its_records() {
        let record = record(json!({
            "Name": "Northwind",
            "Contacts": {"totalSize": 2, "done": true, "records": [
                {"attributes": {"type": "Contact"}, "LastName": "Whitfield"},
                {"attributes": {"type": "Contact"}, "LastName": "Raman"}
            ]}
        }));
        let result = all_records(&[record]).unwrap_or_default();
        assert_eq!(
            pairs(&result),
            vec![
                ("sf_count", "1"),
                ("sf_records_0_Contacts.done", "true"),
                ("sf_records_0_Contacts.records.0.LastName", "Whitfield"),
                ("sf_records_0_Contacts.records.1.LastName", "Raman"),
                ("sf_records_0_Contacts.totalSize", "2"),
                ("sf_records_0_Name", "Northwind"),
            ]
        );
    }

    #[test]
    fn when_listing_records_should_prefix_each_with_its_index_and_count() {
        let records = vec![
            record(json!({"Id": "a", "Account": {"Name": "X"}})),
            record(json!({"Id": "b", "Account": null})),
        ];
        let result = all_records(&records).unwrap_or_default();
        assert_eq!(
            pairs(&result),
            vec![
                ("sf_count", "2"),
                ("sf_records_0_Account.Name", "X"),
                ("sf_records_0_Id", "a"),
                ("sf_records_1_Id", "b"),
            ]
        );
    }

    #[test]
    fn when_no_record_matched_should_still_give_sf_count() {
        assert_eq!(
            pairs(&first_record(&[]).unwrap_or_default()),
            vec![("sf_count", "0")]
        );
        assert_eq!(
            pairs(&all_records(&[]).unwrap_or_default()),
            vec![("sf_count", "0")]
        );
        assert_eq!(
            pairs(&exactly_one_record(&[]).unwrap_or_default()),
            vec![("sf_count", "0")]
        );
    }

    #[test]
    fn when_more_than_one_matched_should_give_fields_only_for_exactly_one() {
        let two = vec![record(json!({"Id": "a"})), record(json!({"Id": "b"}))];
        assert_eq!(
            pairs(&exactly_one_record(&two).unwrap_or_default()),
            vec![("sf_count", "2")]
        );
        assert_eq!(
            pairs(&exactly_one_record(&two[..1]).unwrap_or_default()),
            vec![("Id", "a"), ("sf_count", "1")]
        );
        assert_eq!(
            pairs(&first_record(&two).unwrap_or_default()),
            vec![("Id", "a"), ("sf_count", "2")]
        );
    }

    #[test]
    fn when_a_field_is_named_like_our_keys_should_rename_it_not_collide() {
        let records = vec![record(
            json!({"sf_count": 7, "sf_records_0_Id": "x", "sf_field_sf_count": "y", "Id": "a"}),
        )];
        let result = first_record(&records).unwrap_or_default();
        assert_eq!(
            pairs(&result),
            vec![
                ("Id", "a"),
                ("sf_count", "1"),
                ("sf_field_sf_count", "7"),
                ("sf_field_sf_field_sf_count", "y"),
                ("sf_field_sf_records_0_Id", "x"),
            ]
        );
        let listed = all_records(&records).unwrap_or_default();
        assert_eq!(listed.get("sf_count").map(String::as_str), Some("1"));
        assert_eq!(
            listed
                .get("sf_records_0_sf_field_sf_count")
                .map(String::as_str),
            Some("7")
        );
    }

    #[test]
    fn when_two_paths_flatten_to_the_same_key_should_refuse() {
        let records = vec![record(json!({"A": {"B": "1"}, "A.B": "2"}))];
        let error = first_record(&records).err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("two result values would share the key A.B")
        );
    }

    #[test]
    fn when_result_is_over_32_kb_should_be_result_too_large() {
        let records: Vec<Record> = (0..40)
            .map(|index| record(json!({"Id": format!("{index}"), "Description": "x".repeat(1000)})))
            .collect();
        let error = all_records(&records).err();
        assert!(
            matches!(error, Some(InvokeError::ResultTooLarge { bytes, limit: 32768 }) if bytes > 32768),
            "{error:?}"
        );
        assert_eq!(error.map(|e| e.error_type()), Some("ResultTooLarge"));
    }

    #[test]
    fn when_result_is_exactly_at_the_limit_should_fit() {
        // {"sf_count":"0","x":""} is 23 bytes, plus the value.
        let mut result = FlowResult::new();
        result.insert("sf_count".into(), "0".into());
        result.insert("x".into(), "v".repeat(CONNECT_RESULT_LIMIT_BYTES - 23));
        assert!(fits(result.clone()).is_ok());
        result.insert("x".into(), "v".repeat(CONNECT_RESULT_LIMIT_BYTES - 22));
        assert!(fits(result).is_err());
    }
}
