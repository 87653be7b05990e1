//! The requested Comprehend analyses of the customer's side, run chunk by chunk through the
//! [`TextAnalysis`] port, combined, and formatted as the CTI adapter's fields expect.
//!
//! Combining chunks: sentiment scores are averaged weighted by chunk length and the label is
//! the highest average (a single chunk keeps Comprehend's own label); key phrases and entities
//! are concatenated without repeats; the dominant language is the first chunk's; syntax tokens
//! are concatenated.

use serde::Serialize;
use serde_json::json;

use crate::analysis_text::{MAX_ANALYSIS_BYTES, MAX_CHUNKS, analysis_chunks};
use crate::plan::ComprehendAnalysis;
use crate::ports::{
    DetectedEntity, KeyPhrase, Sentiment, SentimentResult, SentimentScores, SyntaxToken,
    TextAnalysis, TextAnalysisError,
};

/// Long text fields on the CCA hold 131,072 characters; the old package stopped adding
/// phrases at 131,000.
pub const MAX_LIST_FIELD_CHARS: usize = 131_000;

/// Formatted results, ready for the CCA fields and the syntax attachment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormattedAnalyses {
    /// `Sentiment__c`, e.g. `POSITIVE, 0.98`.
    pub sentiment: Option<String>,
    /// `Keywords__c`: `, `-separated phrases.
    pub keywords: Option<String>,
    /// `DominantLanguage__c`: a language code.
    pub dominant_language: Option<String>,
    /// `NamedEntities__c`: `Text:TYPE, …`.
    pub named_entities: Option<String>,
    /// `ComprehendSyntax.json`: `[{"text":"NOUN:bill","size":2}, …]`.
    pub syntax_json: Option<String>,
    /// Analyses Comprehend refused (unsupported language…), with its reason.
    pub refused: Vec<RefusedAnalysis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedAnalysis {
    pub analysis: ComprehendAnalysis,
    pub reason: String,
}

/// Comprehend's language code for a Transcribe one: `en-US` → `en`, but `zh-TW` stays.
pub fn comprehend_language(transcribe_language: &str) -> String {
    if transcribe_language.eq_ignore_ascii_case("zh-TW") {
        return "zh-TW".into();
    }
    transcribe_language
        .split('-')
        .next()
        .unwrap_or(transcribe_language)
        .to_ascii_lowercase()
}

/// Runs `analyses` on `text`. A refusal skips that analysis (recorded in `refused`) so the
/// transcripts and the other analyses are still imported; an outage is an error so the step
/// is retried.
pub async fn analyse(
    analysis: &dyn TextAnalysis,
    text: &str,
    transcribe_language: &str,
    analyses: &[ComprehendAnalysis],
) -> Result<FormattedAnalyses, (ComprehendAnalysis, TextAnalysisError)> {
    let chunks = analysis_chunks(text, MAX_ANALYSIS_BYTES, MAX_CHUNKS);
    let mut formatted = FormattedAnalyses::default();
    if chunks.is_empty() {
        return Ok(formatted);
    }
    let language = comprehend_language(transcribe_language);
    for &requested in analyses {
        let outcome = run_one(analysis, &chunks, &language, requested, &mut formatted).await;
        match outcome {
            Ok(()) => {}
            Err(error) if error.is_retryable() => return Err((requested, error)),
            Err(error) => formatted.refused.push(RefusedAnalysis {
                analysis: requested,
                reason: error.to_string(),
            }),
        }
    }
    Ok(formatted)
}

async fn run_one(
    analysis: &dyn TextAnalysis,
    chunks: &[&str],
    language: &str,
    requested: ComprehendAnalysis,
    formatted: &mut FormattedAnalyses,
) -> Result<(), TextAnalysisError> {
    match requested {
        ComprehendAnalysis::Sentiment => {
            let mut results = Vec::new();
            for chunk in chunks {
                results.push((
                    chunk.len(),
                    analysis.detect_sentiment(chunk, language).await?,
                ));
            }
            formatted.sentiment =
                combine_sentiment(&results).map(|result| format_sentiment(&result));
        }
        ComprehendAnalysis::KeyPhrases => {
            let mut phrases: Vec<KeyPhrase> = Vec::new();
            for chunk in chunks {
                for phrase in analysis.detect_key_phrases(chunk, language).await? {
                    if !phrases
                        .iter()
                        .any(|seen| seen.text.eq_ignore_ascii_case(&phrase.text))
                    {
                        phrases.push(phrase);
                    }
                }
            }
            formatted.keywords = Some(join_within(
                phrases.iter().map(|phrase| phrase.text.clone()),
                MAX_LIST_FIELD_CHARS,
            ));
        }
        ComprehendAnalysis::DominantLanguage => {
            let languages = analysis.detect_dominant_language(chunks[0]).await?;
            formatted.dominant_language =
                languages.first().map(|found| found.language_code.clone());
        }
        ComprehendAnalysis::Entities => {
            let mut entities: Vec<DetectedEntity> = Vec::new();
            for chunk in chunks {
                for entity in analysis.detect_entities(chunk, language).await? {
                    if !entities.iter().any(|seen| {
                        seen.text == entity.text && seen.entity_type == entity.entity_type
                    }) {
                        entities.push(entity);
                    }
                }
            }
            formatted.named_entities = Some(join_within(
                entities
                    .iter()
                    .map(|entity| format!("{}:{}", entity.text, entity.entity_type)),
                MAX_LIST_FIELD_CHARS,
            ));
        }
        ComprehendAnalysis::Syntax => {
            let mut tokens: Vec<SyntaxToken> = Vec::new();
            for chunk in chunks {
                tokens.extend(analysis.detect_syntax(chunk, language).await?);
            }
            formatted.syntax_json = Some(format_syntax(&tokens));
        }
    }
    Ok(())
}

/// Length-weighted average of the chunks' scores; the label with the highest average wins.
pub fn combine_sentiment(results: &[(usize, SentimentResult)]) -> Option<SentimentResult> {
    match results {
        [] => None,
        [(_, single)] => Some(*single),
        many => {
            let total: usize = many.iter().map(|(weight, _)| *weight).sum();
            let total = total.max(1) as f64;
            let mut scores = SentimentScores::default();
            for (weight, result) in many {
                let share = *weight as f64 / total;
                scores.positive += result.sentiment_score.positive * share;
                scores.negative += result.sentiment_score.negative * share;
                scores.neutral += result.sentiment_score.neutral * share;
                scores.mixed += result.sentiment_score.mixed * share;
            }
            let sentiment = [
                Sentiment::Positive,
                Sentiment::Negative,
                Sentiment::Neutral,
                Sentiment::Mixed,
            ]
            .into_iter()
            .max_by(|a, b| scores.score_of(*a).total_cmp(&scores.score_of(*b)))
            .unwrap_or(Sentiment::Neutral);
            Some(SentimentResult {
                sentiment,
                sentiment_score: scores,
            })
        }
    }
}

/// `LABEL, score` with the label's own score, as the old package wrote it.
pub fn format_sentiment(result: &SentimentResult) -> String {
    format!(
        "{}, {}",
        result.sentiment.as_str(),
        result.sentiment_score.score_of(result.sentiment)
    )
}

/// Joins with `, ` and stops before the text would pass `limit` characters.
pub fn join_within(items: impl Iterator<Item = String>, limit: usize) -> String {
    let mut joined = String::new();
    let mut length = 0;
    for item in items {
        let separator = if joined.is_empty() { 0 } else { 2 };
        let item_length = item.chars().count();
        if length + separator + item_length > limit {
            break;
        }
        if separator > 0 {
            joined.push_str(", ");
        }
        joined.push_str(&item);
        length += separator + item_length;
    }
    joined
}

/// `[{"text":"TAG:token","size":count}]` in first-seen order (a word-cloud input).
pub fn format_syntax(tokens: &[SyntaxToken]) -> String {
    let mut counts: Vec<(String, u64)> = Vec::new();
    for token in tokens {
        let key = format!("{}:{}", token.part_of_speech, token.text);
        match counts.iter_mut().find(|(seen, _)| *seen == key) {
            Some((_, count)) => *count += 1,
            None => counts.push((key, 1)),
        }
    }
    let entries: Vec<_> = counts
        .into_iter()
        .map(|(text, size)| json!({"text": text, "size": size}))
        .collect();
    serde_json::Value::Array(entries).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(sentiment: Sentiment, positive: f64, negative: f64) -> SentimentResult {
        SentimentResult {
            sentiment,
            sentiment_score: SentimentScores {
                positive,
                negative,
                neutral: 1.0 - positive - negative,
                mixed: 0.0,
            },
        }
    }

    #[test]
    fn when_one_chunk_is_analysed_should_keep_comprehends_label_and_score() {
        let single = result(Sentiment::Positive, 0.98, 0.01);
        assert_eq!(
            format_sentiment(&combine_sentiment(&[(10, single)]).unwrap()),
            "POSITIVE, 0.98"
        );
    }

    #[test]
    fn when_chunks_disagree_should_weight_by_length() {
        let combined = combine_sentiment(&[
            (4_000, result(Sentiment::Negative, 0.1, 0.8)),
            (1_000, result(Sentiment::Positive, 0.9, 0.05)),
        ])
        .unwrap();
        assert_eq!(combined.sentiment, Sentiment::Negative);
        assert!((combined.sentiment_score.negative - 0.65).abs() < 1e-9);
    }

    #[test]
    fn when_lists_are_joined_should_stop_before_the_limit() {
        let joined = join_within(["alpha", "beta", "gamma"].map(String::from).into_iter(), 11);
        assert_eq!(joined, "alpha, beta");
    }

    #[test]
    fn when_syntax_repeats_should_count_each_tag_and_word() {
        let token = |text: &str, tag: &str| SyntaxToken {
            text: text.into(),
            part_of_speech: tag.into(),
            score: 0.9,
        };
        assert_eq!(
            format_syntax(&[
                token("bill", "NOUN"),
                token("paid", "VERB"),
                token("bill", "NOUN")
            ]),
            r#"[{"text":"NOUN:bill","size":2},{"text":"VERB:paid","size":1}]"#
        );
    }

    #[test]
    fn when_language_is_a_transcribe_code_should_map_to_comprehends() {
        assert_eq!(comprehend_language("en-US"), "en");
        assert_eq!(comprehend_language("es-US"), "es");
        assert_eq!(comprehend_language("zh-TW"), "zh-TW");
    }
}
