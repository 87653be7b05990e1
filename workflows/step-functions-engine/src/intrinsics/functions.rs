//! The `States.*` intrinsic functions of JSONPath-mode state machines.
//!
//! Each function takes its already-evaluated arguments and returns the result, or the detail
//! text of the failure (`Invalid arguments in States.X`), which [`super::evaluate`] wraps into the
//! `States.Runtime` cause AWS reports.
//!
//! Numeric arguments follow AWS (a Java service):
//! * `States.MathAdd` rounds each operand half up (`Math.round`: 1.5 -> 2, -1.5 -> -1,
//!   -1.51 -> -2);
//! * the other functions taking integers (`ArrayPartition`, `ArrayRange`, `ArrayGetItem`,
//!   `MathRandom`) truncate towards zero (2.6 -> 2, 0.6 -> 0, -0.4 -> 0).

use super::parser::StrLit;
use super::render;
use base64::Engine as _;
use rand::{Rng as _, SeedableRng as _};
use serde_json::Value;

/// Largest array `States.ArrayRange` may build.
const MAX_RANGE_ITEMS: i64 = 1000;
/// Longest input (in characters) of `States.Base64Encode`, `States.Base64Decode` and
/// `States.Hash`.
const MAX_ENCODING_INPUT_CHARS: usize = 10_000;

/// One evaluated argument. `literal` is set when the argument was written as a string literal,
/// so `States.Format` can honour escaped braces in its template.
pub(crate) struct Arg<'a> {
    pub(crate) value: Value,
    pub(crate) literal: Option<&'a StrLit>,
}

/// The failure detail of an intrinsic function, without the `The function '...' had the
/// following error: ` frame.
pub(crate) type Detail = String;

/// Every supported function with the number of arguments it accepts (`min`, `max`; `None` for
/// no upper bound).
const SIGNATURES: &[(&str, usize, Option<usize>)] = &[
    ("States.Format", 1, None),
    ("States.StringToJson", 1, Some(1)),
    ("States.JsonToString", 1, Some(1)),
    ("States.Array", 0, None),
    ("States.ArrayPartition", 2, Some(2)),
    ("States.ArrayContains", 2, Some(2)),
    ("States.ArrayRange", 3, Some(3)),
    ("States.ArrayGetItem", 2, Some(2)),
    ("States.ArrayLength", 1, Some(1)),
    ("States.ArrayUnique", 1, Some(1)),
    ("States.Base64Encode", 1, Some(1)),
    ("States.Base64Decode", 1, Some(1)),
    ("States.Hash", 2, Some(2)),
    ("States.JsonMerge", 3, Some(3)),
    ("States.StringSplit", 2, Some(2)),
    ("States.MathRandom", 2, Some(3)),
    ("States.MathAdd", 2, Some(2)),
    ("States.UUID", 0, Some(0)),
];

/// Whether `name` (with its `States.` prefix) is a supported intrinsic function.
pub(crate) fn is_known(name: &str) -> bool {
    SIGNATURES.iter().any(|(n, _, _)| *n == name)
}

/// Checks the number of arguments before any of them is evaluated.
pub(crate) fn check_arity(name: &str, count: usize) -> Result<(), Detail> {
    match SIGNATURES.iter().find(|(n, _, _)| *n == name) {
        None => Err(format!("Unsupported intrinsic function: {name}")),
        Some((_, min, max)) => {
            if count < *min || max.is_some_and(|max| count > max) {
                Err(invalid(name))
            } else {
                Ok(())
            }
        }
    }
}

/// Calls the function `name` on its evaluated arguments.
pub(crate) fn call(name: &str, args: Vec<Arg<'_>>) -> Result<Value, Detail> {
    check_arity(name, args.len())?;
    match name {
        "States.Format" => format(args),
        "States.StringToJson" => string_to_json(values(args)),
        "States.JsonToString" => json_to_string(values(args)),
        "States.Array" => Ok(Value::Array(values(args))),
        "States.ArrayPartition" => array_partition(values(args)),
        "States.ArrayContains" => array_contains(values(args)),
        "States.ArrayRange" => array_range(values(args)),
        "States.ArrayGetItem" => array_get_item(values(args)),
        "States.ArrayLength" => array_length(values(args)),
        "States.ArrayUnique" => array_unique(values(args)),
        "States.Base64Encode" => base64_encode(values(args)),
        "States.Base64Decode" => base64_decode(values(args)),
        "States.Hash" => hash(values(args)),
        "States.JsonMerge" => json_merge(values(args)),
        "States.StringSplit" => string_split(values(args)),
        "States.MathRandom" => math_random(values(args)),
        "States.MathAdd" => math_add(values(args)),
        "States.UUID" => Ok(Value::String(uuid::Uuid::new_v4().to_string())),
        _ => Err(format!("Unsupported intrinsic function: {name}")),
    }
}

/// `Invalid arguments in States.X`, the detail AWS reports for any argument AWS rejects.
pub(crate) fn invalid(name: &str) -> Detail {
    format!("Invalid arguments in {name}")
}

fn values(args: Vec<Arg<'_>>) -> Vec<Value> {
    args.into_iter().map(|a| a.value).collect()
}

/// Splits `args` into exactly `N` values (arity was checked before).
fn take<const N: usize>(name: &str, args: Vec<Value>) -> Result<[Value; N], Detail> {
    <[Value; N]>::try_from(args).map_err(|_| invalid(name))
}

/// A number converted to an integer by truncation towards zero (Java's `(int)` cast on the
/// value), or `None` when it is not a number or lies outside the 32-bit integer range.
fn truncated_int(value: &Value) -> Option<i64> {
    let n = value.as_number()?;
    match n.as_i64() {
        Some(i) => in_int32_range(i),
        None => float_to_int32(n.as_f64()?.trunc()),
    }
}

/// A number rounded half up (Java's `Math.round`), within the 32-bit integer range.
fn rounded_int(value: &Value) -> Option<i64> {
    let n = value.as_number()?;
    match n.as_i64() {
        Some(i) => in_int32_range(i),
        None => float_to_int32((n.as_f64()? + 0.5).floor()),
    }
}

fn in_int32_range(i: i64) -> Option<i64> {
    i32::try_from(i).is_ok().then_some(i)
}

/// An integral float within the 32-bit integer range, as an integer.
#[allow(clippy::cast_possible_truncation)] // the value is integral and range-checked
fn float_to_int32(f: f64) -> Option<i64> {
    (f.is_finite() && f >= f64::from(i32::MIN) && f <= f64::from(i32::MAX)).then_some(f as i64)
}

// ---------------------------------------------------------------------------------------------
// Generic and JSON functions
// ---------------------------------------------------------------------------------------------

/// One piece of a `States.Format` template.
enum Piece {
    Text(String),
    Placeholder,
}

/// Splits a template into text and `{}` placeholders. In a template written as a string
/// literal, `\{`, `\}`, `\'` and `\\` stand for the plain characters; a brace that is not part
/// of `{}` is an error.
fn parse_template(template: &str, escapes: bool) -> Result<Vec<Piece>, Detail> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if escapes => {
                if let Some(next) = chars.next() {
                    text.push(next);
                }
            }
            '{' => {
                if chars.peek() == Some(&'}') {
                    chars.next();
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Placeholder);
                } else {
                    return Err(
                        "Invalid template in States.Format: matching '}' not found for '{'."
                            .to_string(),
                    );
                }
            }
            '}' => {
                return Err(
                    "Invalid template in States.Format: matching '{' not found for '}'."
                        .to_string(),
                );
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

fn format(args: Vec<Arg<'_>>) -> Result<Value, Detail> {
    const NAME: &str = "States.Format";
    let mut args = args.into_iter();
    let first = args.next().ok_or_else(|| invalid(NAME))?;
    let pieces = match (&first.literal, &first.value) {
        (Some(literal), _) => parse_template(&literal.raw, true)?,
        (None, Value::String(s)) => parse_template(s, false)?,
        (None, _) => return Err(invalid(NAME)),
    };
    let rest: Vec<Value> = args.map(|a| a.value).collect();
    let placeholders = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Placeholder))
        .count();
    if placeholders != rest.len() {
        return Err(format!(
            "{}: number of arguments do not match the occurrences of {{}}.",
            invalid(NAME)
        ));
    }
    let mut out = String::new();
    let mut rest = rest.iter();
    for piece in &pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Placeholder => {
                if let Some(v) = rest.next() {
                    out.push_str(&render::format_arg(v));
                }
            }
        }
    }
    Ok(Value::String(out))
}

fn string_to_json(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.StringToJson";
    let [text] = take::<1>(NAME, args)?;
    let Value::String(text) = text else {
        return Err(invalid(NAME));
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(Value::Null);
    }
    let mut value: Value = serde_json::from_str(trimmed).map_err(|_| invalid(NAME))?;
    integral_negative_zero(&mut value);
    Ok(value)
}

/// `serde_json` reads `-0` as the float `-0.0`, where AWS (Jackson) reads the integer `0`.
fn integral_negative_zero(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if n.as_f64().is_some_and(|f| f == 0.0 && f.is_sign_negative()) && !n.is_i64() {
                *n = serde_json::Number::from(0);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_negative_zero),
        Value::Object(map) => map.values_mut().for_each(integral_negative_zero),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

fn json_to_string(args: Vec<Value>) -> Result<Value, Detail> {
    let [value] = take::<1>("States.JsonToString", args)?;
    Ok(Value::String(render::to_json(&value)))
}

fn json_merge(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.JsonMerge";
    let [first, second, deep] = take::<3>(NAME, args)?;
    let (Value::Object(mut merged), Value::Object(second)) = (first, second) else {
        return Err(invalid(NAME));
    };
    // AWS supports only the shallow mode. It rejects `true` but, as observed, takes any
    // other flag value (even the string 'false') as shallow; the flag is read the way Java's
    // `Boolean.parseBoolean` reads text.
    let deep = match &deep {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    };
    if deep {
        return Err(invalid(NAME));
    }
    for (key, value) in second {
        merged.insert(key, value);
    }
    Ok(Value::Object(merged))
}

// ---------------------------------------------------------------------------------------------
// Arrays
// ---------------------------------------------------------------------------------------------

fn array_partition(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.ArrayPartition";
    let [array, size] = take::<2>(NAME, args)?;
    let Value::Array(items) = array else {
        return Err(invalid(NAME));
    };
    let size = truncated_int(&size)
        .filter(|s| *s > 0)
        .and_then(|s| usize::try_from(s).ok())
        .ok_or_else(|| invalid(NAME))?;
    Ok(Value::Array(
        items
            .chunks(size)
            .map(|chunk| Value::Array(chunk.to_vec()))
            .collect(),
    ))
}

fn array_contains(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.ArrayContains";
    let [array, needle] = take::<2>(NAME, args)?;
    let Value::Array(items) = array else {
        return Err(invalid(NAME));
    };
    // AWS compares the text forms of the values (as `States.Format` renders them): the string
    // "true" matches the boolean true, and objects match only with their keys in the same order.
    let needle = render::format_arg(&needle);
    Ok(Value::Bool(
        items.iter().any(|item| render::format_arg(item) == needle),
    ))
}

fn array_range(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.ArrayRange";
    let [start, end, step] = take::<3>(NAME, args)?;
    let (Some(start), Some(end), Some(step)) = (
        truncated_int(&start),
        truncated_int(&end),
        truncated_int(&step),
    ) else {
        return Err(invalid(NAME));
    };
    if step == 0 {
        return Err(invalid(NAME));
    }
    let count = if (step > 0 && start > end) || (step < 0 && start < end) {
        0
    } else {
        (end - start) / step + 1
    };
    if count > MAX_RANGE_ITEMS {
        return Err(invalid(NAME));
    }
    let items = (0..count).map(|i| Value::from(start + i * step)).collect();
    Ok(Value::Array(items))
}

fn array_get_item(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.ArrayGetItem";
    let [array, index] = take::<2>(NAME, args)?;
    let Value::Array(mut items) = array else {
        return Err(invalid(NAME));
    };
    let index = truncated_int(&index).ok_or_else(|| invalid(NAME))?;
    if items.is_empty() {
        // Observed on AWS: any index into an empty array yields null.
        return Ok(Value::Null);
    }
    let index = usize::try_from(index)
        .ok()
        .filter(|i| *i < items.len())
        .ok_or_else(|| invalid(NAME))?;
    Ok(items.swap_remove(index))
}

fn array_length(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.ArrayLength";
    let [array] = take::<1>(NAME, args)?;
    let Value::Array(items) = array else {
        return Err(invalid(NAME));
    };
    Ok(Value::from(items.len()))
}

fn array_unique(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.ArrayUnique";
    let [array] = take::<1>(NAME, args)?;
    let Value::Array(items) = array else {
        return Err(invalid(NAME));
    };
    let mut unique: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !unique.contains(&item) {
            unique.push(item);
        }
    }
    Ok(Value::Array(unique))
}

// ---------------------------------------------------------------------------------------------
// Encoding and hashing
// ---------------------------------------------------------------------------------------------

fn bounded_string(name: &str, value: Value) -> Result<String, Detail> {
    match value {
        Value::String(s) if s.chars().count() <= MAX_ENCODING_INPUT_CHARS => Ok(s),
        _ => Err(invalid(name)),
    }
}

fn base64_encode(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.Base64Encode";
    let [data] = take::<1>(NAME, args)?;
    let data = bounded_string(NAME, data)?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(data.as_bytes()),
    ))
}

fn base64_decode(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.Base64Decode";
    let [data] = take::<1>(NAME, args)?;
    let data = bounded_string(NAME, data)?;
    let bytes = lenient_base64_decode(&data);
    Ok(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Lenient Base64 decoding as AWS does it: characters outside the alphabet (both the standard
/// and the URL-safe one) are skipped, decoding stops at the first `=`, and a trailing partial
/// group yields the whole bytes it holds.
fn lenient_base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for c in text.chars() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' | '-' => 62,
            '/' | '_' => 63,
            '=' => break,
            _ => continue,
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn hash(args: Vec<Value>) -> Result<Value, Detail> {
    use sha2::Digest as _;
    const NAME: &str = "States.Hash";
    let [data, algorithm] = take::<2>(NAME, args)?;
    // AWS hashes a non-string value through its text form.
    let data = match data {
        Value::String(s) => Value::String(s),
        other => Value::String(render::format_arg(&other)),
    };
    let data = bounded_string(NAME, data)?;
    let Value::String(algorithm) = algorithm else {
        return Err(invalid(NAME));
    };
    let bytes = data.as_bytes();
    let digest: Vec<u8> = match algorithm.as_str() {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => return Err(invalid(NAME)),
    };
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0x0F)]));
    }
    Ok(Value::String(hex))
}

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

/// Java `StringTokenizer` semantics: every character of `delimiters` separates tokens, and
/// empty tokens (from adjacent, leading or trailing delimiters) are dropped.
fn string_split(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.StringSplit";
    let [text, delimiters] = take::<2>(NAME, args)?;
    let (Value::String(text), Value::String(delimiters)) = (text, delimiters) else {
        return Err(invalid(NAME));
    };
    let parts = text
        .split(|c: char| delimiters.contains(c))
        .filter(|part| !part.is_empty())
        .map(|part| Value::String(part.to_string()))
        .collect();
    Ok(Value::Array(parts))
}

// ---------------------------------------------------------------------------------------------
// Math
// ---------------------------------------------------------------------------------------------

fn math_random(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.MathRandom";
    let mut args = args.into_iter();
    let (Some(start), Some(end)) = (args.next(), args.next()) else {
        return Err(invalid(NAME));
    };
    let (Some(start), Some(end)) = (truncated_int(&start), truncated_int(&end)) else {
        return Err(invalid(NAME));
    };
    if start >= end {
        return Err(invalid(NAME));
    }
    let value = match args.next() {
        Some(seed) => {
            let seed = truncated_int(&seed).ok_or_else(|| invalid(NAME))?;
            // Reinterpret the bits: any integer is a valid seed.
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed.cast_unsigned());
            rng.random_range(start..end)
        }
        None => rand::rng().random_range(start..end),
    };
    Ok(Value::from(value))
}

fn math_add(args: Vec<Value>) -> Result<Value, Detail> {
    const NAME: &str = "States.MathAdd";
    let [a, b] = take::<2>(NAME, args)?;
    let (Some(a), Some(b)) = (rounded_int(&a), rounded_int(&b)) else {
        return Err(invalid(NAME));
    };
    let sum = a + b;
    if i32::try_from(sum).is_err() {
        return Err(invalid(NAME));
    }
    Ok(Value::from(sum))
}
