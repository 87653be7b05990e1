//! The CTI adapter's namespace prefix (`SalesforceAdapterNamespace`) applied to custom names.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A validated namespace: blank or `-` means none; otherwise `X__c` becomes `<ns>__X__c`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Namespace(Option<String>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the Salesforce namespace {given:?} is not valid: use letters, digits and single underscores, starting with a letter (blank or - for none)"
)]
pub struct InvalidNamespace {
    pub given: String,
}

impl Namespace {
    pub fn none() -> Self {
        Self(None)
    }

    /// The namespace a function's environment names in `variable` (unset or blank: none); an
    /// invalid one is a configuration error naming the variable.
    pub fn from_env(
        lookup: &impl Fn(&str) -> Option<String>,
        variable: &str,
    ) -> Result<Self, env_config::ConfigError> {
        let text = env_config::optional(lookup, variable).unwrap_or_default();
        Self::parse(&text).map_err(|error| env_config::ConfigError::Invalid {
            name: variable.into(),
            value: text.clone(),
            expected: error.to_string(),
        })
    }

    /// Parses the stack parameter's value. Validation matters because the prefix is placed
    /// into REST paths and SOQL text.
    pub fn parse(value: &str) -> Result<Self, InvalidNamespace> {
        let trimmed = value.trim();
        if trimmed.is_empty() || trimmed == "-" {
            return Ok(Self(None));
        }
        let valid = trimmed.starts_with(|c: char| c.is_ascii_alphabetic())
            && trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !trimmed.contains("__")
            && !trimmed.ends_with('_')
            && trimmed.len() <= 15;
        if valid {
            Ok(Self(Some(trimmed.to_string())))
        } else {
            Err(InvalidNamespace {
                given: value.to_string(),
            })
        }
    }

    pub fn prefix(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// `name` with the prefix when it is a custom name (`__c`); standard names stay as they are.
    pub fn apply(&self, name: &str) -> String {
        match &self.0 {
            Some(prefix) if name.ends_with("__c") => format!("{prefix}__{name}"),
            _ => name.to_string(),
        }
    }
}

impl Serialize for Namespace {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_deref().unwrap_or(""))
    }
}

impl<'de> Deserialize<'de> for Namespace {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?.unwrap_or_default();
        Namespace::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_namespace_is_set_should_prefix_custom_names_only() {
        let namespace = Namespace::parse("amazonconnect").unwrap();
        assert_eq!(
            namespace.apply("AWSAccountId__c"),
            "amazonconnect__AWSAccountId__c"
        );
        assert_eq!(namespace.apply("Attachment"), "Attachment");
    }

    #[test]
    fn when_namespace_is_blank_or_dash_should_not_prefix() {
        for value in ["", " ", "-"] {
            assert_eq!(
                Namespace::parse(value).unwrap().apply("Region__c"),
                "Region__c"
            );
        }
    }

    #[test]
    fn when_namespace_could_change_a_path_or_query_should_be_refused() {
        for value in ["a/b", "x' OR", "1abc", "a__b"] {
            assert!(Namespace::parse(value).is_err(), "{value}");
        }
    }
}
