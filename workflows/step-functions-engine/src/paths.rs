//! JSONPath as Step Functions uses it: `InputPath`/`OutputPath`/`ItemsPath` paths, reference
//! paths (`ResultPath`, Choice `Variable`), `.$` payload templates (`Parameters`,
//! `ResultSelector`, `ItemSelector`, `Assign`), the context object `$$` and `$variable`s.
//!
//! Definite paths (names and indexes only) are evaluated here so that a missing field is an
//! error worded as AWS words it; indefinite paths (wildcards, slices, filters, `..`) are
//! delegated to `serde_json_path` and always yield an array (possibly empty), as in AWS.

use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::error::names;
use crate::intrinsics;

/// What a path starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Root {
    /// `$`: the state's input (or whatever value the field applies to).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Name(String),
    Index(i64),
    Wildcard,
    Raw(String),
    Descend(Box<Seg>),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParsedPath {
    pub(crate) root: Root,
    segs: Vec<Seg>,
}

impl ParsedPath {
    /// Parses a path; the error says why it is not one.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let chars: Vec<char> = text.chars().collect();
        if chars.first() != Some(&'$') {
            return Err(format!("'{text}' is not a path: it must start with '$'"));
        }
        let mut pos;
        let root = if chars.get(1) == Some(&'$') {
            pos = 2;
            Root::Context
        } else {
            match chars.get(1) {
                None | Some('.') | Some('[') => {
                    pos = 1;
                    Root::Input
                }
                Some(_) => {
                    let mut name = String::new();
                    pos = 1;
                    while let Some(&c) = chars.get(pos) {
                        if c == '.' || c == '[' {
                            break;
                        }
                        name.push(c);
                        pos += 1;
                    }
                    if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                        return Err(format!("'{text}' is not a valid path"));
                    }
                    Root::Variable(name)
                }
            }
        };
        let mut segs = Vec::new();
        while pos < chars.len() {
            if chars[pos] == '.' && chars.get(pos + 1) == Some(&'.') {
                pos += 2;
                let seg = match chars.get(pos) {
                    Some('[') => parse_bracket(&chars, &mut pos, text)?,
                    Some('*') => {
                        pos += 1;
                        Seg::Wildcard
                    }
                    _ => Seg::Name(parse_name(&chars, &mut pos, text)?),
                };
                segs.push(Seg::Descend(Box::new(seg)));
            } else if chars[pos] == '.' {
                pos += 1;
                if chars.get(pos) == Some(&'[') {
                    segs.push(parse_bracket(&chars, &mut pos, text)?);
                } else if chars.get(pos) == Some(&'*') {
                    pos += 1;
                    segs.push(Seg::Wildcard);
                } else {
                    segs.push(Seg::Name(parse_name(&chars, &mut pos, text)?));
                }
            } else if chars[pos] == '[' {
                segs.push(parse_bracket(&chars, &mut pos, text)?);
            } else {
                return Err(format!("'{text}' is not a valid path"));
            }
        }
        Ok(Self { root, segs })
    }

    /// Whether the path selects at most one value (names and indexes only).
    pub(crate) fn is_definite(&self) -> bool {
        self.segs
            .iter()
            .all(|s| matches!(s, Seg::Name(_) | Seg::Index(_)))
    }

    /// The path in Jayway's normalised form, as AWS prints it: `$['a']['b'][0]`.
    pub(crate) fn normalized(&self) -> String {
        let mut out = String::from("$");
        for seg in &self.segs {
            out.push_str(&seg_rfc(seg));
        }
        out
    }

    /// Selects from `root`: `Ok(None)` when a definite path finds nothing.
    pub(crate) fn select(&self, root: &Value) -> Result<Option<Value>, String> {
        if self.is_definite() {
            let mut current = root;
            for seg in &self.segs {
                let next = match (seg, current) {
                    (Seg::Name(name), Value::Object(map)) => map.get(name),
                    (Seg::Index(index), Value::Array(items)) => {
                        let i = if *index < 0 {
                            items.len() as i64 + index
                        } else {
                            *index
                        };
                        usize::try_from(i).ok().and_then(|i| items.get(i))
                    }
                    _ => None,
                };
                match next {
                    Some(value) => current = value,
                    None => return Ok(None),
                }
            }
            return Ok(Some(current.clone()));
        }
        let rfc = self.normalized();
        let path = serde_json_path::JsonPath::parse(&rfc)
            .map_err(|e| format!("invalid JSONPath '{rfc}': {e}"))?;
        let found: Vec<Value> = path.query(root).all().into_iter().cloned().collect();
        Ok(Some(Value::Array(found)))
    }
}

fn parse_name(chars: &[char], pos: &mut usize, text: &str) -> Result<String, String> {
    let mut name = String::new();
    while let Some(&c) = chars.get(*pos) {
        if c == '.' || c == '[' {
            break;
        }
        name.push(c);
        *pos += 1;
    }
    if name.is_empty() {
        return Err(format!("'{text}' is not a valid path: empty field name"));
    }
    Ok(name)
}

fn parse_bracket(chars: &[char], pos: &mut usize, text: &str) -> Result<Seg, String> {
    // chars[*pos] == '['
    let start = *pos + 1;
    let mut i = start;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(format!("'{text}' is not a valid path: unclosed '['"));
        };
        if let Some(q) = quote {
            if c == '\\' {
                i += 1;
            } else if c == q {
                quote = None;
            }
        } else if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == '[' || c == '(' {
            depth += 1;
        } else if c == ')' {
            depth = depth.saturating_sub(1);
        } else if c == ']' {
            if depth == 0 {
                break;
            }
            depth -= 1;
        }
        i += 1;
    }
    let content: String = chars[start..i].iter().collect();
    *pos = i + 1;
    let trimmed = content.trim();
    if trimmed == "*" {
        return Ok(Seg::Wildcard);
    }
    if let Ok(index) = trimmed.parse::<i64>() {
        return Ok(Seg::Index(index));
    }
    if let Some(name) = single_quoted(trimmed) {
        return Ok(Seg::Name(name));
    }
    if trimmed.is_empty() {
        return Err(format!("'{text}' is not a valid path: empty brackets"));
    }
    Ok(Seg::Raw(trimmed.to_string()))
}

/// `'name'` or `"name"` (one string, no union) → the unescaped name.
fn single_quoted(text: &str) -> Option<String> {
    let mut chars = text.chars();
    let quote = chars.next()?;
    if quote != '\'' && quote != '"' {
        return None;
    }
    let mut out = String::new();
    let mut escaped = false;
    let rest: Vec<char> = chars.collect();
    for (i, &c) in rest.iter().enumerate() {
        if escaped {
            out.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return (i == rest.len() - 1).then_some(out);
        } else {
            out.push(c);
        }
    }
    None
}

fn seg_rfc(seg: &Seg) -> String {
    match seg {
        Seg::Name(name) => format!("['{}']", name.replace('\\', "\\\\").replace('\'', "\\'")),
        Seg::Index(i) => format!("[{i}]"),
        Seg::Wildcard => "[*]".to_string(),
        Seg::Raw(raw) => format!("[{raw}]"),
        Seg::Descend(inner) => format!("..{}", seg_rfc(inner)),
    }
}

/// Workflow variables: one scope per state machine level; Parallel branches and Map
/// iterations get a child scope that reads its parents.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    parent: Option<Arc<Scope>>,
    values: Arc<Mutex<Map<String, Value>>>,
}

impl Scope {
    pub(crate) fn child(&self) -> Self {
        Self {
            parent: Some(Arc::new(self.clone())),
            values: Arc::new(Mutex::new(Map::new())),
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        let own = self
            .values
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned();
        own.or_else(|| self.parent.as_ref().and_then(|p| p.get(name)))
    }

    /// The variables assigned at this level (not the enclosing scopes'), as they are now.
    pub(crate) fn own_values(&self) -> Map<String, Value> {
        self.values
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn assign(&self, values: &Map<String, Value>) {
        let mut own = self.values.lock().unwrap_or_else(|e| e.into_inner());
        for (name, value) in values {
            own.insert(name.clone(), value.clone());
        }
    }
}

/// Why a path could not be resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PathError {
    /// Not a path (syntax).
    Invalid(String),
    /// A definite path found nothing; carries Jayway's normalised path.
    NotFound(String),
    /// `$name` names no variable.
    UnknownVariable(String),
}

/// An evaluation error: an AWS error name and a cause (without the state prefix).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EvalError {
    pub(crate) error: String,
    pub(crate) cause: String,
}

impl EvalError {
    pub(crate) fn runtime(cause: impl Into<String>) -> Self {
        Self {
            error: names::RUNTIME.to_string(),
            cause: cause.into(),
        }
    }
}

/// What paths are resolved against.
pub(crate) struct PathEnv<'a> {
    /// The value `$` refers to.
    pub(crate) input: &'a Value,
    /// The context object `$$`.
    pub(crate) context: &'a Value,
    /// The variables in scope.
    pub(crate) scope: &'a Scope,
}

/// Compact JSON text of a value, as AWS quotes inputs in causes.
pub(crate) fn to_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl PathEnv<'_> {
    /// Resolves a path (`$...`, `$$...`, `$var...`).
    pub(crate) fn resolve(&self, text: &str) -> Result<Value, PathError> {
        let path = ParsedPath::parse(text).map_err(PathError::Invalid)?;
        self.resolve_parsed(&path)
    }

    pub(crate) fn resolve_parsed(&self, path: &ParsedPath) -> Result<Value, PathError> {
        let var_value;
        let root = match &path.root {
            Root::Input => self.input,
            Root::Context => self.context,
            Root::Variable(name) => {
                var_value = self
                    .scope
                    .get(name)
                    .ok_or_else(|| PathError::UnknownVariable(name.clone()))?;
                &var_value
            }
        };
        match path.select(root) {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(PathError::NotFound(path.normalized())),
            Err(e) => Err(PathError::Invalid(e)),
        }
    }

    /// Resolves an `InputPath`/`OutputPath`-style path: `Invalid path '$.x' : No results for path: $['x']`.
    pub(crate) fn resolve_io_path(&self, text: &str) -> Result<Value, EvalError> {
        self.resolve(text).map_err(|e| match e {
            PathError::NotFound(normalized) => EvalError::runtime(format!(
                "Invalid path '{text}' : No results for path: {normalized}"
            )),
            PathError::UnknownVariable(name) => EvalError::runtime(format!(
                "Invalid path '{text}' : The variable '{name}' is not defined"
            )),
            PathError::Invalid(why) => EvalError::runtime(format!("Invalid path '{text}' : {why}")),
        })
    }

    /// Resolves a path given for a named field (`x.$`, `ErrorPath`, ...).
    pub(crate) fn resolve_field(&self, text: &str, field: &str) -> Result<Value, EvalError> {
        self.resolve(text)
            .map_err(|e| self.field_error(text, field, e))
    }

    fn field_error(&self, text: &str, field: &str, error: PathError) -> EvalError {
        match error {
            PathError::Invalid(why) => EvalError::runtime(format!(
                "The JSONPath '{text}' specified for the field '{field}' is invalid: {why}"
            )),
            _ => EvalError::runtime(format!(
                "The JSONPath '{text}' specified for the field '{field}' could not be found in the input '{}'",
                to_json(self.input)
            )),
        }
    }

    /// Evaluates a `.$` value: an intrinsic function call or a path.
    pub(crate) fn eval_expression(&self, text: &str, field: &str) -> Result<Value, EvalError> {
        if intrinsics::is_intrinsic(text) {
            let resolve = |path: &str| -> Result<Value, intrinsics::IntrinsicError> {
                self.resolve(path).map_err(|e| match e {
                    PathError::Invalid(why) => intrinsics::IntrinsicError::runtime(format!(
                        "The function '{text}' had the following error: invalid path '{path}': {why}"
                    )),
                    _ => intrinsics::missing_argument_error(text, path, self.input),
                })
            };
            intrinsics::evaluate(text, &resolve).map_err(|e| EvalError {
                error: e.error,
                cause: e.cause,
            })
        } else {
            self.resolve_field(text, field)
        }
    }

    /// Evaluates a payload template: every `"key.$": "<path or intrinsic>"` becomes
    /// `"key": <value>`, recursively through objects and arrays.
    pub(crate) fn eval_template(&self, template: &Value) -> Result<Value, EvalError> {
        match template {
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, value) in map {
                    match (key.strip_suffix(".$"), value) {
                        (Some(name), Value::String(expr)) => {
                            out.insert(name.to_string(), self.eval_expression(expr, key)?);
                        }
                        _ => {
                            out.insert(key.clone(), self.eval_template(value)?);
                        }
                    }
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => Ok(Value::Array(
                items
                    .iter()
                    .map(|item| self.eval_template(item))
                    .collect::<Result<_, _>>()?,
            )),
            other => Ok(other.clone()),
        }
    }
}

/// Applies `ResultPath`: `None` (null) keeps the input, `$` replaces it, `$.a.b` places the
/// result there, creating missing objects.
pub(crate) fn apply_result_path(
    input: &Value,
    result: Value,
    path: Option<&str>,
) -> Result<Value, EvalError> {
    let Some(text) = path else {
        return Ok(input.clone());
    };
    let parsed = ParsedPath::parse(text).map_err(EvalError::runtime)?;
    if parsed.root != Root::Input || !parsed.is_definite() {
        return Err(EvalError::runtime(format!(
            "The ResultPath '{text}' is not a valid reference path"
        )));
    }
    if parsed.segs.is_empty() {
        return Ok(result);
    }
    let mut output = input.clone();
    let mut current = &mut output;
    let last = parsed.segs.len() - 1;
    for (i, seg) in parsed.segs.iter().enumerate() {
        let failure = || EvalError {
            error: names::RUNTIME.to_string(),
            cause: format!(
                "Unable to apply ResultPath '{text}' to input '{}'",
                to_json(input)
            ),
        };
        current = match (seg, current) {
            (Seg::Name(name), Value::Object(map)) => {
                if i == last {
                    map.insert(name.clone(), result);
                    return Ok(output);
                }
                map.entry(name.clone())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            (Seg::Index(index), Value::Array(items)) => {
                let idx = if *index < 0 {
                    items.len() as i64 + index
                } else {
                    *index
                };
                let slot = usize::try_from(idx)
                    .ok()
                    .and_then(|i| items.get_mut(i))
                    .ok_or_else(failure)?;
                if i == last {
                    *slot = result;
                    return Ok(output);
                }
                slot
            }
            _ => return Err(failure()),
        };
    }
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn env_eval(input: &Value, path: &str) -> Result<Value, PathError> {
        let scope = Scope::default();
        let ctx = json!({});
        PathEnv {
            input,
            context: &ctx,
            scope: &scope,
        }
        .resolve(path)
    }

    #[test]
    fn definite_and_indefinite_paths() {
        let input = json!({"a": {"b-c": [1, 2, 3]}, "users": [{"s": 0}, {"s": 1}]});
        assert_eq!(env_eval(&input, "$.a.b-c[1]"), Ok(json!(2)));
        assert_eq!(env_eval(&input, "$.a['b-c'][-1]"), Ok(json!(3)));
        assert_eq!(
            env_eval(&input, "$.x.y"),
            Err(PathError::NotFound("$['x']['y']".into()))
        );
        assert_eq!(env_eval(&input, "$.x[*].y"), Ok(json!([])));
        assert_eq!(
            env_eval(&input, "$.users[?(@.s == 0)]"),
            Ok(json!([{"s": 0}]))
        );
        assert_eq!(env_eval(&input, "$.a.b-c[1:]"), Ok(json!([2, 3])));
        assert_eq!(env_eval(&input, "$.users.[?(@.s < 1)].s"), Ok(json!([0])));
    }

    #[test]
    fn result_path_creates_objects() {
        let out = apply_result_path(&json!({"a": 1}), json!(2), Some("$.b.c"));
        assert_eq!(out, Ok(json!({"a": 1, "b": {"c": 2}})));
        assert!(apply_result_path(&json!([1]), json!(2), Some("$.b")).is_err());
    }
}
