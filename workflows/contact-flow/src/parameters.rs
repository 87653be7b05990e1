//! The contact flow's `Details.Parameters`: a flat map of strings.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;

use crate::error::InvokeError;
use crate::operation::Operation;

/// The parameters of one invocation. Connect sends strings; numbers and booleans (from test
/// events or other callers) are accepted as their JSON text, `null` as absent, and nested
/// objects or arrays are refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "serde_json::Map<String, Value>")]
pub struct FlowParameters(BTreeMap<String, String>);

impl FlowParameters {
    /// Reads parameters from a JSON object (the `Details.Parameters` value).
    pub fn from_json(value: &Value) -> Result<FlowParameters, InvokeError> {
        match value {
            Value::Object(map) => Self::try_from(map.clone()),
            Value::Null => Ok(Self::default()),
            _ => Err(InvokeError::invalid(
                "Details.Parameters",
                "must be a JSON object of strings",
            )),
        }
    }

    /// The raw value, empty strings included.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// The value when present and not blank; `MissingParameter` otherwise.
    pub fn required(&self, operation: Operation, name: &str) -> Result<&str, InvokeError> {
        self.optional(name)
            .ok_or_else(|| InvokeError::missing(operation, name))
    }

    /// The value when present and not blank (Connect sends `""` for unset attributes).
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|value| !value.trim().is_empty())
    }

    /// The inputs of `operation`: every parameter except the ones it reads itself
    /// ([`Operation::reserved_parameters`]), in key order, values as given.
    pub fn others(&self, operation: Operation) -> impl Iterator<Item = (&str, &str)> {
        let reserved = operation.reserved_parameters();
        self.0
            .iter()
            .filter(move |(key, _)| !reserved.contains(&key.as_str()))
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<BTreeMap<String, String>> for FlowParameters {
    fn from(map: BTreeMap<String, String>) -> Self {
        Self(map)
    }
}

impl From<HashMap<String, String>> for FlowParameters {
    fn from(map: HashMap<String, String>) -> Self {
        Self(map.into_iter().collect())
    }
}

impl<const N: usize> From<[(&str, &str); N]> for FlowParameters {
    fn from(pairs: [(&str, &str); N]) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(key, value)| (key.to_string(), value.to_string()))
                .collect(),
        )
    }
}

impl TryFrom<serde_json::Map<String, Value>> for FlowParameters {
    type Error = InvokeError;

    fn try_from(map: serde_json::Map<String, Value>) -> Result<Self, Self::Error> {
        let mut parameters = BTreeMap::new();
        for (key, value) in map {
            let text = match value {
                Value::Null => continue,
                Value::String(text) => text,
                Value::Bool(flag) => flag.to_string(),
                Value::Number(number) => number.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(InvokeError::invalid(
                        key,
                        "must be a string (Connect parameters are flat); nested objects and arrays are not accepted",
                    ));
                }
            };
            parameters.insert(key, text);
        }
        Ok(Self(parameters))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn when_values_are_numbers_or_bools_should_stringify_them() {
        let parameters =
            FlowParameters::from_json(&json!({"a": 5, "b": 1.5, "c": true, "d": null, "e": "x"}));
        let parameters = parameters.unwrap_or_default();
        assert_eq!(parameters.get("a"), Some("5"));
        assert_eq!(parameters.get("b"), Some("1.5"));
        assert_eq!(parameters.get("c"), Some("true"));
        assert_eq!(parameters.get("d"), None);
        assert_eq!(parameters.get("e"), Some("x"));
    }

    #[test]
    fn when_a_value_is_nested_should_refuse_with_its_name() {
        let error = FlowParameters::from_json(&json!({"sf_fields": ["Id"]})).err();
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            message,
            "the parameter sf_fields is invalid: must be a string (Connect parameters are flat); nested objects and arrays are not accepted"
        );
        let error: Result<FlowParameters, _> = serde_json::from_value(json!({"x": {"y": "z"}}));
        assert!(error.is_err());
        assert!(FlowParameters::from_json(&json!("text")).is_err());
    }

    #[test]
    fn when_value_is_blank_should_be_missing_for_required_and_none_for_optional() {
        let parameters = FlowParameters::from([("sf_object", " "), ("sf_fields", "Id")]);
        assert_eq!(parameters.optional("sf_object"), None);
        assert_eq!(parameters.get("sf_object"), Some(" "));
        let error = parameters.required(Operation::Lookup, "sf_object").err();
        assert!(
            matches!(error, Some(InvokeError::MissingParameter { ref name, .. }) if name == "sf_object")
        );
        assert_eq!(
            parameters.required(Operation::Lookup, "sf_fields").ok(),
            Some("Id")
        );
    }

    #[test]
    fn when_listing_others_should_skip_only_the_operation_reserved_keys() {
        let parameters = FlowParameters::from([
            ("sf_operation", "lookup"),
            ("sf_object", "Case"),
            ("sf_fields", "Id"),
            ("Status", "New"),
            ("sf_custom__c", "x"),
        ]);
        let others: Vec<_> = parameters.others(Operation::Lookup).collect();
        assert_eq!(others, vec![("Status", "New"), ("sf_custom__c", "x")]);
    }

    #[test]
    fn when_built_from_a_hash_map_should_keep_every_pair() {
        let map: HashMap<String, String> =
            [("a".to_string(), "1".to_string())].into_iter().collect();
        let parameters = FlowParameters::from(map);
        assert_eq!(parameters.len(), 1);
        assert!(!parameters.is_empty());
    }
}
