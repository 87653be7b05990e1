//! Opaque NextTokens: where the next page starts, bound to the operation and to the request it
//! continues, so a token from another request (or a made-up one) is refused as Connect refuses it.

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::error::ConnectError;

/// What a NextToken carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageToken {
    /// Results already returned.
    pub offset: usize,
    /// The real-time snapshot a GetCurrentMetricData read is on (0 elsewhere).
    pub snapshot: usize,
    /// DataSnapshotTime of the read, in epoch milliseconds (0 elsewhere).
    pub snapshot_time_ms: i64,
}

const PREFIX: &str = "cx1";

/// A fingerprint of what a request asks for, pages aside.
pub fn fingerprint(operation: &str, request: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    operation.hash(&mut hasher);
    request.hash(&mut hasher);
    hasher.finish()
}

impl PageToken {
    pub fn encode(&self, fingerprint: u64) -> String {
        let plain = format!(
            "{PREFIX}|{}|{}|{}|{fingerprint:016x}",
            self.offset, self.snapshot, self.snapshot_time_ms
        );
        plain.bytes().map(|byte| format!("{byte:02x}")).collect()
    }

    /// Reads a token this emulator issued for a request with this fingerprint.
    pub fn decode(token: &str, fingerprint: u64) -> Result<Self, ConnectError> {
        Self::parse(token, fingerprint).ok_or_else(invalid_token)
    }

    fn parse(token: &str, expected: u64) -> Option<Self> {
        if !token.len().is_multiple_of(2) || !token.is_ascii() {
            return None;
        }
        let bytes = (0..token.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&token[i..i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?;
        let plain = String::from_utf8(bytes).ok()?;
        let mut parts = plain.split('|');
        if parts.next()? != PREFIX {
            return None;
        }
        let offset = parts.next()?.parse().ok()?;
        let snapshot = parts.next()?.parse().ok()?;
        let snapshot_time_ms = parts.next()?.parse().ok()?;
        let fingerprint = u64::from_str_radix(parts.next()?, 16).ok()?;
        if parts.next().is_some() || fingerprint != expected {
            return None;
        }
        Some(Self {
            offset,
            snapshot,
            snapshot_time_ms,
        })
    }
}

pub fn invalid_token() -> ConnectError {
    ConnectError::InvalidParameter("Invalid parameter: NextToken".to_owned())
}

/// The page of `items` starting at `offset`, and the token for the rest if any remain.
pub fn page<T: Clone>(
    items: &[T],
    offset: usize,
    page_size: usize,
    next: impl FnOnce(usize) -> String,
) -> (Vec<T>, Option<String>) {
    let start = offset.min(items.len());
    let end = start.saturating_add(page_size).min(items.len());
    let token = (end < items.len()).then(|| next(end));
    (items[start..end].to_vec(), token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_should_round_trip_only_for_its_own_request() {
        let token = PageToken {
            offset: 200,
            snapshot: 3,
            snapshot_time_ms: 1_709_650_234_512,
        };
        let encoded = token.encode(42);
        assert_eq!(PageToken::decode(&encoded, 42), Ok(token));
        assert_eq!(PageToken::decode(&encoded, 43), Err(invalid_token()));
        assert_eq!(PageToken::decode("not-a-token", 42), Err(invalid_token()));
        assert_eq!(PageToken::decode("", 42), Err(invalid_token()));
    }

    #[test]
    fn page_should_stop_giving_tokens_at_the_end() {
        let items: Vec<u32> = (0..250).collect();
        let (first, token) = page(&items, 0, 100, |next| next.to_string());
        assert_eq!((first.len(), token.as_deref()), (100, Some("100")));
        let (last, token) = page(&items, 200, 100, |next| next.to_string());
        assert_eq!((last.len(), token), (50, None));
        let (past, token) = page(&items, 900, 100, |next| next.to_string());
        assert_eq!((past.len(), token), (0, None));
    }
}
