//! The three EventBridge Scheduler expression forms.

use std::{fmt, str::FromStr, time::Duration};

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::cron::CronExpression;

/// Why a schedule expression was refused; the message names the expression and the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExpressionError {
    #[error("'{expression}' is not a schedule expression: use rate(...), cron(...) or at(...)")]
    UnknownForm { expression: String },
    #[error("'{expression}': {reason}")]
    InvalidRate { expression: String, reason: String },
    #[error("'{expression}': {reason}")]
    InvalidCron { expression: String, reason: String },
    #[error("'{expression}': the time must be yyyy-mm-ddThh:mm:ss")]
    InvalidAt { expression: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleExpression {
    /// Every `interval`, first one interval after the schedule starts.
    Rate {
        interval: Duration,
    },
    Cron(CronExpression),
    /// Once, at this time.
    At(DateTime<Utc>),
}

impl FromStr for ScheduleExpression {
    type Err = ExpressionError;

    fn from_str(expression: &str) -> Result<Self, Self::Err> {
        let trimmed = expression.trim();
        let body = |prefix: &str| {
            trimmed
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(')'))
        };
        if let Some(rate) = body("rate(") {
            parse_rate(expression, rate)
        } else if let Some(cron) = body("cron(") {
            CronExpression::parse(cron)
                .map(Self::Cron)
                .map_err(|reason| ExpressionError::InvalidCron {
                    expression: expression.to_string(),
                    reason,
                })
        } else if let Some(at) = body("at(") {
            NaiveDateTime::parse_from_str(at.trim(), "%Y-%m-%dT%H:%M:%S")
                .map(|time| Self::At(time.and_utc()))
                .map_err(|_| ExpressionError::InvalidAt {
                    expression: expression.to_string(),
                })
        } else {
            Err(ExpressionError::UnknownForm {
                expression: expression.to_string(),
            })
        }
    }
}

fn parse_rate(expression: &str, body: &str) -> Result<ScheduleExpression, ExpressionError> {
    let invalid = |reason: &str| ExpressionError::InvalidRate {
        expression: expression.to_string(),
        reason: reason.to_string(),
    };
    let mut words = body.split_whitespace();
    let (Some(value), Some(unit), None) = (words.next(), words.next(), words.next()) else {
        return Err(invalid(
            "a rate is 'rate(value unit)', e.g. rate(5 minutes)",
        ));
    };
    let value: u64 = value
        .parse()
        .ok()
        .filter(|value| *value > 0)
        .ok_or_else(|| invalid("the value must be a positive whole number"))?;
    // EventBridge insists on the singular for 1 and the plural otherwise.
    let (singular, seconds) = match unit {
        "minute" | "minutes" => ("minute", 60),
        "hour" | "hours" => ("hour", 3600),
        "day" | "days" => ("day", 86_400),
        _ => return Err(invalid("the unit must be minute(s), hour(s) or day(s)")),
    };
    let expected = if value == 1 {
        singular.to_string()
    } else {
        format!("{singular}s")
    };
    if unit != expected {
        return Err(invalid(&format!(
            "write '{value} {expected}' (singular for 1, plural otherwise)"
        )));
    }
    Ok(ScheduleExpression::Rate {
        interval: Duration::from_secs(value * seconds),
    })
}

impl ScheduleExpression {
    /// The first time strictly after `after` at which the schedule fires, given it started at
    /// `start`; `None` when it never fires again.
    pub fn next_after(&self, start: DateTime<Utc>, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Rate { interval } => {
                let interval = chrono::Duration::from_std(*interval).ok()?;
                if after < start {
                    return Some(start + interval);
                }
                let elapsed = (after - start).num_seconds();
                let step = interval.num_seconds().max(1);
                let periods = elapsed / step + 1;
                Some(start + chrono::Duration::seconds(periods * step))
            }
            Self::Cron(cron) => cron.next_after(after),
            Self::At(time) => (*time > after).then_some(*time),
        }
    }
}

impl fmt::Display for ScheduleExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rate { interval } => write!(f, "every {} s", interval.as_secs()),
            Self::Cron(cron) => write!(f, "cron({})", cron.source()),
            Self::At(time) => write!(f, "at {}", time.format("%Y-%m-%dT%H:%M:%SZ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn rates_follow_eventbridge_units_and_plurals() {
        assert_eq!(
            "rate(1 minute)".parse::<ScheduleExpression>(),
            Ok(ScheduleExpression::Rate {
                interval: Duration::from_secs(60)
            })
        );
        assert_eq!(
            "rate(30 minutes)".parse::<ScheduleExpression>(),
            Ok(ScheduleExpression::Rate {
                interval: Duration::from_secs(1800)
            })
        );
        for bad in [
            "rate(1 minutes)",
            "rate(5 minute)",
            "rate(0 minutes)",
            "rate(5 seconds)",
            "rate(minutes)",
            "rate(-1 hours)",
        ] {
            assert!(bad.parse::<ScheduleExpression>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_rate_fires_one_interval_after_start_then_every_interval() {
        let rate: ScheduleExpression = "rate(15 minutes)".parse().expect("rate");
        let start = at(2026, 1, 1, 10, 0);
        assert_eq!(rate.next_after(start, start), Some(at(2026, 1, 1, 10, 15)));
        assert_eq!(
            rate.next_after(start, at(2026, 1, 1, 10, 15)),
            Some(at(2026, 1, 1, 10, 30))
        );
        assert_eq!(
            rate.next_after(start, at(2026, 1, 1, 10, 20)),
            Some(at(2026, 1, 1, 10, 30))
        );
    }

    #[test]
    fn at_fires_once() {
        let once: ScheduleExpression = "at(2026-03-01T08:30:00)".parse().expect("at");
        let start = at(2026, 1, 1, 0, 0);
        assert_eq!(once.next_after(start, start), Some(at(2026, 3, 1, 8, 30)));
        assert_eq!(once.next_after(start, at(2026, 3, 1, 8, 30)), None);
        assert!("at(2026-03-01)".parse::<ScheduleExpression>().is_err());
    }

    #[test]
    fn other_forms_are_refused_with_the_expression_named() {
        let error = "every 5 minutes"
            .parse::<ScheduleExpression>()
            .expect_err("not an expression");
        assert!(error.to_string().contains("'every 5 minutes'"), "{error}");
    }
}
