//! EventBridge cron: `minutes hours day-of-month month day-of-week year`, UTC.
//!
//! Differences from Unix cron that matter: six fields (with a year), day-of-week runs 1-7 for
//! SUN-SAT, and exactly one of the two day fields must be `?`. `L`, `W` and `#` are refused
//! with a clear message rather than approximated.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

#[derive(Debug, Clone, PartialEq)]
pub struct CronExpression {
    source: String,
    minutes: BTreeSet<u32>,
    hours: BTreeSet<u32>,
    /// `None` when the field is `?`.
    days_of_month: Option<BTreeSet<u32>>,
    months: BTreeSet<u32>,
    /// 1 = Sunday … 7 = Saturday; `None` when the field is `?`.
    days_of_week: Option<BTreeSet<u32>>,
    years: BTreeSet<u32>,
}

impl CronExpression {
    /// Parses the text between `cron(` and `)`; the error says which field is wrong and why.
    pub fn parse(text: &str) -> Result<Self, String> {
        let fields: Vec<&str> = text.split_whitespace().collect();
        let [minutes, hours, dom, month, dow, year] = fields.as_slice() else {
            return Err(format!(
                "a cron expression has 6 fields (minutes hours day-of-month month day-of-week year), found {}",
                fields.len()
            ));
        };
        let days_of_month = optional_field("day-of-month", dom, 1, 31, &[])?;
        let days_of_week = optional_field("day-of-week", dow, 1, 7, &WEEKDAYS)?;
        match (&days_of_month, &days_of_week) {
            (None, None) => {
                return Err("only one of day-of-month and day-of-week may be '?'".into());
            }
            (Some(_), Some(_)) => {
                return Err(
                    "one of day-of-month and day-of-week must be '?' (EventBridge does not allow both)"
                        .into(),
                );
            }
            _ => {}
        }
        Ok(Self {
            source: text.trim().to_string(),
            minutes: field("minutes", minutes, 0, 59, &[])?,
            hours: field("hours", hours, 0, 23, &[])?,
            days_of_month,
            months: field("month", month, 1, 12, &MONTHS)?,
            days_of_week,
            years: field("year", year, 1970, 2199, &[])?,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// The first matching minute strictly after `after`, or `None` past the year 2199.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let start = after.with_second(0)?.with_nanosecond(0)? + Duration::minutes(1);
        let mut day = start.date_naive();
        let mut first_day = true;
        loop {
            if day.year() > 2199 {
                return None;
            }
            if self.day_matches(day) {
                let (from_hour, from_minute) = if first_day {
                    (start.hour(), start.minute())
                } else {
                    (0, 0)
                };
                for &hour in self.hours.range(from_hour..) {
                    let minute_floor = if hour == from_hour { from_minute } else { 0 };
                    if let Some(&minute) = self.minutes.range(minute_floor..).next() {
                        return Utc
                            .with_ymd_and_hms(day.year(), day.month(), day.day(), hour, minute, 0)
                            .single();
                    }
                }
            }
            day = day.succ_opt()?;
            first_day = false;
        }
    }

    fn day_matches(&self, day: NaiveDate) -> bool {
        let year_ok = u32::try_from(day.year()).is_ok_and(|year| self.years.contains(&year));
        let month_ok = self.months.contains(&day.month());
        let dom_ok = self
            .days_of_month
            .as_ref()
            .is_none_or(|days| days.contains(&day.day()));
        let dow_ok = self
            .days_of_week
            .as_ref()
            .is_none_or(|days| days.contains(&(day.weekday().num_days_from_sunday() + 1)));
        year_ok && month_ok && dom_ok && dow_ok
    }
}

fn optional_field(
    name: &str,
    text: &str,
    min: u32,
    max: u32,
    names: &[&str],
) -> Result<Option<BTreeSet<u32>>, String> {
    if text == "?" {
        Ok(None)
    } else {
        field(name, text, min, max, names).map(Some)
    }
}

/// One field: `*`, `n`, `a-b`, `a/step`, `a-b/step`, `*/step`, comma lists, names for months
/// and weekdays.
fn field(
    name: &str,
    text: &str,
    min: u32,
    max: u32,
    names: &[&str],
) -> Result<BTreeSet<u32>, String> {
    let without_names = names
        .iter()
        .fold(text.to_uppercase(), |rest, name| rest.replace(name, ""));
    if without_names.contains(['L', 'W', '#']) {
        return Err(format!(
            "{name} '{text}': L, W and # are not supported by the local scheduler"
        ));
    }
    let mut values = BTreeSet::new();
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => {
                let step: u32 = step.parse().ok().filter(|step| *step > 0).ok_or_else(|| {
                    format!("{name} '{text}': the step must be a positive number")
                })?;
                (range, step)
            }
            None => (part, 1),
        };
        let (low, high) = if range == "*" {
            (min, max)
        } else if let Some((low, high)) = range.split_once('-') {
            (
                value(name, low, min, max, names)?,
                value(name, high, min, max, names)?,
            )
        } else {
            let single = value(name, range, min, max, names)?;
            // `5/10` means from 5 to the end in steps of 10.
            (single, if part.contains('/') { max } else { single })
        };
        if low > high {
            return Err(format!(
                "{name} '{text}': the range {low}-{high} is backwards"
            ));
        }
        values.extend((low..=high).step_by(step as usize));
    }
    Ok(values)
}

fn value(name: &str, text: &str, min: u32, max: u32, names: &[&str]) -> Result<u32, String> {
    let upper = text.to_uppercase();
    if let Some(index) = names.iter().position(|candidate| *candidate == upper) {
        return Ok(min + index as u32);
    }
    text.parse::<u32>()
        .ok()
        .filter(|number| (min..=max).contains(number))
        .ok_or_else(|| format!("{name} '{text}' is not a value between {min} and {max}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid time")
    }

    fn cron(text: &str) -> CronExpression {
        CronExpression::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn every_fifteen_minutes() {
        let every = cron("0/15 * * * ? *");
        assert_eq!(
            every.next_after(at(2026, 1, 1, 10, 0)),
            Some(at(2026, 1, 1, 10, 15))
        );
        assert_eq!(
            every.next_after(at(2026, 1, 1, 10, 50)),
            Some(at(2026, 1, 1, 11, 0))
        );
    }

    #[test]
    fn weekdays_are_one_to_seven_from_sunday() {
        // 2026-01-05 is a Monday.
        let weekday_mornings = cron("30 8 ? * MON-FRI *");
        assert_eq!(
            weekday_mornings.next_after(at(2026, 1, 3, 12, 0)),
            Some(at(2026, 1, 5, 8, 30))
        );
        let sundays = cron("0 0 ? * 1 *");
        assert_eq!(
            sundays.next_after(at(2026, 1, 5, 0, 0)),
            Some(at(2026, 1, 11, 0, 0))
        );
    }

    #[test]
    fn day_of_month_month_and_year_are_honoured() {
        let yearly = cron("0 6 1 JAN ? 2027");
        assert_eq!(
            yearly.next_after(at(2026, 6, 1, 0, 0)),
            Some(at(2027, 1, 1, 6, 0))
        );
        assert_eq!(yearly.next_after(at(2027, 1, 1, 6, 0)), None);
        let thirty_first = cron("0 0 31 * ? *");
        assert_eq!(
            thirty_first.next_after(at(2026, 2, 1, 0, 0)),
            Some(at(2026, 3, 31, 0, 0))
        );
    }

    #[test]
    fn eventbridge_rules_are_enforced_with_the_field_named() {
        for (text, words) in [
            ("0 * * * *", "6 fields"),
            ("0 * * * MON *", "must be '?'"),
            ("0 * ? * ? *", "only one"),
            ("60 * * * ? *", "minutes '60'"),
            ("0 * L * ? *", "not supported"),
            ("0 * ? * 2#1 *", "not supported"),
            ("0/0 * * * ? *", "step"),
            ("0 5-1 * * ? *", "backwards"),
        ] {
            let error = CronExpression::parse(text).expect_err(text);
            assert!(error.contains(words), "{text}: {error}");
        }
    }
}
