//! Choice rules: comparison operators, `And`/`Or`/`Not`, and their evaluation.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::definition::Parser;
use crate::paths::{EvalError, PathEnv, PathError};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Operator {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

const OPERATORS: &[(&str, Operator)] = &[
    ("StringEquals", Operator::StringEquals),
    ("StringLessThan", Operator::StringLessThan),
    ("StringGreaterThan", Operator::StringGreaterThan),
    ("StringLessThanEquals", Operator::StringLessThanEquals),
    ("StringGreaterThanEquals", Operator::StringGreaterThanEquals),
    ("StringMatches", Operator::StringMatches),
    ("NumericEquals", Operator::NumericEquals),
    ("NumericLessThan", Operator::NumericLessThan),
    ("NumericGreaterThan", Operator::NumericGreaterThan),
    ("NumericLessThanEquals", Operator::NumericLessThanEquals),
    (
        "NumericGreaterThanEquals",
        Operator::NumericGreaterThanEquals,
    ),
    ("BooleanEquals", Operator::BooleanEquals),
    ("TimestampEquals", Operator::TimestampEquals),
    ("TimestampLessThan", Operator::TimestampLessThan),
    ("TimestampGreaterThan", Operator::TimestampGreaterThan),
    ("TimestampLessThanEquals", Operator::TimestampLessThanEquals),
    (
        "TimestampGreaterThanEquals",
        Operator::TimestampGreaterThanEquals,
    ),
    ("IsNull", Operator::IsNull),
    ("IsPresent", Operator::IsPresent),
    ("IsNumeric", Operator::IsNumeric),
    ("IsString", Operator::IsString),
    ("IsBoolean", Operator::IsBoolean),
    ("IsTimestamp", Operator::IsTimestamp),
];

/// What an operator compares against: a literal or another path (`...Path` operators).
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal value.
    Literal(Value),
    /// A path to resolve.
    Path(String),
}

/// A boolean condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// All must hold.
    And(Vec<Condition>),
    /// One must hold.
    Or(Vec<Condition>),
    /// Must not hold.
    Not(Box<Condition>),
    /// `Variable` compared with an operand.
    Compare {
        /// The `Variable` path.
        variable: String,
        /// The operator.
        operator: Operator,
        /// The operand.
        operand: Operand,
    },
}

/// A top-level rule of `Choices`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceRule {
    /// The condition.
    pub condition: Condition,
    /// `Next` (top-level rules only).
    pub next: Option<String>,
    /// `Assign` applied when the rule matches.
    pub assign: Option<Value>,
}

/// Parses an RFC 3339 timestamp as AWS accepts it (`T` separator and an offset required).
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !(bytes[10] == b'T' || bytes[10] == b't') {
        return None;
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(crate) fn parse_rule(p: &mut Parser<'_>, value: &Value, loc: &str, top: bool) -> ChoiceRule {
    let condition = parse_condition(p, value, loc);
    let obj = value.as_object();
    let next = obj.and_then(|o| p.opt_string(o, "Next", loc));
    let assign = obj.and_then(|o| o.get("Assign")).cloned();
    if let Some(a) = &assign
        && top
    {
        p.check_assign(a, &format!("{loc}/Assign"));
    }
    if top && next.is_none() && obj.is_some_and(|o| !o.contains_key("Next")) {
        p.problem(loc, "a choice rule needs a 'Next' field");
    }
    if !top {
        if obj.is_some_and(|o| o.contains_key("Next")) {
            p.problem(
                &format!("{loc}/Next"),
                "a nested choice rule cannot have 'Next'",
            );
        }
        if assign.is_some() {
            p.problem(
                &format!("{loc}/Assign"),
                "a nested choice rule cannot have 'Assign'",
            );
        }
    }
    ChoiceRule {
        condition,
        next,
        assign,
    }
}

fn parse_condition(p: &mut Parser<'_>, value: &Value, loc: &str) -> Condition {
    let empty = Condition::And(Vec::new());
    let Some(obj) = value.as_object() else {
        p.problem(
            loc,
            format!("a choice rule must be a JSON object, got {value}"),
        );
        return empty;
    };
    for key in obj.keys() {
        let known = matches!(
            key.as_str(),
            "Variable" | "Next" | "Assign" | "Comment" | "And" | "Or" | "Not"
        ) || OPERATORS
            .iter()
            .any(|(name, _)| key == name || key.strip_suffix("Path") == Some(name));
        if key == "Condition" {
            p.problem(
                &format!("{loc}/Condition"),
                "'Condition' belongs to the JSONata query language, which is not supported",
            );
        } else if !known {
            p.problem(
                &format!("{loc}/{key}"),
                format!("unknown choice rule field '{key}'"),
            );
        }
    }
    let mut found: Vec<Condition> = Vec::new();
    for (key, ctor) in [("And", 0), ("Or", 1)] {
        if let Some(v) = obj.get(key) {
            match v {
                Value::Array(items) if !items.is_empty() => {
                    let rules = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            let here = format!("{loc}/{key}/{i}");
                            let rule = parse_rule(p, item, &here, false);
                            rule.condition
                        })
                        .collect();
                    found.push(if ctor == 0 {
                        Condition::And(rules)
                    } else {
                        Condition::Or(rules)
                    });
                }
                _ => p.problem(
                    &format!("{loc}/{key}"),
                    "must be a non-empty array of choice rules",
                ),
            }
        }
    }
    if let Some(v) = obj.get("Not") {
        let rule = parse_rule(p, v, &format!("{loc}/Not"), false);
        found.push(Condition::Not(Box::new(rule.condition)));
    }
    let variable = obj.get("Variable");
    let mut comparisons = Vec::new();
    for (name, operator) in OPERATORS {
        if let Some(v) = obj.get(*name) {
            comparisons.push((name.to_string(), *operator, false, v));
        }
        let path_key = format!("{name}Path");
        if let Some(v) = obj.get(&path_key) {
            comparisons.push((path_key, *operator, true, v));
        }
    }
    for (key, operator, is_path, v) in &comparisons {
        let here = format!("{loc}/{key}");
        let operand = if *is_path {
            if matches!(
                operator,
                Operator::IsNull
                    | Operator::IsPresent
                    | Operator::IsNumeric
                    | Operator::IsString
                    | Operator::IsBoolean
                    | Operator::IsTimestamp
                    | Operator::StringMatches
            ) {
                p.problem(&here, format!("unknown choice operator '{key}'"));
            }
            match v.as_str() {
                Some(path) => {
                    p.check_path(path, &here, false);
                    Operand::Path(path.to_string())
                }
                None => {
                    p.problem(&here, format!("must be a path string, got {v}"));
                    Operand::Literal(Value::Null)
                }
            }
        } else {
            let ok = match operator {
                Operator::StringEquals
                | Operator::StringLessThan
                | Operator::StringGreaterThan
                | Operator::StringLessThanEquals
                | Operator::StringGreaterThanEquals
                | Operator::StringMatches => v.is_string(),
                Operator::NumericEquals
                | Operator::NumericLessThan
                | Operator::NumericGreaterThan
                | Operator::NumericLessThanEquals
                | Operator::NumericGreaterThanEquals => v.is_number(),
                Operator::TimestampEquals
                | Operator::TimestampLessThan
                | Operator::TimestampGreaterThan
                | Operator::TimestampLessThanEquals
                | Operator::TimestampGreaterThanEquals => {
                    v.as_str().and_then(parse_timestamp).is_some()
                }
                _ => v.is_boolean(),
            };
            if !ok {
                p.problem(
                    &here,
                    format!("invalid operand {v} for the operator '{key}'"),
                );
            }
            Operand::Literal((*v).clone())
        };
        match variable {
            Some(Value::String(var)) => {
                p.check_path(var, &format!("{loc}/Variable"), false);
                found.push(Condition::Compare {
                    variable: var.clone(),
                    operator: *operator,
                    operand,
                });
            }
            Some(other) => p.problem(
                &format!("{loc}/Variable"),
                format!("must be a path string, got {other}"),
            ),
            None => p.problem(loc, format!("the operator '{key}' needs a 'Variable'")),
        }
    }
    if comparisons.is_empty() && variable.is_some() {
        p.problem(
            loc,
            "a choice rule with 'Variable' needs a comparison operator",
        );
    }
    match found.len() {
        0 => {
            if !comparisons.is_empty() || variable.is_some() {
                return empty;
            }
            p.problem(loc, "a choice rule needs a comparison ('Variable' and an operator), 'And', 'Or' or 'Not'");
            empty
        }
        1 => found.pop().unwrap_or(empty),
        _ => {
            p.problem(
                loc,
                "a choice rule must have exactly one comparison, 'And', 'Or' or 'Not'",
            );
            found.pop().unwrap_or(empty)
        }
    }
}

/// Matches `text` against a `StringMatches` pattern: `*` is any run of characters, `\*` a
/// literal star, `\\` a literal backslash.
pub fn string_matches(text: &str, pattern: &str) -> bool {
    #[derive(PartialEq)]
    enum Tok {
        Star,
        Char(char),
    }
    let mut tokens = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) => tokens.push(Tok::Char(escaped)),
                None => tokens.push(Tok::Char('\\')),
            },
            '*' => tokens.push(Tok::Star),
            other => tokens.push(Tok::Char(other)),
        }
    }
    let text: Vec<char> = text.chars().collect();
    // Classic wildcard matching with backtracking on the last star.
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match tokens.get(p) {
            Some(Tok::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            Some(Tok::Star) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    while tokens.get(p) == Some(&Tok::Star) {
        p += 1;
    }
    p == tokens.len()
}

fn compare_numbers(a: &serde_json::Number, b: &serde_json::Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

fn ordering_holds(operator: Operator, ordering: Ordering) -> bool {
    use Operator::*;
    match operator {
        StringEquals | NumericEquals | TimestampEquals => ordering == Ordering::Equal,
        StringLessThan | NumericLessThan | TimestampLessThan => ordering == Ordering::Less,
        StringGreaterThan | NumericGreaterThan | TimestampGreaterThan => {
            ordering == Ordering::Greater
        }
        StringLessThanEquals | NumericLessThanEquals | TimestampLessThanEquals => {
            ordering != Ordering::Greater
        }
        StringGreaterThanEquals | NumericGreaterThanEquals | TimestampGreaterThanEquals => {
            ordering != Ordering::Less
        }
        _ => false,
    }
}

/// Applies an operator to a present variable value and a resolved operand.
fn compare(operator: Operator, value: &Value, operand: &Value) -> bool {
    use Operator::*;
    match operator {
        StringEquals
        | StringLessThan
        | StringGreaterThan
        | StringLessThanEquals
        | StringGreaterThanEquals => match (value, operand) {
            (Value::String(a), Value::String(b)) => ordering_holds(operator, a.cmp(b)),
            _ => false,
        },
        StringMatches => match (value, operand) {
            (Value::String(a), Value::String(b)) => string_matches(a, b),
            _ => false,
        },
        NumericEquals
        | NumericLessThan
        | NumericGreaterThan
        | NumericLessThanEquals
        | NumericGreaterThanEquals => match (value, operand) {
            (Value::Number(a), Value::Number(b)) => {
                compare_numbers(a, b).is_some_and(|o| ordering_holds(operator, o))
            }
            _ => false,
        },
        BooleanEquals => match (value, operand) {
            (Value::Bool(a), Value::Bool(b)) => a == b,
            _ => false,
        },
        TimestampEquals
        | TimestampLessThan
        | TimestampGreaterThan
        | TimestampLessThanEquals
        | TimestampGreaterThanEquals => {
            match (
                value.as_str().and_then(parse_timestamp),
                operand.as_str().and_then(parse_timestamp),
            ) {
                (Some(a), Some(b)) => ordering_holds(operator, a.cmp(&b)),
                _ => false,
            }
        }
        IsNull => operand.as_bool() == Some(value.is_null()),
        IsPresent => operand.as_bool() == Some(true),
        IsNumeric => operand.as_bool() == Some(value.is_number()),
        IsString => operand.as_bool() == Some(value.is_string()),
        IsBoolean => operand.as_bool() == Some(value.is_boolean()),
        IsTimestamp => {
            operand.as_bool() == Some(value.as_str().and_then(parse_timestamp).is_some())
        }
    }
}

fn invalid_path(text: &str, error: PathError) -> EvalError {
    match error {
        PathError::NotFound(_) | PathError::UnknownVariable(_) => EvalError::runtime(format!(
            "Invalid path '{text}': The choice state's condition path references an invalid value."
        )),
        PathError::Invalid(why) => EvalError::runtime(format!("Invalid path '{text}' : {why}")),
    }
}

/// Evaluates a condition against the state's effective input.
pub(crate) fn evaluate(condition: &Condition, env: &PathEnv<'_>) -> Result<bool, EvalError> {
    match condition {
        Condition::And(items) => {
            for item in items {
                if !evaluate(item, env)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Condition::Or(items) => {
            for item in items {
                if evaluate(item, env)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Condition::Not(inner) => Ok(!evaluate(inner, env)?),
        Condition::Compare {
            variable,
            operator,
            operand,
        } => {
            let value = match env.resolve(variable) {
                Ok(v) => Some(v),
                Err(PathError::NotFound(_)) | Err(PathError::UnknownVariable(_))
                    if *operator == Operator::IsPresent =>
                {
                    None
                }
                Err(e) => return Err(invalid_path(variable, e)),
            };
            let Some(value) = value else {
                return Ok(operand == &Operand::Literal(Value::Bool(false)));
            };
            let operand = match operand {
                Operand::Literal(v) => v.clone(),
                Operand::Path(path) => env.resolve(path).map_err(|e| invalid_path(path, e))?,
            };
            Ok(compare(*operator, &value, &operand))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matching() {
        assert!(string_matches("log-2024.txt", "log-*.txt"));
        assert!(string_matches("abc", "*"));
        assert!(!string_matches("abc", "a*d"));
        assert!(string_matches("a*c", "a\\*c"));
        assert!(!string_matches("abc", "a\\*c"));
        assert!(string_matches("a\\c", "a\\\\c"));
        assert!(string_matches("", "*"));
    }

    #[test]
    fn timestamps_need_t_and_offset() {
        assert!(parse_timestamp("2016-03-14T01:59:00Z").is_some());
        assert!(parse_timestamp("2016-03-05T21:29:29.243167252Z").is_some());
        assert!(parse_timestamp("2016-12-05 21:29:29Z").is_none());
        assert!(parse_timestamp("2016-13-05T21:29:29Z").is_none());
        assert!(parse_timestamp("2012-10-09T19:00:55").is_none());
    }
}
