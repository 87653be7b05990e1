//! Salesforce record ids: 15 case-sensitive characters, or 18 with a case-safe suffix.

use crate::error::InvokeError;

pub use salesforce_client::names::is_record_id;

/// The value, if it is a record id; `InvalidParameter` naming the parameter otherwise.
pub fn validate_record_id<'a>(name: &str, value: &'a str) -> Result<&'a str, InvokeError> {
    let value = value.trim();
    if is_record_id(value) {
        Ok(value)
    } else {
        Err(InvokeError::invalid(
            name,
            "must be a Salesforce record id (15 letters and digits, or 18 with a valid case-safe suffix)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_id_comes_from_the_fixtures_should_be_valid() {
        for id in [
            "0035e00000Xk9QmAAJ",
            "0015e00000QbT4rAAF",
            "5005e00001Hn2WQAAZ",
            "00T5e00000Ux3LdEAJ",
            "0D55e00008ZfR7cCAF",
            "0055e000007xKp2AAE",
            "0035e00000Xk9Qm",
        ] {
            assert!(is_record_id(id), "{id}");
        }
    }

    #[test]
    fn when_suffix_is_wrong_or_text_is_not_an_id_should_be_invalid() {
        assert!(!is_record_id("0035e00000Xk9QmAAA"));
        assert!(!is_record_id("0035e00000Xk9Qm' OR"));
        assert!(!is_record_id("003"));
        assert!(!is_record_id("0035e00000Xk9Q-"));
    }

    #[test]
    fn when_validating_should_name_the_parameter_without_the_value() {
        let error = validate_record_id("sf_id", "x' OR '1'='1")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "the parameter sf_id is invalid: must be a Salesforce record id (15 letters and digits, or 18 with a valid case-safe suffix)"
            )
        );
        assert_eq!(
            validate_record_id("sf_id", " 5005e00001Hn2WQAAZ ").ok(),
            Some("5005e00001Hn2WQAAZ")
        );
    }
}
