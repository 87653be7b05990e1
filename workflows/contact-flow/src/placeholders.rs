//! Placeholder replacement in the SOQL/SOSL templates of query, queryOne, searchSOSL and
//! searchOneSOSL.
//!
//! Every parameter except `sf_operation` and `query` is a replacement whose *key is the literal
//! placeholder text* (`"{{contactId}}": "003…"`). The old package replaced text blindly, so a
//! caller's value could rewrite the query. Here the template is scanned once (tracking quotes
//! with backslash escapes, and SOSL `{…}` braces) and each occurrence is replaced according to
//! where it sits:
//! - inside a single-quoted literal: the value escaped for SOQL (`soql_string`), or, when the
//!   literal is the right-hand side of `LIKE`, escaped so it matches literally
//!   (`soql_like_literal`) while the template author's own `%`/`_` stay wildcards;
//! - inside SOSL `FIND {…}` braces: the value with SOSL reserved characters escaped (`sosl_term`);
//! - anywhere else: only values that cannot change the query are allowed: a number
//!   (`-?\d+(\.\d+)?`), `true`/`false`, a Salesforce record id (15, or 18 with a valid suffix)
//!   or an ISO date/datetime (`2024-03-05`, `2024-03-05T14:30:00Z`, `…+01:00`, `….000Z`);
//!   anything else is `UnsafePlaceholder`.
//!
//! Keys are tried longest first (`{{ab}}` before `{{a}}`), the scan is a single pass over the
//! template, and inserted values are never scanned again (no recursive expansion). A template
//! that ends inside a literal or braces is refused.

use salesforce_client::escape::{soql_like_literal, soql_string, sosl_term};

use crate::api_name::printable;
use crate::error::InvokeError;
use crate::record_id::is_record_id;

/// Where a position of the template sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Query syntax, outside any literal.
    Code,
    /// Inside `'…'`; `like` when the literal is the right-hand side of `LIKE`.
    SoqlLiteral { like: bool },
    /// Inside SOSL `FIND {…}`.
    SoslBraces,
}

/// The template with every placeholder replaced safely.
pub fn render<'a>(
    template: &str,
    replacements: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<String, InvokeError> {
    let mut replacements: Vec<(&str, &str)> = replacements
        .into_iter()
        .filter(|(key, _)| !key.is_empty())
        .collect();
    replacements.sort_by(|(a, _), (b, _)| b.len().cmp(&a.len()).then(a.cmp(b)));

    let mut output = String::with_capacity(template.len() + 32);
    let mut context = Context::Code;
    let mut position = 0;
    while position < template.len() {
        let rest = &template[position..];
        if let Some((key, value)) = replacements.iter().find(|(key, _)| rest.starts_with(key)) {
            output.push_str(&replacement(key, value, context)?);
            position += key.len();
            continue;
        }
        let Some(character) = rest.chars().next() else {
            break;
        };
        let mut consumed = character.len_utf8();
        match (context, character) {
            (Context::Code, '\'') => {
                context = Context::SoqlLiteral {
                    like: ends_with_like(&template[..position]),
                };
            }
            (Context::Code, '{') => context = Context::SoslBraces,
            (Context::SoqlLiteral { .. } | Context::SoslBraces, '\\') => {
                // An escape pair: the next character is taken as it is.
                if let Some(next) = rest[1..].chars().next() {
                    consumed += next.len_utf8();
                }
            }
            (Context::SoqlLiteral { .. }, '\'') | (Context::SoslBraces, '}') => {
                context = Context::Code;
            }
            _ => {}
        }
        output.push_str(&rest[..consumed]);
        position += consumed;
    }
    match context {
        Context::Code => Ok(output),
        Context::SoqlLiteral { .. } => Err(InvokeError::invalid(
            "query",
            "ends inside a quoted string literal (a ' is missing)",
        )),
        Context::SoslBraces => Err(InvokeError::invalid(
            "query",
            "ends inside the braces of a SOSL search term (a } is missing)",
        )),
    }
}

fn replacement(key: &str, value: &str, context: Context) -> Result<String, InvokeError> {
    match context {
        Context::SoqlLiteral { like: false } => Ok(soql_string(value)),
        Context::SoqlLiteral { like: true } => Ok(soql_like_literal(value)),
        Context::SoslBraces => Ok(sosl_term(value)),
        Context::Code if is_inert(value) => Ok(value.to_string()),
        Context::Code => Err(InvokeError::UnsafePlaceholder {
            placeholder: printable(key),
            reason: "it is outside any quoted literal, where only a number, true/false, a Salesforce record id or an ISO date/datetime is allowed; quote it in the query ('…') to insert text".into(),
        }),
    }
}

/// True for values that are a single SOQL token which cannot alter the query's structure.
pub fn is_inert(value: &str) -> bool {
    is_number(value)
        || value.eq_ignore_ascii_case("true")
        || value.eq_ignore_ascii_case("false")
        || is_record_id(value)
        || is_iso_date_or_datetime(value)
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

fn is_number(value: &str) -> bool {
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    match unsigned.split_once('.') {
        Some((whole, fraction)) => all_digits(whole) && all_digits(fraction),
        None => all_digits(unsigned),
    }
}

fn is_iso_date_or_datetime(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let date = bytes.len() >= 10
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10);
    if !date {
        return false;
    }
    if bytes.len() == 10 {
        return true;
    }
    let time = bytes.len() >= 19
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19);
    if !time {
        return false;
    }
    let mut rest = &value[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let length = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if length == 0 {
            return false;
        }
        rest = &fraction[length..];
    }
    match rest.as_bytes() {
        b"Z" => true,
        [sign, h1, h2, b':', m1, m2] if (*sign == b'+' || *sign == b'-') => {
            [h1, h2, m1, m2].iter().all(|byte| byte.is_ascii_digit())
        }
        _ => false,
    }
}

/// Whether the code before a quote ends with the keyword `LIKE` (any case, as a whole word).
fn ends_with_like(code: &str) -> bool {
    let trimmed = code.trim_end();
    let length = trimmed.len();
    if length < 4
        || !trimmed.is_char_boundary(length - 4)
        || !trimmed[length - 4..].eq_ignore_ascii_case("like")
    {
        return false;
    }
    !trimmed[..length - 4]
        .chars()
        .next_back()
        .is_some_and(|before| before.is_alphanumeric() || before == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(template: &str, pairs: &[(&str, &str)]) -> String {
        render(template, pairs.iter().copied())
            .unwrap_or_else(|error| format!("ERROR {}: {error}", error.error_type()))
    }

    #[test]
    fn when_placeholder_is_in_a_literal_should_escape_the_value() {
        assert_eq!(
            rendered(
                "SELECT Id FROM Case WHERE ContactId = '{{contactId}}' AND IsClosed = false",
                &[("{{contactId}}", "x' OR Name != '")]
            ),
            r"SELECT Id FROM Case WHERE ContactId = 'x\' OR Name != \'' AND IsClosed = false"
        );
        assert_eq!(
            rendered(
                "WHERE Name = '{{n}}'",
                &[("{{n}}", "a\\' OR Id != null OR Name = '\n")]
            ),
            r"WHERE Name = 'a\\\' OR Id != null OR Name = \'\n'"
        );
    }

    #[test]
    fn when_literal_is_right_of_like_should_match_the_value_literally_and_keep_author_wildcards() {
        assert_eq!(
            rendered(
                "SELECT Id FROM Contact WHERE Phone LIKE '%{{number}}%'",
                &[("{{number}}", "55_0%'")]
            ),
            r"SELECT Id FROM Contact WHERE Phone LIKE '%55\_0\%\'%'"
        );
        assert_eq!(
            rendered(
                "WHERE Name not like\n '{{n}}_' AND Title = '{{n}}%'",
                &[("{{n}}", "a%")]
            ),
            r"WHERE Name not like
 'a\%_' AND Title = 'a%%'"
        );
        assert_eq!(
            rendered("WHERE Unlike = '{{n}}'", &[("{{n}}", "a%")]),
            "WHERE Unlike = 'a%'"
        );
    }

    #[test]
    fn when_placeholder_is_in_sosl_braces_should_escape_reserved_characters() {
        assert_eq!(
            rendered(
                "FIND {{{email}}} IN EMAIL FIELDS RETURNING Contact(Id, Name, Email)",
                &[("{{email}}", "dana.whitfield@example.net")]
            ),
            "FIND {dana.whitfield@example.net} IN EMAIL FIELDS RETURNING Contact(Id, Name, Email)"
        );
        assert_eq!(
            rendered(
                "FIND {{{phone}}} IN PHONE FIELDS RETURNING Contact(Id)",
                &[("{{phone}}", "x} RETURNING User(Id, Email) //")]
            ),
            r"FIND {x\} RETURNING User\(Id, Email\) //} IN PHONE FIELDS RETURNING Contact(Id)"
        );
        assert_eq!(
            rendered(
                r"FIND {a\} {{x}}} RETURNING Lead(Id WHERE Name = '{{x}}')",
                &[("{{x}}", "O'Neil")]
            ),
            r"FIND {a\} O\'Neil} RETURNING Lead(Id WHERE Name = 'O\'Neil')"
        );
    }

    #[test]
    fn when_literal_contains_escaped_quotes_should_stay_inside_it() {
        assert_eq!(
            rendered(
                r"WHERE Name = 'it\'s {{n}}' AND Id = {{id}}",
                &[("{{n}}", "'"), ("{{id}}", "0035e00000Xk9QmAAJ")]
            ),
            r"WHERE Name = 'it\'s \'' AND Id = 0035e00000Xk9QmAAJ"
        );
        assert_eq!(
            rendered(
                r"WHERE Name = '\\' AND Email = '{{e}}'",
                &[("{{e}}", "a'b")]
            ),
            r"WHERE Name = '\\' AND Email = 'a\'b'"
        );
    }

    #[test]
    fn when_placeholder_is_outside_literals_should_allow_only_inert_values() {
        let template = "SELECT Id FROM Case WHERE Amount > {{v}} LIMIT 5";
        for value in [
            "5",
            "-12.50",
            "true",
            "FALSE",
            "0035e00000Xk9QmAAJ",
            "0035e00000Xk9Qm",
            "2024-03-05",
            "2024-03-05T14:30:00Z",
            "2024-03-05T14:30:00.000+01:00",
        ] {
            assert_eq!(
                rendered(template, &[("{{v}}", value)]),
                template.replace("{{v}}", value)
            );
        }
        for value in [
            "5 OR Id != null",
            "1e5",
            "5.",
            "'x'",
            "0035e00000Xk9QmAAA",
            "} RETURNING User(Id)",
            "",
            "2024-03-05 ",
            "2024-03-05T14:30:00",
        ] {
            assert_eq!(
                rendered(template, &[("{{v}}", value)]),
                "ERROR UnsafePlaceholder: the placeholder {{v}} cannot be replaced safely: it is outside any quoted literal, where only a number, true/false, a Salesforce record id or an ISO date/datetime is allowed; quote it in the query ('…') to insert text",
                "{value}"
            );
        }
    }

    #[test]
    fn when_keys_overlap_should_replace_the_longest_first() {
        assert_eq!(
            rendered(
                "WHERE A = '{{a}}' AND B = '{{ab}}'",
                &[("{{a}}", "1"), ("{{ab}}", "2")]
            ),
            "WHERE A = '1' AND B = '2'"
        );
    }

    #[test]
    fn when_a_value_contains_a_placeholder_should_not_expand_it_again() {
        assert_eq!(
            rendered(
                "WHERE A = '{{a}}' AND B = '{{b}}'",
                &[("{{a}}", "{{b}}"), ("{{b}}", "x")]
            ),
            "WHERE A = '{{b}}' AND B = 'x'"
        );
    }

    #[test]
    fn when_a_key_is_absent_from_the_query_or_empty_should_be_ignored() {
        assert_eq!(
            rendered("SELECT Id FROM Case", &[("{{unused}}", "x' OR"), ("", "y")]),
            "SELECT Id FROM Case"
        );
    }

    #[test]
    fn when_template_ends_inside_a_literal_or_braces_should_refuse() {
        assert_eq!(
            rendered("WHERE Name = '{{n}}", &[("{{n}}", "x")]),
            "ERROR InvalidParameter: the parameter query is invalid: ends inside a quoted string literal (a ' is missing)"
        );
        assert_eq!(
            rendered("FIND {{{n}} RETURNING Contact", &[("{{n}}", "x")]),
            "ERROR InvalidParameter: the parameter query is invalid: ends inside the braces of a SOSL search term (a } is missing)"
        );
    }

    #[test]
    fn when_template_has_multibyte_text_should_keep_it() {
        assert_eq!(
            rendered("WHERE Name = 'Zoë {{n}}' — ok", &[("{{n}}", "ß'")]),
            r"WHERE Name = 'Zoë ß\'' — ok"
        );
    }
}
