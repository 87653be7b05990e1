//! One report into its object: the header mapped once against the org's cached describe, each
//! row a record (values checked against their fields), upserted by `AC_Record_Id__c` with
//! sObject Collections, 200 records a call, while the next rows are read.

use std::collections::HashMap;

use salesforce_client::records::{CollectionRecordResult, Record};
use serde::{Deserialize, Serialize};

use crate::error::ImportError;
use crate::mapping::field_for_header;
use crate::objects::{
    CREATED_DATE_FIELD, HistoricalObject, OBJECT_NAME_FIELD, START_INTERVAL_FIELD,
};
use crate::ports::{COLLECTION_LIMIT, HistoricalWrites, ObjectLocation, ObjectStore, StoreError};
use crate::record::{FieldValue, HistoricalRecord, ObjectTarget};
use crate::report::event::ReportObject;
use crate::report::reader::{CsvRow, DEFAULT_CHUNK_BYTES, ReadError, ReportReader};
use crate::settings::HistoricalSettings;
use crate::telemetry;

/// The workflow dimension of the import's metrics and its log lines.
pub const WORKFLOW: &str = "historical-report-import";

/// Refusals worth sending again at once (a row another writer held a moment).
const TRANSIENT_CODES: [&str; 3] = [
    "UNABLE_TO_LOCK_ROW",
    "SERVER_UNAVAILABLE",
    "REQUEST_RUNNING_TOO_LONG",
];

/// How many problems an error message lists before "and N more".
const LISTED_PROBLEMS: usize = 10;

/// What one report's import did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportImport {
    pub bucket: String,
    pub key: String,
    pub object: HistoricalObject,
    /// The object's API name in the org.
    pub sobject: String,
    /// Data rows read (the header excluded).
    pub rows: usize,
    /// Records Salesforce accepted: `created` new ones and `updated` existing ones.
    pub written: usize,
    pub created: usize,
    pub updated: usize,
    /// sObject Collections calls made.
    pub upsert_calls: usize,
    /// Report columns the org's object has no field for: not sent, the rest of each row was.
    pub unknown_columns: Vec<String>,
    /// Rows whose value did not fit a field (not sent).
    pub invalid_rows: Vec<RowProblem>,
    /// Records Salesforce refused.
    pub refused: Vec<RefusedRecord>,
}

/// A row not imported because of one of its cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    /// The data row, 1 for the first row after the header.
    pub row: usize,
    /// The report column.
    pub column: String,
    pub message: String,
}

/// A record Salesforce refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedRecord {
    pub row: usize,
    pub record_id: String,
    pub code: String,
    pub message: String,
    /// A refusal that may pass if sent again later (a locked row).
    pub transient: bool,
}

/// What the import calls.
pub struct ImportPorts<'a> {
    pub salesforce: &'a dyn HistoricalWrites,
    pub store: &'a dyn ObjectStore,
    pub settings: &'a HistoricalSettings,
    /// Bytes per ranged read of the report.
    pub chunk_bytes: u64,
}

impl<'a> ImportPorts<'a> {
    pub fn new(
        salesforce: &'a dyn HistoricalWrites,
        store: &'a dyn ObjectStore,
        settings: &'a HistoricalSettings,
    ) -> Self {
        Self {
            salesforce,
            store,
            settings,
            chunk_bytes: DEFAULT_CHUNK_BYTES,
        }
    }
}

/// How a report's columns go into the object.
struct Columns {
    name: usize,
    start_interval: usize,
    /// (column index, header, field) of every other column the object has a field for.
    known: Vec<(usize, String, String)>,
    unknown: Vec<String>,
    width: usize,
}

fn columns(
    location: &ObjectLocation,
    object: HistoricalObject,
    header: &CsvRow,
    target: &ObjectTarget,
) -> Result<Columns, ImportError> {
    let malformed = |reason: String| ImportError::MalformedReport {
        location: location.to_string(),
        reason,
    };
    let mut by_field: HashMap<String, &str> = HashMap::new();
    let mut name = None;
    let mut start_interval = None;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for (index, header) in header.cells.iter().enumerate() {
        let header = header.trim_start_matches('\u{feff}').trim();
        if header.is_empty() {
            return Err(malformed(format!("column {} has no header", index + 1)));
        }
        // The other report's name column (a Queue column in an agent report) is a field of its
        // own, not the record's name.
        let field = if header.eq_ignore_ascii_case(other(object).name_column()) {
            format!("{header}__c")
        } else {
            field_for_header(header)
        };
        if let Some(earlier) = by_field.insert(field.to_lowercase(), header) {
            return Err(malformed(format!(
                "the columns {earlier:?} and {header:?} both go to {field}"
            )));
        }
        if target.field(&field).is_none() {
            unknown.push(header.to_string());
        }
        if field == OBJECT_NAME_FIELD {
            name = Some(index);
        } else if field.eq_ignore_ascii_case(START_INTERVAL_FIELD) {
            start_interval = Some(index);
        } else if target.field(&field).is_some() {
            known.push((index, header.to_string(), field));
        }
    }
    Ok(Columns {
        name: name.ok_or_else(|| {
            malformed(format!(
                "it has no {} column (the header is {:?})",
                object.name_column(),
                header.cells.join(",")
            ))
        })?,
        start_interval: start_interval
            .ok_or_else(|| malformed("it has no StartInterval column".to_string()))?,
        known,
        unknown,
        width: header.cells.len(),
    })
}

fn other(object: HistoricalObject) -> HistoricalObject {
    match object {
        HistoricalObject::Queue => HistoricalObject::Agent,
        HistoricalObject::Agent => HistoricalObject::Queue,
    }
}

/// A cell as the old package read it: `%` removed; empty (or, here, `-`) is null.
pub fn cell_value(cell: &str) -> FieldValue {
    let trimmed = cell.trim();
    if trimmed.is_empty() || trimmed == "-" {
        return FieldValue::Null;
    }
    if trimmed.contains('%') {
        let stripped = trimmed.replace('%', "");
        let stripped = stripped.trim();
        if stripped.is_empty() {
            return FieldValue::Null;
        }
        return FieldValue::Text(stripped.to_string());
    }
    FieldValue::Text(trimmed.to_string())
}

/// One batch of records for a collection call, each record id once (a later row with the same
/// id replaces the earlier one, as the old package's one PATCH per row left the last).
#[derive(Default)]
struct Batch {
    records: Vec<Record>,
    rows: Vec<usize>,
    ids: Vec<String>,
    index: HashMap<String, usize>,
}

impl Batch {
    fn push(&mut self, row: usize, record_id: String, record: Record) {
        if let Some(&at) = self.index.get(&record_id) {
            self.records[at] = record;
            self.rows[at] = row;
            return;
        }
        self.index.insert(record_id.clone(), self.records.len());
        self.records.push(record);
        self.rows.push(row);
        self.ids.push(record_id);
    }

    fn len(&self) -> usize {
        self.records.len()
    }
}

struct Progress<'a> {
    ports: &'a ImportPorts<'a>,
    target: &'a ObjectTarget,
    result: ReportImport,
}

impl Progress<'_> {
    async fn flush(&mut self, batch: Batch) -> Result<(), ImportError> {
        if batch.records.is_empty() {
            return Ok(());
        }
        let results = self.upsert(&batch.records).await?;
        // Transient refusals are sent once more at once; what still fails is reported.
        let mut retry = Batch::default();
        for (at, result) in results.iter().enumerate() {
            if !result.success && is_transient(result) {
                retry.push(
                    batch.rows[at],
                    batch.ids[at].clone(),
                    batch.records[at].clone(),
                );
            } else {
                self.record_outcome(batch.rows[at], &batch.ids[at], result);
            }
        }
        if retry.len() > 0 {
            let results = self.upsert(&retry.records).await?;
            for (at, result) in results.iter().enumerate() {
                self.record_outcome(retry.rows[at], &retry.ids[at], result);
            }
        }
        Ok(())
    }

    async fn upsert(
        &mut self,
        records: &[Record],
    ) -> Result<Vec<CollectionRecordResult>, ImportError> {
        self.result.upsert_calls += 1;
        self.ports
            .salesforce
            .upsert_records(&self.target.api_name, &self.target.record_id_field, records)
            .await
            .map_err(|error| ImportError::salesforce("upsert the report's records", error))
    }

    fn record_outcome(&mut self, row: usize, record_id: &str, result: &CollectionRecordResult) {
        if result.success {
            self.result.written += 1;
            if result.created == Some(true) {
                self.result.created += 1;
            } else {
                self.result.updated += 1;
            }
            return;
        }
        let (code, message) = result
            .errors
            .first()
            .map(|error| (error.status_code.clone(), error.message.clone()))
            .unwrap_or_else(|| ("UNKNOWN_ERROR".to_string(), "no reason given".to_string()));
        self.result.refused.push(RefusedRecord {
            row,
            record_id: record_id.to_string(),
            transient: TRANSIENT_CODES.contains(&code.as_str()),
            code,
            message: redaction::redact_personal_data(&message),
        });
    }
}

fn is_transient(result: &CollectionRecordResult) -> bool {
    result
        .errors
        .iter()
        .any(|error| TRANSIENT_CODES.contains(&error.status_code.as_str()))
}

/// Imports one report. Every row whose values fit is written, whatever happens to the others;
/// then a row that did not fit or a record Salesforce refused makes this a typed error naming
/// them (the rows written stay written; importing the report again rewrites the same records).
pub async fn import_report(
    ports: &ImportPorts<'_>,
    report: &ReportObject,
) -> Result<ReportImport, ImportError> {
    let settings = ports.settings;
    let (location, mut reader) = open_report(ports, report).await?;

    let sobject = settings.object_name(report.object);
    let describe = ports
        .salesforce
        .describe(&sobject)
        .await
        .map_err(|error| ImportError::salesforce("describe the report's object", error))?;
    let target = ObjectTarget::new(
        report.object,
        &settings.namespace,
        describe,
        &settings.region,
    )
    .with_global_analytics(settings.global_analytics);
    if !target.has_record_id_field() {
        return Err(ImportError::InvalidConfiguration {
            reason: format!(
                "the org's {sobject} has no {} field to upsert by: is the CTI adapter installed, and SF_ADAPTER_NAMESPACE its namespace?",
                target.record_id_field
            ),
        });
    }
    let created_date = target
        .field(CREATED_DATE_FIELD)
        .is_some()
        .then(|| FieldValue::Text(report.event_time.clone()));

    let Some(header) = reader
        .next_row()
        .await
        .map_err(|error| read_error(&location, error))?
    else {
        return Err(ImportError::MalformedReport {
            location: location.to_string(),
            reason: "it is empty (no header row)".to_string(),
        });
    };
    let columns = columns(&location, report.object, &header, &target)?;
    if !columns.unknown.is_empty() {
        tracing::warn!(
            workflow = WORKFLOW,
            object = %sobject,
            report = %location,
            unknown_columns = ?columns.unknown,
            "the org's object has no field for these report columns: they are not imported (the rest of each row is); add the fields to the object to import them"
        );
        telemetry::emit_count(
            WORKFLOW,
            report.object.as_str(),
            telemetry::UNKNOWN_COLUMNS_METRIC,
            columns.unknown.len() as f64,
        );
    }

    let mut progress = Progress {
        ports,
        target: &target,
        result: ReportImport {
            bucket: location.bucket.clone(),
            key: location.key.clone(),
            object: report.object,
            sobject: sobject.clone(),
            rows: 0,
            written: 0,
            created: 0,
            updated: 0,
            upsert_calls: 0,
            unknown_columns: columns.unknown.clone(),
            invalid_rows: Vec::new(),
            refused: Vec::new(),
        },
    };
    let mut batch = Batch::default();
    while let Some(row) = reader
        .next_row()
        .await
        .map_err(|error| read_error(&location, error))?
    {
        progress.result.rows += 1;
        let number = row.number;
        match row_record(report.object, &columns, &row, created_date.as_ref()) {
            Ok(record) => match target.record(&record) {
                Ok(built) => batch.push(number, built.record_id, built.fields),
                Err(error) => progress.result.invalid_rows.push(RowProblem {
                    row: number,
                    column: error.column.clone(),
                    message: error.to_string(),
                }),
            },
            Err(problem) => progress.result.invalid_rows.push(problem),
        }
        if batch.len() == COLLECTION_LIMIT {
            progress.flush(std::mem::take(&mut batch)).await?;
        }
    }
    progress.flush(batch).await?;
    let result = progress.result;
    let not_imported = result.invalid_rows.len() + result.refused.len();
    tracing::info!(
        workflow = WORKFLOW,
        object = %sobject,
        report = %location,
        rows = result.rows,
        written = result.written,
        created = result.created,
        updated = result.updated,
        upsert_calls = result.upsert_calls,
        invalid_rows = result.invalid_rows.len(),
        refused = result.refused.len(),
        "report imported"
    );
    if not_imported > 0 {
        telemetry::emit_count(
            WORKFLOW,
            report.object.as_str(),
            telemetry::ROWS_NOT_IMPORTED_METRIC,
            not_imported as f64,
        );
    }
    problems(&location, result)
}

/// The result, or the typed error naming the rows not imported.
fn read_error(location: &ObjectLocation, error: ReadError) -> ImportError {
    match error {
        ReadError::Store(source) => ImportError::Storage {
            location: location.to_string(),
            source,
        },
        ReadError::Missing => ImportError::ReportMissing {
            location: location.to_string(),
        },
        ReadError::Malformed { row, reason } => ImportError::MalformedReport {
            location: location.to_string(),
            reason: format!("row {row}: {reason}"),
        },
    }
}

/// The report's object and a reader on it: the key as decoded, then the event's other
/// spellings of it. Without s3:ListBucket (the reporting bucket is usually the recording
/// bucket) S3 answers a missing key with 403, so a denial moves on to the next spelling too;
/// it is the answer only when none exists.
async fn open_report<'a>(
    ports: &ImportPorts<'a>,
    report: &ReportObject,
) -> Result<(ObjectLocation, ReportReader<'a>), ImportError> {
    let mut denied = None;
    let candidates = std::iter::once(report.location.clone()).chain(
        report
            .alternative_keys
            .iter()
            .map(|key| ObjectLocation::new(&report.location.bucket, key)),
    );
    for candidate in candidates {
        let mut reader =
            ReportReader::with_chunk_bytes(ports.store, candidate.clone(), ports.chunk_bytes);
        match reader.exists().await {
            Ok(true) => return Ok((candidate, reader)),
            Ok(false) => {}
            Err(ReadError::Store(source @ StoreError::Denied { .. })) => {
                denied.get_or_insert((candidate, source));
            }
            Err(error) => return Err(read_error(&candidate, error)),
        }
    }
    Err(match denied {
        Some((candidate, source)) => read_error(&candidate, ReadError::Store(source)),
        None => read_error(&report.location, ReadError::Missing),
    })
}

fn problems(location: &ObjectLocation, result: ReportImport) -> Result<ReportImport, ImportError> {
    if result.invalid_rows.is_empty() && result.refused.is_empty() {
        return Ok(result);
    }
    let imported = format!(
        "{} of {} rows imported ({} created, {} updated)",
        result.written, result.rows, result.created, result.updated
    );
    let mut listed: Vec<String> = result
        .invalid_rows
        .iter()
        .map(|problem| {
            format!(
                "row {}, column {:?}: {}",
                problem.row, problem.column, problem.message
            )
        })
        .chain(result.refused.iter().map(|refused| {
            format!(
                "row {} ({}): Salesforce refused it ({}): {}",
                refused.row, refused.record_id, refused.code, refused.message
            )
        }))
        .collect();
    let total = listed.len();
    listed.truncate(LISTED_PROBLEMS);
    let more = if total > LISTED_PROBLEMS {
        format!("; and {} more", total - LISTED_PROBLEMS)
    } else {
        String::new()
    };
    let message = format!("{imported}; not imported: {}{more}", listed.join("; "));
    let location = location.to_string();
    if result.refused.iter().any(|refused| refused.transient) {
        return Err(ImportError::RecordsRefused {
            location,
            message,
            transient: true,
        });
    }
    if !result.invalid_rows.is_empty() {
        return Err(ImportError::InvalidValues { location, message });
    }
    Err(ImportError::RecordsRefused {
        location,
        message,
        transient: false,
    })
}

/// The row's [`HistoricalRecord`]: its name, StartInterval, every known column and the
/// import time.
fn row_record(
    object: HistoricalObject,
    columns: &Columns,
    row: &CsvRow,
    created_date: Option<&FieldValue>,
) -> Result<HistoricalRecord, RowProblem> {
    if row.cells.len() != columns.width {
        return Err(RowProblem {
            row: row.number,
            column: String::new(),
            message: format!(
                "the row has {} cells where the header has {} columns",
                row.cells.len(),
                columns.width
            ),
        });
    }
    let required = |index: usize, column: &str| match cell_value(&row.cells[index]) {
        FieldValue::Text(text) => Ok(text),
        _ => Err(RowProblem {
            row: row.number,
            column: column.to_string(),
            message: format!("{column} is empty: the record id is formed from it"),
        }),
    };
    // The name as the cell has it (only `%` removed, as from every value), not trimmed: the
    // old package formed the agent's record id from the name as it is, so trimming it would
    // give a leading or trailing space's agent a second record after cutover.
    required(columns.name, object.name_column())?;
    let name = row.cells[columns.name].replace('%', "");
    let start_interval = required(columns.start_interval, "StartInterval")?;
    let mut record = HistoricalRecord::new(object, name, start_interval);
    for (index, header, field) in &columns.known {
        record.push(
            header.clone(),
            field.clone(),
            cell_value(&row.cells[*index]),
        );
    }
    if let Some(created) = created_date {
        record.push("eventTime", CREATED_DATE_FIELD, created.clone());
    }
    Ok(record)
}
