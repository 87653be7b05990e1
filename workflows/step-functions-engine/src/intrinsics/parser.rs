//! Parser for intrinsic function invocations such as
//! `States.Format('Hello {}', States.ArrayGetItem($.names, 0))`.
//!
//! Grammar (as AWS accepts it in JSONPath-mode `.$` fields):
//!
//! ```text
//! call     := 'States.' NAME ws? '(' ws? (arg (ws? ',' ws? arg)*)? ws? ')'
//! arg      := call | string | number | 'true' | 'false' | 'null' | path
//! string   := "'" (char | '\' ("'" | '{' | '}' | '\'))* "'"
//! number   := '-'? digits ('.' digits)? (('e' | 'E') ('+' | '-')? digits)?
//! path     := '$' ...   (a JSONPath, context path `$$...` or variable `$name...`)
//! ```
//!
//! The parser never panics: every malformed input produces a [`ParseError`].

use serde_json::Number;

/// Deepest nesting of calls the parser accepts. AWS allows 10 nested intrinsics; the bound here
/// only protects the recursive parser from stack exhaustion on hostile input.
const MAX_DEPTH: usize = 64;

/// A parsed intrinsic expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// `States.Name(args...)`; `name` includes the `States.` prefix.
    Call { name: String, args: Vec<Expr> },
    /// A single-quoted string literal.
    Str(StrLit),
    /// A numeric literal.
    Number(Number),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A path (`$`, `$.a`, `$$.Execution.Id`, `$var.field[0]`), verbatim.
    Path(String),
}

/// A string literal. `raw` keeps the escape sequences exactly as written between the quotes
/// (they were validated while parsing), because `States.Format` must tell an escaped brace
/// (`\{`) from a placeholder brace (`{`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StrLit {
    pub(crate) raw: String,
}

impl StrLit {
    /// The literal's value with every escape sequence resolved.
    pub(crate) fn value(&self) -> String {
        let mut out = String::with_capacity(self.raw.len());
        let mut chars = self.raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else {
                out.push(c);
            }
        }
        out
    }
}

/// Why an expression could not be parsed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParseError {
    pub(crate) message: String,
}

impl ParseError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// Parses a whole intrinsic expression: exactly one function call, optionally surrounded by
/// whitespace.
pub(crate) fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
    };
    parser.skip_ws();
    let expr = parser.parse_call(0)?;
    parser.skip_ws();
    if let Some(c) = parser.peek() {
        return Err(ParseError::new(format!(
            "unexpected character '{c}' at position {} after the end of the function call",
            parser.pos
        )));
    }
    Ok(expr)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn starts_with(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn parse_call(&mut self, depth: usize) -> Result<Expr, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::new("intrinsic functions are nested too deeply"));
        }
        if !self.starts_with("States.") {
            return Err(ParseError::new(format!(
                "expected an intrinsic function call starting with 'States.' at position {}",
                self.pos
            )));
        }
        let start = self.pos;
        self.pos += "States.".len();
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if name.len() == "States.".len() {
            return Err(ParseError::new(format!(
                "missing function name after 'States.' at position {start}"
            )));
        }
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(ParseError::new(format!(
                "expected '(' after the function name '{name}'"
            )));
        }
        self.pos += 1;
        self.skip_ws();
        let mut args = Vec::new();
        if self.peek() == Some(')') {
            self.pos += 1;
            return Ok(Expr::Call { name, args });
        }
        loop {
            self.skip_ws();
            args.push(self.parse_arg(depth)?);
            self.skip_ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    return Ok(Expr::Call { name, args });
                }
                Some(c) => {
                    return Err(ParseError::new(format!(
                        "unexpected character '{c}' at position {} in the arguments of '{name}'",
                        self.pos
                    )));
                }
                None => {
                    return Err(ParseError::new(format!(
                        "missing ')' at the end of the arguments of '{name}'"
                    )));
                }
            }
        }
    }

    fn parse_arg(&mut self, depth: usize) -> Result<Expr, ParseError> {
        match self.peek() {
            None => Err(ParseError::new("unexpected end of the expression")),
            Some('\'') => self.parse_string(),
            Some('$') => self.parse_path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.parse_number(),
            Some(_) if self.starts_with("States.") => self.parse_call(depth + 1),
            Some(_) => {
                for (word, value) in [
                    ("true", Expr::Bool(true)),
                    ("false", Expr::Bool(false)),
                    ("null", Expr::Null),
                ] {
                    if self.starts_with(word) && !self.is_word_char_at(word.chars().count()) {
                        self.pos += word.chars().count();
                        return Ok(value);
                    }
                }
                let c = self.peek().unwrap_or(' ');
                Err(ParseError::new(format!(
                    "unexpected character '{c}' at position {}: expected a string literal, \
                     a number, true, false, null, a path or an intrinsic function",
                    self.pos
                )))
            }
        }
    }

    fn is_word_char_at(&self, offset: usize) -> bool {
        self.peek_at(offset)
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
    }

    fn parse_string(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        self.pos += 1; // opening quote
        let mut raw = String::new();
        loop {
            match self.peek() {
                None => {
                    return Err(ParseError::new(format!(
                        "unterminated string literal starting at position {start}"
                    )));
                }
                Some('\'') => {
                    self.pos += 1;
                    return Ok(Expr::Str(StrLit { raw }));
                }
                Some('\\') => match self.peek_at(1) {
                    Some(c @ ('\'' | '{' | '}' | '\\')) => {
                        raw.push('\\');
                        raw.push(c);
                        self.pos += 2;
                    }
                    Some(c) => {
                        return Err(ParseError::new(format!(
                            "invalid escape sequence '\\{c}' at position {}: only \\', \\{{, \\}} \
                             and \\\\ are allowed",
                            self.pos
                        )));
                    }
                    None => {
                        return Err(ParseError::new(format!(
                            "open escape '\\' at the end of the string literal starting at \
                             position {start}"
                        )));
                    }
                },
                Some(c) => {
                    raw.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn parse_number(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        self.eat_digits();
        if self.peek() == Some('.') {
            self.pos += 1;
            self.eat_digits();
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            self.eat_digits();
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        if self.is_word_char_at(0) {
            return Err(ParseError::new(format!(
                "invalid number literal starting with '{text}' at position {start}"
            )));
        }
        match serde_json::from_str::<serde_json::Value>(&text) {
            // `-0` is the integer zero (serde_json would read the float -0.0).
            Ok(serde_json::Value::Number(_))
                if !text.contains(['.', 'e', 'E'])
                    && text.trim_start_matches('-').chars().all(|c| c == '0') =>
            {
                Ok(Expr::Number(Number::from(0)))
            }
            Ok(serde_json::Value::Number(n)) => Ok(Expr::Number(n)),
            _ => Err(ParseError::new(format!(
                "invalid number literal '{text}' at position {start}"
            ))),
        }
    }

    fn eat_digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// A path runs up to the next `,` or `)` (or whitespace) that is not inside brackets,
    /// parentheses or quotes, so filters such as `$.a[?(@.b == 'x, y')]` stay whole.
    fn parse_path(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        let mut depth: usize = 0;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            if let Some(q) = quote {
                if c == '\\' {
                    self.pos += 1;
                } else if c == q {
                    quote = None;
                }
                self.pos += 1;
                continue;
            }
            match c {
                '\'' | '"' if depth > 0 => quote = Some(c),
                '[' | '(' => depth += 1,
                ']' | ')' if depth > 0 => depth -= 1,
                ',' | ')' => break,
                c if c.is_whitespace() && depth == 0 => break,
                _ => {}
            }
            self.pos += 1;
        }
        if quote.is_some() || depth > 0 {
            return Err(ParseError::new(format!(
                "unterminated path starting at position {start}"
            )));
        }
        let path: String = self.chars[start..self.pos].iter().collect();
        Ok(Expr::Path(path))
    }
}
