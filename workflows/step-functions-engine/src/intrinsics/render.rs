//! Text renderings of JSON values the way AWS Step Functions (a Java service) produces them.
//!
//! * [`format_arg`]: how `States.Format` interpolates a value. Strings are inserted as they are,
//!   objects render like a Java `Map` (`{Arg1=1, Arg2=[]}`), arrays like a Java `List`
//!   (`[1, 2]`), `null` as `null`.
//! * [`to_json`]: the compact JSON text of `States.JsonToString` (Jackson style: no spaces, keys
//!   in document order, non-ASCII characters unescaped).
//!
//! Floating-point numbers follow Java's `Double.toString` in both (`1.1`, `3.0`, `1.0E20`),
//! integers are written in full.

use serde_json::{Number, Value};
use std::fmt::Write as _;

/// Renders `value` as `States.Format` interpolates it.
pub(crate) fn format_arg(value: &Value) -> String {
    let mut out = String::new();
    write_format_arg(&mut out, value);
    out
}

fn write_format_arg(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_text(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_format_arg(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(key);
                out.push('=');
                write_format_arg(out, item);
            }
            out.push('}');
        }
    }
}

/// Compact JSON text of `value`, as `States.JsonToString` returns it.
pub(crate) fn to_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_text(n)),
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, key);
                out.push(':');
                write_json(out, item);
            }
            out.push('}');
        }
    }
}

/// Jackson's string escaping: `"` and `\`, the short escapes for `\b \t \n \f \r`, and
/// `\u00XX` (upper-case hex) for the other control characters. Everything else, including
/// `/` and non-ASCII text, is written as is.
fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Text of a JSON number: integers in full, floats as Java's `Double.toString` writes them.
pub(crate) fn number_text(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else if let Some(f) = n.as_f64() {
        java_double(f)
    } else {
        n.to_string()
    }
}

/// Java's `Double.toString(d)`: plain notation with at least one fractional digit when
/// `1e-3 <= |d| < 1e7`, otherwise computerized scientific notation (`1.0E20`, `1.5E-5`),
/// using the shortest digits that round-trip.
pub(crate) fn java_double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".to_string();
    }
    if d.is_infinite() {
        return if d > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    // Shortest round-trip digits and decimal exponent, e.g. "1.2345e-5".
    let sci = format!("{:e}", d.abs());
    let Some((mantissa, exponent)) = sci.split_once('e') else {
        return sci;
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if d < 0.0 { "-" } else { "" };
    let abs = d.abs();
    if (1e-3..1e7).contains(&abs) {
        let point = exponent + 1; // digits before the decimal point
        let (int_part, frac_part) = if point <= 0 {
            let zeros = "0".repeat(usize::try_from(-point).unwrap_or(0));
            ("0".to_string(), format!("{zeros}{digits}"))
        } else {
            let point = usize::try_from(point).unwrap_or(0);
            if digits.len() <= point {
                let zeros = "0".repeat(point - digits.len());
                (format!("{digits}{zeros}"), String::new())
            } else {
                (digits[..point].to_string(), digits[point..].to_string())
            }
        };
        let frac_part = if frac_part.is_empty() {
            "0".to_string()
        } else {
            frac_part
        };
        format!("{sign}{int_part}.{frac_part}")
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exponent}")
    }
}
