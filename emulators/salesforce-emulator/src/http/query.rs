//! `query`, `queryAll` (with server-side cursors), `search` and `parameterizedSearch`.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::Json;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use rand::Rng as _;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::http::data_api::ApiRequest;
use crate::http::error::ApiError;
use crate::store::{ParameterizedSearch, SearchObject, SearchScope};

/// Salesforce's bounds for `Sforce-Query-Options: batchSize=N`.
const MIN_HEADER_BATCH: usize = 200;
const MAX_HEADER_BATCH: usize = 2000;
/// Open cursors kept before the oldest are dropped, like an org's open-cursor limit.
const MAX_OPEN_CURSORS: usize = 500;

/// The rows of queries that did not fit in one page, by locator.
#[derive(Debug, Default)]
pub struct QueryCursors {
    open: Mutex<CursorTable>,
}

#[derive(Debug, Default)]
struct CursorTable {
    rows: HashMap<String, Vec<Value>>,
    opened_in_order: Vec<String>,
}

impl QueryCursors {
    fn open(&self, rows: Vec<Value>) -> String {
        let locator = new_locator();
        let mut table = self.lock();
        table.rows.insert(locator.clone(), rows);
        table.opened_in_order.push(locator.clone());
        if table.opened_in_order.len() > MAX_OPEN_CURSORS {
            let oldest = table.opened_in_order.remove(0);
            table.rows.remove(&oldest);
        }
        locator
    }

    /// Rows from `offset` (at most `batch`) and the total, or `None` for an unknown locator.
    fn page(&self, locator: &str, offset: usize, batch: usize) -> Option<(Vec<Value>, usize)> {
        let table = self.lock();
        let rows = table.rows.get(locator)?;
        if offset > rows.len() {
            return None;
        }
        let end = (offset + batch).min(rows.len());
        Some((rows[offset..end].to_vec(), rows.len()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CursorTable> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Query locators look like `01gD0000002HU6KIAW`.
fn new_locator() -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut rng = rand::rng();
    let random: String = (0..15)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("01g{random}")
}

/// The org's batch size, lowered by a valid `Sforce-Query-Options: batchSize=N` header.
fn batch_size(request: &ApiRequest<'_>) -> usize {
    let configured = request.state.query_batch_size();
    let from_header = request
        .headers
        .get("Sforce-Query-Options")
        .and_then(|value| value.to_str().ok())
        .and_then(|options| {
            options.split(',').find_map(|option| {
                let (name, value) = option.split_once('=')?;
                (name.trim().eq_ignore_ascii_case("batchSize"))
                    .then(|| value.trim().parse::<usize>().ok())
                    .flatten()
            })
        })
        .filter(|size| (MIN_HEADER_BATCH..=MAX_HEADER_BATCH).contains(size));
    from_header.map_or(configured, |size| size.min(configured))
}

fn page_body(
    request: &ApiRequest<'_>,
    endpoint: &str,
    records: Vec<Value>,
    total: usize,
    next: Option<(String, usize)>,
) -> Value {
    let mut body = json!({ "totalSize": total, "done": next.is_none(), "records": records });
    if let Some((locator, offset)) = next {
        body["nextRecordsUrl"] = json!(format!(
            "{}/{endpoint}/{locator}-{offset}",
            request.base_path()
        ));
    }
    body
}

pub fn run_query(request: &ApiRequest<'_>, endpoint: &str) -> Result<Response, ApiError> {
    if request.method != Method::GET {
        return Err(request.method_not_allowed("GET,HEAD"));
    }
    let soql = request
        .query_param("q")
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("MALFORMED_QUERY", "A query string has to be specified")
        })?;
    let result = request.org().query_result(&soql)?;
    // totalSize is the count itself for `SELECT COUNT()`, which returns no rows.
    let total = result.total_size;
    let rows: Vec<Value> = result
        .records
        .into_iter()
        .map(|row| request.with_request_version(Value::Object(row)))
        .collect();
    let batch = batch_size(request);
    let body = if rows.len() <= batch {
        page_body(request, endpoint, rows, total, None)
    } else {
        let first_page = rows[..batch].to_vec();
        let locator = request.state.cursors.open(rows);
        page_body(request, endpoint, first_page, total, Some((locator, batch)))
    };
    Ok(Json(body).into_response())
}

/// `query/{locator}-{offset}`: the next page of an earlier query.
pub fn next_page(
    request: &ApiRequest<'_>,
    endpoint: &str,
    locator: &str,
) -> Result<Response, ApiError> {
    if request.method != Method::GET {
        return Err(request.method_not_allowed("GET,HEAD"));
    }
    let (cursor, offset) = locator
        .rsplit_once('-')
        .ok_or(ApiError::InvalidQueryLocator)?;
    let offset: usize = offset.parse().map_err(|_| ApiError::InvalidQueryLocator)?;
    let batch = batch_size(request);
    let (records, total) = request
        .state
        .cursors
        .page(cursor, offset, batch)
        .ok_or(ApiError::InvalidQueryLocator)?;
    let next_offset = offset + records.len();
    let next = (next_offset < total).then(|| (cursor.to_owned(), next_offset));
    Ok(Json(page_body(request, endpoint, records, total, next)).into_response())
}

pub fn search(request: &ApiRequest<'_>) -> Result<Response, ApiError> {
    if request.method != Method::GET {
        return Err(request.method_not_allowed("GET,HEAD"));
    }
    let sosl = request
        .query_param("q")
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| {
            ApiError::bad_request("MALFORMED_SEARCH", "A search string has to be specified")
        })?;
    let rows = request.org().search(&sosl)?;
    Ok(search_response(request, rows))
}

fn search_response(request: &ApiRequest<'_>, rows: Vec<crate::store::Record>) -> Response {
    let records: Vec<Value> = rows.into_iter().map(Value::Object).collect();
    Json(request.with_request_version(json!({ "searchRecords": records }))).into_response()
}

/// The JSON body of `POST parameterizedSearch`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchBody {
    q: Option<String>,
    #[serde(rename = "in")]
    scope: Option<String>,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    sobjects: Vec<SearchBodyObject>,
    overall_limit: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct SearchBodyObject {
    name: String,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(rename = "where")]
    where_clause: Option<String>,
    limit: Option<usize>,
}

pub fn parameterized_search(request: &ApiRequest<'_>) -> Result<Response, ApiError> {
    let search = match *request.method {
        Method::GET => search_from_query_string(request)?,
        Method::POST => search_from_body(request)?,
        _ => return Err(request.method_not_allowed("GET,HEAD,POST")),
    };
    let rows = request.org().parameterized_search(&search)?;
    Ok(search_response(request, rows))
}

fn missing_search_term() -> ApiError {
    ApiError::bad_request(
        "MISSING_ARGUMENT",
        "Missing required parameter: q (the search string)",
    )
}

fn scope(text: Option<&str>) -> Result<SearchScope, ApiError> {
    match text {
        None => Ok(SearchScope::All),
        Some(text) => SearchScope::parse(text).ok_or_else(|| {
            ApiError::bad_request(
                "INVALID_SEARCH_SCOPE",
                format!("Invalid search scope: {text}"),
            )
        }),
    }
}

fn limit(name: &str, text: &str) -> Result<usize, ApiError> {
    text.trim().parse().map_err(|_| {
        ApiError::bad_request(
            "INVALID_PARAMETER_VALUE",
            format!("Invalid value for {name}: {text}"),
        )
    })
}

fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `q`, `in`, `fields`, `overallLimit`, repeated `sobject`, and `{Object}.fields|where|limit`.
fn search_from_query_string(request: &ApiRequest<'_>) -> Result<ParameterizedSearch, ApiError> {
    let pairs = request.query_pairs();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let q = param("q")
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(missing_search_term)?;
    let mut sobjects = Vec::new();
    for (_, name) in pairs.iter().filter(|(key, _)| key == "sobject") {
        let fields = param(&format!("{name}.fields"))
            .map(comma_list)
            .unwrap_or_default();
        let where_clause = param(&format!("{name}.where")).map(str::to_owned);
        let limit = param(&format!("{name}.limit"))
            .map(|text| limit(&format!("{name}.limit"), text))
            .transpose()?;
        sobjects.push(SearchObject {
            name: name.clone(),
            fields,
            where_clause,
            limit,
        });
    }
    Ok(ParameterizedSearch {
        q: q.to_owned(),
        scope: scope(param("in"))?,
        sobjects,
        default_fields: param("fields").map(comma_list).unwrap_or_default(),
        overall_limit: param("overallLimit")
            .map(|text| limit("overallLimit", text))
            .transpose()?,
    })
}

fn search_from_body(request: &ApiRequest<'_>) -> Result<ParameterizedSearch, ApiError> {
    let body: SearchBody = request.json_body()?;
    let q = body
        .q
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(missing_search_term)?;
    Ok(ParameterizedSearch {
        q,
        scope: scope(body.scope.as_deref())?,
        sobjects: body
            .sobjects
            .into_iter()
            .map(|object| SearchObject {
                name: object.name,
                fields: object.fields,
                where_clause: object.where_clause,
                limit: object.limit,
            })
            .collect(),
        default_fields: body.fields,
        overall_limit: body.overall_limit,
    })
}
