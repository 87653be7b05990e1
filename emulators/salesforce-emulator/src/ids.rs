//! Salesforce record ids: 15-character case-sensitive ids and their 18-character case-safe form.

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SUFFIX_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// The 3-character case-safe checksum of a 15-character id.
fn checksum(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk
                .iter()
                .enumerate()
                .filter(|(_, byte)| byte.is_ascii_uppercase())
                .fold(0usize, |bits, (index, _)| bits | (1 << index));
            char::from(SUFFIX_ALPHABET[bits])
        })
        .collect()
}

/// True for a 15-character alphanumeric id, or an 18-character one whose suffix is correct.
pub fn is_valid_id(s: &str) -> bool {
    if !s.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
        return false;
    }
    match s.len() {
        15 => true,
        18 => checksum(&s[..15]) == s[15..].to_ascii_uppercase(),
        _ => false,
    }
}

/// The 18-character form of a 15-character id (an 18-character id is returned with its canonical suffix).
pub fn to_18(id: &str) -> String {
    let id15 = id.get(..15).unwrap_or(id);
    format!("{id15}{}", checksum(id15))
}

/// Whether two ids name the same record (a 15-character id equals its 18-character form).
pub fn ids_equal(a: &str, b: &str) -> bool {
    match (a.get(..15), b.get(..15)) {
        (Some(a15), Some(b15)) => is_valid_id(a) && is_valid_id(b) && a15 == b15,
        _ => false,
    }
}

/// The 3-character key prefix naming the object of an id.
pub fn key_prefix(id: &str) -> Option<&str> {
    id.get(..3)
}

/// Generates ids `<prefix>` + `5e0` (pod and reserved char) + a 9-character base-62 counter.
#[derive(Debug, Clone, Default)]
pub struct IdGenerator {
    counter: u64,
}

impl IdGenerator {
    pub fn new() -> Self {
        Self::default()
    }

    /// The next 18-character id for `prefix` (3 characters).
    pub fn next_id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        let mut digits = [b'0'; 9];
        let mut n = self.counter;
        for slot in digits.iter_mut().rev() {
            *slot = BASE62[(n % 62) as usize];
            n /= 62;
        }
        let counter: String = digits.iter().map(|&byte| char::from(byte)).collect();
        to_18(&format!("{prefix}5e0{counter}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE_IDS: [&str; 6] = [
        "0015e00000QbT4rAAF",
        "0035e00000Xk9QmAAJ",
        "0055e000007xKp2AAE",
        "00T5e00000Ux3LdEAJ",
        "0D55e00008ZfR7cCAF",
        "5005e00001Hn2WQAAZ",
    ];

    #[test]
    fn when_id_comes_from_fixtures_should_validate() {
        for id in FIXTURE_IDS {
            assert!(is_valid_id(id), "{id}");
            assert_eq!(to_18(&id[..15]), id);
        }
    }

    #[test]
    fn when_suffix_is_wrong_should_not_validate() {
        assert!(!is_valid_id("0035e00000Xk9QmAAA"));
        assert!(!is_valid_id("0035e00000Xk9Q"));
        assert!(!is_valid_id("0035e00000Xk9Q'AAJ"));
        assert!(is_valid_id("0035e00000Xk9Qm"));
    }

    #[test]
    fn when_ids_differ_only_in_length_should_be_equal() {
        assert!(ids_equal("0035e00000Xk9Qm", "0035e00000Xk9QmAAJ"));
        assert!(!ids_equal("0035e00000Xk9Qm", "0035e00000XK9QmAAJ"));
        assert!(!ids_equal("abc", "abc"));
    }

    #[test]
    fn when_generating_ids_should_be_unique_and_valid() {
        let mut generator = IdGenerator::new();
        let ids: std::collections::HashSet<String> =
            (0..500).map(|_| generator.next_id("003")).collect();
        assert_eq!(ids.len(), 500);
        assert!(
            ids.iter()
                .all(|id| is_valid_id(id) && id.len() == 18 && id.starts_with("003"))
        );
    }
}
