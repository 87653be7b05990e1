//! Amazon Comprehend's synchronous Detect* calls, in its vocabulary. Each call receives at
//! most [`crate::analysis_text::MAX_ANALYSIS_BYTES`] of UTF-8 text.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Sentiment {
    Positive,
    Negative,
    Neutral,
    Mixed,
}

impl Sentiment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positive => "POSITIVE",
            Self::Negative => "NEGATIVE",
            Self::Neutral => "NEUTRAL",
            Self::Mixed => "MIXED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SentimentScores {
    pub positive: f64,
    pub negative: f64,
    pub neutral: f64,
    pub mixed: f64,
}

impl SentimentScores {
    pub fn score_of(&self, sentiment: Sentiment) -> f64 {
        match sentiment {
            Sentiment::Positive => self.positive,
            Sentiment::Negative => self.negative,
            Sentiment::Neutral => self.neutral,
            Sentiment::Mixed => self.mixed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SentimentResult {
    pub sentiment: Sentiment,
    pub sentiment_score: SentimentScores,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyPhrase {
    pub text: String,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetectedLanguage {
    pub language_code: String,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetectedEntity {
    pub text: String,
    #[serde(rename = "Type")]
    pub entity_type: String,
    pub score: f64,
}

/// A token with its part-of-speech tag (`NOUN`, `VERB`, `PUNCT`…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SyntaxToken {
    pub text: String,
    pub part_of_speech: String,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextAnalysisError {
    /// Throttling, service errors, timeouts: worth retrying.
    #[error("Amazon Comprehend is unavailable: {message}")]
    Unavailable { message: String },
    /// Unsupported language, text too large, invalid request.
    #[error("Amazon Comprehend refused the request: {message}")]
    Rejected { message: String },
}

impl TextAnalysisError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

#[async_trait]
pub trait TextAnalysis: Send + Sync {
    async fn detect_sentiment(
        &self,
        text: &str,
        language_code: &str,
    ) -> Result<SentimentResult, TextAnalysisError>;
    async fn detect_key_phrases(
        &self,
        text: &str,
        language_code: &str,
    ) -> Result<Vec<KeyPhrase>, TextAnalysisError>;
    /// Languages found, most likely first.
    async fn detect_dominant_language(
        &self,
        text: &str,
    ) -> Result<Vec<DetectedLanguage>, TextAnalysisError>;
    async fn detect_entities(
        &self,
        text: &str,
        language_code: &str,
    ) -> Result<Vec<DetectedEntity>, TextAnalysisError>;
    async fn detect_syntax(
        &self,
        text: &str,
        language_code: &str,
    ) -> Result<Vec<SyntaxToken>, TextAnalysisError>;
}
