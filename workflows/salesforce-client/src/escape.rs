//! Escaping for every value that is placed into SOQL or SOSL text.
//!
//! Salesforce reads a SOQL string literal with these escapes: `\n \r \t \b \f \" \' \\`, plus
//! `\%` and `\_` inside LIKE patterns; a backslash before anything else is a syntax error. In
//! SOSL search terms the characters `? & | ! { } [ ] ( ) ^ ~ * : \ " ' + -` are reserved and
//! must be preceded by a backslash to be searched literally.

/// Escapes `value` for use inside a SOQL single-quoted string literal (without the quotes).
/// `%` and `_` are kept as they are: in a LIKE pattern they remain wildcards.
pub fn soql_string(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len() + 8);
    for character in value.chars() {
        push_soql_char(&mut escaped, character);
    }
    escaped
}

/// A complete SOQL string literal: `'` + escaped value + `'`.
pub fn soql_quoted(value: &str) -> String {
    format!("'{}'", soql_string(value))
}

/// Escapes `value` for a LIKE pattern where it must match literally: `%` and `_` are escaped
/// too, so a caller's `50%_off` cannot widen the match.
pub fn soql_like_literal(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len() + 8);
    for character in value.chars() {
        match character {
            '%' => escaped.push_str("\\%"),
            '_' => escaped.push_str("\\_"),
            other => push_soql_char(&mut escaped, other),
        }
    }
    escaped
}

fn push_soql_char(escaped: &mut String, character: char) {
    match character {
        '\\' => escaped.push_str("\\\\"),
        '\'' => escaped.push_str("\\'"),
        '"' => escaped.push_str("\\\""),
        '\n' => escaped.push_str("\\n"),
        '\r' => escaped.push_str("\\r"),
        '\t' => escaped.push_str("\\t"),
        '\u{8}' => escaped.push_str("\\b"),
        '\u{c}' => escaped.push_str("\\f"),
        other => escaped.push(other),
    }
}

/// The characters SOSL treats as operators or syntax inside a search term.
pub const SOSL_RESERVED: &[char] = &[
    '?', '&', '|', '!', '{', '}', '[', ']', '(', ')', '^', '~', '*', ':', '\\', '"', '\'', '+', '-',
];

/// Escapes SOSL reserved characters so the term is searched literally. Control characters
/// become spaces: they cannot be searched for and a newline must not end a clause.
pub fn sosl_term(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len() + 8);
    for character in value.chars() {
        if SOSL_RESERVED.contains(&character) {
            escaped.push('\\');
            escaped.push(character);
        } else if character.is_control() {
            escaped.push(' ');
        } else {
            escaped.push(character);
        }
    }
    escaped
}

/// A SOSL term searched as one exact phrase: reserved characters escaped and the whole value
/// in double quotes, so words like `OR`/`AND NOT` in the value are not operators.
pub fn sosl_phrase(value: &str) -> String {
    format!("\"{}\"", sosl_term(value))
}

/// A caller's search text as SOSL terms that keep their ordinary meaning: every reserved
/// character is escaped (so `*` and `?` are not wildcards) and the operator words `OR`, `AND`
/// and `NOT` (any case) are quoted, so they are searched for as words, never obeyed.
pub fn sosl_terms(value: &str) -> String {
    value
        .split_whitespace()
        .map(|word| {
            if ["OR", "AND", "NOT"]
                .iter()
                .any(|operator| word.eq_ignore_ascii_case(operator))
            {
                sosl_phrase(word)
            } else {
                sosl_term(word)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_value_has_quotes_and_backslashes_should_escape_each() {
        assert_eq!(soql_string(r#"O'Brien \ "x""#), r#"O\'Brien \\ \"x\""#);
    }

    #[test]
    fn when_value_has_control_characters_should_use_soql_escapes() {
        assert_eq!(soql_string("a\nb\rc\td\u{8}e\u{c}f"), r"a\nb\rc\td\be\ff");
    }

    #[test]
    fn when_value_has_wildcards_should_keep_them_unless_literal_like() {
        assert_eq!(soql_string("50%_off"), "50%_off");
        assert_eq!(soql_like_literal("50%_off'"), r"50\%\_off\'");
    }

    #[test]
    fn when_quoted_should_never_leave_an_unescaped_quote() {
        let hostile = r"x' OR Name != '\' OR '1'='1";
        let quoted = soql_quoted(hostile);
        let inner = &quoted[1..quoted.len() - 1];
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                assert!(chars.next().is_some());
            } else {
                assert_ne!(c, '\'', "unescaped quote in {quoted}");
            }
        }
    }

    #[test]
    fn when_term_has_every_reserved_character_should_escape_all() {
        let all: String = SOSL_RESERVED.iter().collect();
        let escaped = sosl_term(&all);
        assert_eq!(escaped.len(), all.len() * 2);
        assert!(escaped.chars().step_by(2).all(|c| c == '\\'));
    }

    #[test]
    fn when_term_is_ordinary_should_be_unchanged() {
        assert_eq!(
            sosl_term("dana.whitfield@example.net"),
            "dana.whitfield@example.net"
        );
        assert_eq!(sosl_phrase("a OR b"), "\"a OR b\"");
        assert_eq!(sosl_term("}\nRETURNING"), "\\} RETURNING");
    }

    #[test]
    fn when_caller_text_has_operators_or_wildcards_should_quote_each_term() {
        assert_eq!(sosl_terms("dana OR *"), r#"dana "OR" \*"#);
        assert_eq!(sosl_terms("  4719208 "), "4719208");
        assert_eq!(sosl_terms("a and NOT b?"), r#"a "and" "NOT" b\?"#);
        assert_eq!(sosl_terms(""), "");
    }
}
