//! Fitting a transcript side into Comprehend's synchronous request limit.
//!
//! The Detect* APIs accept at most 5,000 bytes of UTF-8 per call (a longer text is a
//! `TextSizeLimitExceededException`). A side longer than that is split, at whitespace where
//! possible and never inside a character, into at most [`MAX_CHUNKS`] chunks; each analysis
//! runs per chunk and the results are combined (see `comprehend`). Text beyond
//! `MAX_CHUNKS` × 5,000 bytes (about an hour of one person speaking) is not analysed, which
//! bounds the cost of one contact.

/// Comprehend's per-call limit for DetectSentiment, DetectKeyPhrases, DetectEntities,
/// DetectSyntax and DetectDominantLanguage, in UTF-8 bytes.
pub const MAX_ANALYSIS_BYTES: usize = 5_000;
/// At most this many calls per analysis and contact.
pub const MAX_CHUNKS: usize = 20;

/// Splits `text` into chunks of at most `max_bytes` (≥ 4) bytes each.
pub fn analysis_chunks(text: &str, max_bytes: usize, max_chunks: usize) -> Vec<&str> {
    let max_bytes = max_bytes.max(4);
    let mut chunks = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() && chunks.len() < max_chunks {
        if rest.len() <= max_bytes {
            chunks.push(rest);
            break;
        }
        let mut cut = max_bytes;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        // Prefer the last whitespace before the limit so no word is cut in two.
        if let Some(space) = rest[..cut].rfind(char::is_whitespace)
            && space > 0
        {
            cut = space;
        }
        chunks.push(rest[..cut].trim_end());
        rest = rest[cut..].trim_start();
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_text_fits_should_be_one_chunk() {
        assert_eq!(analysis_chunks("  short text ", 5_000, 20), ["short text"]);
        assert!(analysis_chunks("   ", 5_000, 20).is_empty());
    }

    #[test]
    fn when_text_is_long_should_split_at_spaces_within_the_limit() {
        let text = "word ".repeat(3_000);
        let chunks = analysis_chunks(&text, MAX_ANALYSIS_BYTES, MAX_CHUNKS);
        assert_eq!(chunks.len(), 3);
        assert!(chunks.iter().all(|chunk| chunk.len() <= MAX_ANALYSIS_BYTES));
        assert!(chunks.iter().all(|chunk| chunk.ends_with("word")));
        assert_eq!(chunks.join(" "), text.trim());
    }

    #[test]
    fn when_multibyte_text_has_no_spaces_should_cut_on_character_boundaries() {
        let text = "é".repeat(4_000);
        let chunks = analysis_chunks(&text, MAX_ANALYSIS_BYTES, MAX_CHUNKS);
        assert!(chunks.iter().all(|chunk| chunk.len() <= MAX_ANALYSIS_BYTES));
        assert_eq!(chunks.concat(), text);
    }

    #[test]
    fn when_text_exceeds_the_chunk_budget_should_stop_there() {
        let text = "a ".repeat(100);
        assert_eq!(analysis_chunks(&text, 10, 3).len(), 3);
    }
}
