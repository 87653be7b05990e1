//! [`TextAnalysis`] on Amazon Comprehend's real-time detect APIs. The caller keeps each text
//! within Comprehend's 5,000-byte request limit; this adapter only translates.

use async_trait::async_trait;
use aws_sdk_comprehend::Client;
use aws_sdk_comprehend::types::{
    DominantLanguage, Entity, KeyPhrase as SdkKeyPhrase, LanguageCode, SentimentScore,
    SentimentType, SyntaxLanguageCode, SyntaxToken as SdkSyntaxToken,
};
use post_call::ports::{
    DetectedEntity, DetectedLanguage, KeyPhrase, Sentiment, SentimentResult, SentimentScores,
    SyntaxToken, TextAnalysis, TextAnalysisError,
};

use crate::SdkFailure;

pub struct ComprehendAnalysis {
    client: Client,
}

impl ComprehendAnalysis {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// From the Lambda's shared SDK configuration (region, credentials, retry policy).
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(config))
    }
}

fn analysis_error(failure: SdkFailure) -> TextAnalysisError {
    if failure.retryable {
        TextAnalysisError::Unavailable {
            message: failure.to_string(),
        }
    } else {
        TextAnalysisError::Rejected {
            message: failure.to_string(),
        }
    }
}

fn score(value: Option<f32>) -> f64 {
    f64::from(value.unwrap_or_default())
}

fn sentiment_from_sdk(
    sentiment: Option<&SentimentType>,
    scores: Option<&SentimentScore>,
) -> Result<SentimentResult, TextAnalysisError> {
    let sentiment = match sentiment {
        Some(SentimentType::Positive) => Sentiment::Positive,
        Some(SentimentType::Negative) => Sentiment::Negative,
        Some(SentimentType::Neutral) => Sentiment::Neutral,
        Some(SentimentType::Mixed) => Sentiment::Mixed,
        other => {
            return Err(TextAnalysisError::Rejected {
                message: format!("DetectSentiment returned no known sentiment ({other:?})"),
            });
        }
    };
    Ok(SentimentResult {
        sentiment,
        sentiment_score: SentimentScores {
            positive: score(scores.and_then(SentimentScore::positive)),
            negative: score(scores.and_then(SentimentScore::negative)),
            neutral: score(scores.and_then(SentimentScore::neutral)),
            mixed: score(scores.and_then(SentimentScore::mixed)),
        },
    })
}

/// A phrase's text as Comprehend gives it or, when a response leaves it out, the analysed text
/// between the phrase's character offsets; a phrase with neither is dropped.
fn key_phrase_from_sdk(phrase: &SdkKeyPhrase, analysed: &str) -> Option<KeyPhrase> {
    let text = match phrase.text() {
        Some(text) if !text.is_empty() => text.to_string(),
        _ => {
            let begin = usize::try_from(phrase.begin_offset()?).ok()?;
            let end = usize::try_from(phrase.end_offset()?).ok()?;
            let text: String = analysed
                .chars()
                .skip(begin)
                .take(end.checked_sub(begin)?)
                .collect();
            if text.chars().count() != end - begin || text.trim().is_empty() {
                return None;
            }
            text
        }
    };
    Some(KeyPhrase {
        text,
        score: score(phrase.score()),
    })
}

fn language_from_sdk(language: &DominantLanguage) -> DetectedLanguage {
    DetectedLanguage {
        language_code: language.language_code().unwrap_or_default().to_string(),
        score: score(language.score()),
    }
}

fn entity_from_sdk(entity: &Entity) -> DetectedEntity {
    DetectedEntity {
        text: entity.text().unwrap_or_default().to_string(),
        entity_type: entity
            .r#type()
            .map(|kind| kind.as_str().to_string())
            .unwrap_or_default(),
        score: score(entity.score()),
    }
}

fn syntax_token_from_sdk(token: &SdkSyntaxToken) -> SyntaxToken {
    let tag = token.part_of_speech();
    SyntaxToken {
        text: token.text().unwrap_or_default().to_string(),
        part_of_speech: tag
            .and_then(|tag| tag.tag())
            .map(|kind| kind.as_str().to_string())
            .unwrap_or_default(),
        score: score(tag.and_then(|tag| tag.score())),
    }
}

#[async_trait]
impl TextAnalysis for ComprehendAnalysis {
    async fn detect_sentiment(
        &self,
        text: &str,
        language_code: &str,
    ) -> Result<SentimentResult, TextAnalysisError> {
        let output = self
            .client
            .detect_sentiment()
            .text(text)
            .language_code(LanguageCode::from(language_code))
            .send()
            .await
            .map_err(|error| analysis_error(SdkFailure::from_sdk(&error)))?;
        sentiment_from_sdk(output.sentiment(), output.sentiment_score())
    }

    async fn detect_key_phrases(
        &self,
        text: &str,
        language_code: &str,
    ) -> Result<Vec<KeyPhrase>, TextAnalysisError> {
        let output = self
            .client
            .detect_key_phrases()
            .text(text)
            .language_code(LanguageCode::from(language_code))
            .send()
            .await
            .map_err(|error| analysis_error(SdkFailure::from_sdk(&error)))?;
        Ok(output
            .key_phrases()
            .iter()
            .filter_map(|phrase| key_phrase_from_sdk(phrase, text))
            .collect())
    }

    async fn detect_dominant_language(
        &self,
        text: &str,
    ) -> Result<Vec<DetectedLanguage>, TextAnalysisError> {
        let output = self
            .client
            .detect_dominant_language()
            .text(text)
            .send()
            .await
            .map_err(|error| analysis_error(SdkFailure::from_sdk(&error)))?;
        Ok(output.languages().iter().map(language_from_sdk).collect())
    }

    async fn detect_entities(
        &self,
        text: &str,
        language_code: &str,
    ) -> Result<Vec<DetectedEntity>, TextAnalysisError> {
        let output = self
            .client
            .detect_entities()
            .text(text)
            .language_code(LanguageCode::from(language_code))
            .send()
            .await
            .map_err(|error| analysis_error(SdkFailure::from_sdk(&error)))?;
        Ok(output.entities().iter().map(entity_from_sdk).collect())
    }

    async fn detect_syntax(
        &self,
        text: &str,
        language_code: &str,
    ) -> Result<Vec<SyntaxToken>, TextAnalysisError> {
        let output = self
            .client
            .detect_syntax()
            .text(text)
            .language_code(SyntaxLanguageCode::from(language_code))
            .send()
            .await
            .map_err(|error| analysis_error(SdkFailure::from_sdk(&error)))?;
        Ok(output
            .syntax_tokens()
            .iter()
            .map(syntax_token_from_sdk)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_comprehend::types::{EntityType, PartOfSpeechTag, PartOfSpeechTagType};

    use super::*;

    #[test]
    fn when_comprehend_reports_a_sentiment_should_keep_label_and_scores() {
        let scores = SentimentScore::builder()
            .positive(0.75)
            .negative(0.05)
            .neutral(0.15)
            .mixed(0.05)
            .build();
        let result = sentiment_from_sdk(Some(&SentimentType::Positive), Some(&scores))
            .expect("a known sentiment");
        assert_eq!(result.sentiment, Sentiment::Positive);
        assert_eq!(result.sentiment_score.positive, 0.75);
        assert!(sentiment_from_sdk(None, Some(&scores)).is_err());
    }

    #[test]
    fn when_a_key_phrase_has_only_offsets_should_take_its_text_from_the_analysed_text() {
        let analysed = "I would like a refund today";
        let with_text = SdkKeyPhrase::builder().text("a refund").score(0.9).build();
        let offsets_only = SdkKeyPhrase::builder()
            .begin_offset(13)
            .end_offset(21)
            .score(0.9)
            .build();
        let out_of_range = SdkKeyPhrase::builder()
            .begin_offset(20)
            .end_offset(90)
            .build();
        assert_eq!(
            key_phrase_from_sdk(&with_text, analysed).map(|phrase| phrase.text),
            Some("a refund".to_string())
        );
        assert_eq!(
            key_phrase_from_sdk(&offsets_only, analysed).map(|phrase| phrase.text),
            Some("a refund".to_string())
        );
        assert_eq!(key_phrase_from_sdk(&out_of_range, analysed), None);
    }

    #[test]
    fn when_comprehend_reports_entities_and_syntax_should_keep_types_and_tags() {
        let entity = Entity::builder()
            .text("Seattle")
            .r#type(EntityType::Location)
            .score(0.5)
            .build();
        let entity = entity_from_sdk(&entity);
        assert_eq!(entity.entity_type, "LOCATION");
        assert_eq!(entity.text, "Seattle");

        let token = SdkSyntaxToken::builder()
            .text("refund")
            .part_of_speech(
                PartOfSpeechTag::builder()
                    .tag(PartOfSpeechTagType::Noun)
                    .score(0.25)
                    .build(),
            )
            .build();
        let token = syntax_token_from_sdk(&token);
        assert_eq!(token.part_of_speech, "NOUN");
        assert_eq!(token.score, 0.25);

        let language = language_from_sdk(
            &DominantLanguage::builder()
                .language_code("en")
                .score(0.5)
                .build(),
        );
        assert_eq!(language.language_code, "en");
    }
}
