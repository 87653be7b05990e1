//! Phone numbers from contact flows: E.164 parsing for phoneLookup, and redaction for logs and
//! error messages (a full phone number never leaves this crate in text).

use redaction::redact_phone;

use crate::{
    error::InvokeError,
    phone_metadata::{calling_code, database_for},
};

/// What the caller's number allows: a search on the national number, or no search at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerNumber {
    /// National significant number, digits only (leading zeros of e.g. Italian numbers kept).
    National(String),
    /// `anonymous` (any case) or `+` alone: nothing to search for.
    Withheld,
}

/// Parses `sf_phone` as E.164 (`+` and country code required, as Connect sends it); only a
/// number the phone-number metadata considers valid for its country is searched for (a
/// truncated `+1206555` is refused, not matched against every record ending in those digits).
/// The caller passes a value that is not blank.
pub fn parse_caller_number(name: &str, value: &str) -> Result<CallerNumber, InvokeError> {
    let trimmed = value.trim();
    if trimmed == "+" || trimmed.eq_ignore_ascii_case("anonymous") {
        return Ok(CallerNumber::Withheld);
    }
    let unparsable = || {
        InvokeError::invalid(
            name,
            format!(
                "{} is not a valid E.164 phone number (expected + and country code)",
                redact_phone(trimmed)
            ),
        )
    };
    if !trimmed.starts_with('+') {
        return Err(unparsable());
    }
    let database = calling_code(&trimmed[1..])
        .and_then(database_for)
        .ok_or_else(unparsable)?;
    let number = phonenumber::parse_with(&database, None, trimmed).map_err(|_| unparsable())?;
    if !phonenumber::is_valid_with(&database, &number) {
        return Err(unparsable());
    }
    let national = number.national();
    if national.value() == 0 {
        return Err(unparsable());
    }
    let zeros = "0".repeat(usize::from(national.zeros()));
    Ok(CallerNumber::National(format!(
        "{zeros}{}",
        national.value()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_number_is_e164_should_give_the_national_digits() {
        assert_eq!(
            parse_caller_number("sf_phone", "+12065550143").ok(),
            Some(CallerNumber::National("2065550143".into()))
        );
        assert_eq!(
            parse_caller_number("sf_phone", "+44 20 7946 0018").ok(),
            Some(CallerNumber::National("2079460018".into()))
        );
    }

    #[test]
    fn when_number_is_italian_fixed_line_should_keep_the_leading_zero() {
        assert_eq!(
            parse_caller_number("sf_phone", "+390612345678").ok(),
            Some(CallerNumber::National("0612345678".into()))
        );
    }

    #[test]
    fn when_number_is_withheld_should_not_search() {
        for value in ["anonymous", "ANONYMOUS", "Anonymous", "+"] {
            assert_eq!(
                parse_caller_number("sf_phone", value).ok(),
                Some(CallerNumber::Withheld),
                "{value}"
            );
        }
    }

    #[test]
    fn when_number_is_unparsable_should_show_only_a_redacted_form() {
        for value in [
            "2065550143",
            "+1206555014x3' OR",
            "+99912345678901234567",
            "+1206555",
            "+12065550",
            "} RETURNING User(Id)",
        ] {
            let message = parse_caller_number("sf_phone", value)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                message.starts_with("the parameter sf_phone is invalid: "),
                "{value}: {message}"
            );
            assert!(!message.contains("5550143"), "{message}");
            assert!(!message.contains("RETURNING"), "{message}");
        }
        let message = parse_caller_number("sf_phone", "2065550143")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some(
                "the parameter sf_phone is invalid: ********43 is not a valid E.164 phone number (expected + and country code)"
            )
        );
    }
}
