//! The `sf_operation` values a contact flow may ask for.

use std::fmt;

use crate::error::InvokeError;

/// One `sfInvokeAPI` operation, named exactly as flows spell it in `sf_operation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    Lookup,
    LookupAll,
    Create,
    Update,
    Delete,
    PhoneLookup,
    Query,
    QueryOne,
    Search,
    SearchOne,
    SearchSosl,
    SearchOneSosl,
    CreateChatterPost,
    CreateChatterComment,
}

impl Operation {
    /// Every operation, in the order of the documentation table.
    pub const ALL: [Operation; 14] = [
        Self::Lookup,
        Self::LookupAll,
        Self::Create,
        Self::Update,
        Self::Delete,
        Self::PhoneLookup,
        Self::Query,
        Self::QueryOne,
        Self::Search,
        Self::SearchOne,
        Self::SearchSosl,
        Self::SearchOneSosl,
        Self::CreateChatterPost,
        Self::CreateChatterComment,
    ];

    /// The exact `sf_operation` value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Lookup => "lookup",
            Self::LookupAll => "lookup_all",
            Self::Create => "create",
            Self::Update => "update",
            Self::Delete => "delete",
            Self::PhoneLookup => "phoneLookup",
            Self::Query => "query",
            Self::QueryOne => "queryOne",
            Self::Search => "search",
            Self::SearchOne => "searchOne",
            Self::SearchSosl => "searchSOSL",
            Self::SearchOneSosl => "searchOneSOSL",
            Self::CreateChatterPost => "createChatterPost",
            Self::CreateChatterComment => "createChatterComment",
        }
    }

    /// The parameters this operation reads itself; every other parameter is an input
    /// (condition, field value, placeholder or template key). `sf_operation` is always reserved.
    pub fn reserved_parameters(self) -> &'static [&'static str] {
        match self {
            Self::Lookup | Self::LookupAll => {
                &["sf_operation", "sf_object", "sf_fields", "sf_like"]
            }
            Self::Create => &["sf_operation", "sf_object"],
            Self::Update | Self::Delete => &["sf_operation", "sf_object", "sf_id"],
            Self::PhoneLookup => &["sf_operation", "sf_phone", "sf_fields", "sf_objects"],
            Self::Query | Self::QueryOne | Self::SearchSosl | Self::SearchOneSosl => {
                &["sf_operation", "query"]
            }
            Self::Search | Self::SearchOne => &[
                "sf_operation",
                "q",
                "sf_fields",
                "sf_object",
                "where",
                "overallLimit",
            ],
            Self::CreateChatterPost => &[
                "sf_operation",
                "sf_feedElementType",
                "sf_subjectId",
                "sf_messageType",
                "sf_message",
                "sf_mention",
            ],
            Self::CreateChatterComment => &[
                "sf_operation",
                "sf_feedElementId",
                "sf_commentType",
                "sf_commentMessage",
            ],
        }
    }

    /// The valid names joined for error messages.
    pub fn valid_names() -> String {
        Self::ALL
            .iter()
            .map(|operation| operation.name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Parses the `sf_operation` value (exact, case-sensitive, as the old package matched it).
    pub fn parse(value: Option<&str>) -> Result<Operation, InvokeError> {
        let given = match value.map(str::trim) {
            None | Some("") => return Err(InvokeError::MissingOperation),
            Some(given) => given,
        };
        Self::ALL
            .into_iter()
            .find(|operation| operation.name() == given)
            .ok_or_else(|| InvokeError::UnknownOperation {
                given: redaction::redact_personal_data(&shorten(given, 64)),
            })
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_name_is_exact_should_parse_every_operation() {
        for operation in Operation::ALL {
            assert_eq!(
                Operation::parse(Some(operation.name())).ok(),
                Some(operation)
            );
        }
    }

    #[test]
    fn when_operation_is_missing_or_blank_should_be_missing_operation() {
        assert!(matches!(
            Operation::parse(None),
            Err(InvokeError::MissingOperation)
        ));
        assert!(matches!(
            Operation::parse(Some("  ")),
            Err(InvokeError::MissingOperation)
        ));
    }

    #[test]
    fn when_operation_is_unknown_should_list_valid_names() {
        let error = Operation::parse(Some("phonelookup")).err();
        let message = error.map(|error| error.to_string()).unwrap_or_default();
        assert!(message.contains("\"phonelookup\""), "{message}");
        assert!(message.contains("lookup, lookup_all, create, update, delete, phoneLookup, query, queryOne, search, searchOne, searchSOSL, searchOneSOSL, createChatterPost, createChatterComment"), "{message}");
    }

    #[test]
    fn when_unknown_name_holds_a_phone_number_should_mask_it() {
        let message = Operation::parse(Some("+12065550143"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            message.starts_with("unknown sf_operation \"+*********43\""),
            "{message}"
        );
    }

    #[test]
    fn when_unknown_name_is_long_should_shorten_it() {
        let long = "x".repeat(500);
        let message = Operation::parse(Some(&long))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.len() < 400);
    }
}
