//! SOQL: a lexer, parser and evaluator for the subset of Salesforce's query language our
//! client uses, with Salesforce's string-literal escapes and error messages. Anything outside
//! the subset is a `MALFORMED_QUERY` naming what is not supported.

use std::cmp::Ordering;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use crate::data_error::DataError;
use crate::ids;
use crate::schema::{FieldType, ObjectSchema, OrgSchema};
use crate::store::{OrgData, Record, field_output};

// ---------------------------------------------------------------- lexer

/// A string literal: each character with whether it was backslash-escaped (matters for `\%`, `\_` in LIKE).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SoqlString {
    chars: Vec<(char, bool)>,
}

impl SoqlString {
    /// The literal's value (escapes resolved).
    pub(crate) fn value(&self) -> String {
        self.chars.iter().map(|(c, _)| *c).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token {
    Ident(String),
    Str(SoqlString),
    Number(f64, String),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Comma,
    Dot,
    LParen,
    RParen,
    Colon,
    Op(CmpOp),
    Eof,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Self::Ident(text) => text.clone(),
            Self::Str(text) => format!("'{}'", text.value()),
            Self::Number(_, raw) => raw.clone(),
            Self::Date(date) => date.format("%Y-%m-%d").to_string(),
            Self::DateTime(date_time) => date_time.to_rfc3339(),
            Self::Comma => ",".into(),
            Self::Dot => ".".into(),
            Self::LParen => "(".into(),
            Self::RParen => ")".into(),
            Self::Colon => ":".into(),
            Self::Op(op) => op.symbol().into(),
            Self::Eof => "<EOF>".into(),
        }
    }
}

fn unexpected(token: &Token) -> DataError {
    DataError::malformed_query(format!("unexpected token: '{}'", token.describe()))
}

/// Reads a string literal starting after its opening quote at `chars[start]`; returns it and the index after the closing quote.
fn lex_string(chars: &[char], start: usize) -> Result<(SoqlString, usize), DataError> {
    // Find the raw extent first so errors can quote the literal as written.
    let mut end = start;
    loop {
        match chars.get(end) {
            None => {
                let raw: String = chars[start..].iter().collect();
                return Err(DataError::malformed_query(format!(
                    "Invalid string literal '{raw}'. Unterminated string literal: mismatched character '<EOF>' expecting '''"
                )));
            }
            Some('\\') => end += 2,
            Some('\'') => break,
            Some(_) => end += 1,
        }
    }
    let raw: String = chars[start..end].iter().collect();
    let mut out = Vec::new();
    let mut i = start;
    while i < end {
        let c = chars[i];
        if c != '\\' {
            out.push((c, false));
            i += 1;
            continue;
        }
        let escaped = chars.get(i + 1).copied().unwrap_or('\0');
        let illegal = || {
            DataError::malformed_query(format!(
                "Invalid string literal '{raw}'. Illegal character sequence '\\{escaped}' in string literal."
            ))
        };
        let resolved = match escaped {
            'n' | 'N' => '\n',
            'r' | 'R' => '\r',
            't' | 'T' => '\t',
            'b' | 'B' => '\u{8}',
            'f' | 'F' => '\u{c}',
            '"' => '"',
            '\'' => '\'',
            '\\' => '\\',
            '%' => '%',
            '_' => '_',
            'u' => {
                let hex: String = chars
                    .get(i + 2..i + 6)
                    .map(|h| h.iter().collect())
                    .unwrap_or_default();
                let code = (hex.len() == 4 && i + 6 <= end)
                    .then(|| u32::from_str_radix(&hex, 16).ok())
                    .flatten();
                let decoded = code.and_then(char::from_u32).ok_or_else(illegal)?;
                out.push((decoded, true));
                i += 6;
                continue;
            }
            _ => return Err(illegal()),
        };
        out.push((resolved, true));
        i += 2;
    }
    Ok((SoqlString { chars: out }, end + 1))
}

fn classify_number_like(raw: &str) -> Result<Token, DataError> {
    let bad = || DataError::malformed_query(format!("unexpected token: '{raw}'"));
    let bytes = raw.as_bytes();
    let is_date_start = bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-';
    if is_date_start {
        if raw.len() == 10 {
            return NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(Token::Date)
                .map_err(|_| bad());
        }
        return parse_datetime_literal(raw)
            .map(Token::DateTime)
            .ok_or_else(bad);
    }
    let numeric = raw.trim_start_matches(['-', '+']);
    if !numeric.is_empty()
        && numeric.chars().all(|c| c.is_ascii_digit() || c == '.')
        && numeric.matches('.').count() <= 1
    {
        return raw
            .parse::<f64>()
            .map(|n| Token::Number(n, raw.to_owned()))
            .map_err(|_| bad());
    }
    Err(bad())
}

/// A SOQL datetime literal: `2024-03-05T14:30:00Z`, with optional millis, `Z` or `±hh:mm`/`±hhmm`.
fn parse_datetime_literal(raw: &str) -> Option<DateTime<Utc>> {
    if !raw.contains('T') {
        return None;
    }
    let raw = raw
        .strip_suffix('Z')
        .map(|rest| format!("{rest}+00:00"))
        .unwrap_or_else(|| raw.to_owned());
    ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z"]
        .iter()
        .find_map(|format| DateTime::parse_from_str(&raw, format).ok())
        .map(|date_time| date_time.with_timezone(&Utc))
}

pub(crate) fn lex(text: &str) -> Result<Vec<Token>, DataError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            c if c.is_whitespace() => i += 1,
            '\'' => {
                let (literal, after) = lex_string(&chars, i + 1)?;
                tokens.push(Token::Str(literal));
                i = after;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            '.' => {
                tokens.push(Token::Dot);
                i += 1;
            }
            '(' => {
                tokens.push(Token::LParen);
                i += 1;
            }
            ')' => {
                tokens.push(Token::RParen);
                i += 1;
            }
            ':' => {
                tokens.push(Token::Colon);
                i += 1;
            }
            '=' => {
                tokens.push(Token::Op(CmpOp::Eq));
                i += 1;
            }
            '!' if next == Some('=') => {
                tokens.push(Token::Op(CmpOp::Ne));
                i += 2;
            }
            '<' => {
                let (op, len) = match next {
                    Some('>') => (CmpOp::Ne, 2),
                    Some('=') => (CmpOp::Le, 2),
                    _ => (CmpOp::Lt, 1),
                };
                tokens.push(Token::Op(op));
                i += len;
            }
            '>' => {
                let (op, len) = if next == Some('=') {
                    (CmpOp::Ge, 2)
                } else {
                    (CmpOp::Gt, 1)
                };
                tokens.push(Token::Op(op));
                i += len;
            }
            c if c.is_ascii_digit()
                || ((c == '-' || c == '+') && next.is_some_and(|n| n.is_ascii_digit())) =>
            {
                let start = i;
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric()
                        || matches!(chars[i], ':' | '.' | '+' | '-'))
                {
                    i += 1;
                }
                let raw: String = chars[start..i].iter().collect();
                tokens.push(classify_number_like(&raw)?);
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                tokens.push(Token::Ident(chars[start..i].iter().collect()));
            }
            other => {
                return Err(DataError::malformed_query(format!(
                    "unexpected token: '{other}'"
                )));
            }
        }
    }
    tokens.push(Token::Eof);
    Ok(tokens)
}

// ---------------------------------------------------------------- syntax tree

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Null,
    Bool(bool),
    Number(f64),
    Str(SoqlString),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    /// A relative date literal (TODAY, LAST_N_DAYS:n...): the UTC days `[start, end)`.
    DateRange(NaiveDate, NaiveDate, String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
    Compare {
        path: Vec<String>,
        op: CmpOp,
        value: Literal,
    },
    In {
        path: Vec<String>,
        negated: bool,
        values: Vec<Literal>,
    },
    Like {
        path: Vec<String>,
        pattern: SoqlString,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderItem {
    pub path: Vec<String>,
    pub descending: bool,
    pub nulls_first: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    pub fields: Vec<Vec<String>>,
    pub count_only: bool,
    pub object: String,
    pub condition: Option<Condition>,
    pub order_by: Vec<OrderItem>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

// ---------------------------------------------------------------- parser

const RESERVED: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "ORDER",
    "BY",
    "LIMIT",
    "OFFSET",
    "AND",
    "OR",
    "NOT",
    "IN",
    "LIKE",
    "ASC",
    "DESC",
    "NULLS",
    "GROUP",
    "HAVING",
    "WITH",
    "FOR",
    "USING",
    "TYPEOF",
    "INCLUDES",
    "EXCLUDES",
    "TRUE",
    "FALSE",
    "NULL",
    "RETURNING",
    "FIND",
];

pub(crate) struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    today: NaiveDate,
}

impl Parser {
    pub(crate) fn new(tokens: Vec<Token>, today: NaiveDate) -> Self {
        Self {
            tokens,
            pos: 0,
            today,
        }
    }

    pub(crate) fn peek(&self) -> &Token {
        self.tokens.get(self.pos).unwrap_or(&Token::Eof)
    }

    fn peek_at(&self, offset: usize) -> &Token {
        self.tokens.get(self.pos + offset).unwrap_or(&Token::Eof)
    }

    pub(crate) fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        token
    }

    pub(crate) fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Token::Ident(word) if word.eq_ignore_ascii_case(keyword))
    }

    fn is_keyword_at(&self, offset: usize, keyword: &str) -> bool {
        matches!(self.peek_at(offset), Token::Ident(word) if word.eq_ignore_ascii_case(keyword))
    }

    pub(crate) fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = self.is_keyword(keyword);
        if found {
            self.pos += 1;
        }
        found
    }

    pub(crate) fn expect_keyword(&mut self, keyword: &str) -> Result<(), DataError> {
        if self.eat_keyword(keyword) {
            Ok(())
        } else {
            Err(unexpected(self.peek()))
        }
    }

    pub(crate) fn expect(&mut self, expected: &Token) -> Result<(), DataError> {
        if self.peek() == expected {
            self.pos += 1;
            Ok(())
        } else {
            Err(unexpected(self.peek()))
        }
    }

    pub(crate) fn expect_end(&self) -> Result<(), DataError> {
        match self.peek() {
            Token::Eof => Ok(()),
            token => Err(unexpected(token)),
        }
    }

    fn identifier(&mut self) -> Result<String, DataError> {
        match self.peek().clone() {
            Token::Ident(word) if !RESERVED.iter().any(|kw| kw.eq_ignore_ascii_case(&word)) => {
                self.pos += 1;
                Ok(word)
            }
            token => Err(unexpected(&token)),
        }
    }

    /// `Name`, `Account.Name`, `Contact.Account.Owner.Name`.
    pub(crate) fn path(&mut self) -> Result<Vec<String>, DataError> {
        let mut segments = vec![self.identifier()?];
        while self.peek() == &Token::Dot {
            self.pos += 1;
            segments.push(self.identifier()?);
        }
        Ok(segments)
    }

    pub(crate) fn object_name(&mut self) -> Result<String, DataError> {
        self.identifier()
    }

    /// A comma-separated list of field paths (SELECT list, SOSL RETURNING field list).
    pub(crate) fn field_list(
        &mut self,
        allow_count: bool,
    ) -> Result<(Vec<Vec<String>>, bool), DataError> {
        let mut fields = Vec::new();
        let mut count_only = false;
        loop {
            match (self.peek().clone(), self.peek_at(1).clone()) {
                (Token::LParen, _) => {
                    return Err(DataError::malformed_query(
                        "relationship subqueries (SELECT ... FROM Children) are not supported by the emulator",
                    ));
                }
                (Token::Ident(word), Token::LParen) => {
                    if allow_count
                        && word.eq_ignore_ascii_case("COUNT")
                        && self.peek_at(2) == &Token::RParen
                        && fields.is_empty()
                    {
                        self.pos += 3;
                        count_only = true;
                    } else {
                        return Err(DataError::malformed_query(format!(
                            "the function {word}() is not supported by the emulator (aggregate functions, FIELDS(), toLabel(), FORMAT(), convertCurrency())"
                        )));
                    }
                }
                (Token::Ident(word), _) if word.eq_ignore_ascii_case("TYPEOF") => {
                    return Err(DataError::malformed_query(
                        "TYPEOF is not supported by the emulator",
                    ));
                }
                _ => fields.push(self.path()?),
            }
            if self.peek() == &Token::Comma {
                self.pos += 1;
                continue;
            }
            break;
        }
        if count_only && !fields.is_empty() {
            return Err(DataError::malformed_query(
                "COUNT() must be the only element of the SELECT list",
            ));
        }
        Ok((fields, count_only))
    }

    pub(crate) fn parse_query(&mut self) -> Result<Query, DataError> {
        self.expect_keyword("SELECT")?;
        let (fields, count_only) = self.field_list(true)?;
        self.expect_keyword("FROM")?;
        let object = self.object_name()?;
        if self.peek() == &Token::Comma {
            return Err(DataError::malformed_query(
                "only one object may follow FROM",
            ));
        }
        if self.is_keyword("USING") {
            return Err(DataError::malformed_query(
                "USING SCOPE is not supported by the emulator",
            ));
        }
        let condition = if self.eat_keyword("WHERE") {
            Some(self.condition()?)
        } else {
            None
        };
        if self.is_keyword("WITH") {
            return Err(DataError::malformed_query(
                "WITH clauses are not supported by the emulator",
            ));
        }
        if self.is_keyword("GROUP") || self.is_keyword("HAVING") {
            return Err(DataError::malformed_query(
                "GROUP BY and HAVING are not supported by the emulator",
            ));
        }
        let order_by = self.order_by_clause()?;
        let (limit, offset) = self.limit_offset()?;
        if self.is_keyword("FOR") {
            return Err(DataError::malformed_query(
                "FOR VIEW/REFERENCE/UPDATE is not supported by the emulator",
            ));
        }
        self.expect_end()?;
        Ok(Query {
            fields,
            count_only,
            object,
            condition,
            order_by,
            limit,
            offset,
        })
    }

    pub(crate) fn order_by_clause(&mut self) -> Result<Vec<OrderItem>, DataError> {
        if !self.is_keyword("ORDER") {
            return Ok(Vec::new());
        }
        self.pos += 1;
        self.expect_keyword("BY")?;
        let mut items = Vec::new();
        loop {
            let path = self.path()?;
            let descending = if self.eat_keyword("DESC") {
                true
            } else {
                self.eat_keyword("ASC");
                false
            };
            let nulls_first = if self.eat_keyword("NULLS") {
                if self.eat_keyword("FIRST") {
                    true
                } else {
                    self.expect_keyword("LAST")?;
                    false
                }
            } else {
                !descending
            };
            items.push(OrderItem {
                path,
                descending,
                nulls_first,
            });
            if self.peek() != &Token::Comma {
                break;
            }
            self.pos += 1;
        }
        Ok(items)
    }

    fn count(&mut self, clause: &str) -> Result<usize, DataError> {
        match self.advance() {
            Token::Number(n, _) if n >= 0.0 && n.fract() == 0.0 => Ok(n as usize),
            token => Err(DataError::malformed_query(format!(
                "{clause} must be a non-negative integer, found '{}'",
                token.describe()
            ))),
        }
    }

    pub(crate) fn limit_offset(&mut self) -> Result<(Option<usize>, Option<usize>), DataError> {
        let limit = if self.eat_keyword("LIMIT") {
            Some(self.count("LIMIT")?)
        } else {
            None
        };
        let offset = if self.eat_keyword("OFFSET") {
            Some(self.count("OFFSET")?)
        } else {
            None
        };
        if let Some(offset) = offset
            && offset > 2000
        {
            return Err(DataError::malformed_query(format!(
                "Maximum SOQL offset allowed is 2000, found {offset}"
            )));
        }
        if self.is_keyword("LIMIT") {
            return Err(DataError::malformed_query("LIMIT must come before OFFSET"));
        }
        Ok((limit, offset))
    }

    /// A WHERE condition. Mixing AND and OR at one level without parentheses is an error, as in Salesforce.
    pub(crate) fn condition(&mut self) -> Result<Condition, DataError> {
        let first = self.simple_condition()?;
        if self.is_keyword("AND") || self.is_keyword("OR") {
            let and = self.is_keyword("AND");
            let (this, other) = if and { ("AND", "OR") } else { ("OR", "AND") };
            let mut parts = vec![first];
            while self.eat_keyword(this) {
                parts.push(self.simple_condition()?);
            }
            if self.is_keyword(other) {
                return Err(DataError::malformed_query(format!(
                    "unexpected token: '{other}' (mixing AND and OR requires parentheses to state precedence)"
                )));
            }
            return Ok(if and {
                Condition::And(parts)
            } else {
                Condition::Or(parts)
            });
        }
        Ok(first)
    }

    fn simple_condition(&mut self) -> Result<Condition, DataError> {
        if self.eat_keyword("NOT") {
            return Ok(Condition::Not(Box::new(self.simple_condition()?)));
        }
        if self.peek() == &Token::LParen {
            self.pos += 1;
            let inner = self.condition()?;
            self.expect(&Token::RParen)?;
            return Ok(inner);
        }
        if matches!(self.peek(), Token::Ident(_)) && self.peek_at(1) == &Token::LParen {
            return Err(DataError::malformed_query(format!(
                "functions in WHERE (like {}()) are not supported by the emulator",
                self.peek().describe()
            )));
        }
        let path = self.path()?;
        match self.peek().clone() {
            Token::Op(op) => {
                self.pos += 1;
                let value = self.literal()?;
                Ok(Condition::Compare { path, op, value })
            }
            Token::Ident(word) if word.eq_ignore_ascii_case("LIKE") => {
                self.pos += 1;
                match self.advance() {
                    Token::Str(pattern) => Ok(Condition::Like { path, pattern }),
                    token => Err(DataError::malformed_query(format!(
                        "LIKE needs a string literal, found '{}'",
                        token.describe()
                    ))),
                }
            }
            Token::Ident(word) if word.eq_ignore_ascii_case("IN") => {
                self.pos += 1;
                Ok(Condition::In {
                    path,
                    negated: false,
                    values: self.literal_list()?,
                })
            }
            Token::Ident(word)
                if word.eq_ignore_ascii_case("NOT") && self.is_keyword_at(1, "IN") =>
            {
                self.pos += 2;
                Ok(Condition::In {
                    path,
                    negated: true,
                    values: self.literal_list()?,
                })
            }
            Token::Ident(word)
                if word.eq_ignore_ascii_case("INCLUDES")
                    || word.eq_ignore_ascii_case("EXCLUDES") =>
            {
                Err(DataError::malformed_query(format!(
                    "{} (multi-select picklists) is not supported by the emulator",
                    word.to_uppercase()
                )))
            }
            token => Err(unexpected(&token)),
        }
    }

    fn literal_list(&mut self) -> Result<Vec<Literal>, DataError> {
        self.expect(&Token::LParen)?;
        if self.is_keyword("SELECT") {
            return Err(DataError::malformed_query(
                "semi-join subqueries (IN (SELECT ...)) are not supported by the emulator",
            ));
        }
        let mut values = vec![self.literal()?];
        while self.peek() == &Token::Comma {
            self.pos += 1;
            values.push(self.literal()?);
        }
        self.expect(&Token::RParen)?;
        Ok(values)
    }

    fn literal(&mut self) -> Result<Literal, DataError> {
        let token = self.advance();
        let today = self.today;
        let range = |start: NaiveDate, end: NaiveDate, name: &str| {
            Literal::DateRange(start, end, name.to_owned())
        };
        let shift = |date: NaiveDate, days: i64| {
            if days >= 0 {
                date.checked_add_days(Days::new(days as u64))
                    .unwrap_or(date)
            } else {
                date.checked_sub_days(Days::new(days.unsigned_abs()))
                    .unwrap_or(date)
            }
        };
        match token {
            Token::Str(text) => Ok(Literal::Str(text)),
            Token::Number(n, _) => Ok(Literal::Number(n)),
            Token::Date(date) => Ok(Literal::Date(date)),
            Token::DateTime(date_time) => Ok(Literal::DateTime(date_time)),
            Token::Ident(word) => match word.to_ascii_uppercase().as_str() {
                "NULL" => Ok(Literal::Null),
                "TRUE" => Ok(Literal::Bool(true)),
                "FALSE" => Ok(Literal::Bool(false)),
                "TODAY" => Ok(range(today, shift(today, 1), &word)),
                "YESTERDAY" => Ok(range(shift(today, -1), today, &word)),
                "TOMORROW" => Ok(range(shift(today, 1), shift(today, 2), &word)),
                "LAST_90_DAYS" => Ok(range(shift(today, -90), shift(today, 1), &word)),
                "NEXT_90_DAYS" => Ok(range(shift(today, 1), shift(today, 91), &word)),
                "LAST_N_DAYS" | "NEXT_N_DAYS" => {
                    self.expect(&Token::Colon)?;
                    let n = self.count(&word)? as i64;
                    if word.eq_ignore_ascii_case("LAST_N_DAYS") {
                        Ok(range(shift(today, -n), shift(today, 1), &word))
                    } else {
                        Ok(range(shift(today, 1), shift(today, n + 1), &word))
                    }
                }
                _ => Err(DataError::malformed_query(format!(
                    "unexpected token: '{word}'"
                ))),
            },
            Token::Colon => Err(DataError::malformed_query(
                "bind variables (:name) are only valid in Apex, not in the REST API",
            )),
            token => Err(unexpected(&token)),
        }
    }
}

/// Parses a full `SELECT` statement.
pub(crate) fn parse(text: &str, today: NaiveDate) -> Result<Query, DataError> {
    Parser::new(lex(text)?, today).parse_query()
}

/// Parses a bare WHERE condition (parameterizedSearch `where`).
pub(crate) fn parse_condition(text: &str, today: NaiveDate) -> Result<Condition, DataError> {
    let mut parser = Parser::new(lex(text)?, today);
    let condition = parser.condition()?;
    parser.expect_end()?;
    Ok(condition)
}

// ---------------------------------------------------------------- resolution against the schema

/// Fields reachable through a polymorphic relationship (Salesforce's `Name` entity).
const POLYMORPHIC_FIELDS: &[(&str, FieldType)] = &[
    ("Id", FieldType::Id),
    ("Name", FieldType::String),
    ("Type", FieldType::String),
    ("FirstName", FieldType::String),
    ("LastName", FieldType::String),
    ("Email", FieldType::Email),
    ("Phone", FieldType::Phone),
    ("Title", FieldType::String),
    ("Alias", FieldType::String),
    ("Username", FieldType::String),
    ("IsActive", FieldType::Boolean),
];

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hop {
    pub ref_field: String,
    pub relationship: String,
}

/// A field path checked against the schema, in canonical case.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResolvedPath {
    pub hops: Vec<Hop>,
    pub field: String,
    pub field_type: FieldType,
    /// The last hop is polymorphic: the field is read from whatever object the id points at.
    pub polymorphic: bool,
}

pub(crate) fn no_such_column(field: &str, entity: &str) -> DataError {
    DataError::invalid_field(format!(
        "No such column '{field}' on entity '{entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."
    ))
}

pub(crate) fn resolve_object<'a>(
    schema: &'a OrgSchema,
    name: &str,
) -> Result<&'a ObjectSchema, DataError> {
    schema.object(name).ok_or_else(|| {
        DataError::InvalidType {
            message: format!(
                "sObject type '{name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."
            ),
        }
    })
}

pub(crate) fn resolve_path(
    schema: &OrgSchema,
    root: &ObjectSchema,
    path: &[String],
) -> Result<ResolvedPath, DataError> {
    let mut current = root;
    let mut hops = Vec::new();
    let Some((last, relationships)) = path.split_last() else {
        return Err(DataError::malformed_query("empty field path"));
    };
    for (index, segment) in relationships.iter().enumerate() {
        let reference = current.relationship(segment).ok_or_else(|| {
            DataError::invalid_field(format!(
                "Didn't understand relationship '{segment}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."
            ))
        })?;
        hops.push(Hop {
            ref_field: reference.name.clone(),
            relationship: reference.relationship_name.clone().unwrap_or_default(),
        });
        if reference.polymorphic() {
            if index + 1 != relationships.len() {
                return Err(DataError::invalid_field(format!(
                    "Didn't understand relationship '{}' in field path: a polymorphic relationship can only be followed by a field of Name",
                    relationships[index + 1]
                )));
            }
            let (name, field_type) = POLYMORPHIC_FIELDS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(last))
                .ok_or_else(|| no_such_column(last, "Name"))?;
            return Ok(ResolvedPath {
                hops,
                field: (*name).to_owned(),
                field_type: *field_type,
                polymorphic: true,
            });
        }
        let target = reference.reference_to.first().cloned().unwrap_or_default();
        current = schema
            .object(&target)
            .ok_or_else(|| no_such_column(segment, &current.name))?;
    }
    let field = current
        .field(last)
        .ok_or_else(|| no_such_column(last, &current.name))?;
    Ok(ResolvedPath {
        hops,
        field: field.name.clone(),
        field_type: field.field_type,
        polymorphic: false,
    })
}

#[derive(Debug, Clone)]
pub(crate) enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Compare {
        path: ResolvedPath,
        op: CmpOp,
        value: Literal,
    },
    In {
        path: ResolvedPath,
        negated: bool,
        values: Vec<Literal>,
    },
    Like {
        path: ResolvedPath,
        pattern: SoqlString,
    },
}

fn type_word(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Boolean => "boolean",
        FieldType::Int => "int",
        FieldType::Double | FieldType::Percent | FieldType::Currency => "double",
        FieldType::Date => "date",
        FieldType::DateTime => "dateTime",
        FieldType::Id | FieldType::Reference => "id",
        _ => "string",
    }
}

fn check_literal(path: &ResolvedPath, value: &Literal) -> Result<(), DataError> {
    let ty = path.field_type;
    let wrong = |quoted: bool| {
        let hint = if quoted {
            "should be enclosed in quotes"
        } else {
            "should not be enclosed in quotes"
        };
        DataError::invalid_field(format!(
            "value of filter criterion for field '{}' must be of type {} and {hint}",
            path.field,
            type_word(ty)
        ))
    };
    match (ty, value) {
        (FieldType::LongTextArea | FieldType::Base64, _) => Err(DataError::invalid_field(format!(
            "field '{}' can not be filtered in a query call",
            path.field
        ))),
        (_, Literal::Null) => Ok(()),
        (FieldType::Id | FieldType::Reference, Literal::Str(text)) => {
            let text = text.value();
            if text.is_empty() || ids::is_valid_id(&text) {
                Ok(())
            } else {
                Err(DataError::InvalidQueryFilterOperator {
                    message: format!("invalid ID field: {text}"),
                })
            }
        }
        (t, Literal::Str(_)) if t.is_text() || t.is_id() => Ok(()),
        (t, _) if t.is_text() || t.is_id() => Err(wrong(true)),
        (FieldType::Boolean, Literal::Bool(_)) => Ok(()),
        (t, Literal::Number(_)) if t.is_number() => Ok(()),
        (FieldType::Date, Literal::Date(_) | Literal::DateRange(..)) => Ok(()),
        (FieldType::DateTime, Literal::DateTime(_) | Literal::DateRange(..)) => Ok(()),
        _ => Err(wrong(false)),
    }
}

pub(crate) fn resolve_condition(
    schema: &OrgSchema,
    root: &ObjectSchema,
    condition: &Condition,
) -> Result<Filter, DataError> {
    let all = |parts: &[Condition]| {
        parts
            .iter()
            .map(|part| resolve_condition(schema, root, part))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(match condition {
        Condition::And(parts) => Filter::And(all(parts)?),
        Condition::Or(parts) => Filter::Or(all(parts)?),
        Condition::Not(inner) => Filter::Not(Box::new(resolve_condition(schema, root, inner)?)),
        Condition::Compare { path, op, value } => {
            let path = resolve_path(schema, root, path)?;
            check_literal(&path, value)?;
            if matches!(path.field_type, FieldType::Boolean) && !matches!(op, CmpOp::Eq | CmpOp::Ne)
            {
                return Err(DataError::InvalidQueryFilterOperator {
                    message: format!("invalid operator on boolean field: {}", op.symbol()),
                });
            }
            Filter::Compare {
                path,
                op: *op,
                value: value.clone(),
            }
        }
        Condition::In {
            path,
            negated,
            values,
        } => {
            let path = resolve_path(schema, root, path)?;
            for value in values {
                check_literal(&path, value)?;
            }
            Filter::In {
                path,
                negated: *negated,
                values: values.clone(),
            }
        }
        Condition::Like { path, pattern } => {
            let path = resolve_path(schema, root, path)?;
            if !(path.field_type.is_text() || path.field_type.is_id())
                || path.field_type == FieldType::LongTextArea
            {
                return Err(DataError::InvalidQueryFilterOperator {
                    message: format!(
                        "invalid operator on field '{}' of type {}: LIKE",
                        path.field,
                        type_word(path.field_type)
                    ),
                });
            }
            Filter::Like {
                path,
                pattern: pattern.clone(),
            }
        }
    })
}

// ---------------------------------------------------------------- evaluation

/// The record a path's hops lead to (None when a reference on the way is empty or dangling).
fn follow<'a>(
    data: &'a OrgData,
    root: (&'a ObjectSchema, &'a Record),
    hops: &[Hop],
) -> Option<(&'a ObjectSchema, &'a Record)> {
    let mut current = root;
    for hop in hops {
        let id = current.1.get(&hop.ref_field)?.as_str()?;
        current = data.find_by_id(id)?;
    }
    Some(current)
}

/// The value of a resolved path on a record, in REST output form.
pub(crate) fn path_value(
    data: &OrgData,
    root: (&ObjectSchema, &Record),
    path: &ResolvedPath,
) -> Value {
    let Some((object, record)) = follow(data, root, &path.hops) else {
        return Value::Null;
    };
    if path.polymorphic {
        return match path.field.as_str() {
            "Type" => Value::String(object.name.clone()),
            "Name" => object
                .field("Name")
                .or_else(|| object.name_field())
                .and_then(|field| record.get(&field.name).cloned())
                .unwrap_or(Value::Null),
            other => object
                .field(other)
                .map(|field| field_output(object, record, &field.name))
                .unwrap_or(Value::Null),
        };
    }
    field_output(object, record, &path.field)
}

fn as_date(value: &Value) -> Option<NaiveDate> {
    let text = value.as_str()?;
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

pub(crate) fn as_datetime(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?;
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .ok()
        .map(|date_time| date_time.with_timezone(&Utc))
}

fn ordering_matches(op: CmpOp, ordering: Ordering) -> bool {
    match op {
        CmpOp::Eq => ordering == Ordering::Equal,
        CmpOp::Ne => ordering != Ordering::Equal,
        CmpOp::Lt => ordering == Ordering::Less,
        CmpOp::Le => ordering != Ordering::Greater,
        CmpOp::Gt => ordering == Ordering::Greater,
        CmpOp::Ge => ordering != Ordering::Less,
    }
}

fn range_matches<T: PartialOrd>(value: T, start: T, end: T, op: CmpOp) -> bool {
    match op {
        CmpOp::Eq => value >= start && value < end,
        CmpOp::Ne => !(value >= start && value < end),
        CmpOp::Lt => value < start,
        CmpOp::Le => value < end,
        CmpOp::Gt => value >= end,
        CmpOp::Ge => value >= start,
    }
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .map(|naive| naive.and_utc())
        .unwrap_or_default()
}

fn compare(field_type: FieldType, actual: &Value, op: CmpOp, literal: &Literal) -> bool {
    let literal_is_null = match literal {
        Literal::Null => true,
        Literal::Str(text) => text.chars.is_empty() && (field_type.is_text() || field_type.is_id()),
        _ => false,
    };
    if literal_is_null {
        return match op {
            CmpOp::Eq => actual.is_null(),
            CmpOp::Ne => !actual.is_null(),
            _ => false,
        };
    }
    if actual.is_null() {
        return op == CmpOp::Ne;
    }
    match literal {
        Literal::Str(text) if field_type.is_id() => {
            let expected = text.value();
            let actual = actual.as_str().unwrap_or_default();
            match op {
                CmpOp::Eq => ids::ids_equal(actual, &expected),
                CmpOp::Ne => !ids::ids_equal(actual, &expected),
                _ => ordering_matches(
                    op,
                    actual[..actual.len().min(15)].cmp(&expected[..expected.len().min(15)]),
                ),
            }
        }
        Literal::Str(text) => {
            let actual = match actual {
                Value::String(text) => text.to_lowercase(),
                other => other.to_string().to_lowercase(),
            };
            ordering_matches(op, actual.cmp(&text.value().to_lowercase()))
        }
        Literal::Number(expected) => {
            let actual = actual.as_f64().unwrap_or(f64::NAN);
            actual
                .partial_cmp(expected)
                .is_some_and(|ordering| ordering_matches(op, ordering))
        }
        Literal::Bool(expected) => {
            let actual = actual.as_bool().unwrap_or(false);
            ordering_matches(op, actual.cmp(expected))
        }
        Literal::Date(expected) => {
            as_date(actual).is_some_and(|actual| ordering_matches(op, actual.cmp(expected)))
        }
        Literal::DateTime(expected) => {
            as_datetime(actual).is_some_and(|actual| ordering_matches(op, actual.cmp(expected)))
        }
        Literal::DateRange(start, end, _) => {
            if field_type == FieldType::DateTime {
                as_datetime(actual).is_some_and(|actual| {
                    range_matches(actual, midnight(*start), midnight(*end), op)
                })
            } else {
                as_date(actual).is_some_and(|actual| range_matches(actual, *start, *end, op))
            }
        }
        Literal::Null => false,
    }
}

/// Salesforce LIKE: `%` any run, `_` one character, case-insensitive; escaped `\%` `\_` are literal.
pub(crate) fn like_matches(pattern: &SoqlString, text: &str) -> bool {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let pattern: Vec<(char, bool)> = pattern
        .chars
        .iter()
        .flat_map(|(c, escaped)| c.to_lowercase().map(move |lower| (lower, *escaped)))
        .collect();
    // Iterative wildcard matching with backtracking on the last `%`.
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(('%', false)) => {
                star = Some((p, t));
                p += 1;
            }
            Some(('_', false)) => {
                t += 1;
                p += 1;
            }
            Some((c, _)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|entry| *entry == ('%', false))
}

pub(crate) fn matches(data: &OrgData, root: (&ObjectSchema, &Record), filter: &Filter) -> bool {
    match filter {
        Filter::And(parts) => parts.iter().all(|part| matches(data, root, part)),
        Filter::Or(parts) => parts.iter().any(|part| matches(data, root, part)),
        Filter::Not(inner) => !matches(data, root, inner),
        Filter::Compare { path, op, value } => {
            compare(path.field_type, &path_value(data, root, path), *op, value)
        }
        Filter::In {
            path,
            negated,
            values,
        } => {
            let actual = path_value(data, root, path);
            if actual.is_null() {
                return *negated && !values.contains(&Literal::Null);
            }
            let found = values
                .iter()
                .any(|value| compare(path.field_type, &actual, CmpOp::Eq, value));
            found != *negated
        }
        Filter::Like { path, pattern } => match path_value(data, root, path) {
            Value::String(text) => like_matches(pattern, &text),
            _ => false,
        },
    }
}

fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a
            .to_lowercase()
            .cmp(&b.to_lowercase())
            .then_with(|| a.cmp(b)),
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .unwrap_or_default()
            .partial_cmp(&b.as_f64().unwrap_or_default())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

pub(crate) struct ResolvedOrder {
    pub path: ResolvedPath,
    pub descending: bool,
    pub nulls_first: bool,
}

pub(crate) fn resolve_order(
    schema: &OrgSchema,
    root: &ObjectSchema,
    items: &[OrderItem],
) -> Result<Vec<ResolvedOrder>, DataError> {
    items
        .iter()
        .map(|item| {
            let path = resolve_path(schema, root, &item.path)?;
            if matches!(path.field_type, FieldType::LongTextArea | FieldType::Base64) {
                return Err(DataError::invalid_field(format!(
                    "field '{}' can not be sorted in a query call",
                    path.field
                )));
            }
            Ok(ResolvedOrder {
                path,
                descending: item.descending,
                nulls_first: item.nulls_first,
            })
        })
        .collect()
}

/// Sorts rows stably by the ORDER BY items.
pub(crate) fn sort_rows<'a>(
    data: &'a OrgData,
    rows: &mut [(&'a ObjectSchema, &'a Record)],
    order: &[ResolvedOrder],
) {
    if order.is_empty() {
        return;
    }
    rows.sort_by(|a, b| {
        for item in order {
            let (va, vb) = (
                path_value(data, *a, &item.path),
                path_value(data, *b, &item.path),
            );
            let ordering = match (va.is_null(), vb.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) => {
                    if item.nulls_first {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    }
                }
                (false, true) => {
                    if item.nulls_first {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    }
                }
                (false, false) => {
                    let ordering = compare_values(&va, &vb);
                    if item.descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                }
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    });
}

/// The `attributes` object of a record in REST output.
pub(crate) fn attributes(object: &str, id: &str) -> Value {
    json!({ "type": object, "url": format!("/services/data/v60.0/sobjects/{object}/{id}") })
}

/// The nested object a path's value goes into, creating relationship objects on the way (None when a reference is empty).
fn nested_target<'m>(
    data: &OrgData,
    out: &'m mut Map<String, Value>,
    root: (&ObjectSchema, &Record),
    hops: &[Hop],
) -> Option<&'m mut Map<String, Value>> {
    let mut target = out;
    let mut current = Some(root);
    for hop in hops {
        let next = current
            .and_then(|(_, record)| record.get(&hop.ref_field)?.as_str())
            .and_then(|id| data.find_by_id(id));
        let entry = target
            .entry(hop.relationship.clone())
            .or_insert_with(|| match next {
                Some((object, record)) => {
                    let mut nested = Map::new();
                    nested.insert(
                        "attributes".into(),
                        attributes(
                            &object.name,
                            record.get("Id").and_then(Value::as_str).unwrap_or_default(),
                        ),
                    );
                    Value::Object(nested)
                }
                None => Value::Null,
            });
        target = match entry {
            Value::Object(nested) => nested,
            _ => return None,
        };
        current = next;
    }
    Some(target)
}

/// A record in REST shape with the selected paths, relationship fields nested.
pub(crate) fn project(
    data: &OrgData,
    root: (&ObjectSchema, &Record),
    paths: &[ResolvedPath],
) -> Record {
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        attributes(
            &root.0.name,
            root.1.get("Id").and_then(Value::as_str).unwrap_or_default(),
        ),
    );
    for path in paths {
        let value = path_value(data, root, path);
        if let Some(target) = nested_target(data, &mut out, root, &path.hops) {
            target.insert(path.field.clone(), value);
        }
    }
    out
}

/// The result of a query: `totalSize` and the rows (empty for `COUNT()`).
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    pub total_size: usize,
    pub records: Vec<Record>,
}

/// Runs a SOQL statement against the org.
pub(crate) fn execute(data: &OrgData, text: &str) -> Result<QueryResult, DataError> {
    let query = parse(text, data.now().date_naive())?;
    let schema = data.schema();
    let root = resolve_object(schema, &query.object)?;
    let mut paths = Vec::new();
    for field in &query.fields {
        let path = resolve_path(schema, root, field)?;
        let duplicate = paths
            .iter()
            .any(|existing: &ResolvedPath| existing == &path);
        if duplicate {
            return Err(DataError::malformed_query(format!(
                "duplicate field selected: {}",
                field.join(".")
            )));
        }
        paths.push(path);
    }
    let filter = query
        .condition
        .as_ref()
        .map(|condition| resolve_condition(schema, root, condition))
        .transpose()?;
    let order = resolve_order(schema, root, &query.order_by)?;
    let mut rows: Vec<(&ObjectSchema, &Record)> = data
        .live_records(&root.name)
        .map(|record| (root, record))
        .filter(|row| {
            filter
                .as_ref()
                .is_none_or(|filter| matches(data, *row, filter))
        })
        .collect();
    sort_rows(data, &mut rows, &order);
    let offset = query.offset.unwrap_or(0);
    let rows: Vec<_> = rows
        .into_iter()
        .skip(offset)
        .take(query.limit.unwrap_or(usize::MAX))
        .collect();
    if query.count_only {
        return Ok(QueryResult {
            total_size: rows.len(),
            records: Vec::new(),
        });
    }
    let records: Vec<Record> = rows
        .into_iter()
        .map(|row| project(data, row, &paths))
        .collect();
    Ok(QueryResult {
        total_size: records.len(),
        records,
    })
}

#[cfg(test)]
mod tests;
