//! Transcribe's batch output (with channel identification) and the per-side segments the CTI
//! adapter displays.
//!
//! Segment rule (the old package's, so the Salesforce components read the same JSON): words of
//! one channel are joined while each starts within 2 s of its segment's start and the segment
//! does not yet end in `. , ? : !`; a punctuation mark is appended to the open segment unless
//! it already ends in one; each word takes its most confident alternative. Each segment is
//! `{"start_time": 4.85, "end_time": 6.3, "content": "Hi, I was billed twice."}`; unlike the
//! old package, `end_time` is that of the segment's last word rather than its first.

use serde::{Deserialize, Deserializer, Serialize};

/// Transcribe's output document (only what the import reads).
#[derive(Debug, Clone, Deserialize)]
pub struct TranscribeOutput {
    #[serde(rename = "jobName", default)]
    pub job_name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    pub results: TranscribeResults,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TranscribeResults {
    #[serde(default)]
    pub transcripts: Vec<TranscriptText>,
    #[serde(default)]
    pub channel_labels: Option<ChannelLabels>,
    #[serde(default)]
    pub items: Vec<TranscriptItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TranscriptText {
    pub transcript: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChannelLabels {
    #[serde(default)]
    pub channels: Vec<ChannelItems>,
    #[serde(default)]
    pub number_of_channels: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChannelItems {
    pub channel_label: String,
    #[serde(default)]
    pub items: Vec<TranscriptItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TranscriptItem {
    #[serde(default, deserialize_with = "seconds")]
    pub start_time: Option<f64>,
    #[serde(default, deserialize_with = "seconds")]
    pub end_time: Option<f64>,
    #[serde(default)]
    pub alternatives: Vec<Alternative>,
    #[serde(rename = "type", default)]
    pub item_type: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Alternative {
    #[serde(default, deserialize_with = "seconds")]
    pub confidence: Option<f64>,
    #[serde(default)]
    pub content: String,
}

/// One displayed line of a side of the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptSegment {
    pub start_time: f64,
    pub end_time: f64,
    pub content: String,
}

/// The customer's channel (Connect records the customer on the first channel).
pub const CUSTOMER_CHANNEL: &str = "ch_0";
pub const AGENT_CHANNEL: &str = "ch_1";

/// Transcribe writes times and confidences as strings; accept numbers too.
fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Number(f64),
        Text(String),
    }
    match Option::<Seconds>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Seconds::Number(value)) => Ok(Some(value)),
        Some(Seconds::Text(text)) => {
            text.trim().parse().map(Some).map_err(|_| {
                serde::de::Error::custom(format!("{text:?} is not a number of seconds"))
            })
        }
    }
}

impl TranscribeOutput {
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|error| {
            format!(
                "{:?} error at line {} column {}",
                error.classify(),
                error.line(),
                error.column()
            )
        })
    }

    /// The items of a channel (`ch_0`, `ch_1`); `None` when the job had no channel
    /// identification, so the sides cannot be told apart.
    pub fn channel(&self, label: &str) -> Option<&[TranscriptItem]> {
        let labels = self.results.channel_labels.as_ref()?;
        Some(
            labels
                .channels
                .iter()
                .find(|channel| channel.channel_label == label)
                .map(|channel| channel.items.as_slice())
                .unwrap_or_default(),
        )
    }
}

const CLOSING_MARKS: [char; 5] = ['.', ',', '?', ':', '!'];

fn ends_closed(text: &str) -> bool {
    text.ends_with(CLOSING_MARKS)
}

/// Groups one channel's items into segments (see the module documentation).
pub fn segments(items: &[TranscriptItem]) -> Vec<TranscriptSegment> {
    let mut segments: Vec<TranscriptSegment> = Vec::new();
    for item in items {
        let (Some(start), end) = (item.start_time, item.end_time) else {
            if item.item_type == "punctuation"
                && let (Some(last), Some(mark)) = (segments.last_mut(), item.alternatives.first())
                && !ends_closed(&last.content)
            {
                last.content.push_str(&mark.content);
            }
            continue;
        };
        let best = item
            .alternatives
            .iter()
            .filter(|alternative| alternative.confidence.unwrap_or(0.0) > 0.0)
            .max_by(|a, b| {
                a.confidence
                    .unwrap_or(0.0)
                    .total_cmp(&b.confidence.unwrap_or(0.0))
            });
        let Some(word) = best.map(|alternative| alternative.content.as_str()) else {
            continue;
        };
        if word.is_empty() {
            continue;
        }
        let end = end.unwrap_or(start);
        match segments.last_mut() {
            Some(last) if start - last.start_time <= 2.0 && !ends_closed(&last.content) => {
                last.content.push(' ');
                last.content.push_str(word);
                last.end_time = end;
            }
            _ => segments.push(TranscriptSegment {
                start_time: start,
                end_time: end,
                content: word.to_string(),
            }),
        }
    }
    segments
}

/// The side's text for analysis: segments joined with spaces.
pub fn full_text(segments: &[TranscriptSegment]) -> String {
    segments
        .iter()
        .map(|segment| segment.content.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixtures;

    fn fixture() -> TranscribeOutput {
        TranscribeOutput::parse(fixtures::text("transcribe/transcript-two-channel.json").as_bytes())
            .unwrap()
    }

    #[test]
    fn when_fixture_is_split_should_give_the_customer_channel_zero_and_the_agent_one() {
        let output = fixture();
        let customer = segments(output.channel(CUSTOMER_CHANNEL).unwrap());
        let agent = segments(output.channel(AGENT_CHANNEL).unwrap());
        assert!(customer[0].content.starts_with("Hi,"), "{customer:?}");
        assert_eq!(customer[0].start_time, 4.85);
        assert!(
            agent[0].content.starts_with("Thanks for calling"),
            "{agent:?}"
        );
        assert!(full_text(&customer).contains("4719208"));
        assert!(!full_text(&customer).contains("Priya"));
        for segment in customer.iter().chain(&agent) {
            assert!(segment.end_time >= segment.start_time);
            assert!(!segment.content.starts_with(CLOSING_MARKS));
        }
    }

    #[test]
    fn when_words_are_far_apart_or_closed_should_start_a_new_segment() {
        let item = |start: &str, end: &str, word: &str| TranscriptItem {
            start_time: start.parse().ok(),
            end_time: end.parse().ok(),
            alternatives: vec![Alternative {
                confidence: Some(0.9),
                content: word.into(),
            }],
            item_type: if start.is_empty() {
                "punctuation"
            } else {
                "pronunciation"
            }
            .into(),
        };
        let lines = segments(&[
            item("0.0", "0.2", "Hello"),
            item("", "", ","),
            item("", "", "."),
            item("0.5", "0.7", "there"),
            item("0.8", "1.0", "friend"),
            item("3.5", "3.9", "later"),
        ]);
        let contents: Vec<&str> = lines.iter().map(|s| s.content.as_str()).collect();
        assert_eq!(contents, ["Hello,", "there friend", "later"]);
        assert_eq!(lines[1].end_time, 1.0);
    }

    #[test]
    fn when_output_has_no_channel_labels_should_not_pretend_to_split() {
        let output =
            TranscribeOutput::parse(br#"{"results":{"transcripts":[],"items":[]}}"#).unwrap();
        assert!(output.channel(CUSTOMER_CHANNEL).is_none());
        assert!(TranscribeOutput::parse(b"{}").is_err());
    }
}
