//! The SOQL of lookup / lookup_all: `SELECT <sf_fields> FROM <sf_object> WHERE <conditions>`.
//!
//! Each other parameter `key=value` is one condition, joined with `AND`:
//! - `key = '<value>'`, the value escaped for a SOQL literal, whatever it contains: a caller who
//!   types `%` into an account-number check matches nothing, not the first account;
//! - a key the flow names in `sf_like` (comma-separated) becomes `key LIKE '<value>'` with `%`
//!   and `_` as wildcards and every other character escaped;
//! - with the legacy rule (`SF_INVOKE_LEGACY_WILDCARDS=true`, the old package's behaviour) a
//!   value containing `%` becomes `key LIKE '<value>'`: its `%` stay wildcards, every other
//!   character (including `_`) is matched literally;
//! - keys `homephone` / `mobilephone` (any case; written `HomePhone` / `MobilePhone`) match the
//!   last 10 digits of the value split 3/3/4: `HomePhone LIKE '%206%555%0143%'` (shorter values
//!   use the groups they have, as the old package's slicing did);
//! - keys must be field API names or relationship paths, or the call is refused.

use salesforce_client::escape::{soql_like_literal, soql_string};

use crate::api_name::{is_field_path, printable};
use crate::error::InvokeError;
use redaction::redact_phone;

/// How lookup values are matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchRules {
    /// Fields whose value is a LIKE pattern (`sf_like`), compared case-insensitively.
    pub like_fields: Vec<String>,
    /// The old package's rule: a `%` anywhere in a value makes it a LIKE pattern.
    pub legacy_wildcards: bool,
}

impl MatchRules {
    /// From the `sf_like` parameter (a comma list of field names) and the function's setting.
    pub fn new(sf_like: Option<&str>, legacy_wildcards: bool) -> Result<Self, InvokeError> {
        let like_fields: Vec<String> = sf_like
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|field| !field.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(bad) = like_fields.iter().find(|field| !is_field_path(field)) {
            return Err(InvokeError::invalid(
                "sf_like",
                format!(
                    "\"{}\" is not a field API name (a comma-separated list of the lookup fields matched as LIKE patterns)",
                    printable(bad)
                ),
            ));
        }
        Ok(Self {
            like_fields,
            legacy_wildcards,
        })
    }

    fn is_pattern(&self, key: &str, value: &str) -> Option<Wildcards> {
        if self
            .like_fields
            .iter()
            .any(|field| field.eq_ignore_ascii_case(key))
        {
            Some(Wildcards::PercentAndUnderscore)
        } else if self.legacy_wildcards && value.contains('%') {
            Some(Wildcards::PercentOnly)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wildcards {
    PercentAndUnderscore,
    PercentOnly,
}

/// The full lookup query. `fields` and `object` must already be validated API names.
pub fn lookup_query<'a>(
    fields: &[String],
    object: &str,
    conditions: impl IntoIterator<Item = (&'a str, &'a str)>,
    rules: &MatchRules,
) -> Result<String, InvokeError> {
    let clauses = conditions
        .into_iter()
        .map(|(key, value)| condition(key, value, rules))
        .collect::<Result<Vec<_>, _>>()?;
    if clauses.is_empty() {
        return Err(InvokeError::invalid(
            "(conditions)",
            "lookup needs at least one field=value parameter besides sf_object and sf_fields",
        ));
    }
    Ok(format!(
        "SELECT {} FROM {object} WHERE {}",
        fields.join(", "),
        clauses.join(" AND ")
    ))
}

/// One WHERE condition for the parameter `key=value`.
pub fn condition(key: &str, value: &str, rules: &MatchRules) -> Result<String, InvokeError> {
    if !is_field_path(key) {
        return Err(InvokeError::invalid(
            printable(key),
            "a lookup condition's name must be a field API name or relationship path (letters, digits and underscores, starting with a letter, joined by '.')",
        ));
    }
    let phone_field = if key.eq_ignore_ascii_case("homephone") {
        Some("HomePhone")
    } else if key.eq_ignore_ascii_case("mobilephone") {
        Some("MobilePhone")
    } else {
        None
    };
    if let Some(field) = phone_field {
        return Ok(format!("{field} LIKE '{}'", phone_pattern(key, value)?));
    }
    match rules.is_pattern(key, value) {
        Some(Wildcards::PercentOnly) => {
            let pattern = value
                .split('%')
                .map(soql_like_literal)
                .collect::<Vec<_>>()
                .join("%");
            Ok(format!("{key} LIKE '{pattern}'"))
        }
        Some(Wildcards::PercentAndUnderscore) => {
            let pattern = value
                .split_inclusive(['%', '_'])
                .map(|piece| match piece.strip_suffix(['%', '_']) {
                    Some(text) => format!("{}{}", soql_string(text), &piece[text.len()..]),
                    None => soql_string(piece),
                })
                .collect::<String>();
            Ok(format!("{key} LIKE '{pattern}'"))
        }
        None => Ok(format!("{key} = '{}'", soql_string(value))),
    }
}

/// `%206%555%0143%` from the last 10 digits of the value (digits only: nothing else can reach
/// the query).
fn phone_pattern(key: &str, value: &str) -> Result<String, InvokeError> {
    let digits: Vec<char> = value.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(InvokeError::invalid(
            key,
            format!(
                "{} has no digits to match a phone number on",
                redact_phone(value)
            ),
        ));
    }
    let last_ten = &digits[digits.len().saturating_sub(10)..];
    let length = last_ten.len();
    let line = length.saturating_sub(4);
    let exchange = line.saturating_sub(3);
    let groups = [
        &last_ten[..exchange],
        &last_ten[exchange..line],
        &last_ten[line..],
    ];
    let mut pattern = String::from("%");
    for group in groups.iter().filter(|group| !group.is_empty()) {
        pattern.extend(group.iter());
        pattern.push('%');
    }
    Ok(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(list: &[&str]) -> Vec<String> {
        list.iter().map(|field| field.to_string()).collect()
    }

    fn cond(key: &str, value: &str) -> String {
        condition(key, value, &MatchRules::default())
            .unwrap_or_else(|error| format!("ERROR: {error}"))
    }

    fn cond_with(key: &str, value: &str, rules: &MatchRules) -> String {
        condition(key, value, rules).unwrap_or_else(|error| format!("ERROR: {error}"))
    }

    #[test]
    fn when_conditions_are_plain_should_join_equalities_with_and() {
        let query = lookup_query(
            &fields(&["Id", "CaseNumber"]),
            "Case",
            [("ContactId", "0035e00000Xk9QmAAJ"), ("Status", "New")],
            &MatchRules::default(),
        );
        assert_eq!(
            query.ok().as_deref(),
            Some(
                "SELECT Id, CaseNumber FROM Case WHERE ContactId = '0035e00000Xk9QmAAJ' AND Status = 'New'"
            )
        );
    }

    #[test]
    fn when_value_has_wildcards_by_default_should_match_them_literally() {
        assert_eq!(cond("AccountNumber", "%"), "AccountNumber = '%'");
        assert_eq!(cond("Name", "Dana%"), "Name = 'Dana%'");
        assert_eq!(cond("Name", "50_off"), "Name = '50_off'");
    }

    #[test]
    fn when_the_flow_names_a_field_in_sf_like_should_use_like_with_both_wildcards() {
        let rules = MatchRules::new(Some(" name , Email"), false).expect("rules");
        assert_eq!(cond_with("Name", "Dana%", &rules), "Name LIKE 'Dana%'");
        assert_eq!(
            cond_with("Name", "%O'Brien_x", &rules),
            r"Name LIKE '%O\'Brien_x'"
        );
        assert_eq!(
            cond_with("Email", "x' OR Id != null OR Email LIKE '%", &rules),
            r"Email LIKE 'x\' OR Id != null OR Email LIKE \'%'"
        );
        // Other fields stay literal.
        assert_eq!(cond_with("Title", "%", &rules), "Title = '%'");
        assert!(MatchRules::new(Some("Name) OR (Id"), false).is_err());
    }

    #[test]
    fn when_the_legacy_rule_is_on_should_keep_the_old_packages_percent_rule() {
        let rules = MatchRules::new(None, true).expect("rules");
        assert_eq!(cond_with("Name", "Dana%", &rules), "Name LIKE 'Dana%'");
        assert_eq!(
            cond_with("Name", "%O'Brien_\\%", &rules),
            r"Name LIKE '%O\'Brien\_\\%'"
        );
        assert_eq!(cond_with("Name", "Dana", &rules), "Name = 'Dana'");
    }

    #[test]
    fn when_key_is_homephone_or_mobilephone_should_match_last_ten_digits() {
        assert_eq!(
            cond("homephone", "+12065550143"),
            "HomePhone LIKE '%206%555%0143%'"
        );
        assert_eq!(
            cond("MobilePhone", "(206) 555-0143"),
            "MobilePhone LIKE '%206%555%0143%'"
        );
        assert_eq!(
            cond("mobilephone", "5550143"),
            "MobilePhone LIKE '%555%0143%'"
        );
        assert_eq!(cond("homephone", "0143"), "HomePhone LIKE '%0143%'");
    }

    #[test]
    fn when_phone_value_is_hostile_should_keep_only_digits() {
        assert_eq!(
            cond("homephone", "2065550143' OR Name != '"),
            "HomePhone LIKE '%206%555%0143%'"
        );
        assert_eq!(
            cond("homephone", "anonymous"),
            "ERROR: the parameter homephone is invalid: ********* has no digits to match a phone number on"
        );
    }

    #[test]
    fn when_value_tries_to_close_the_literal_should_stay_one_literal() {
        assert_eq!(
            cond("Name", "x' OR Name != '"),
            r"Name = 'x\' OR Name != \''"
        );
        assert_eq!(
            cond("Name", "x\\' OR Id != null OR Name = '"),
            r"Name = 'x\\\' OR Id != null OR Name = \''"
        );
        assert_eq!(cond("Name", "a\nb\"c"), r#"Name = 'a\nb\"c'"#);
        assert_eq!(cond("Name", "50_off"), "Name = '50_off'");
        assert_eq!(
            cond("Name", "} RETURNING User(Id)"),
            "Name = '} RETURNING User(Id)'"
        );
    }

    #[test]
    fn when_key_is_not_a_field_name_should_refuse() {
        for key in ["Name = 'x' OR Name", "1Name", "Name)", "Name--", ""] {
            let message = cond(key, "v");
            assert!(
                message.starts_with("ERROR: the parameter "),
                "{key}: {message}"
            );
            assert!(message.ends_with("is invalid: a lookup condition's name must be a field API name or relationship path (letters, digits and underscores, starting with a letter, joined by '.')"), "{message}");
        }
        assert_eq!(
            cond("Account.Name", "Northwind"),
            "Account.Name = 'Northwind'"
        );
    }

    #[test]
    fn when_there_is_no_condition_should_refuse() {
        let message = lookup_query(
            &fields(&["Id"]),
            "Case",
            std::iter::empty(),
            &MatchRules::default(),
        )
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "the parameter (conditions) is invalid: lookup needs at least one field=value parameter besides sf_object and sf_fields"
            )
        );
    }
}
