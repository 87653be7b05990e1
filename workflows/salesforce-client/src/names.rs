//! Salesforce API names and record ids, validated on construction: the only way a caller's
//! object name, field name or id reaches a URL path or a query's text.

use std::fmt;

/// The longest API name Salesforce allows (with namespace and suffix).
const MAX_API_NAME_LENGTH: usize = 120;

const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// Why a text is not an API name or a record id. It never quotes the text: callers name the
/// parameter and show the value redacted if at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error(
        "not a Salesforce API name (letters, digits and underscores, starting with a letter, at most 120)"
    )]
    NotAnApiName,
    #[error(
        "not a Salesforce record id (15 letters and digits, or 18 with a valid case-safe suffix)"
    )]
    NotARecordId,
}

/// An object or field API name: `Case`, `amazonconnect__AC_ContactTraceRecord__c`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiName(String);

impl ApiName {
    pub fn parse(text: &str) -> Result<Self, NameError> {
        if is_api_name(text) {
            Ok(Self(text.to_string()))
        } else {
            Err(NameError::NotAnApiName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApiName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A record id: 15 case-sensitive characters, or 18 whose last three are the case-safe
/// checksum of the first fifteen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(String);

impl RecordId {
    pub fn parse(text: &str) -> Result<Self, NameError> {
        if is_record_id(text) {
            Ok(Self(text.to_string()))
        } else {
            Err(NameError::NotARecordId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `name` when it is an [`ApiName`], else the `INVALID_API_NAME` refusal Salesforce itself
/// would give: the last guard before a name meets a URL path or query text.
pub fn checked_api_name(name: &str) -> Result<&str, crate::SalesforceError> {
    ApiName::parse(name)
        .map(|_| name)
        .map_err(|error| crate::SalesforceError::Rejected {
            status: 400,
            error_code: "INVALID_API_NAME".into(),
            message: format!("'{name}' is {error}"),
        })
}

/// ASCII letters, digits and underscores, starting with a letter, at most 120 characters.
pub fn is_api_name(name: &str) -> bool {
    let mut characters = name.chars();
    name.len() <= MAX_API_NAME_LENGTH
        && matches!(characters.next(), Some(first) if first.is_ascii_alphabetic())
        && characters.all(|character| character.is_ascii_alphanumeric() || character == '_')
}

/// API names joined by `.` (`Account.Owner.Name`).
pub fn is_field_path(path: &str) -> bool {
    path.split('.').all(is_api_name)
}

/// True for a 15-character alphanumeric id, or an 18-character one with the correct suffix.
pub fn is_record_id(value: &str) -> bool {
    let bytes = value.as_bytes();
    if !bytes.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    match bytes.len() {
        15 => true,
        18 => case_safe_suffix(&bytes[..15]) == bytes[15..],
        _ => false,
    }
}

fn case_safe_suffix(id15: &[u8]) -> [u8; 3] {
    let mut suffix = [0u8; 3];
    for (chunk_index, chunk) in id15.chunks(5).enumerate() {
        let bits = chunk
            .iter()
            .enumerate()
            .filter(|(_, byte)| byte.is_ascii_uppercase())
            .fold(0usize, |bits, (position, _)| bits | (1 << position));
        suffix[chunk_index] = SUFFIX_ALPHABET[bits];
    }
    suffix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_name_is_a_valid_api_name_should_accept_it() {
        for name in [
            "Case",
            "amazonconnect__AC_ContactChannelAnalytics__c",
            "Field1",
        ] {
            assert!(ApiName::parse(name).is_ok(), "{name}");
        }
        assert!(is_field_path("Account.Owner.Name"));
    }

    #[test]
    fn when_name_has_syntax_path_characters_or_starts_wrong_should_refuse_it() {
        for name in [
            "",
            "1Field",
            "_x",
            "Name = 'x' OR Name",
            "Name)",
            "Na me",
            "Contact/../limits",
            "Contact?x=1",
        ] {
            assert_eq!(ApiName::parse(name), Err(NameError::NotAnApiName), "{name}");
        }
        assert!(ApiName::parse(&"A".repeat(121)).is_err());
        for path in ["Account.", "a..b"] {
            assert!(!is_field_path(path), "{path}");
        }
    }

    #[test]
    fn when_id_comes_from_an_org_should_be_valid() {
        for id in [
            "0035e00000Xk9QmAAJ",
            "0015e00000QbT4rAAF",
            "5005e00001Hn2WQAAZ",
            "00T5e00000Ux3LdEAJ",
            "0035e00000Xk9Qm",
        ] {
            assert!(RecordId::parse(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn when_suffix_is_wrong_or_text_is_not_an_id_should_be_invalid() {
        for id in [
            "0035e00000Xk9QmAAA",
            "0035e00000Xk9Qm' OR",
            "003",
            "0035e00000Xk9Q-",
            "0035e00000Xk9Q/AAJ",
        ] {
            assert_eq!(RecordId::parse(id), Err(NameError::NotARecordId), "{id}");
        }
    }
}
