//! Step Functions execution names: 1-80 characters from `[A-Za-z0-9_-]`, unique per state
//! machine for 90 days, which is what makes a redelivered CTR start nothing new.

const MAX_LENGTH: usize = 80;

/// `contact-<ContactId>`, with any character Step Functions refuses replaced by `_`.
pub fn execution_name(contact_id: &str) -> String {
    let cleaned: String = contact_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut name = format!("contact-{cleaned}");
    name.truncate(MAX_LENGTH);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_id_gives_a_stable_valid_name() {
        assert_eq!(
            execution_name("8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08"),
            "contact-8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08"
        );
        assert_eq!(execution_name("a b/c:d"), "contact-a_b_c_d");
        assert_eq!(execution_name(&"x".repeat(200)).len(), 80);
    }
}
