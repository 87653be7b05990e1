//! `Retry` and `Catch`: retriers with backoff and jitter, catchers.

use serde_json::Value;

use crate::definition::Parser;
use crate::error::names;

/// `JitterStrategy` of a retrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jitter {
    /// No jitter: the delay is exactly the backoff.
    #[default]
    None,
    /// Full jitter: a random delay between 0 and the backoff.
    Full,
}

/// One retrier.
#[derive(Debug, Clone, PartialEq)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: f64,
    /// `MaxAttempts` (default 3; 0 never retries).
    pub max_attempts: u64,
    /// `BackoffRate` (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`: cap on each delay.
    pub max_delay_seconds: Option<f64>,
    /// `JitterStrategy`.
    pub jitter: Jitter,
}

impl Retrier {
    /// The delay before retry number `attempt` (0-based: the first retry is attempt 0):
    /// `IntervalSeconds × BackoffRate^attempt`, capped by `MaxDelaySeconds`, then jittered
    /// (`random` in [0, 1) scales the delay under FULL jitter).
    pub fn delay_seconds(&self, attempt: u64, random: f64) -> f64 {
        let exponent = i32::try_from(attempt).unwrap_or(i32::MAX);
        let mut delay = self.interval_seconds * self.backoff_rate.powi(exponent);
        if !delay.is_finite() {
            delay = f64::MAX;
        }
        if let Some(max) = self.max_delay_seconds {
            delay = delay.min(max);
        }
        match self.jitter {
            Jitter::None => delay,
            Jitter::Full => delay * random.clamp(0.0, 1.0),
        }
    }
}

/// One catcher.
#[derive(Debug, Clone, PartialEq)]
pub struct Catcher {
    /// `ErrorEquals`.
    pub error_equals: Vec<String>,
    /// `Next`.
    pub next: String,
    /// `ResultPath` (`None`: null, keep the input); default `$`.
    pub result_path: Option<String>,
    /// `Assign`.
    pub assign: Option<Value>,
}

fn error_equals(
    p: &mut Parser<'_>,
    obj: &serde_json::Map<String, Value>,
    loc: &str,
) -> Vec<String> {
    match obj.get("ErrorEquals") {
        Some(Value::Array(items)) if !items.is_empty() => {
            let mut names_out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(s) => names_out.push(s.to_string()),
                    None => p.problem(
                        &format!("{loc}/ErrorEquals/{i}"),
                        format!("must be a string, got {item}"),
                    ),
                }
            }
            if names_out.iter().any(|n| n == names::ALL) && names_out.len() > 1 {
                p.problem(
                    &format!("{loc}/ErrorEquals"),
                    "'States.ALL' must appear alone in 'ErrorEquals'",
                );
            }
            names_out
        }
        Some(_) => {
            p.problem(
                &format!("{loc}/ErrorEquals"),
                "must be a non-empty array of error names",
            );
            Vec::new()
        }
        None => {
            p.problem(loc, "the required field 'ErrorEquals' is missing");
            Vec::new()
        }
    }
}

pub(crate) fn parse_retry(p: &mut Parser<'_>, value: &Value, loc: &str) -> Vec<Retrier> {
    let Some(items) = value.as_array() else {
        p.problem(loc, "'Retry' must be an array of retriers");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = format!("{loc}/{i}");
        let Some(obj) = item.as_object() else {
            p.problem(&here, "a retrier must be a JSON object");
            continue;
        };
        for key in obj.keys() {
            if !matches!(
                key.as_str(),
                "ErrorEquals"
                    | "IntervalSeconds"
                    | "MaxAttempts"
                    | "BackoffRate"
                    | "MaxDelaySeconds"
                    | "JitterStrategy"
                    | "Comment"
            ) {
                p.problem(
                    &format!("{here}/{key}"),
                    format!("the field '{key}' is not supported in a retrier"),
                );
            }
        }
        let error_equals = error_equals(p, obj, &here);
        if error_equals.iter().any(|n| n == names::ALL) && i + 1 != items.len() {
            p.problem(&here, "a retrier with 'States.ALL' must be the last one");
        }
        let interval = p.opt_uint(obj, "IntervalSeconds", &here);
        if interval == Some(0) {
            p.problem(
                &format!("{here}/IntervalSeconds"),
                "must be a positive integer",
            );
        }
        let max_attempts = p.opt_uint(obj, "MaxAttempts", &here);
        let backoff = p.opt_number(obj, "BackoffRate", &here);
        if backoff.is_some_and(|b| b < 1.0) {
            p.problem(&format!("{here}/BackoffRate"), "must be at least 1.0");
        }
        let max_delay = p.opt_uint(obj, "MaxDelaySeconds", &here);
        if max_delay == Some(0) {
            p.problem(
                &format!("{here}/MaxDelaySeconds"),
                "must be a positive integer",
            );
        }
        let jitter = match p.opt_string(obj, "JitterStrategy", &here).as_deref() {
            None | Some("NONE") => Jitter::None,
            Some("FULL") => Jitter::Full,
            Some(other) => {
                p.problem(
                    &format!("{here}/JitterStrategy"),
                    format!("must be FULL or NONE, got '{other}'"),
                );
                Jitter::None
            }
        };
        out.push(Retrier {
            error_equals,
            interval_seconds: interval.unwrap_or(1) as f64,
            max_attempts: max_attempts.unwrap_or(3),
            backoff_rate: backoff.unwrap_or(2.0),
            max_delay_seconds: max_delay.map(|d| d as f64),
            jitter,
        });
    }
    out
}

pub(crate) fn parse_catch(p: &mut Parser<'_>, value: &Value, loc: &str) -> Vec<Catcher> {
    let Some(items) = value.as_array() else {
        p.problem(loc, "'Catch' must be an array of catchers");
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let here = format!("{loc}/{i}");
        let Some(obj) = item.as_object() else {
            p.problem(&here, "a catcher must be a JSON object");
            continue;
        };
        for key in obj.keys() {
            if !matches!(
                key.as_str(),
                "ErrorEquals" | "Next" | "ResultPath" | "Assign" | "Comment"
            ) {
                p.problem(
                    &format!("{here}/{key}"),
                    format!("the field '{key}' is not supported in a catcher"),
                );
            }
        }
        let error_equals = error_equals(p, obj, &here);
        if error_equals.iter().any(|n| n == names::ALL) && i + 1 != items.len() {
            p.problem(&here, "a catcher with 'States.ALL' must be the last one");
        }
        let next = p.opt_string(obj, "Next", &here);
        if next.is_none() && !obj.contains_key("Next") {
            p.problem(&here, "the required field 'Next' is missing");
        }
        let result_path = match obj.get("ResultPath") {
            None => Some("$".to_string()),
            Some(Value::Null) => None,
            Some(Value::String(s)) => {
                p.check_path(s, &format!("{here}/ResultPath"), true);
                Some(s.clone())
            }
            Some(other) => {
                p.problem(
                    &format!("{here}/ResultPath"),
                    format!("must be a reference path or null, got {other}"),
                );
                None
            }
        };
        let assign = obj.get("Assign").cloned();
        if let Some(a) = &assign {
            p.check_assign(a, &format!("{here}/Assign"));
        }
        out.push(Catcher {
            error_equals,
            next: next.unwrap_or_default(),
            result_path,
            assign,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retrier() -> Retrier {
        Retrier {
            error_equals: vec!["X".into()],
            interval_seconds: 2.0,
            max_attempts: 5,
            backoff_rate: 3.0,
            max_delay_seconds: None,
            jitter: Jitter::None,
        }
    }

    #[test]
    fn exponential_backoff_with_cap_and_jitter() {
        let mut r = retrier();
        assert_eq!(r.delay_seconds(0, 0.5), 2.0);
        assert_eq!(r.delay_seconds(2, 0.5), 18.0);
        r.max_delay_seconds = Some(10.0);
        assert_eq!(r.delay_seconds(2, 0.5), 10.0);
        r.jitter = Jitter::Full;
        assert_eq!(r.delay_seconds(2, 0.25), 2.5);
    }
}
