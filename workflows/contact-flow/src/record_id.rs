//! Salesforce record ids: 15 case-sensitive characters, or 18 with a case-safe suffix.

use crate::error::InvokeError;

const SUFFIX_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// True for a 15-character alphanumeric id, or an 18-character one whose last three
/// characters are the correct case-safe checksum of the first fifteen.
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
