//! Relative date formulas in create/update values: `<n><w|d|h|m>|<date|time|datetime>`.
//!
//! `5d|date` is the date five days after `now`, `2h|datetime` two hours later, `|datetime` now
//! itself. Rendered in UTC as `%Y-%m-%d`, `%H:%M:%S` or `%Y-%m-%dT%H:%M:%SZ`. A negative offset
//! (`-2d|date`, two days ago) is accepted: the old package read `n` with `int()`, and "yesterday"
//! is a real need. Anything else (upper-case units, spaces, `+5d`, a missing format) is not a
//! formula and is sent unchanged. `now` comes from the caller on every invocation, so a warm
//! container never reuses a stale clock.

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::InvokeError;

const CONTACT_CHANNEL_ANALYTICS: &str = "AC_ContactChannelAnalytics__c";

/// Whether formulas apply to this object: everywhere except `AC_ContactChannelAnalytics__c`,
/// with or without a namespace prefix (API names are case-insensitive).
pub fn applies_to(object: &str) -> bool {
    let object = object.to_ascii_lowercase();
    let target = CONTACT_CHANNEL_ANALYTICS.to_ascii_lowercase();
    !(object == target || object.ends_with(&format!("__{target}")))
}

/// Renders `value` if it is a formula; returns it unchanged otherwise. `name` is the field, for
/// the error when the offset is out of range.
pub fn render(name: &str, value: &str, now: DateTime<Utc>) -> Result<String, InvokeError> {
    let Some((offset, format)) = value.split_once('|') else {
        return Ok(value.to_string());
    };
    let pattern = match format {
        "date" => "%Y-%m-%d",
        "time" => "%H:%M:%S",
        "datetime" => "%Y-%m-%dT%H:%M:%SZ",
        _ => return Ok(value.to_string()),
    };
    let Some(delta) = parse_offset(offset) else {
        return Ok(value.to_string());
    };
    let out_of_range = || {
        InvokeError::invalid(
            name,
            format!("the date formula offset {offset} is out of range"),
        )
    };
    let delta = delta.ok_or_else(out_of_range)?;
    let moment = now.checked_add_signed(delta).ok_or_else(out_of_range)?;
    Ok(moment.format(pattern).to_string())
}

/// `None`: not an offset. `Some(None)`: an offset too large for a date.
fn parse_offset(offset: &str) -> Option<Option<TimeDelta>> {
    if offset.is_empty() {
        return Some(Some(TimeDelta::zero()));
    }
    let unit = offset.chars().last()?;
    let number = &offset[..offset.len() - unit.len_utf8()];
    let digits = number.strip_prefix('-').unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let seconds_per_unit: i64 = match unit {
        'w' => 7 * 86_400,
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        _ => return None,
    };
    Some(
        number
            .parse::<i64>()
            .ok()
            .and_then(|count| count.checked_mul(seconds_per_unit))
            .and_then(TimeDelta::try_seconds),
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 5, 14, 30, 15)
            .single()
            .unwrap_or_default()
    }

    fn rendered(value: &str) -> String {
        render("ActivityDate", value, now()).unwrap_or_else(|error| error.to_string())
    }

    #[test]
    fn when_value_is_a_formula_should_render_it_from_now() {
        assert_eq!(rendered("5d|date"), "2024-03-10");
        assert_eq!(rendered("2h|time"), "16:30:15");
        assert_eq!(rendered("1w|datetime"), "2024-03-12T14:30:15Z");
        assert_eq!(rendered("90m|datetime"), "2024-03-05T16:00:15Z");
        assert_eq!(rendered("|date"), "2024-03-05");
        assert_eq!(rendered("|time"), "14:30:15");
        assert_eq!(rendered("|datetime"), "2024-03-05T14:30:15Z");
        assert_eq!(rendered("0d|date"), "2024-03-05");
    }

    #[test]
    fn when_offset_is_negative_should_go_back_in_time() {
        assert_eq!(rendered("-2d|date"), "2024-03-03");
        assert_eq!(rendered("-1w|datetime"), "2024-02-27T14:30:15Z");
    }

    #[test]
    fn when_value_is_not_a_formula_should_leave_it_untouched() {
        for value in [
            "Normal",
            "5d",
            "5d|Date",
            "5D|date",
            "+5d|date",
            "5x|date",
            "d|date",
            "-d|date",
            "5 d|date",
            "5d|date|x",
            "a|b",
            "Call back | date",
        ] {
            assert_eq!(rendered(value), value);
        }
    }

    #[test]
    fn when_offset_is_out_of_range_should_be_invalid_parameter() {
        assert_eq!(
            rendered("99999999999999w|date"),
            "the parameter ActivityDate is invalid: the date formula offset 99999999999999w is out of range"
        );
        assert_eq!(
            rendered("999999999999999999999d|date"),
            "the parameter ActivityDate is invalid: the date formula offset 999999999999999999999d is out of range"
        );
    }

    #[test]
    fn when_object_is_contact_channel_analytics_should_not_apply() {
        assert!(!applies_to("AC_ContactChannelAnalytics__c"));
        assert!(!applies_to("amazonconnect__AC_ContactChannelAnalytics__c"));
        assert!(!applies_to("amazonconnect__ac_contactchannelanalytics__c"));
        assert!(applies_to("Task"));
        assert!(applies_to("XAC_ContactChannelAnalytics__c"));
    }
}
