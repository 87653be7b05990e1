//! Step Functions execution names: 1-80 characters from `[A-Za-z0-9_-]`, unique per state
//! machine for 90 days, which is what makes a redelivered CTR start nothing new.
//!
//! The name is the contact id plus the CTR's `LastUpdateTimestamp`: Kinesis redelivering a
//! record gives the same name (nothing new starts), while Connect publishing an updated CTR
//! for the same contact (attributes changed after the contact ended) gives a new one, so the
//! update reaches Salesforce. The contact marker keeps the CCA and attachments single.

const MAX_LENGTH: usize = 80;
const MAX_VERSION_LENGTH: usize = 24;

fn keep_valid(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `contact-<ContactId>-<LastUpdateTimestamp as digits>` (`contact-<ContactId>` when the CTR
/// has no timestamp), with any character Step Functions refuses replaced by `_`.
pub fn execution_name(contact_id: &str, last_update_timestamp: Option<&str>) -> String {
    // 2024-03-05T14:23:04Z → 20240305T142304Z
    let mut version: String = last_update_timestamp
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    version.truncate(MAX_VERSION_LENGTH);
    let mut contact = keep_valid(contact_id);
    let room = if version.is_empty() {
        MAX_LENGTH - "contact-".len()
    } else {
        MAX_LENGTH - "contact-".len() - 1 - version.len()
    };
    contact.truncate(room);
    if version.is_empty() {
        format!("contact-{contact}")
    } else {
        format!("contact-{contact}-{version}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_id_and_its_update_time_give_a_stable_valid_name() {
        assert_eq!(
            execution_name(
                "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08",
                Some("2024-03-05T14:23:04Z")
            ),
            "contact-8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08-20240305T142304Z"
        );
        assert_eq!(execution_name("a b/c:d", None), "contact-a_b_c_d");
        assert_eq!(execution_name(&"x".repeat(200), None).len(), 80);
        let long = execution_name(&"x".repeat(200), Some("2024-03-05T14:23:04.123456789Z"));
        assert_eq!(long.len(), 80);
        assert!(long.ends_with("-20240305T142304123456789"), "{long}");
    }

    #[test]
    fn an_updated_ctr_gets_a_new_name_and_a_redelivered_one_the_same() {
        let first = execution_name("c-1", Some("2024-03-05T14:23:04Z"));
        assert_eq!(first, execution_name("c-1", Some("2024-03-05T14:23:04Z")));
        assert_ne!(first, execution_name("c-1", Some("2024-03-05T15:02:11Z")));
    }
}
