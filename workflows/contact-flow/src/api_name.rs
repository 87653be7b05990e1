//! Salesforce API names (objects, fields, relationship paths) as they may appear in SOQL.

use crate::error::InvokeError;

pub use salesforce_client::names::{is_api_name, is_field_path};

/// The object name, validated.
pub fn validate_object<'a>(name: &str, value: &'a str) -> Result<&'a str, InvokeError> {
    let value = value.trim();
    if is_api_name(value) {
        Ok(value)
    } else {
        Err(InvokeError::invalid(
            name,
            format!(
                "\"{}\" is not a Salesforce object API name (letters, digits and underscores, starting with a letter)",
                printable(value)
            ),
        ))
    }
}

/// A comma-separated field list (`Id, Name, Account.Name`): trimmed, each a field path.
pub fn parse_field_list(name: &str, value: &str) -> Result<Vec<String>, InvokeError> {
    let fields: Vec<String> = value
        .split(',')
        .map(str::trim)
        .filter(|field| !field.is_empty())
        .map(str::to_string)
        .collect();
    if fields.is_empty() {
        return Err(InvokeError::invalid(name, "lists no field"));
    }
    if let Some(bad) = fields.iter().find(|field| !is_field_path(field)) {
        return Err(InvokeError::invalid(
            name,
            format!(
                "\"{}\" is not a field API name or relationship path (letters, digits and underscores, starting with a letter, joined by '.')",
                printable(bad)
            ),
        ));
    }
    Ok(fields)
}

/// A name for an error message: at most 80 characters, control characters shown as `?`,
/// phone-like digit runs masked.
pub(crate) fn printable(value: &str) -> String {
    let mut shown: String = value
        .chars()
        .take(80)
        .map(|character| {
            if character.is_control() {
                '?'
            } else {
                character
            }
        })
        .collect();
    if value.chars().count() > 80 {
        shown.push('…');
    }
    redaction::redact_personal_data(&shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_field_list_is_spaced_should_trim_and_validate_each() {
        assert_eq!(
            parse_field_list("sf_fields", " Id,Name , Account.Name ").ok(),
            Some(vec![
                "Id".to_string(),
                "Name".to_string(),
                "Account.Name".to_string()
            ])
        );
        let message = parse_field_list("sf_fields", "Id, Name FROM User --")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "the parameter sf_fields is invalid: \"Name FROM User --\" is not a field API name or relationship path (letters, digits and underscores, starting with a letter, joined by '.')"
            )
        );
        assert_eq!(
            parse_field_list("sf_fields", " , ")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("the parameter sf_fields is invalid: lists no field")
        );
    }

    #[test]
    fn when_echoed_value_holds_a_phone_number_should_mask_it() {
        let message = parse_field_list("sf_fields", "Id, +12065550143")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("\"+*********43\""), "{message}");
        assert_eq!(printable("a\nb"), "a?b");
    }

    #[test]
    fn when_object_is_invalid_should_say_so() {
        assert_eq!(validate_object("sf_object", " Case ").ok(), Some("Case"));
        let message = validate_object("sf_object", "Case WHERE")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "the parameter sf_object is invalid: \"Case WHERE\" is not a Salesforce object API name (letters, digits and underscores, starting with a letter)"
            )
        );
    }
}
