//! The emulated org's in-memory records: create, read, update, delete and upsert with
//! Salesforce's validation, derived fields and errors, plus the entry points of SOQL and SOSL.

use std::collections::{HashMap, HashSet};

use base64::Engine as _;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value, json};

use crate::data_error::DataError;
use crate::ids::{self, IdGenerator};
use crate::schema::{FieldSchema, FieldType, ObjectSchema, OrgSchema};
use crate::soql::{self, QueryResult};
use crate::sosl;

/// A record in Salesforce REST JSON shape (field name → value).
pub type Record = serde_json::Map<String, serde_json::Value>;

/// What an upsert did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created(String),
    Updated(String),
}

/// The fields a search looks in (the `IN ... FIELDS` clause / the `in` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchScope {
    #[default]
    All,
    Name,
    Email,
    Phone,
}

impl SearchScope {
    /// `ALL`, `name`, `EMAIL FIELDS`... case-insensitively.
    pub fn parse(s: &str) -> Option<SearchScope> {
        let words: Vec<String> = s.split_whitespace().map(str::to_ascii_uppercase).collect();
        let word = match words.as_slice() {
            [word] => word,
            [word, fields] if fields == "FIELDS" => word,
            _ => return None,
        };
        match word.as_str() {
            "ALL" => Some(Self::All),
            "NAME" => Some(Self::Name),
            "EMAIL" => Some(Self::Email),
            "PHONE" => Some(Self::Phone),
            _ => None,
        }
    }
}

/// One object of a parameterizedSearch request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchObject {
    pub name: String,
    pub fields: Vec<String>,
    pub where_clause: Option<String>,
    pub limit: Option<usize>,
}

/// A parameterizedSearch request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParameterizedSearch {
    pub q: String,
    pub scope: SearchScope,
    pub sobjects: Vec<SearchObject>,
    pub default_fields: Vec<String>,
    pub overall_limit: Option<usize>,
}

/// Salesforce's datetime output format.
pub(crate) fn format_datetime(date_time: DateTime<Utc>) -> String {
    date_time.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// ISO-8601 as clients write it: `Z` or offset, with or without millis; a bare date is midnight UTC.
pub(crate) fn parse_datetime_input(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    let with_zone = text
        .strip_suffix('Z')
        .or_else(|| text.strip_suffix('z'))
        .map(|rest| format!("{rest}+00:00"));
    let candidate = with_zone.as_deref().unwrap_or(text);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
    ] {
        if let Ok(parsed) = DateTime::parse_from_str(candidate, format) {
            return Some(parsed.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(parsed) = NaiveDateTime::parse_from_str(text, format) {
            return Some(parsed.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc())
}

/// The value of `field` in REST output: base64 fields are the URL of their blob.
pub(crate) fn field_output(object: &ObjectSchema, record: &Record, field: &str) -> Value {
    let value = record.get(field).cloned().unwrap_or(Value::Null);
    let is_blob = object
        .field(field)
        .is_some_and(|schema| schema.field_type == FieldType::Base64);
    if is_blob && !value.is_null() {
        let id = record.get("Id").and_then(Value::as_str).unwrap_or_default();
        return Value::String(format!(
            "/services/data/v60.0/sobjects/{}/{id}/{field}",
            object.name
        ));
    }
    value
}

fn json_token(value: &Value) -> &'static str {
    match value {
        Value::Null => "VALUE_NULL",
        Value::Bool(true) => "VALUE_TRUE",
        Value::Bool(false) => "VALUE_FALSE",
        Value::Number(n) if n.is_f64() => "VALUE_NUMBER_FLOAT",
        Value::Number(_) => "VALUE_NUMBER_INT",
        Value::String(_) => "VALUE_STRING",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

fn wrong_value(field: &FieldSchema, type_name: &str, value: &Value) -> DataError {
    let shown = match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    DataError::InvalidFieldValue {
        message: format!(
            "Cannot deserialize instance of {type_name} from {} value {shown} or request may be missing a required field",
            json_token(value)
        ),
        fields: vec![field.name.clone()],
    }
}

fn id_body(id: &str) -> &str {
    id.get(..15).unwrap_or(id)
}

/// Every record of the org, in memory.
#[derive(Debug, Clone)]
pub struct OrgData {
    schema: OrgSchema,
    /// 15-character id → (canonical object name, stored record: non-null fields only).
    records: HashMap<String, (String, Record)>,
    /// Canonical object name → 15-character ids in insertion order (live records only).
    order: HashMap<String, Vec<String>>,
    /// (canonical object, field) → comparison key → 15-character ids, for every unique or
    /// external-id field: an upsert or a uniqueness check looks its value up instead of
    /// comparing it with every record of the object (5,000 queue records made each
    /// 200-record collection call scan a million values).
    unique_values: HashMap<(String, String), HashMap<String, Vec<String>>>,
    deleted: HashSet<String>,
    ids: IdGenerator,
    case_counter: u64,
    last_stamp: Option<DateTime<Utc>>,
    fixed_now: Option<DateTime<Utc>>,
    current_user: String,
}

impl OrgData {
    pub fn new(schema: OrgSchema) -> Self {
        Self {
            schema,
            records: HashMap::new(),
            order: HashMap::new(),
            unique_values: HashMap::new(),
            deleted: HashSet::new(),
            ids: IdGenerator::new(),
            case_counter: 1000,
            last_stamp: None,
            fixed_now: None,
            current_user: ids::to_18("0055e0000000001"),
        }
    }

    pub fn schema(&self) -> &OrgSchema {
        &self.schema
    }

    /// The user written into OwnerId/CreatedById/LastModifiedById by default.
    pub fn set_current_user(&mut self, user_id: &str) {
        self.current_user = ids::to_18(user_id);
    }

    /// Freezes the clock (tests); `None` returns to the system clock.
    pub fn set_clock(&mut self, now: Option<DateTime<Utc>>) {
        self.fixed_now = now;
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.fixed_now.unwrap_or_else(Utc::now)
    }

    /// A write timestamp, strictly increasing by at least a millisecond so ORDER BY CreatedDate is stable.
    fn stamp(&mut self) -> String {
        let mut now = self.now();
        if self.fixed_now.is_none()
            && let Some(last) = self.last_stamp
            && now <= last
        {
            now = last + chrono::Duration::milliseconds(1);
        }
        self.last_stamp = Some(now);
        format_datetime(now)
    }

    /// Removes every record.
    pub fn clear(&mut self) {
        self.records.clear();
        self.order.clear();
        self.unique_values.clear();
        self.deleted.clear();
        self.case_counter = 1000;
    }

    pub fn record_count(&self) -> usize {
        self.records.len()
    }

    pub(crate) fn live_records(&self, object: &str) -> impl Iterator<Item = &Record> {
        self.order
            .get(object)
            .into_iter()
            .flatten()
            .filter_map(|id| self.records.get(id).map(|(_, record)| record))
    }

    pub(crate) fn find_by_id(&self, id: &str) -> Option<(&ObjectSchema, &Record)> {
        if !ids::is_valid_id(id) {
            return None;
        }
        let (object, record) = self.records.get(id_body(id))?;
        Some((self.schema.object(object)?, record))
    }

    fn object_schema(&self, object: &str) -> Result<&ObjectSchema, DataError> {
        soql::resolve_object(&self.schema, object)
    }

    /// The live record `id` of `object`; NotFound / EntityIsDeleted as Salesforce reports them.
    fn existing(
        &self,
        object: &ObjectSchema,
        id: &str,
        deleted_is_error: bool,
    ) -> Result<String, DataError> {
        if !ids::is_valid_id(id) || !id.starts_with(&object.key_prefix) {
            return Err(DataError::NotFound {
                message: format!(
                    "Provided external ID field does not exist or is not accessible: {id}"
                ),
            });
        }
        let body = id_body(id).to_owned();
        if self.records.contains_key(&body) {
            return Ok(body);
        }
        if deleted_is_error && self.deleted.contains(&body) {
            return Err(DataError::EntityIsDeleted {
                message: "entity is deleted".to_owned(),
            });
        }
        Err(DataError::not_found())
    }

    // ------------------------------------------------------------ value normalisation

    fn normalize(&self, field: &FieldSchema, value: &Value) -> Result<Value, DataError> {
        let text_of = |value: &Value| -> Option<String> {
            match value {
                Value::String(text) => Some(text.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            }
        };
        let result = match field.field_type {
            t if t.is_text() => {
                if value.is_null() {
                    return Ok(Value::Null);
                }
                let text = text_of(value).ok_or_else(|| wrong_value(field, "string", value))?;
                if text.is_empty() {
                    return Ok(Value::Null);
                }
                if let Some(max) = field.length
                    && text.chars().count() > max as usize
                {
                    let shown: String = text.chars().take(50).collect();
                    return Err(DataError::StringTooLong {
                        message: format!(
                            "{}: data value too large: {shown} (max length={max})",
                            field.label
                        ),
                        fields: vec![field.name.clone()],
                    });
                }
                Value::String(text)
            }
            FieldType::Boolean => match value {
                Value::Null => Value::Bool(false),
                Value::Bool(b) => Value::Bool(*b),
                Value::String(text) if text.eq_ignore_ascii_case("true") => Value::Bool(true),
                Value::String(text) if text.eq_ignore_ascii_case("false") => Value::Bool(false),
                other => return Err(wrong_value(field, "boolean", other)),
            },
            FieldType::Int | FieldType::Double | FieldType::Percent | FieldType::Currency => {
                let type_name = if field.field_type == FieldType::Int {
                    "int"
                } else {
                    "double"
                };
                let number = match value {
                    Value::Null => return Ok(Value::Null),
                    Value::Number(n) => n.as_f64(),
                    Value::String(text) if text.trim().is_empty() => return Ok(Value::Null),
                    Value::String(text) => {
                        text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
                    }
                    _ => None,
                };
                let number = number.ok_or_else(|| wrong_value(field, type_name, value))?;
                if field.field_type == FieldType::Int {
                    if number.fract() != 0.0 {
                        return Err(wrong_value(field, type_name, value));
                    }
                    json!(number as i64)
                } else {
                    json!(number)
                }
            }
            FieldType::Date => match value {
                Value::Null => Value::Null,
                Value::String(text) if text.trim().is_empty() => Value::Null,
                Value::String(text) => {
                    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                        .ok()
                        .or_else(|| {
                            parse_datetime_input(text).map(|date_time| date_time.date_naive())
                        });
                    Value::String(
                        date.ok_or_else(|| wrong_value(field, "date", value))?
                            .format("%Y-%m-%d")
                            .to_string(),
                    )
                }
                other => return Err(wrong_value(field, "date", other)),
            },
            FieldType::DateTime => match value {
                Value::Null => Value::Null,
                Value::String(text) if text.trim().is_empty() => Value::Null,
                Value::String(text) => Value::String(format_datetime(
                    parse_datetime_input(text)
                        .ok_or_else(|| wrong_value(field, "datetime", value))?,
                )),
                other => return Err(wrong_value(field, "datetime", other)),
            },
            FieldType::Id | FieldType::Reference => match value {
                Value::Null => Value::Null,
                Value::String(text) if text.is_empty() => Value::Null,
                Value::String(text) if ids::is_valid_id(text) => Value::String(ids::to_18(text)),
                other => {
                    let shown = text_of(other).unwrap_or_else(|| other.to_string());
                    return Err(DataError::InvalidIdField {
                        message: format!("{}: id value of incorrect type: {shown}", field.label),
                    });
                }
            },
            FieldType::Base64 => match value {
                Value::Null => Value::Null,
                Value::String(text) => {
                    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                    if base64::engine::general_purpose::STANDARD
                        .decode(&compact)
                        .is_err()
                    {
                        return Err(DataError::InvalidFieldValue {
                            message: format!("{}: invalid base64 data", field.label),
                            fields: vec![field.name.clone()],
                        });
                    }
                    Value::String(compact)
                }
                other => return Err(wrong_value(field, "base64", other)),
            },
            _ => value.clone(),
        };
        Ok(result)
    }

    /// Canonical-case field values of a write body; `all_writable` for seeds (system fields allowed).
    fn write_values(
        &self,
        object: &ObjectSchema,
        fields: &Record,
        create: bool,
        all_writable: bool,
    ) -> Result<Vec<(String, Value)>, DataError> {
        let mut values = Vec::new();
        let mut locked = Vec::new();
        for (key, value) in fields {
            if key == "attributes" {
                continue;
            }
            let field = object.field(key).ok_or_else(|| {
                DataError::invalid_field(format!(
                    "No such column '{key}' on sobject of type {}",
                    object.name
                ))
            })?;
            let writable = all_writable
                || if create {
                    field.createable
                } else {
                    field.updateable
                };
            if !writable {
                locked.push(field.name.clone());
                continue;
            }
            values.push((field.name.clone(), self.normalize(field, value)?));
        }
        if !locked.is_empty() {
            return Err(DataError::InvalidFieldForInsertUpdate {
                message: format!(
                    "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                    locked.join(", ")
                ),
                fields: locked,
            });
        }
        Ok(values)
    }

    fn next_case_number(&mut self) -> String {
        let highest = self
            .live_records("Case")
            .filter_map(|record| record.get("CaseNumber")?.as_str()?.parse::<u64>().ok())
            .max()
            .map_or(0, |n| n + 1);
        let number = self.case_counter.max(highest);
        self.case_counter = number + 1;
        format!("{number:08}")
    }

    /// Defaults, derived fields and system fields; `seed` keeps values the seed gave.
    fn derive(&mut self, object: &ObjectSchema, record: &mut Record, create: bool, seed: bool) {
        let stamp = self.stamp();
        let name = object.name.as_str();
        let set_default = |record: &mut Record, field: &str, value: Value| {
            if object.field(field).is_some() && record.get(field).is_none_or(Value::is_null) {
                record.insert(field.to_owned(), value);
            }
        };
        if create {
            let defaults: &[(&str, &str, Value)] = &[
                ("Case", "Status", json!("New")),
                ("Case", "Priority", json!("Medium")),
                ("Lead", "Status", json!("Open - Not Contacted")),
                ("Task", "Status", json!("Not Started")),
                ("Task", "Priority", json!("Normal")),
                ("FeedItem", "Type", json!("TextPost")),
                ("FeedComment", "CommentType", json!("TextComment")),
                ("User", "IsActive", json!(true)),
            ];
            for (on, field, value) in defaults {
                if *on == name {
                    set_default(record, field, value.clone());
                }
            }
            for field in &object.fields {
                if field.field_type == FieldType::Boolean && !record.contains_key(&field.name) {
                    record.insert(field.name.clone(), Value::Bool(false));
                }
            }
            let user = Value::String(self.current_user.clone());
            set_default(record, "OwnerId", user.clone());
            set_default(record, "CreatedById", user.clone());
            set_default(record, "CreatedDate", Value::String(stamp.clone()));
            if name == "Case" && record.get("CaseNumber").is_none_or(Value::is_null) {
                let number = self.next_case_number();
                record.insert("CaseNumber".into(), Value::String(number));
            }
            if name == "FeedComment"
                && record.get("ParentId").is_none_or(Value::is_null)
                && let Some(parent) = record
                    .get("FeedItemId")
                    .and_then(Value::as_str)
                    .and_then(|id| self.find_by_id(id))
                    .and_then(|(_, item)| item.get("ParentId").cloned())
            {
                record.insert("ParentId".into(), parent);
            }
        }
        if seed {
            set_default(
                record,
                "LastModifiedDate",
                record
                    .get("CreatedDate")
                    .cloned()
                    .unwrap_or(Value::String(stamp.clone())),
            );
            set_default(
                record,
                "SystemModstamp",
                record
                    .get("LastModifiedDate")
                    .cloned()
                    .unwrap_or(Value::String(stamp.clone())),
            );
            set_default(
                record,
                "LastModifiedById",
                Value::String(self.current_user.clone()),
            );
        } else {
            record.insert("LastModifiedDate".into(), Value::String(stamp.clone()));
            record.insert("SystemModstamp".into(), Value::String(stamp.clone()));
            if object.field("LastModifiedById").is_some() {
                record.insert(
                    "LastModifiedById".into(),
                    Value::String(self.current_user.clone()),
                );
            }
        }
        record.insert("IsDeleted".into(), Value::Bool(false));

        // Name = "First Last" where Name is computed.
        if object.field("Name").is_some_and(|field| !field.createable)
            && object.field("LastName").is_some()
        {
            let computed: Vec<&str> = ["FirstName", "LastName"]
                .iter()
                .filter_map(|field| record.get(*field).and_then(Value::as_str))
                .collect();
            if !(seed && record.contains_key("Name")) {
                if computed.is_empty() {
                    record.remove("Name");
                } else {
                    record.insert("Name".into(), Value::String(computed.join(" ")));
                }
            }
        }
        let status = record
            .get("Status")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if name == "Case" {
            let closed = status.eq_ignore_ascii_case("Closed");
            record.insert("IsClosed".into(), Value::Bool(closed));
            if closed {
                set_default(record, "ClosedDate", Value::String(stamp.clone()));
            } else {
                record.remove("ClosedDate");
            }
        }
        if name == "Task" {
            record.insert(
                "IsClosed".into(),
                Value::Bool(status.eq_ignore_ascii_case("Completed")),
            );
        }
        if name == "Attachment" {
            let length = record
                .get("Body")
                .and_then(Value::as_str)
                .and_then(|body| base64::engine::general_purpose::STANDARD.decode(body).ok())
                .map(|bytes| bytes.len());
            match length {
                Some(length) => record.insert("BodyLength".into(), json!(length)),
                None => record.remove("BodyLength"),
            };
        }
    }

    fn check_required(object: &ObjectSchema, record: &Record) -> Result<(), DataError> {
        let missing: Vec<String> = object
            .fields
            .iter()
            .filter(|field| {
                field.required_on_create() && record.get(&field.name).is_none_or(Value::is_null)
            })
            .map(|field| field.name.clone())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(DataError::RequiredFieldMissing {
                message: format!("Required fields are missing: [{}]", missing.join(", ")),
                fields: missing,
            })
        }
    }

    /// References must point at an existing record of an allowed object.
    fn check_references(
        &self,
        object: &ObjectSchema,
        record: &Record,
        changed: &[String],
    ) -> Result<(), DataError> {
        for name in changed {
            let Some(field) = object.field(name) else {
                continue;
            };
            if field.field_type != FieldType::Reference
                || matches!(
                    field.name.as_str(),
                    "OwnerId" | "CreatedById" | "LastModifiedById"
                )
            {
                continue;
            }
            let Some(id) = record.get(&field.name).and_then(Value::as_str) else {
                continue;
            };
            let target = self.schema.object_for_id(id);
            let allowed = target.is_some_and(|target| {
                field
                    .reference_to
                    .iter()
                    .any(|allowed| allowed == &target.name)
            });
            if !allowed {
                return Err(DataError::FieldIntegrity {
                    message: format!("{}: id value of incorrect type: {id}", field.label),
                    fields: vec![field.name.clone()],
                });
            }
            if self.find_by_id(id).is_none() {
                let message = if self.deleted.contains(id_body(id)) {
                    "entity is deleted"
                } else {
                    "invalid cross reference id"
                };
                return Err(DataError::InvalidCrossReference {
                    message: message.to_owned(),
                    fields: vec![field.name.clone()],
                });
            }
        }
        Ok(())
    }

    fn same_value(field: &FieldSchema, a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::String(a), Value::String(b)) if field.field_type.is_text() => {
                same_text_ignoring_case(a, b)
            }
            (Value::String(a), Value::String(b)) if field.field_type.is_id() => {
                ids::ids_equal(a, b)
            }
            (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
            _ => a == b,
        }
    }

    fn check_unique(
        &self,
        object: &ObjectSchema,
        record: &Record,
        own_id: Option<&str>,
    ) -> Result<(), DataError> {
        for field in object.fields.iter().filter(|field| field.unique) {
            let Some(value) = record.get(&field.name).filter(|value| !value.is_null()) else {
                continue;
            };
            let clash = self.records_with_value(object, field, value).find(|other| {
                own_id.is_none_or(|own| {
                    let other_id = other.get("Id").and_then(Value::as_str).unwrap_or_default();
                    !ids::ids_equal(own, other_id)
                })
            });
            if let Some(other) = clash {
                let other_id = other.get("Id").and_then(Value::as_str).unwrap_or_default();
                return Err(DataError::DuplicateValue {
                    message: format!(
                        "duplicate value found: {} duplicates value on record with id: {other_id}",
                        field.name
                    ),
                    fields: vec![field.name.clone()],
                });
            }
        }
        Ok(())
    }

    fn store(&mut self, object: &str, id: &str, mut record: Record) {
        record.retain(|_, value| !value.is_null());
        let body = id_body(id).to_owned();
        self.deleted.remove(&body);
        let new_keys = self.unique_keys(object, &record);
        let previous = self
            .records
            .insert(body.clone(), (object.to_owned(), record));
        let old_keys = match &previous {
            Some((old_object, old_record)) => self.unique_keys(old_object, old_record),
            None => {
                self.order
                    .entry(object.to_owned())
                    .or_default()
                    .push(body.clone());
                Vec::new()
            }
        };
        for key in old_keys.iter().filter(|key| !new_keys.contains(key)) {
            self.unindex(key, &body);
        }
        for (slot, value_key) in new_keys.into_iter().filter(|key| !old_keys.contains(key)) {
            self.unique_values
                .entry(slot)
                .or_default()
                .entry(value_key)
                .or_default()
                .push(body.clone());
        }
    }

    /// The index entries of a record: ((object, field), comparison key) per unique or
    /// external-id field it has a value for.
    fn unique_keys(&self, object: &str, record: &Record) -> Vec<((String, String), String)> {
        let Some(schema) = self.schema.object(object) else {
            return Vec::new();
        };
        schema
            .fields
            .iter()
            .filter(|field| field.unique || field.external_id)
            .filter_map(|field| {
                let value = record.get(&field.name).filter(|value| !value.is_null())?;
                Some((
                    (schema.name.clone(), field.name.clone()),
                    Self::comparison_key(field, value),
                ))
            })
            .collect()
    }

    fn unindex(&mut self, (slot, value_key): &((String, String), String), body: &str) {
        if let Some(values) = self.unique_values.get_mut(slot)
            && let Some(bodies) = values.get_mut(value_key)
        {
            bodies.retain(|existing| existing != body);
            if bodies.is_empty() {
                values.remove(value_key);
            }
        }
    }

    /// A key equal for exactly the values [`Self::same_value`] calls equal.
    fn comparison_key(field: &FieldSchema, value: &Value) -> String {
        match value {
            Value::String(text) if field.field_type.is_text() => text.to_lowercase(),
            Value::String(id) if field.field_type.is_id() => id_body(id).to_owned(),
            Value::Number(number) => number
                .as_f64()
                .map_or_else(|| number.to_string(), |n| n.to_string()),
            other => other.to_string(),
        }
    }

    /// The live records of `object` whose unique or external-id `field` equals `value`, in
    /// insertion order of their values.
    fn records_with_value<'a>(
        &'a self,
        object: &ObjectSchema,
        field: &'a FieldSchema,
        value: &'a Value,
    ) -> impl Iterator<Item = &'a Record> + 'a {
        self.unique_values
            .get(&(object.name.clone(), field.name.clone()))
            .and_then(|values| values.get(&Self::comparison_key(field, value)))
            .into_iter()
            .flatten()
            .filter_map(|body| self.records.get(body).map(|(_, record)| record))
            .filter(move |record| {
                record
                    .get(&field.name)
                    .is_some_and(|actual| Self::same_value(field, actual, value))
            })
    }

    fn new_id(&mut self, prefix: &str) -> String {
        loop {
            let id = self.ids.next_id(prefix);
            let body = id_body(&id);
            if !self.records.contains_key(body) && !self.deleted.contains(body) {
                return id;
            }
        }
    }

    /// Orders a stored record's fields as the schema lists them, with Id first.
    fn ordered(object: &ObjectSchema, record: Record) -> Record {
        let mut out = Record::new();
        for field in &object.fields {
            if let Some(value) = record.get(&field.name) {
                out.insert(field.name.clone(), value.clone());
            }
        }
        out
    }

    // ------------------------------------------------------------ CRUD

    /// Creates a record; returns its new 18-character id.
    pub fn create(&mut self, object: &str, fields: &Record) -> Result<String, DataError> {
        let schema = self.object_schema(object)?.clone();
        let values = self.write_values(&schema, fields, true, false)?;
        let changed: Vec<String> = values.iter().map(|(name, _)| name.clone()).collect();
        let mut record: Record = values.into_iter().collect();
        Self::check_required(&schema, &record)?;
        self.check_references(&schema, &record, &changed)?;
        self.check_unique(&schema, &record, None)?;
        let id = self.new_id(&schema.key_prefix);
        record.insert("Id".into(), Value::String(id.clone()));
        self.derive(&schema, &mut record, true, false);
        if schema.custom
            && record.get("Name").is_none_or(Value::is_null)
            && schema.field("Name").is_some()
        {
            record.insert("Name".into(), Value::String(id.clone()));
        }
        let record = Self::ordered(&schema, record);
        self.store(&schema.name, &id, record);
        Ok(id)
    }

    /// Updates the given fields of a record.
    pub fn update(&mut self, object: &str, id: &str, fields: &Record) -> Result<(), DataError> {
        let schema = self.object_schema(object)?.clone();
        let body = self.existing(&schema, id, true)?;
        let mut fields = fields.clone();
        if let Some(key) = fields
            .keys()
            .find(|key| key.eq_ignore_ascii_case("Id"))
            .cloned()
        {
            let given = fields.remove(&key);
            if given
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|given| !ids::ids_equal(given, id))
            {
                return Err(DataError::InvalidFieldForInsertUpdate {
                    message: "Unable to create/update fields: Id. Please check the security settings of this field and verify that it is read/write for your profile or permission set.".to_owned(),
                    fields: vec!["Id".to_owned()],
                });
            }
        }
        let values = self.write_values(&schema, &fields, false, false)?;
        let changed: Vec<String> = values.iter().map(|(name, _)| name.clone()).collect();
        let mut record = self
            .records
            .get(&body)
            .map(|(_, record)| record.clone())
            .unwrap_or_default();
        for (name, value) in values {
            record.insert(name, value);
        }
        let missing: Vec<String> = changed
            .iter()
            .filter(|name| {
                schema
                    .field(name)
                    .is_some_and(FieldSchema::required_on_create)
                    && record.get(*name).is_none_or(Value::is_null)
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(DataError::RequiredFieldMissing {
                message: format!("Required fields are missing: [{}]", missing.join(", ")),
                fields: missing,
            });
        }
        self.check_references(&schema, &record, &changed)?;
        let own = record
            .get("Id")
            .and_then(Value::as_str)
            .unwrap_or(id)
            .to_owned();
        self.check_unique(&schema, &record, Some(&own))?;
        self.derive(&schema, &mut record, false, false);
        let record = Self::ordered(&schema, record);
        self.store(&schema.name, &own, record);
        Ok(())
    }

    /// Deletes a record; deleting it again is ENTITY_IS_DELETED.
    pub fn delete(&mut self, object: &str, id: &str) -> Result<(), DataError> {
        let schema = self.object_schema(object)?.clone();
        let body = self.existing(&schema, id, true)?;
        if let Some((object, record)) = self.records.remove(&body) {
            for key in self.unique_keys(&object, &record) {
                self.unindex(&key, &body);
            }
        }
        if let Some(order) = self.order.get_mut(&schema.name) {
            order.retain(|existing| existing != &body);
        }
        self.deleted.insert(body);
        Ok(())
    }

    /// A record in REST shape: every field (schema order) or the requested ones (plus Id).
    pub fn get(
        &self,
        object: &str,
        id: &str,
        fields: Option<&[String]>,
    ) -> Result<Record, DataError> {
        let schema = self.object_schema(object)?;
        let body = self.existing(schema, id, false)?;
        let Some((_, record)) = self.records.get(&body) else {
            return Err(DataError::not_found());
        };
        let names: Vec<String> = match fields {
            None => schema
                .fields
                .iter()
                .map(|field| field.name.clone())
                .collect(),
            Some(requested) => {
                let mut names = Vec::new();
                for name in requested
                    .iter()
                    .map(|name| name.trim())
                    .filter(|name| !name.is_empty())
                {
                    let field = schema
                        .field(name)
                        .ok_or_else(|| soql::no_such_column(name, &schema.name))?;
                    if !names.contains(&field.name) {
                        names.push(field.name.clone());
                    }
                }
                if !names.iter().any(|name| name == "Id") {
                    names.push("Id".to_owned());
                }
                names
            }
        };
        let mut out = Map::new();
        out.insert(
            "attributes".into(),
            soql::attributes(
                &schema.name,
                record.get("Id").and_then(Value::as_str).unwrap_or(id),
            ),
        );
        for name in names {
            out.insert(name.clone(), field_output(schema, record, &name));
        }
        Ok(out)
    }

    /// The raw bytes of a base64 field (Attachment Body), as served at the blob URL.
    pub fn blob(&self, object: &str, id: &str, field: &str) -> Result<Vec<u8>, DataError> {
        let schema = self.object_schema(object)?;
        let body = self.existing(schema, id, false)?;
        let field = schema
            .field(field)
            .filter(|field| field.field_type == FieldType::Base64)
            .ok_or_else(DataError::not_found)?;
        let encoded = self
            .records
            .get(&body)
            .and_then(|(_, record)| record.get(&field.name))
            .and_then(Value::as_str)
            .ok_or_else(DataError::not_found)?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| DataError::not_found())
    }

    /// Upsert by an external-id field (or Id): create, update, or HTTP 300 when several match.
    pub fn upsert(
        &mut self,
        object: &str,
        external_id_field: &str,
        value: &str,
        fields: &Record,
    ) -> Result<UpsertOutcome, DataError> {
        let schema = self.object_schema(object)?.clone();
        let field = schema
            .field(external_id_field)
            .filter(|field| field.external_id || field.field_type == FieldType::Id)
            .ok_or_else(|| DataError::invalid_field(format!("Provided external ID field does not exist or is not accessible: {external_id_field}")))?
            .clone();
        let mut body = fields.clone();
        body.retain(|key, _| !key.eq_ignore_ascii_case(&field.name));
        if field.field_type == FieldType::Id {
            if value.is_empty() {
                return self.create(&schema.name, &body).map(UpsertOutcome::Created);
            }
            let id = self
                .get(&schema.name, value, Some(&["Id".to_owned()]))?
                .get("Id")
                .and_then(Value::as_str)
                .unwrap_or(value)
                .to_owned();
            self.update(&schema.name, &id, &body)?;
            return Ok(UpsertOutcome::Updated(id));
        }
        let wanted = self.normalize(&field, &Value::String(value.to_owned()))?;
        let matches: Vec<String> = if wanted.is_null() {
            Vec::new()
        } else {
            self.records_with_value(&schema, &field, &wanted)
                .filter_map(|record| record.get("Id").and_then(Value::as_str).map(str::to_owned))
                .collect()
        };
        match matches.as_slice() {
            [] => {
                body.insert(field.name.clone(), Value::String(value.to_owned()));
                self.create(&schema.name, &body).map(UpsertOutcome::Created)
            }
            [id] => {
                let id = id.clone();
                self.update(&schema.name, &id, &body)?;
                Ok(UpsertOutcome::Updated(id))
            }
            _ => Err(DataError::MultipleMatches {
                object: schema.name.clone(),
                ids: matches,
            }),
        }
    }

    /// Inserts a seed record: keeps a given valid `Id` (replacing any record with it), accepts
    /// system fields, fills the rest; references are not checked (seed order is free).
    pub fn insert_seed(&mut self, object: &str, record: Record) -> Result<String, DataError> {
        let schema = self.object_schema(object)?.clone();
        let id = match record
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("Id"))
            .map(|(_, value)| value)
        {
            None | Some(Value::Null) => self.new_id(&schema.key_prefix),
            Some(Value::String(id))
                if ids::is_valid_id(id) && id.starts_with(&schema.key_prefix) =>
            {
                ids::to_18(id)
            }
            Some(other) => {
                return Err(DataError::InvalidIdField {
                    message: format!("invalid {} id in seed data: {other}", schema.name),
                });
            }
        };
        let mut body = record;
        body.retain(|key, _| !key.eq_ignore_ascii_case("Id"));
        let values = self.write_values(&schema, &body, true, true)?;
        let mut stored: Record = values.into_iter().collect();
        stored.insert("Id".into(), Value::String(id.clone()));
        Self::check_required(&schema, &stored)?;
        let seeded_case_number = stored
            .get("CaseNumber")
            .and_then(Value::as_str)
            .and_then(|n| n.parse::<u64>().ok());
        self.derive(&schema, &mut stored, true, true);
        if let Some(number) = seeded_case_number {
            self.case_counter = self.case_counter.max(number + 1);
        }
        if schema.custom
            && stored.get("Name").is_none_or(Value::is_null)
            && schema.field("Name").is_some()
        {
            stored.insert("Name".into(), Value::String(id.clone()));
        }
        let stored = Self::ordered(&schema, stored);
        self.store(&schema.name, &id, stored);
        Ok(id)
    }

    // ------------------------------------------------------------ query and search

    /// All rows matching a SOQL statement, in REST JSON shape.
    pub fn query(&self, soql: &str) -> Result<Vec<Record>, DataError> {
        soql::execute(self, soql).map(|result| result.records)
    }

    /// A SOQL statement's rows with its `totalSize` (which is the count for `SELECT COUNT()`).
    pub fn query_result(&self, soql: &str) -> Result<QueryResult, DataError> {
        soql::execute(self, soql)
    }

    /// A SOSL `FIND` statement's `searchRecords`.
    pub fn search(&self, sosl: &str) -> Result<Vec<Record>, DataError> {
        sosl::execute(self, sosl)
    }

    /// The `searchRecords` of a parameterizedSearch request.
    pub fn parameterized_search(
        &self,
        request: &ParameterizedSearch,
    ) -> Result<Vec<Record>, DataError> {
        sosl::parameterized(self, request)
    }

    // ------------------------------------------------------------ dump and load

    /// `{"Contact": [{...}], ...}`: every live record with all its non-empty fields, stored form.
    pub fn dump(&self) -> Value {
        let mut out = Map::new();
        for object in self.schema.objects() {
            let records: Vec<Value> = self
                .live_records(&object.name)
                .map(|record| Value::Object(record.clone()))
                .collect();
            if !records.is_empty() {
                out.insert(object.name.clone(), Value::Array(records));
            }
        }
        Value::Object(out)
    }

    /// Loads `{"Object": [records]}` (a dump or a seed file); returns how many records were loaded.
    pub fn load_dump(&mut self, dump: &Value) -> Result<usize, DataError> {
        let objects = dump
            .as_object()
            .ok_or_else(|| DataError::InvalidFieldValue {
                message: "seed data must be a JSON object of {\"Object\": [records]}".to_owned(),
                fields: Vec::new(),
            })?;
        let mut loaded = 0;
        for (object, records) in objects {
            let records = records
                .as_array()
                .ok_or_else(|| DataError::InvalidFieldValue {
                    message: format!("seed data for {object} must be an array of records"),
                    fields: Vec::new(),
                })?;
            for record in records {
                let record =
                    record
                        .as_object()
                        .cloned()
                        .ok_or_else(|| DataError::InvalidFieldValue {
                            message: format!(
                                "seed data for {object} must be an array of JSON objects"
                            ),
                            fields: Vec::new(),
                        })?;
                self.insert_seed(object, record)?;
                loaded += 1;
            }
        }
        Ok(loaded)
    }
}

/// Text equality as Salesforce compares external ids and unique values: ignoring case. Upserts
/// compare a value with every stored record's, so this allocates nothing (ASCII, the usual
/// case, compares in place; other text lower-cases character by character).
fn same_text_ignoring_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
pub(crate) mod tests;
