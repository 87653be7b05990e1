//! The CTI adapter's two historical objects and the `AC_Record_Id__c` rule, exactly as the old
//! package formed it, so after cutover (and whichever source writes) the same interval updates
//! the same record instead of adding a second one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// The external id both objects are upserted by.
pub const RECORD_ID_FIELD: &str = "AC_Record_Id__c";
/// The queue's or agent's name (the report's `Queue` / `Agent` column).
pub const OBJECT_NAME_FIELD: &str = "AC_Object_Name__c";
/// The interval's start as Connect writes it (`2024-03-05T14:30:00Z`).
pub const START_INTERVAL_FIELD: &str = "StartInterval__c";
pub const END_INTERVAL_FIELD: &str = "EndInterval__c";
/// When the record was imported (the S3 event's time for a report).
pub const CREATED_DATE_FIELD: &str = "Created_Date__c";
/// Set, and appended to the record id, only when the org's object has it.
pub const REGION_FIELD: &str = "Region__c";

/// Which object an interval's metrics go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HistoricalObject {
    /// `AC_HistoricalQueueMetrics__c`, one record per queue and interval.
    Queue,
    /// `AC_AgentPerformance__c`, one record per agent and interval.
    Agent,
}

impl HistoricalObject {
    pub const ALL: [HistoricalObject; 2] = [Self::Queue, Self::Agent];

    /// The object's API name without the namespace.
    pub const fn api_name(self) -> &'static str {
        match self {
            Self::Queue => "AC_HistoricalQueueMetrics__c",
            Self::Agent => "AC_AgentPerformance__c",
        }
    }

    /// The report column that names the queue or agent.
    pub const fn name_column(self) -> &'static str {
        match self {
            Self::Queue => "Queue",
            Self::Agent => "Agent",
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queue => "queue",
            Self::Agent => "agent",
        }
    }
}

impl std::fmt::Display for HistoricalObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `AC_Record_Id__c` as the old package formed it:
/// - queue: the queue name with every character that is not a letter, a number or `_` removed
///   (Python's `re.sub(r'[-\s\W]+', '', name)`), then the StartInterval value. Python's `\w` is
///   exactly the general categories L* and N* plus `_`, so the marks of Indic and Thai scripts
///   (Mn, Mc) and circled letters (So) go, although Rust's `char::is_alphanumeric` keeps them;
/// - agent: the agent name as it is, then the StartInterval value;
/// - either: then the region, with no separator, when the org's object has `Region__c`.
///
/// `name` and `start_interval` are the values as imported (`%` already stripped).
pub fn record_id(
    object: HistoricalObject,
    name: &str,
    start_interval: &str,
    region: Option<&str>,
) -> String {
    let mut id = match object {
        HistoricalObject::Queue => name
            .chars()
            .filter(|c| is_python_word_character(*c))
            .collect(),
        HistoricalObject::Agent => name.to_string(),
    };
    id.push_str(start_interval);
    if let Some(region) = region {
        id.push_str(region);
    }
    id
}

/// Python 3's `re` `\w` on text: `str.isalnum()` (general category L* or N*) or `_`.
fn is_python_word_character(c: char) -> bool {
    c == '_'
        || matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
        )
}

/// An interval start as Connect's reports write it (`2024-03-05T14:30:00Z`): what a sync from
/// the metrics API must put into StartInterval so its record ids equal the report's.
pub fn interval_text(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn when_forming_a_queue_id_should_drop_every_non_word_character() {
        assert_eq!(
            record_id(
                HistoricalObject::Queue,
                "Technical Support",
                "2024-03-05T14:30:00Z",
                None
            ),
            "TechnicalSupport2024-03-05T14:30:00Z"
        );
        assert_eq!(
            record_id(
                HistoricalObject::Queue,
                "Billing - EMEA (2nd line)/VIP!",
                "2024-03-05T14:30:00Z",
                None
            ),
            "BillingEMEA2ndlineVIP2024-03-05T14:30:00Z"
        );
        // \w keeps underscores and letters of any script, as Python 3's re does.
        assert_eq!(
            record_id(
                HistoricalObject::Queue,
                "Kundendienst_Zürich\tÉté",
                "2024-03-05T14:30:00Z",
                None
            ),
            "Kundendienst_ZürichÉté2024-03-05T14:30:00Z"
        );
    }

    #[test]
    fn when_forming_a_queue_id_should_drop_what_pythons_re_drops_in_every_script() {
        // Expected values computed with Python 3.11's `re.sub(r'[-\s\W]+', '', name)`.
        for (name, python) in [
            ("हिन्दी सेवा", "हनदसव"),
            ("บริการ", "บรการ"),
            ("Ⓐqueue", "queue"),
            ("Support ①²", "Support①²"),
            ("日本語サポート", "日本語サポート"),
            ("Café-Crème", "CaféCrème"),
        ] {
            assert_eq!(
                record_id(HistoricalObject::Queue, name, "2024-03-05T14:30:00Z", None),
                format!("{python}2024-03-05T14:30:00Z"),
                "queue name {name:?}"
            );
        }
    }

    #[test]
    fn when_forming_an_agent_id_should_keep_the_name_as_it_is() {
        assert_eq!(
            record_id(
                HistoricalObject::Agent,
                "priya.raman",
                "2024-03-05T14:00:00Z",
                None
            ),
            "priya.raman2024-03-05T14:00:00Z"
        );
        assert_eq!(
            record_id(
                HistoricalObject::Agent,
                "Jane Doe-Smith",
                "2024-03-05T14:00:00Z",
                None
            ),
            "Jane Doe-Smith2024-03-05T14:00:00Z"
        );
    }

    #[test]
    fn when_the_object_has_region_should_append_it_without_a_separator() {
        assert_eq!(
            record_id(
                HistoricalObject::Queue,
                "Sales",
                "2024-03-05T15:00:00Z",
                Some("us-west-2")
            ),
            "Sales2024-03-05T15:00:00Zus-west-2"
        );
        assert_eq!(
            record_id(
                HistoricalObject::Agent,
                "jwu",
                "2024-03-05T14:30:00Z",
                Some("eu-central-1")
            ),
            "jwu2024-03-05T14:30:00Zeu-central-1"
        );
    }

    #[test]
    fn interval_text_is_the_reports_format() {
        let at = Utc
            .with_ymd_and_hms(2024, 3, 5, 14, 30, 0)
            .single()
            .expect("time");
        assert_eq!(interval_text(at), "2024-03-05T14:30:00Z");
    }

    #[test]
    fn the_objects_are_the_cti_adapters() {
        assert_eq!(
            HistoricalObject::Queue.api_name(),
            "AC_HistoricalQueueMetrics__c"
        );
        assert_eq!(HistoricalObject::Agent.api_name(), "AC_AgentPerformance__c");
        assert_eq!(HistoricalObject::Agent.name_column(), "Agent");
    }
}
