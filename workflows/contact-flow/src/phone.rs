//! Phone numbers from contact flows: E.164 parsing for phoneLookup, and redaction for logs and
//! error messages (a full phone number never leaves this crate in text).

use crate::error::InvokeError;

/// What the caller's number allows: a search on the national number, or no search at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerNumber {
    /// National significant number, digits only (leading zeros of e.g. Italian numbers kept).
    National(String),
    /// `anonymous` (any case), empty, or `+` alone: nothing to search for.
    Withheld,
}

/// Parses `sf_phone` as E.164 (`+` and country code required, as Connect sends it).
pub fn parse_caller_number(name: &str, value: &str) -> Result<CallerNumber, InvokeError> {
    let trimmed = value.trim();
    if trimmed.is_empty() || trimmed == "+" || trimmed.eq_ignore_ascii_case("anonymous") {
        return Ok(CallerNumber::Withheld);
    }
    let unparsable = || {
        InvokeError::invalid(
            name,
            format!(
                "{} is not an E.164 phone number (expected + and country code)",
                redact_phone(trimmed)
            ),
        )
    };
    if !trimmed.starts_with('+') {
        return Err(unparsable());
    }
    let number = phonenumber::parse(None, trimmed).map_err(|_| unparsable())?;
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

/// Masks every digit but the last two, and every other character but a leading `+`:
/// `+12065550143` → `+*********43`. For logs and error messages.
pub fn redact_phone(value: &str) -> String {
    let (plus, rest) = match value.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", value),
    };
    let digits = rest.chars().filter(char::is_ascii_digit).count();
    let keep_from = if digits > 4 { digits - 2 } else { usize::MAX };
    let mut seen = 0;
    let mut redacted = String::from(plus);
    for character in rest.chars() {
        if character.is_ascii_digit() {
            redacted.push(if seen >= keep_from { character } else { '*' });
            seen += 1;
        } else {
            redacted.push('*');
        }
    }
    redacted
}

/// Masks phone-like runs (7 or more digits, possibly separated by spaces, `-`, `.`, `(`, `)`,
/// `%` or `+`) inside free text such as a Salesforce error message that echoes a query.
/// ISO dates (`2024-03-05`) are left alone.
pub fn redact_digit_runs(text: &str) -> String {
    let characters: Vec<char> = text.chars().collect();
    let mut output = String::with_capacity(text.len());
    let mut index = 0;
    while index < characters.len() {
        if !characters[index].is_ascii_digit() && characters[index] != '+' {
            output.push(characters[index]);
            index += 1;
            continue;
        }
        let mut end = index;
        let mut last_digit_end = index;
        while end < characters.len()
            && (characters[end].is_ascii_digit() || " -.()%+".contains(characters[end]))
        {
            end += 1;
            if characters[end - 1].is_ascii_digit() {
                last_digit_end = end;
            }
        }
        let run: String = characters[index..last_digit_end].iter().collect();
        let digits = run.chars().filter(char::is_ascii_digit).count();
        if digits >= 7 && !is_iso_date_prefix(&run) {
            output.push_str(&redact_phone(&run));
        } else {
            output.push_str(&run);
        }
        if last_digit_end == index {
            // A lone `+` (no digits after it): keep it and move on.
            output.push(characters[index]);
            index += 1;
        } else {
            index = last_digit_end;
        }
    }
    output
}

fn is_iso_date_prefix(run: &str) -> bool {
    let bytes = run.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && bytes[10..].iter().all(|byte| *byte == b' ')
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
        for value in ["anonymous", "ANONYMOUS", "Anonymous", "", "  ", "+"] {
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
                "the parameter sf_phone is invalid: ********43 is not an E.164 phone number (expected + and country code)"
            )
        );
    }

    #[test]
    fn when_redacting_should_keep_plus_and_last_two_digits() {
        assert_eq!(redact_phone("+12065550143"), "+*********43");
        assert_eq!(redact_phone("206-555-0143"), "**********43");
        assert_eq!(redact_phone("123"), "***");
        assert_eq!(redact_phone("abc"), "***");
    }

    #[test]
    fn when_text_has_phone_runs_should_mask_them_and_keep_the_rest() {
        assert_eq!(
            redact_digit_runs(
                "Phone = '+12065550143' AND Id = '0035e00000Xk9QmAAJ' since 2024-03-05 LIMIT 5"
            ),
            "Phone = '+*********43' AND Id = '0035e00000Xk9QmAAJ' since 2024-03-05 LIMIT 5"
        );
        assert_eq!(redact_digit_runs("(206) 555-0143."), "(***********43.");
        assert_eq!(redact_digit_runs("a + b"), "a + b");
    }
}
