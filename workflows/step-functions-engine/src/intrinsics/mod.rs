//! Intrinsic functions of JSONPath-mode state machines (`"field.$": "States.Format(...)"`).
//!
//! [`evaluate`] parses an invocation, resolves its path arguments through the caller's
//! `resolve` callback, and runs the `States.*` functions, nested calls included:
//!
//! ```text
//! States.Format('{} has {} items', $.name, States.ArrayLength($.items))
//! ```
//!
//! # Errors
//!
//! A function that rejects its arguments fails with `States.Runtime`, worded as AWS words it
//! (the part of the execution's cause after the
//! `An error occurred while executing the state '<name>' (entered at the event id #<n>). `
//! prefix, which the executor adds):
//!
//! ```text
//! The function 'States.MathAdd($.a, $.b)' had the following error: Invalid arguments in States.MathAdd
//! ```
//!
//! The quoted expression is the whole invocation exactly as written (nested calls included).
//! Errors returned by `resolve` are propagated unchanged; [`missing_argument_error`] builds the
//! error AWS reports for an argument path that matches nothing.

mod functions;
mod parser;
mod render;

#[cfg(test)]
mod tests;

use parser::Expr;
use serde_json::Value;

/// Error name of every failure raised while evaluating an intrinsic function.
pub const RUNTIME_ERROR: &str = "States.Runtime";

/// An intrinsic function failure: the `error` name and `cause` text the execution fails with.
#[derive(Debug, Clone, PartialEq)]
pub struct IntrinsicError {
    /// Error name, e.g. `States.Runtime`.
    pub error: String,
    /// Human-readable cause, worded as AWS words it.
    pub cause: String,
}

impl IntrinsicError {
    /// A `States.Runtime` error with the given cause.
    pub fn runtime(cause: impl Into<String>) -> Self {
        Self {
            error: RUNTIME_ERROR.to_string(),
            cause: cause.into(),
        }
    }
}

impl std::fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

impl std::error::Error for IntrinsicError {}

/// Whether the value of a `.$` field is an intrinsic function invocation rather than a path:
/// it starts with `States.` (leading whitespace ignored).
#[must_use]
pub fn is_intrinsic(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

/// Evaluates an intrinsic function invocation.
///
/// `resolve` is called, in argument order, for every path argument (`$`, `$.a.b`,
/// `$$.Execution.Id`, `$$.Map.Item.Value`, `$var`, `$var.field[0]`), with the path text exactly
/// as written; its errors are returned unchanged.
///
/// # Errors
///
/// * a malformed invocation or an unknown function: `States.Runtime`;
/// * a function rejecting its arguments: `States.Runtime` with the cause
///   `The function '<expression>' had the following error: Invalid arguments in States.<Fn>`;
/// * whatever `resolve` returns.
pub fn evaluate(
    expression: &str,
    resolve: &dyn Fn(&str) -> Result<Value, IntrinsicError>,
) -> Result<Value, IntrinsicError> {
    let ast = parser::parse(expression).map_err(|e| {
        IntrinsicError::runtime(format!(
            "The value '{expression}' is not a valid intrinsic function invocation: {}",
            e.message
        ))
    })?;
    match eval(&ast, resolve) {
        Ok(value) => Ok(value),
        Err(Failure::Resolve(error)) => Err(error),
        Err(Failure::Function(detail)) => Err(function_error(expression, &detail)),
    }
}

/// The error AWS reports when a path argument of an intrinsic function matches nothing, e.g.
/// `The function 'States.Format('{}', $.nope)' had the following error: The JsonPath argument
/// for the field '$.nope' could not be found in the input '{"other":1}'`.
///
/// `input` is the document the path was evaluated against (the state input; for a `$$.` path
/// AWS names the path rewritten to start with `$.` and still quotes the state input).
#[must_use]
pub fn missing_argument_error(expression: &str, path: &str, input: &Value) -> IntrinsicError {
    let path = path
        .strip_prefix('$')
        .filter(|p| p.starts_with('$'))
        .unwrap_or(path);
    function_error(
        expression,
        &format!(
            "The JsonPath argument for the field '{path}' could not be found in the input '{}'",
            render::to_json(input)
        ),
    )
}

/// `The function '<expression>' had the following error: <detail>` as a `States.Runtime` error.
fn function_error(expression: &str, detail: &str) -> IntrinsicError {
    IntrinsicError::runtime(format!(
        "The function '{expression}' had the following error: {detail}"
    ))
}

enum Failure {
    /// An error from the caller's `resolve`, passed through unchanged.
    Resolve(IntrinsicError),
    /// A function rejected its arguments; the detail text of the failure.
    Function(String),
}

fn eval(
    expr: &Expr,
    resolve: &dyn Fn(&str) -> Result<Value, IntrinsicError>,
) -> Result<Value, Failure> {
    match expr {
        Expr::Str(literal) => Ok(Value::String(literal.value())),
        Expr::Number(n) => Ok(Value::Number(n.clone())),
        Expr::Bool(b) => Ok(Value::Bool(*b)),
        Expr::Null => Ok(Value::Null),
        Expr::Path(path) => resolve(path).map_err(Failure::Resolve),
        Expr::Call { name, args } => {
            if !functions::is_known(name) {
                return Err(Failure::Function(format!(
                    "Unsupported intrinsic function: {name}"
                )));
            }
            functions::check_arity(name, args.len()).map_err(Failure::Function)?;
            let mut evaluated = Vec::with_capacity(args.len());
            for arg in args {
                let literal = match arg {
                    Expr::Str(literal) => Some(literal),
                    _ => None,
                };
                evaluated.push(functions::Arg {
                    value: eval(arg, resolve)?,
                    literal,
                });
            }
            functions::call(name, evaluated).map_err(Failure::Function)
        }
    }
}
