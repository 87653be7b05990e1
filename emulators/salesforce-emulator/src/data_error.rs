//! Errors of the emulated org's data layer, each carrying Salesforce's `errorCode` and HTTP status.

/// A failed record operation, query or search, as Salesforce reports it.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum DataError {
    /// `NOT_FOUND`, 404.
    #[error("{message}")]
    NotFound { message: String },
    /// `ENTITY_IS_DELETED`, 404: the record existed and was deleted.
    #[error("{message}")]
    EntityIsDeleted { message: String },
    /// `INVALID_TYPE`, 400: unknown sObject.
    #[error("{message}")]
    InvalidType { message: String },
    /// `INVALID_FIELD`, 400: unknown field, or a filter value of the wrong type.
    #[error("{message}")]
    InvalidField { message: String },
    /// `INVALID_FIELD_FOR_INSERT_UPDATE`, 400: the field exists but is not createable/updateable.
    #[error("{message}")]
    InvalidFieldForInsertUpdate {
        message: String,
        fields: Vec<String>,
    },
    /// `MALFORMED_QUERY`, 400.
    #[error("{message}")]
    MalformedQuery { message: String },
    /// `INVALID_QUERY_FILTER_OPERATOR`, 400 (e.g. `invalid ID field: abc`, LIKE on a number).
    #[error("{message}")]
    InvalidQueryFilterOperator { message: String },
    /// `INVALID_SEARCH`, 400: SOSL syntax error or a search term too short.
    #[error("{message}")]
    MalformedSearch { message: String },
    /// `MALFORMED_ID`, 400: a reference value that is not a Salesforce id.
    #[error("{message}")]
    InvalidIdField { message: String },
    /// `REQUIRED_FIELD_MISSING`, 400.
    #[error("{message}")]
    RequiredFieldMissing {
        message: String,
        fields: Vec<String>,
    },
    /// `JSON_PARSER_ERROR`, 400: a value of the wrong type for its field.
    #[error("{message}")]
    InvalidFieldValue {
        message: String,
        fields: Vec<String>,
    },
    /// `STRING_TOO_LONG`, 400.
    #[error("{message}")]
    StringTooLong {
        message: String,
        fields: Vec<String>,
    },
    /// `DUPLICATE_VALUE`, 400: a unique field already holds this value on another record.
    #[error("{message}")]
    DuplicateValue {
        message: String,
        fields: Vec<String>,
    },
    /// `INVALID_CROSS_REFERENCE_KEY`, 400: a reference to a record that does not exist.
    #[error("{message}")]
    InvalidCrossReference {
        message: String,
        fields: Vec<String>,
    },
    /// `FIELD_INTEGRITY_EXCEPTION`, 400: a reference to a record of the wrong object type.
    #[error("{message}")]
    FieldIntegrity {
        message: String,
        fields: Vec<String>,
    },
    /// HTTP 300: an upsert's external id matched several records.
    #[error("More than one record found for external id on {object}: {ids:?}")]
    MultipleMatches { object: String, ids: Vec<String> },
}

impl DataError {
    /// Salesforce's `errorCode`.
    pub fn error_code(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "NOT_FOUND",
            Self::EntityIsDeleted { .. } => "ENTITY_IS_DELETED",
            Self::InvalidType { .. } => "INVALID_TYPE",
            Self::InvalidField { .. } => "INVALID_FIELD",
            Self::InvalidFieldForInsertUpdate { .. } => "INVALID_FIELD_FOR_INSERT_UPDATE",
            Self::MalformedQuery { .. } => "MALFORMED_QUERY",
            Self::InvalidQueryFilterOperator { .. } => "INVALID_QUERY_FILTER_OPERATOR",
            Self::MalformedSearch { .. } => "INVALID_SEARCH",
            Self::InvalidIdField { .. } => "MALFORMED_ID",
            Self::RequiredFieldMissing { .. } => "REQUIRED_FIELD_MISSING",
            Self::InvalidFieldValue { .. } => "JSON_PARSER_ERROR",
            Self::StringTooLong { .. } => "STRING_TOO_LONG",
            Self::DuplicateValue { .. } => "DUPLICATE_VALUE",
            Self::InvalidCrossReference { .. } => "INVALID_CROSS_REFERENCE_KEY",
            Self::FieldIntegrity { .. } => "FIELD_INTEGRITY_EXCEPTION",
            Self::MultipleMatches { .. } => "MULTIPLE_CHOICES",
        }
    }

    /// The HTTP status of the REST response.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::NotFound { .. } | Self::EntityIsDeleted { .. } => 404,
            Self::MultipleMatches { .. } => 300,
            _ => 400,
        }
    }

    /// The human-readable `message`.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The `fields` array of the error body.
    pub fn fields(&self) -> Vec<String> {
        match self {
            Self::RequiredFieldMissing { fields, .. }
            | Self::InvalidFieldValue { fields, .. }
            | Self::InvalidFieldForInsertUpdate { fields, .. }
            | Self::StringTooLong { fields, .. }
            | Self::DuplicateValue { fields, .. }
            | Self::InvalidCrossReference { fields, .. }
            | Self::FieldIntegrity { fields, .. } => fields.clone(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn malformed_query(message: impl Into<String>) -> Self {
        Self::MalformedQuery {
            message: message.into(),
        }
    }

    pub(crate) fn malformed_search(message: impl Into<String>) -> Self {
        Self::MalformedSearch {
            message: message.into(),
        }
    }

    pub(crate) fn invalid_field(message: impl Into<String>) -> Self {
        Self::InvalidField {
            message: message.into(),
        }
    }

    pub(crate) fn not_found() -> Self {
        Self::NotFound {
            message: "The requested resource does not exist".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_error_is_multiple_matches_should_be_http_300() {
        let error = DataError::MultipleMatches {
            object: "Contact".into(),
            ids: vec!["a".into(), "b".into()],
        };
        assert_eq!(error.http_status(), 300);
        assert_eq!(DataError::not_found().http_status(), 404);
        assert_eq!(DataError::not_found().error_code(), "NOT_FOUND");
    }

    #[test]
    fn when_required_field_missing_should_report_fields() {
        let error = DataError::RequiredFieldMissing {
            message: "Required fields are missing: [LastName]".into(),
            fields: vec!["LastName".into()],
        };
        assert_eq!(error.fields(), vec!["LastName".to_owned()]);
        assert_eq!(error.message(), "Required fields are missing: [LastName]");
        assert_eq!(error.error_code(), "REQUIRED_FIELD_MISSING");
    }
}
