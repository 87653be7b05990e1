//! A Lambda function's settings come from its environment (set by `template.yaml` from the
//! stack parameters) and are read once, at cold start: a bad value stops the function there,
//! naming the variable, instead of failing every invocation.
//!
//! Every reader takes a lookup (`Fn(&str) -> Option<String>`) so tests and the local runner
//! supply their own; [`from_process`] is the real environment.
//!
//! **Architecture invariant:** the accepted boolean spellings are decided here only: the old
//! package's `true`/`True`/`false`/`False`, and any other capitalisation of the same words.

/// Why a setting was refused; every message names the variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {name} is required but not set")]
    Missing { name: String },
    #[error("environment variable {name} is invalid: '{value}' is not true or false")]
    NotABoolean { name: String, value: String },
    #[error("environment variable {name} is invalid: '{value}' is not {expected}")]
    Invalid {
        name: String,
        value: String,
        expected: String,
    },
}

/// The process environment as a lookup.
pub fn from_process(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// `true`/`false` in any capitalisation, surrounding spaces ignored; anything else is `None`.
pub fn parse_bool(text: &str) -> Option<bool> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A boolean variable; unset or blank is `default`.
pub fn flag(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: bool,
) -> Result<bool, ConfigError> {
    match optional(lookup, name) {
        None => Ok(default),
        Some(value) => parse_bool(&value).ok_or(ConfigError::NotABoolean {
            name: name.to_string(),
            value,
        }),
    }
}

/// A variable that must be set and not blank (trimmed).
pub fn required(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
) -> Result<String, ConfigError> {
    optional(lookup, name).ok_or_else(|| ConfigError::Missing {
        name: name.to_string(),
    })
}

/// A variable that may be unset; blank counts as unset (CloudFormation passes `''` for an empty
/// parameter). Trimmed.
pub fn optional(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    lookup(name)
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
}

/// A whole number within `range`; unset or blank is `default`.
pub fn number_in<T>(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
    range: std::ops::RangeInclusive<T>,
    default: T,
    expected: &str,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd,
{
    match optional(lookup, name) {
        None => Ok(default),
        Some(value) => value
            .parse::<T>()
            .ok()
            .filter(|number| range.contains(number))
            .ok_or(ConfigError::Invalid {
                name: name.to_string(),
                value,
                expected: expected.to_string(),
            }),
    }
}

/// The ARN of the Salesforce credentials secret (`SF_CREDENTIALS_SECRETS_MANAGER_ARN`).
pub fn secret_arn(lookup: &impl Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    required(lookup, SECRET_ARN_VARIABLE)
}

/// The variable holding the Salesforce credentials secret's ARN.
pub const SECRET_ARN_VARIABLE: &str = "SF_CREDENTIALS_SECRETS_MANAGER_ARN";

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_string())
        }
    }

    #[test]
    fn when_a_flag_is_spelt_as_the_old_package_or_in_any_case_should_be_read() {
        for (text, expected) in [
            ("true", true),
            ("True", true),
            ("TRUE", true),
            (" tRuE ", true),
            ("false", false),
            ("False", false),
            ("FALSE", false),
        ] {
            assert_eq!(parse_bool(text), Some(expected), "{text}");
        }
        for text in ["yes", "1", "on", "", "truee"] {
            assert_eq!(parse_bool(text), None, "{text}");
        }
    }

    #[test]
    fn when_a_flag_is_unset_or_blank_should_take_the_default() {
        let env = lookup(&[("BLANK", "  ")]);
        assert_eq!(flag(&env, "UNSET", true), Ok(true));
        assert_eq!(flag(&env, "BLANK", false), Ok(false));
    }

    #[test]
    fn when_a_setting_is_wrong_should_name_the_variable() {
        let env = lookup(&[("FLAG", "yes"), ("WAIT", "0")]);
        assert_eq!(
            flag(&env, "FLAG", false).map_err(|e| e.to_string()),
            Err("environment variable FLAG is invalid: 'yes' is not true or false".into())
        );
        assert_eq!(
            required(&env, "SF_HOST").map_err(|e| e.to_string()),
            Err("environment variable SF_HOST is required but not set".into())
        );
        assert!(
            number_in(&env, "WAIT", 1..=3600u32, 5, "a number of seconds")
                .map_err(|e| e.to_string())
                .is_err_and(|message| message.contains("WAIT"))
        );
        assert_eq!(number_in(&env, "UNSET", 1..=3600u32, 5, "x"), Ok(5));
    }
}
