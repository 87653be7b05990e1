//! Report column headers to field names: one mapping for the queue and the agent report.
//!
//! The old package's rule: parentheses and a BOM removed; the `Queue` / `Agent` column is
//! `AC_Object_Name__c`; four names too long for Salesforce are shortened; otherwise runs of
//! spaces and hyphens become `_` and `__c` is appended. Its agent mapper looked for "contacts
//! handled **on** connected to agent timestamp", a header Connect never writes; here both
//! reports use Connect's header.

use crate::objects::OBJECT_NAME_FIELD;

/// The four headers whose field names are shortened (compared case-insensitively, after
/// parentheses are removed).
pub const SHORTENED: [(&str, &str); 4] = [
    (
        "average agent interaction and customer hold time",
        "Avg_agent_interaction_and_cust_hold_time__c",
    ),
    (
        "agent non-response without customer abandons",
        "Agent_non_response_without_cust_abandons__c",
    ),
    (
        "contacts handled connected to agent timestamp",
        "Contacts_handled_conn_to_agent_timestamp__c",
    ),
    ("non-productive time", "Nonproductive_time__c"),
];

/// The field (without the namespace) a report column goes to.
pub fn field_for_header(header: &str) -> String {
    let cleaned: String = header
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '\u{feff}'))
        .collect();
    let cleaned = cleaned.trim();
    let lower = cleaned.to_lowercase();
    if lower == "queue" || lower == "agent" {
        return OBJECT_NAME_FIELD.to_string();
    }
    if let Some((_, field)) = SHORTENED.iter().find(|(name, _)| *name == lower) {
        return (*field).to_string();
    }
    let mut field = String::with_capacity(cleaned.len() + 3);
    let mut in_run = false;
    for c in cleaned.chars() {
        if c == '-' || c.is_whitespace() {
            if !in_run {
                field.push('_');
            }
            in_run = true;
        } else {
            field.push(c);
            in_run = false;
        }
    }
    field.push_str("__c");
    field
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_the_header_names_the_queue_or_agent_should_map_to_the_object_name() {
        assert_eq!(field_for_header("Queue"), "AC_Object_Name__c");
        assert_eq!(field_for_header("Agent"), "AC_Object_Name__c");
        assert_eq!(field_for_header("\u{feff}Agent"), "AC_Object_Name__c");
        assert_eq!(field_for_header("agent"), "AC_Object_Name__c");
    }

    #[test]
    fn when_the_header_is_plain_should_join_words_with_underscores() {
        assert_eq!(field_for_header("StartInterval"), "StartInterval__c");
        assert_eq!(field_for_header("Contacts queued"), "Contacts_queued__c");
        assert_eq!(
            field_for_header("Agent non-response"),
            "Agent_non_response__c"
        );
        assert_eq!(
            field_for_header("Service level 20 seconds"),
            "Service_level_20_seconds__c"
        );
        // Runs of spaces and hyphens are one underscore, as `re.sub(r'[-\s]+', '_', key)`.
        assert_eq!(
            field_for_header("After  contact - work"),
            "After_contact_work__c"
        );
        assert_eq!(field_for_header("Occupancy"), "Occupancy__c");
    }

    #[test]
    fn when_the_header_is_one_of_the_four_long_names_should_shorten_it() {
        assert_eq!(
            field_for_header("Average agent interaction and customer hold time"),
            "Avg_agent_interaction_and_cust_hold_time__c"
        );
        assert_eq!(
            field_for_header("Agent non-response without customer abandons"),
            "Agent_non_response_without_cust_abandons__c"
        );
        assert_eq!(
            field_for_header("Non-Productive Time"),
            "Nonproductive_time__c"
        );
        assert_eq!(
            field_for_header("NON-PRODUCTIVE TIME"),
            "Nonproductive_time__c"
        );
    }

    #[test]
    fn when_the_header_has_parentheses_should_drop_them_for_both_reports() {
        // Connect's header; the old agent mapper expected a spurious "on" and never matched.
        assert_eq!(
            field_for_header("Contacts handled (connected to agent timestamp)"),
            "Contacts_handled_conn_to_agent_timestamp__c"
        );
        assert_eq!(
            field_for_header("Average queue answer time (seconds)"),
            "Average_queue_answer_time_seconds__c"
        );
    }
}
