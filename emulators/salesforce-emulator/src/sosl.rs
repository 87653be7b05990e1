//! SOSL: `FIND {term} IN ... FIELDS RETURNING ...` and parameterizedSearch over the org's
//! records, with Salesforce's reserved-character escaping and digit-only phone matching.

use serde_json::Value;

use crate::data_error::DataError;
use crate::schema::{FieldType, ObjectSchema};
use crate::soql::{self, Filter, Parser, ResolvedOrder, ResolvedPath, Token};
use crate::store::{OrgData, ParameterizedSearch, Record, SearchScope};

/// Characters that must be backslash-escaped inside a SOSL search term to be literal.
pub const RESERVED_CHARACTERS: &[char] = &[
    '?', '&', '|', '!', '{', '}', '[', ']', '(', ')', '^', '~', '*', ':', '\\', '"', '\'', '+', '-',
];

/// One character position of a search word.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pat {
    Char(char),
    /// `*`: any run of characters.
    AnyRun,
    /// `?`: exactly one character.
    AnyOne,
}

#[derive(Debug, Clone, PartialEq)]
enum SearchExpr {
    Term(Vec<Pat>),
    And(Box<SearchExpr>, Box<SearchExpr>),
    AndNot(Box<SearchExpr>, Box<SearchExpr>),
    Or(Box<SearchExpr>, Box<SearchExpr>),
}

#[derive(Debug, Clone, PartialEq)]
enum TermToken {
    Word(Vec<Pat>),
    Phrase(Vec<Pat>),
    And,
    Or,
    Not,
    Open,
    Close,
}

/// Splits the inside of `{...}` (chars with their escaped flag) into words, phrases, operators.
fn tokenize_term(chars: &[(char, bool)]) -> Result<Vec<TermToken>, DataError> {
    let mut tokens = Vec::new();
    let mut word: Vec<Pat> = Vec::new();
    let mut word_plain = String::new();
    let mut word_escaped = false;
    let flush = |tokens: &mut Vec<TermToken>,
                 word: &mut Vec<Pat>,
                 plain: &mut String,
                 escaped: &mut bool| {
        if word.is_empty() {
            return;
        }
        let operator = if *escaped {
            None
        } else {
            Some(plain.to_ascii_uppercase())
        };
        match operator.as_deref() {
            Some("AND") => tokens.push(TermToken::And),
            Some("OR") => tokens.push(TermToken::Or),
            Some("NOT") => tokens.push(TermToken::Not),
            _ => tokens.push(TermToken::Word(std::mem::take(word))),
        }
        word.clear();
        plain.clear();
        *escaped = false;
    };
    let mut i = 0;
    while i < chars.len() {
        let (c, escaped) = chars[i];
        i += 1;
        if escaped {
            word.push(Pat::Char(c));
            word_plain.push(c);
            word_escaped = true;
            continue;
        }
        match c {
            '*' => word.push(Pat::AnyRun),
            '?' => word.push(Pat::AnyOne),
            '"' => {
                flush(&mut tokens, &mut word, &mut word_plain, &mut word_escaped);
                let mut phrase = Vec::new();
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(DataError::malformed_search(
                                "unterminated quoted phrase in search term",
                            ));
                        }
                        Some(('"', false)) => {
                            i += 1;
                            break;
                        }
                        Some(('*', false)) => phrase.push(Pat::AnyRun),
                        Some(('?', false)) => phrase.push(Pat::AnyOne),
                        Some((c, _)) => phrase.push(Pat::Char(*c)),
                    }
                    i += 1;
                }
                tokens.push(TermToken::Phrase(phrase));
            }
            '(' | ')' => {
                flush(&mut tokens, &mut word, &mut word_plain, &mut word_escaped);
                tokens.push(if c == '(' {
                    TermToken::Open
                } else {
                    TermToken::Close
                });
            }
            '{' | '[' | ']' | '^' | '~' | ':' => {
                return Err(DataError::malformed_search(format!(
                    "the reserved character '{c}' must be escaped with a backslash in a search term"
                )));
            }
            c if c.is_whitespace() || matches!(c, '&' | '|' | '!' | '+' | '-' | '\'') => {
                flush(&mut tokens, &mut word, &mut word_plain, &mut word_escaped);
            }
            c => {
                word.push(Pat::Char(c));
                word_plain.push(c);
            }
        }
    }
    flush(&mut tokens, &mut word, &mut word_plain, &mut word_escaped);
    Ok(tokens)
}

struct TermParser {
    tokens: Vec<TermToken>,
    pos: usize,
}

impl TermParser {
    fn peek(&self) -> Option<&TermToken> {
        self.tokens.get(self.pos)
    }

    fn or_expr(&mut self) -> Result<SearchExpr, DataError> {
        let mut left = self.and_expr()?;
        while self.peek() == Some(&TermToken::Or) {
            self.pos += 1;
            left = SearchExpr::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<SearchExpr, DataError> {
        let mut left = self.unary()?;
        loop {
            match self.peek() {
                Some(TermToken::And) => {
                    self.pos += 1;
                    if self.peek() == Some(&TermToken::Not) {
                        self.pos += 1;
                        left = SearchExpr::AndNot(Box::new(left), Box::new(self.unary()?));
                    } else {
                        left = SearchExpr::And(Box::new(left), Box::new(self.unary()?));
                    }
                }
                Some(TermToken::Word(_) | TermToken::Phrase(_) | TermToken::Open) => {
                    left = SearchExpr::And(Box::new(left), Box::new(self.unary()?));
                }
                _ => return Ok(left),
            }
        }
    }

    fn unary(&mut self) -> Result<SearchExpr, DataError> {
        match self.tokens.get(self.pos).cloned() {
            Some(TermToken::Word(pats) | TermToken::Phrase(pats)) => {
                self.pos += 1;
                Ok(SearchExpr::Term(pats))
            }
            Some(TermToken::Open) => {
                self.pos += 1;
                let inner = self.or_expr()?;
                if self.peek() != Some(&TermToken::Close) {
                    return Err(DataError::malformed_search(
                        "unbalanced parentheses in search term",
                    ));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(other) => Err(DataError::malformed_search(format!(
                "unexpected {other:?} in search term"
            ))),
            None => Err(DataError::malformed_search("search term ends unexpectedly")),
        }
    }
}

fn literal_length(expr: &SearchExpr) -> usize {
    match expr {
        SearchExpr::Term(pats) => pats
            .iter()
            .filter(|pat| matches!(pat, Pat::Char(c) if !c.is_whitespace()))
            .count(),
        SearchExpr::And(a, b) | SearchExpr::AndNot(a, b) | SearchExpr::Or(a, b) => {
            literal_length(a) + literal_length(b)
        }
    }
}

fn build_expr(tokens: Vec<TermToken>) -> Result<SearchExpr, DataError> {
    if tokens.is_empty() {
        return Err(DataError::malformed_search(
            "No search term found. The search term must be at least 2 characters long.",
        ));
    }
    let mut parser = TermParser { tokens, pos: 0 };
    let expr = parser.or_expr()?;
    if parser.pos != parser.tokens.len() {
        return Err(DataError::malformed_search(
            "unexpected text after the search expression (unbalanced parentheses?)",
        ));
    }
    if literal_length(&expr) < 2 {
        return Err(DataError::malformed_search(
            "search term must be longer than one character",
        ));
    }
    Ok(expr)
}

// ---------------------------------------------------------------- matching

fn glob(pattern: &[Pat], text: &[char]) -> bool {
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Pat::AnyRun) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Pat::AnyOne) => {
                t += 1;
                p += 1;
            }
            Some(Pat::Char(c)) if *c == text[t] => {
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
    pattern[p..].iter().all(|pat| *pat == Pat::AnyRun)
}

fn lower_pats(pats: &[Pat]) -> Vec<Pat> {
    let mut out = vec![Pat::AnyRun];
    for pat in pats {
        match pat {
            Pat::Char(c) => out.extend(c.to_lowercase().map(Pat::Char)),
            other => out.push(*other),
        }
    }
    out.push(Pat::AnyRun);
    out
}

fn field_matches(field_type: FieldType, pats: &[Pat], text: &str) -> bool {
    if field_type == FieldType::Phone {
        let wanted: String = pats
            .iter()
            .filter_map(|pat| match pat {
                Pat::Char(c) if c.is_ascii_digit() => Some(*c),
                _ => None,
            })
            .collect();
        if !wanted.is_empty() {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            return digits.contains(&wanted);
        }
    }
    let text: Vec<char> = text
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .collect();
    glob(&lower_pats(pats), &text)
}

fn in_scope(object: &ObjectSchema, scope: SearchScope) -> Vec<(String, FieldType)> {
    object
        .fields
        .iter()
        .filter(|field| match scope {
            SearchScope::All => matches!(
                field.field_type,
                FieldType::String
                    | FieldType::TextArea
                    | FieldType::LongTextArea
                    | FieldType::Phone
                    | FieldType::Email
                    | FieldType::Url
                    | FieldType::AutoNumber
            ),
            SearchScope::Name => {
                field.name_field || matches!(field.name.as_str(), "FirstName" | "LastName")
            }
            SearchScope::Email => field.field_type == FieldType::Email,
            SearchScope::Phone => field.field_type == FieldType::Phone,
        })
        .map(|field| (field.name.clone(), field.field_type))
        .collect()
}

fn record_matches(expr: &SearchExpr, fields: &[(String, FieldType)], record: &Record) -> bool {
    match expr {
        SearchExpr::Term(pats) => fields.iter().any(|(name, field_type)| {
            record
                .get(name)
                .and_then(Value::as_str)
                .is_some_and(|text| field_matches(*field_type, pats, text))
        }),
        SearchExpr::And(a, b) => {
            record_matches(a, fields, record) && record_matches(b, fields, record)
        }
        SearchExpr::AndNot(a, b) => {
            record_matches(a, fields, record) && !record_matches(b, fields, record)
        }
        SearchExpr::Or(a, b) => {
            record_matches(a, fields, record) || record_matches(b, fields, record)
        }
    }
}

// ---------------------------------------------------------------- statement

/// One object of a RETURNING clause, resolved against the schema.
struct Returning<'a> {
    object: &'a ObjectSchema,
    paths: Vec<ResolvedPath>,
    filter: Option<Filter>,
    order: Vec<ResolvedOrder>,
    limit: Option<usize>,
    offset: Option<usize>,
}

fn id_path(data: &OrgData, object: &ObjectSchema) -> Result<Vec<ResolvedPath>, DataError> {
    Ok(vec![soql::resolve_path(
        data.schema(),
        object,
        &["Id".to_owned()],
    )?])
}

fn run<'a>(
    data: &'a OrgData,
    expr: &SearchExpr,
    scope: SearchScope,
    targets: &[Returning<'a>],
    overall: Option<usize>,
) -> Vec<Record> {
    let mut out = Vec::new();
    let overall = overall.unwrap_or(2000);
    for target in targets {
        let fields = in_scope(target.object, scope);
        let mut rows: Vec<(&ObjectSchema, &Record)> = data
            .live_records(&target.object.name)
            .filter(|record| record_matches(expr, &fields, record))
            .map(|record| (target.object, record))
            .filter(|row| {
                target
                    .filter
                    .as_ref()
                    .is_none_or(|filter| soql::matches(data, *row, filter))
            })
            .collect();
        soql::sort_rows(data, &mut rows, &target.order);
        let rows = rows
            .into_iter()
            .skip(target.offset.unwrap_or(0))
            .take(target.limit.unwrap_or(usize::MAX));
        for row in rows {
            if out.len() >= overall {
                return out;
            }
            out.push(soql::project(data, row, &target.paths));
        }
    }
    out
}

/// Reads the term after FIND: `{...}` or `'...'`; returns its characters (escaped flag) and the rest of the text.
fn read_term(text: &str) -> Result<(Vec<(char, bool)>, String), DataError> {
    let chars: Vec<char> = text.chars().collect();
    let close = match chars.first() {
        Some('{') => '}',
        Some('\'') => '\'',
        _ => {
            return Err(DataError::malformed_search(
                "FIND must be followed by a search term in braces: FIND {term}",
            ));
        }
    };
    let mut out = Vec::new();
    let mut i = 1;
    loop {
        match chars.get(i) {
            None => {
                return Err(DataError::malformed_search(format!(
                    "unterminated search term: missing closing '{close}'"
                )));
            }
            Some('\\') => {
                let escaped = chars.get(i + 1).copied().ok_or_else(|| {
                    DataError::malformed_search("search term ends with a lone backslash")
                })?;
                let literal = if close == '\'' {
                    match escaped {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        other => other,
                    }
                } else {
                    escaped
                };
                out.push((literal, true));
                i += 2;
            }
            Some(c) if *c == close => {
                i += 1;
                break;
            }
            Some(c) => {
                out.push((*c, false));
                i += 1;
            }
        }
    }
    Ok((out, chars[i..].iter().collect()))
}

/// Runs a SOSL `FIND` statement.
pub(crate) fn execute(data: &OrgData, text: &str) -> Result<Vec<Record>, DataError> {
    let trimmed = text.trim_start();
    let keyword = trimmed
        .get(..4)
        .filter(|word| word.eq_ignore_ascii_case("FIND"));
    if keyword.is_none() {
        return Err(DataError::malformed_search(
            "a SOSL statement must start with FIND",
        ));
    }
    let (term, rest) = read_term(trimmed[4..].trim_start())?;
    let expr = build_expr(tokenize_term(&term)?)?;
    let tokens = soql::lex(&rest).map_err(|error| DataError::malformed_search(error.message()))?;
    let schema = data.schema();
    let mut parser = Parser::new(tokens, data.now().date_naive());
    let to_search = |error: DataError| match error {
        DataError::MalformedQuery { message } => DataError::malformed_search(message),
        other => other,
    };
    let mut scope = SearchScope::All;
    if parser.eat_keyword("IN") {
        let word = match parser.advance() {
            Token::Ident(word) => word,
            token => {
                return Err(DataError::malformed_search(format!(
                    "unexpected token after IN: {token:?}"
                )));
            }
        };
        scope = SearchScope::parse(&word).ok_or_else(|| {
            DataError::malformed_search(format!("unknown search group: {word} FIELDS"))
        })?;
        parser.expect_keyword("FIELDS").map_err(to_search)?;
    }
    let mut targets = Vec::new();
    if parser.eat_keyword("RETURNING") {
        loop {
            let name = parser.object_name().map_err(to_search)?;
            let object = soql::resolve_object(schema, &name)?;
            let mut target = Returning {
                object,
                paths: id_path(data, object)?,
                filter: None,
                order: Vec::new(),
                limit: None,
                offset: None,
            };
            if parser.peek() == &Token::LParen {
                parser.advance();
                let (fields, _) = parser.field_list(false).map_err(to_search)?;
                target.paths = fields
                    .iter()
                    .map(|field| soql::resolve_path(schema, object, field))
                    .collect::<Result<_, _>>()?;
                if parser.eat_keyword("WHERE") {
                    let condition = parser.condition().map_err(to_search)?;
                    target.filter = Some(soql::resolve_condition(schema, object, &condition)?);
                }
                target.order = soql::resolve_order(
                    schema,
                    object,
                    &parser.order_by_clause().map_err(to_search)?,
                )?;
                let (limit, offset) = parser.limit_offset().map_err(to_search)?;
                target.limit = limit;
                target.offset = offset;
                parser.expect(&Token::RParen).map_err(to_search)?;
            }
            targets.push(target);
            if parser.peek() != &Token::Comma {
                break;
            }
            parser.advance();
        }
    } else {
        for object in schema.objects().filter(|object| object.default_searchable) {
            targets.push(Returning {
                object,
                paths: id_path(data, object)?,
                filter: None,
                order: Vec::new(),
                limit: None,
                offset: None,
            });
        }
    }
    if parser.is_keyword("WITH") || parser.is_keyword("UPDATE") {
        return Err(DataError::malformed_search(
            "WITH and UPDATE clauses are not supported by the emulator",
        ));
    }
    let (overall, _) = parser.limit_offset().map_err(to_search)?;
    parser.expect_end().map_err(to_search)?;
    Ok(run(data, &expr, scope, &targets, overall))
}

/// Runs a parameterizedSearch request: `q` is plain text, every word must match.
pub(crate) fn parameterized(
    data: &OrgData,
    request: &ParameterizedSearch,
) -> Result<Vec<Record>, DataError> {
    let words: Vec<TermToken> = request
        .q
        .split_whitespace()
        .map(|word| TermToken::Word(word.chars().map(Pat::Char).collect()))
        .collect();
    let expr = build_expr(words)?;
    let schema = data.schema();
    let today = data.now().date_naive();
    let mut targets = Vec::new();
    let requested: Vec<crate::store::SearchObject> = if request.sobjects.is_empty() {
        schema
            .objects()
            .filter(|object| object.default_searchable)
            .map(|object| crate::store::SearchObject {
                name: object.name.clone(),
                ..Default::default()
            })
            .collect()
    } else {
        request.sobjects.clone()
    };
    for spec in &requested {
        let object = soql::resolve_object(schema, &spec.name)?;
        let fields = if !spec.fields.is_empty() {
            &spec.fields
        } else {
            &request.default_fields
        };
        let paths = if fields.is_empty() {
            id_path(data, object)?
        } else {
            fields
                .iter()
                .map(|field| {
                    let path: Vec<String> = field.trim().split('.').map(str::to_owned).collect();
                    soql::resolve_path(schema, object, &path)
                })
                .collect::<Result<_, _>>()?
        };
        let filter = match spec
            .where_clause
            .as_deref()
            .map(str::trim)
            .filter(|clause| !clause.is_empty())
        {
            Some(clause) => Some(soql::resolve_condition(
                schema,
                object,
                &soql::parse_condition(clause, today)?,
            )?),
            None => None,
        };
        targets.push(Returning {
            object,
            paths,
            filter,
            order: Vec::new(),
            limit: spec.limit,
            offset: None,
        });
    }
    Ok(run(
        data,
        &expr,
        request.scope,
        &targets,
        request.overall_limit,
    ))
}

#[cfg(test)]
mod tests;
