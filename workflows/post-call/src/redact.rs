//! Keeps personal data out of error messages and logs.

/// Digit runs at least this long are treated as personal (phone, account, card numbers).
const MIN_MASKED_DIGITS: usize = 7;

/// Replaces every free-standing run of seven or more digits with `…` plus its last two
/// digits, so a phone or account number quoted by a parser or by Salesforce cannot reach
/// CloudWatch. Digits inside a word (a Salesforce record id such as `a015e0000000001AAA`)
/// stay, since those are what an operator needs to investigate.
pub fn mask_digit_runs(text: &str) -> String {
    let characters: Vec<char> = text.chars().collect();
    let mut masked = String::with_capacity(text.len());
    let mut index = 0;
    while index < characters.len() {
        if !characters[index].is_ascii_digit() {
            masked.push(characters[index]);
            index += 1;
            continue;
        }
        let start = index;
        while index < characters.len() && characters[index].is_ascii_digit() {
            index += 1;
        }
        let run = &characters[start..index];
        let in_word = (start > 0 && characters[start - 1].is_alphabetic())
            || characters
                .get(index)
                .is_some_and(|next| next.is_alphabetic());
        if run.len() >= MIN_MASKED_DIGITS && !in_word {
            masked.push('…');
            masked.extend(&run[run.len() - 2..]);
        } else {
            masked.extend(run);
        }
    }
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_text_holds_a_phone_number_should_mask_all_but_two_digits() {
        assert_eq!(
            mask_digit_runs("invalid type: string \"+12065550143\" at line 1 column 42"),
            "invalid type: string \"+…43\" at line 1 column 42"
        );
        assert_eq!(mask_digit_runs("account 4719208."), "account …08.");
    }

    #[test]
    fn when_digits_are_part_of_a_record_id_should_keep_them() {
        assert_eq!(
            mask_digit_runs("no a015e0000000001AAA here"),
            "no a015e0000000001AAA here"
        );
    }
}
