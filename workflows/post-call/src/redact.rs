//! Keeps personal data out of error messages and logs.

/// Replaces every run of four or more digits with `…` plus its last two digits, so a phone
/// number or account number quoted by a parser error cannot reach CloudWatch.
pub fn mask_digit_runs(text: &str) -> String {
    let mut masked = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, masked: &mut String| {
        if digits.chars().count() >= 4 {
            let tail: String = digits
                .chars()
                .rev()
                .take(2)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            masked.push('…');
            masked.push_str(&tail);
        } else {
            masked.push_str(digits);
        }
        digits.clear();
    };
    for character in text.chars() {
        if character.is_ascii_digit() {
            digits.push(character);
        } else {
            flush(&mut digits, &mut masked);
            masked.push(character);
        }
    }
    flush(&mut digits, &mut masked);
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
    }
}
