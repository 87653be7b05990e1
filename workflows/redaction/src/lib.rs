//! Keeps personal data out of error messages and log lines: the one rule every crate uses.
//!
//! - A phone-like run (seven or more digits, possibly with spaces, `-`, `.`, `(`, `)`, `%` or
//!   `+` between them) keeps only a leading `+` and its last two digits: `+12065550143` →
//!   `+*********43`. Digits inside a word stay (a Salesforce record id such as
//!   `a015e0000000001AAA` is what an operator needs), and so do ISO dates.
//! - An e-mail address keeps only its domain: `dana.whitfield@example.net` → `***@example.net`.
//!
//! **Architecture invariant:** nothing but this crate decides what personal data looks like.

/// A phone-like run needs at least this many digits.
const MIN_PHONE_DIGITS: usize = 7;

/// Masks one value known to be a phone number (a parameter being reported as invalid):
/// every digit but the last two, and every other character but a leading `+`.
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

/// Masks every phone-like run and every e-mail address in free text (an error message, a
/// Salesforce answer that echoes a query, a serde message).
pub fn redact_personal_data(text: &str) -> String {
    redact_email_addresses(&redact_phone_runs(text))
}

/// serde's messages quote the offending value (`invalid type: string "+1206…"`, or in backticks
/// after `integer` / `floating point`: ``invalid type: integer `12065550100` ``): keeps the
/// structure of the message and drops the value. Other backticked words are serde naming the
/// field or variant (``missing field `ctr` ``, ``expected one of `a`, `b` ``) and are kept.
pub fn without_quoted_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The closing quote of the value being dropped, while inside one.
    let mut dropping: Option<char> = None;
    for character in text.chars() {
        match dropping {
            Some(quote) if character == quote => {
                dropping = None;
                out.push(character);
            }
            Some(_) => {}
            None if character == '"'
                || (character == '`'
                    && (out.ends_with("integer ") || out.ends_with("floating point "))) =>
            {
                dropping = Some(character);
                out.push(character);
                out.push('…');
            }
            None => out.push(character),
        }
    }
    out
}

/// A URL path's shape for a log line: its first three segments (`/services/data/v60.0`), the
/// rest (record ids, external-id values such as a phone number) as `…`.
pub fn path_shape(path: &str) -> String {
    path.split('/')
        .enumerate()
        .map(|(index, segment)| if index >= 3 { "…" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

fn redact_phone_runs(text: &str) -> String {
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
        if last_digit_end == index {
            // A lone `+` (no digits after it): keep it and move on.
            output.push(characters[index]);
            index += 1;
            continue;
        }
        let run: String = characters[index..last_digit_end].iter().collect();
        let digits = run.chars().filter(char::is_ascii_digit).count();
        // Part of a longer token: a record id (`a015e0000000001AAA`) or a hyphenated id such as
        // a contact id (`3f2a9c1e-5521-4071-ab3e-…`), which operators need to see whole.
        let joined = |at: Option<&char>, beyond: Option<&char>| {
            at.is_some_and(|c| c.is_alphanumeric())
                || (at == Some(&'-') && beyond.is_some_and(|c| c.is_alphanumeric()))
        };
        let before = index.checked_sub(1).and_then(|i| characters.get(i));
        let before_that = index.checked_sub(2).and_then(|i| characters.get(i));
        let after = characters.get(last_digit_end);
        let after_that = characters.get(last_digit_end + 1);
        let in_word = joined(before, before_that) || joined(after, after_that);
        if digits >= MIN_PHONE_DIGITS && !in_word && !is_iso_date_prefix(&run) {
            output.push_str(&redact_phone(&run));
        } else {
            output.push_str(&run);
        }
        index = last_digit_end;
    }
    output
}

/// `2024-03-05`, alone or followed by the hour of a date-time (`2024-03-05 14`).
fn is_iso_date_prefix(run: &str) -> bool {
    let bytes = run.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
        && (bytes[10..].iter().all(|byte| *byte == b' ')
            || (bytes[10] == b' '
                && bytes[11..].iter().all(u8::is_ascii_digit)
                && bytes.len() <= 13))
}

fn redact_email_addresses(text: &str) -> String {
    let is_local = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    let is_domain = |c: char| c.is_alphanumeric() || c == '-' || c == '.';
    let characters: Vec<char> = text.chars().collect();
    let mut output = String::with_capacity(text.len());
    let mut index = 0;
    while index < characters.len() {
        if characters[index] != '@' {
            output.push(characters[index]);
            index += 1;
            continue;
        }
        // The local part is what the output already ends with.
        let local_len = output.chars().rev().take_while(|c| is_local(*c)).count();
        let domain_len = characters[index + 1..]
            .iter()
            .take_while(|c| is_domain(**c))
            .count();
        let domain: String = characters[index + 1..index + 1 + domain_len]
            .iter()
            .collect();
        let domain = domain.trim_end_matches('.');
        if local_len > 0 && domain.contains('.') {
            for _ in 0..local_len {
                output.pop();
            }
            output.push_str("***@");
            output.push_str(domain);
            index += 1 + domain.chars().count();
        } else {
            output.push('@');
            index += 1;
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_redacting_a_phone_should_keep_plus_and_last_two_digits() {
        assert_eq!(redact_phone("+12065550143"), "+*********43");
        assert_eq!(redact_phone("206-555-0143"), "**********43");
        assert_eq!(redact_phone("123"), "***");
        assert_eq!(redact_phone("abc"), "***");
    }

    #[test]
    fn when_text_has_phone_runs_should_mask_them_and_keep_ids_dates_and_small_numbers() {
        assert_eq!(
            redact_personal_data(
                "Phone = '+12065550143' AND Id = '0035e00000Xk9QmAAJ' since 2024-03-05 LIMIT 5"
            ),
            "Phone = '+*********43' AND Id = '0035e00000Xk9QmAAJ' since 2024-03-05 LIMIT 5"
        );
        assert_eq!(redact_personal_data("(206) 555-0143."), "(***********43.");
        assert_eq!(redact_personal_data("a + b"), "a + b");
        assert_eq!(
            redact_personal_data("invalid type: string \"+12065550143\" at line 1 column 42"),
            "invalid type: string \"+*********43\" at line 1 column 42"
        );
        assert_eq!(redact_personal_data("account 4719208."), "account *****08.");
        assert_eq!(
            redact_personal_data("no a015e0000000001AAA here"),
            "no a015e0000000001AAA here"
        );
    }

    #[test]
    fn when_text_has_contact_ids_or_date_times_should_keep_them_whole() {
        for text in [
            "contact 3f2a9c1e-5521-4071-ab3e-0a4c7e93b6f2 failed",
            "execution contact-8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08-20240305T142304Z",
            "at 2024-03-05 14:22:21 UTC",
        ] {
            assert_eq!(redact_personal_data(text), text);
        }
        assert_eq!(
            redact_personal_data("call 206-555-0143 or +1 206 555 0143"),
            "call **********43 or +************43"
        );
    }

    #[test]
    fn when_text_has_an_email_address_should_keep_only_its_domain() {
        assert_eq!(
            redact_personal_data("Email = 'dana.whitfield@example.net'."),
            "Email = '***@example.net'."
        );
        assert_eq!(
            redact_personal_data("first.last+tag@mail.example.co.uk and x@y"),
            "***@mail.example.co.uk and x@y"
        );
        assert_eq!(redact_personal_data("@everyone"), "@everyone");
    }

    #[test]
    fn when_serde_quotes_a_value_should_keep_only_the_structure() {
        assert_eq!(
            without_quoted_values("invalid type: string \"+12065550143\", expected u64"),
            "invalid type: string \"…\", expected u64"
        );
        assert_eq!(
            without_quoted_values(
                "invalid type: integer `12065550143`, expected a string at line 1 column 22"
            ),
            "invalid type: integer `…`, expected a string at line 1 column 22"
        );
        // Field and variant names are what the sender must fix: kept.
        assert_eq!(
            without_quoted_values(
                "missing field `ctr`; unknown variant `lookupp`, expected one of `lookup`, `create`"
            ),
            "missing field `ctr`; unknown variant `lookupp`, expected one of `lookup`, `create`"
        );
        assert_eq!(
            without_quoted_values("invalid type: floating point `2065550143.5`, expected u8"),
            "invalid type: floating point `…`, expected u8"
        );
    }

    #[test]
    fn when_a_path_carries_an_external_id_should_log_only_its_shape() {
        assert_eq!(
            path_shape("/services/data/v60.0/sobjects/Contact/Phone/2065550143"),
            "/services/data/…/…/…/…/…"
        );
    }
}
