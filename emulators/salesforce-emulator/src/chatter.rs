//! Chatter (Connect REST API) message bodies: the segments clients post and the text stored
//! in `FeedItem.Body` / `FeedComment.CommentBody`.

use serde::Deserialize;
use serde_json::{Value, json};

/// `{"messageSegments": [...]}` as posted.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageBodyInput {
    #[serde(default)]
    pub message_segments: Vec<SegmentInput>,
}

/// One posted segment. Unknown segment types are kept but add no text.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type")]
pub enum SegmentInput {
    Text {
        text: String,
    },
    Mention {
        id: String,
    },
    Link {
        url: String,
    },
    #[serde(other)]
    Other,
}

impl SegmentInput {
    /// The user ids mentioned in a body, in order.
    pub fn mentioned_ids(segments: &[SegmentInput]) -> Vec<String> {
        segments
            .iter()
            .filter_map(|segment| match segment {
                Self::Mention { id } => Some(id.clone()),
                _ => None,
            })
            .collect()
    }
}

/// A mention resolved to the user's display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionedUser {
    pub id: String,
    pub name: String,
}

/// A body after mentions were resolved: the stored text and the segments echoed back.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedBody {
    pub text: String,
    pub segments: Vec<Value>,
}

impl RenderedBody {
    /// `mentions` must hold one entry per Mention segment, in order.
    pub fn render(segments: &[SegmentInput], mentions: &[MentionedUser]) -> Self {
        let mut mentions = mentions.iter();
        let mut text = String::new();
        let mut rendered = Vec::new();
        for segment in segments {
            match segment {
                SegmentInput::Text { text: part } => {
                    text.push_str(part);
                    rendered.push(json!({ "type": "Text", "text": part }));
                }
                SegmentInput::Mention { id } => {
                    let name = mentions
                        .next()
                        .map_or_else(|| id.clone(), |user| user.name.clone());
                    let mention_text = format!("@{name}");
                    text.push_str(&mention_text);
                    rendered.push(json!({
                        "type": "Mention",
                        "text": mention_text,
                        "name": name,
                        "accessible": true,
                        "record": { "id": id, "type": "User", "displayName": name },
                    }));
                }
                SegmentInput::Link { url } => {
                    text.push_str(url);
                    rendered.push(json!({ "type": "Link", "text": url, "url": url }));
                }
                SegmentInput::Other => {}
            }
        }
        Self {
            text,
            segments: rendered,
        }
    }

    pub fn json(&self) -> Value {
        json!({ "isRichText": false, "messageSegments": self.segments, "text": self.text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_a_user_is_mentioned_should_render_at_name_in_the_text() {
        let body: MessageBodyInput = serde_json::from_value(json!({"messageSegments": [
            {"type": "Text", "text": "Refund done "},
            {"type": "Mention", "id": "0055e000007xKp2AAE"},
            {"type": "MarkupBegin", "markupType": "Bold"},
        ]}))
        .expect("valid body");
        let mentions = [MentionedUser {
            id: "0055e000007xKp2AAE".into(),
            name: "Priya Raman".into(),
        }];
        let rendered = RenderedBody::render(&body.message_segments, &mentions);
        assert_eq!(rendered.text, "Refund done @Priya Raman");
        assert_eq!(rendered.segments.len(), 2);
    }
}
