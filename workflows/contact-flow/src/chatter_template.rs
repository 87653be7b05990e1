//! `{{key}}` / `{{ key }}` placeholders in Chatter messages, filled from the other parameters.
//!
//! Chatter text is not a query, so values are inserted as they are; each placeholder is filled
//! once (a `{{…}}` inside a value is not expanded again). A placeholder whose key was not given
//! is an error rather than text silently left in the post.

use std::collections::BTreeMap;

use crate::error::InvokeError;

/// The message with every placeholder replaced by `values[key]`.
pub fn fill(message: &str, values: &BTreeMap<&str, &str>) -> Result<String, InvokeError> {
    let mut output = String::with_capacity(message.len() + 32);
    let mut rest = message;
    while let Some(start) = rest.find("{{") {
        output.push_str(&rest[..start]);
        let after_open = &rest[start + 2..];
        let Some(end) = after_open.find("}}") else {
            output.push_str(&rest[start..]);
            return Ok(output);
        };
        let inner = &after_open[..end];
        let key = inner.trim();
        if key.is_empty() || inner.contains(['{', '}']) {
            // Not a placeholder here (e.g. `{{{x}}}`): keep one brace, look again after it.
            output.push('{');
            rest = &rest[start + 1..];
            continue;
        }
        let value = values
            .get(key)
            .ok_or_else(|| InvokeError::MissingTemplateKey {
                key: key.to_string(),
            })?;
        output.push_str(value);
        rest = &after_open[end + 2..];
    }
    output.push_str(rest);
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(message: &str, pairs: &[(&'static str, &'static str)]) -> String {
        let values: BTreeMap<&str, &str> = pairs.iter().copied().collect();
        fill(message, &values).unwrap_or_else(|error| format!("ERROR: {error}"))
    }

    #[test]
    fn when_message_has_placeholders_with_or_without_spaces_should_fill_both() {
        assert_eq!(
            filled(
                "Called from {{phone}} about {{ caseNumber }} ({{  amount}}).",
                &[
                    ("phone", "+12065550143"),
                    ("caseNumber", "00001847"),
                    ("amount", "$84.00")
                ]
            ),
            "Called from +12065550143 about 00001847 ($84.00)."
        );
    }

    #[test]
    fn when_a_key_is_missing_should_name_it() {
        assert_eq!(
            filled("Hello {{ agentName }}", &[]),
            "ERROR: the message uses {{agentName}} but no parameter named agentName was given"
        );
    }

    #[test]
    fn when_a_value_contains_braces_should_insert_it_once() {
        assert_eq!(
            filled("{{a}} and {{b}}", &[("a", "{{b}}"), ("b", "B")]),
            "{{b}} and B"
        );
    }

    #[test]
    fn when_braces_are_not_placeholders_should_keep_them() {
        assert_eq!(
            filled("{{{a}}} {{}} {{ }} {{open", &[("a", "A")]),
            "{A} {{}} {{ }} {{open"
        );
        assert_eq!(filled("no placeholders", &[]), "no placeholders");
        assert_eq!(filled("quote ' and \\ stay", &[]), "quote ' and \\ stay");
    }
}
