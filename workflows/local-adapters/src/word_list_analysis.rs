//! A deterministic stand-in for Amazon Comprehend: word-list sentiment, frequent words as key
//! phrases, capitalised words and numbers as entities, a closed-class tagger for syntax. It
//! also refuses texts over Comprehend's size limit, like the real service, and remembers the
//! largest request so tests can check the limit is respected.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;

use post_call::analysis_text::MAX_ANALYSIS_BYTES;
use post_call::ports::{
    DetectedEntity, DetectedLanguage, KeyPhrase, Sentiment, SentimentResult, SentimentScores,
    SyntaxToken, TextAnalysis, TextAnalysisError,
};

const POSITIVE: &[&str] = &[
    "good",
    "great",
    "thanks",
    "thank",
    "happy",
    "excellent",
    "perfect",
    "love",
    "wonderful",
    "helpful",
    "resolved",
    "appreciate",
    "glad",
    "awesome",
    "fantastic",
    "pleased",
    "nice",
];
const NEGATIVE: &[&str] = &[
    "bad",
    "terrible",
    "angry",
    "upset",
    "problem",
    "issue",
    "wrong",
    "twice",
    "duplicate",
    "frustrated",
    "cancel",
    "complaint",
    "awful",
    "broken",
    "late",
    "never",
    "refund",
    "disappointed",
];
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "for", "with", "by",
    "from", "is", "am", "are", "was", "were", "be", "been", "it", "its", "it's", "i", "i'm", "i'd",
    "i'll", "you", "your", "we", "my", "me", "our", "they", "he", "she", "this", "that", "these",
    "those", "do", "does", "did", "have", "has", "had", "will", "would", "can", "could", "so",
    "not", "no", "yes", "just", "how", "what", "when", "please", "like", "sure", "hi", "hello",
    "very", "there", "here", "all", "about", "as", "up", "out", "them", "there's", "that's",
];
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "this", "that", "these", "those", "my", "your", "our",
];
const PRONOUNS: &[&str] = &[
    "i", "you", "we", "they", "he", "she", "it", "me", "us", "them",
];
const ADPOSITIONS: &[&str] = &[
    "of", "to", "in", "on", "at", "for", "with", "by", "from", "about",
];
const CONJUNCTIONS: &[&str] = &["and", "or", "but", "if", "so", "because"];
const AUXILIARIES: &[&str] = &[
    "is", "am", "are", "was", "were", "be", "been", "do", "does", "did", "have", "has", "had",
    "will", "would", "can", "could",
];

#[derive(Debug, Default)]
pub struct WordListAnalysis {
    requests: AtomicUsize,
    largest_request: AtomicUsize,
}

impl WordListAnalysis {
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls received so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// The largest text received, in UTF-8 bytes.
    pub fn largest_request_bytes(&self) -> usize {
        self.largest_request.load(Ordering::Relaxed)
    }

    fn accept(&self, text: &str) -> Result<(), TextAnalysisError> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.largest_request
            .fetch_max(text.len(), Ordering::Relaxed);
        if text.len() > MAX_ANALYSIS_BYTES {
            return Err(TextAnalysisError::Rejected {
                message: format!(
                    "TextSizeLimitExceededException: {} bytes is over {MAX_ANALYSIS_BYTES}",
                    text.len()
                ),
            });
        }
        Ok(())
    }
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .filter(|word| !word.is_empty())
}

fn is(list: &[&str], word: &str) -> bool {
    list.contains(&word.to_lowercase().as_str())
}

fn round(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[async_trait]
impl TextAnalysis for WordListAnalysis {
    async fn detect_sentiment(
        &self,
        text: &str,
        _language_code: &str,
    ) -> Result<SentimentResult, TextAnalysisError> {
        self.accept(text)?;
        let positive = words(text).filter(|word| is(POSITIVE, word)).count() as f64;
        let negative = words(text).filter(|word| is(NEGATIVE, word)).count() as f64;
        let total = positive + negative;
        let (sentiment, scores) = if total == 0.0 {
            (
                Sentiment::Neutral,
                SentimentScores {
                    positive: 0.02,
                    negative: 0.02,
                    neutral: 0.95,
                    mixed: 0.01,
                },
            )
        } else {
            let share_positive = positive / total;
            let mixed = if positive > 0.0 && negative > 0.0 && (share_positive - 0.5).abs() < 0.15 {
                0.6
            } else {
                0.02
            };
            let rest = 1.0 - mixed - 0.03;
            let scores = SentimentScores {
                positive: round(rest * share_positive),
                negative: round(rest * (1.0 - share_positive)),
                neutral: 0.03,
                mixed,
            };
            let sentiment = if mixed > 0.5 {
                Sentiment::Mixed
            } else if share_positive >= 0.5 {
                Sentiment::Positive
            } else {
                Sentiment::Negative
            };
            (sentiment, scores)
        };
        Ok(SentimentResult {
            sentiment,
            sentiment_score: scores,
        })
    }

    async fn detect_key_phrases(
        &self,
        text: &str,
        _language_code: &str,
    ) -> Result<Vec<KeyPhrase>, TextAnalysisError> {
        self.accept(text)?;
        let mut counts: Vec<(String, usize)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for word in words(text) {
            let lower = word.to_lowercase();
            if lower.chars().count() < 3 || is(STOP_WORDS, &lower) {
                continue;
            }
            match index.get(&lower) {
                Some(&position) => counts[position].1 += 1,
                None => {
                    index.insert(lower.clone(), counts.len());
                    counts.push((lower, 1));
                }
            }
        }
        // Stable: ties keep first-seen order.
        counts.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
        Ok(counts
            .into_iter()
            .take(10)
            .map(|(text, count)| KeyPhrase {
                text,
                score: round(0.9 + 0.01 * count.min(9) as f64),
            })
            .collect())
    }

    async fn detect_dominant_language(
        &self,
        text: &str,
    ) -> Result<Vec<DetectedLanguage>, TextAnalysisError> {
        self.accept(text)?;
        let total = words(text).count().max(1) as f64;
        let english = words(text).filter(|word| is(STOP_WORDS, word)).count() as f64;
        Ok(vec![DetectedLanguage {
            language_code: "en".into(),
            score: round((0.5 + english / total).min(0.99)),
        }])
    }

    async fn detect_entities(
        &self,
        text: &str,
        _language_code: &str,
    ) -> Result<Vec<DetectedEntity>, TextAnalysisError> {
        self.accept(text)?;
        let mut entities = Vec::new();
        let mut sentence_start = true;
        for raw in text.split_whitespace() {
            let word = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '$');
            if !word.is_empty() {
                let entity_type = if word.chars().any(|c| c.is_ascii_digit()) {
                    Some("QUANTITY")
                } else if !sentence_start
                    && word.starts_with(|c: char| c.is_uppercase())
                    && !is(PRONOUNS, word)
                {
                    Some("OTHER")
                } else {
                    None
                };
                if let Some(entity_type) = entity_type {
                    entities.push(DetectedEntity {
                        text: word.to_string(),
                        entity_type: entity_type.into(),
                        score: 0.9,
                    });
                }
            }
            sentence_start = raw.ends_with(['.', '?', '!']);
        }
        Ok(entities)
    }

    async fn detect_syntax(
        &self,
        text: &str,
        _language_code: &str,
    ) -> Result<Vec<SyntaxToken>, TextAnalysisError> {
        self.accept(text)?;
        let mut tokens = Vec::new();
        for raw in text.split_whitespace() {
            let word = raw.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '\'');
            let punctuation = &raw[word.len()..];
            if !word.is_empty() {
                let tag = if word
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '$' || c == ',')
                {
                    "NUM"
                } else if is(DETERMINERS, word) {
                    "DET"
                } else if is(PRONOUNS, word) {
                    "PRON"
                } else if is(ADPOSITIONS, word) {
                    "ADP"
                } else if is(CONJUNCTIONS, word) {
                    "CCONJ"
                } else if is(AUXILIARIES, word) {
                    "AUX"
                } else {
                    "NOUN"
                };
                tokens.push(SyntaxToken {
                    text: word.to_string(),
                    part_of_speech: tag.into(),
                    score: 0.9,
                });
            }
            for mark in punctuation.chars() {
                tokens.push(SyntaxToken {
                    text: mark.to_string(),
                    part_of_speech: "PUNCT".into(),
                    score: 0.99,
                });
            }
        }
        Ok(tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn when_text_is_analysed_locally_should_be_deterministic_and_plausible() {
        let local = WordListAnalysis::new();
        let text = "Hi, I was billed twice for my February gas bill. Thanks, that is great.";
        let first = local.detect_sentiment(text, "en").await.unwrap();
        assert_eq!(first, local.detect_sentiment(text, "en").await.unwrap());
        let phrases = local
            .detect_key_phrases("bill bill refund gas", "en")
            .await
            .unwrap();
        assert_eq!(phrases[0].text, "bill");
        let entities = local.detect_entities(text, "en").await.unwrap();
        assert!(entities.iter().any(|entity| entity.text == "February"));
        let syntax = local.detect_syntax("I paid the bill.", "en").await.unwrap();
        let tags: Vec<&str> = syntax
            .iter()
            .map(|token| token.part_of_speech.as_str())
            .collect();
        assert_eq!(tags, ["PRON", "NOUN", "DET", "NOUN", "PUNCT"]);
        assert_eq!(
            local.detect_dominant_language(text).await.unwrap()[0].language_code,
            "en"
        );
    }

    #[tokio::test]
    async fn when_text_is_over_the_limit_should_refuse_like_comprehend() {
        let local = WordListAnalysis::new();
        let error = local
            .detect_sentiment(&"a".repeat(MAX_ANALYSIS_BYTES + 1), "en")
            .await
            .unwrap_err();
        assert!(!error.is_retryable());
    }
}
