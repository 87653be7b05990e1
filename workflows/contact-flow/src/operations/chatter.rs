//! createChatterPost and createChatterComment with templated text.

use std::collections::BTreeMap;

use salesforce_client::{FeedElement, MessageSegment};

use crate::api_name::is_api_name;
use crate::chatter_template;
use crate::error::InvokeError;
use crate::flatten::FlowResult;
use crate::operation::Operation;
use crate::parameters::FlowParameters;
use crate::port::SalesforceApi;
use crate::record_id::validate_record_id;

pub(crate) async fn post(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
) -> Result<FlowResult, InvokeError> {
    let operation = Operation::CreateChatterPost;
    let feed_element_type = parameters.required(operation, "sf_feedElementType")?.trim();
    if !is_api_name(feed_element_type) {
        return Err(InvokeError::invalid(
            "sf_feedElementType",
            "must be a feed element type such as FeedItem",
        ));
    }
    let subject_id = validate_record_id(
        "sf_subjectId",
        parameters.required(operation, "sf_subjectId")?,
    )?;
    text_segment_type(parameters, "sf_messageType")?;
    let text = fill(
        parameters,
        operation,
        parameters.required(operation, "sf_message")?,
    )?;
    let mut segments = vec![MessageSegment::Text { text }];
    if let Some(mention) = parameters.optional("sf_mention") {
        let id = validate_record_id("sf_mention", mention)?;
        segments.push(MessageSegment::Mention { id: id.to_string() });
    }
    let element = FeedElement {
        feed_element_type: feed_element_type.to_string(),
        subject_id: subject_id.to_string(),
        segments,
    };
    let id = api.post_feed_element(&element).await?;
    Ok(FlowResult::from([("Id".to_string(), id)]))
}

pub(crate) async fn comment(
    api: &dyn SalesforceApi,
    parameters: &FlowParameters,
) -> Result<FlowResult, InvokeError> {
    let operation = Operation::CreateChatterComment;
    let feed_element_id = validate_record_id(
        "sf_feedElementId",
        parameters.required(operation, "sf_feedElementId")?,
    )?;
    text_segment_type(parameters, "sf_commentType")?;
    let text = fill(
        parameters,
        operation,
        parameters.required(operation, "sf_commentMessage")?,
    )?;
    let id = api
        .post_comment(feed_element_id, &[MessageSegment::Text { text }])
        .await?;
    Ok(FlowResult::from([("Id".to_string(), id)]))
}

/// The message type: `Text` (any case), or absent meaning `Text`; the only segment type a
/// contact flow can build from a string.
fn text_segment_type(parameters: &FlowParameters, name: &str) -> Result<(), InvokeError> {
    match parameters.optional(name) {
        None => Ok(()),
        Some(kind) if kind.trim().eq_ignore_ascii_case("text") => Ok(()),
        Some(_) => Err(InvokeError::invalid(name, "only Text is supported")),
    }
}

fn fill(
    parameters: &FlowParameters,
    operation: Operation,
    message: &str,
) -> Result<String, InvokeError> {
    let values: BTreeMap<&str, &str> = parameters.others(operation).collect();
    chatter_template::fill(message, &values)
}

#[cfg(test)]
mod tests {
    use salesforce_client::MessageSegment;

    use crate::invoke;
    use crate::parameters::FlowParameters;
    use crate::testing::{Call, RecordingSalesforce, fixed_now, fixture_parameters, pairs};

    #[tokio::test]
    async fn when_chatter_post_fixture_runs_should_fill_the_template_and_mention_after_the_text() {
        let mut api = RecordingSalesforce::default();
        api.created_id = "0D55e00008ZfR7cCAF".into();
        let result = invoke(&api, &fixture_parameters("createChatterPost"), fixed_now())
            .await
            .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::FeedElement {
                feed_element_type: "FeedItem".into(),
                subject_id: "5005e00001Hn2WQAAZ".into(),
                segments: vec![
                    MessageSegment::Text {
                        text: "Customer called from +12065550143 about case 00001847: duplicate charge of $84.00 refunded by Priya Raman.".into()
                    },
                    MessageSegment::Mention { id: "0055e000007xKp2AAE".into() },
                ],
            }]
        );
        assert_eq!(pairs(&result), vec![("Id", "0D55e00008ZfR7cCAF")]);
    }

    #[tokio::test]
    async fn when_chatter_comment_fixture_runs_should_fill_the_spaced_placeholder() {
        let api = RecordingSalesforce::default();
        let result = invoke(
            &api,
            &fixture_parameters("createChatterComment"),
            fixed_now(),
        )
        .await
        .unwrap_or_default();
        assert_eq!(
            api.calls(),
            vec![Call::Comment {
                feed_element_id: "0D55e00008ZfR7cCAF".into(),
                segments: vec![MessageSegment::Text {
                    text: "Refund confirmation emailed during contact 8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08.".into()
                }],
            }]
        );
        assert_eq!(pairs(&result), vec![("Id", "5005e00001Hn2WQAAZ")]);
    }

    #[tokio::test]
    async fn when_template_key_is_missing_should_not_post() {
        let api = RecordingSalesforce::default();
        let parameters = FlowParameters::from([
            ("sf_operation", "createChatterComment"),
            ("sf_feedElementId", "0D55e00008ZfR7cCAF"),
            ("sf_commentType", "Text"),
            ("sf_commentMessage", "During {{ contactId }}"),
        ]);
        let message = invoke(&api, &parameters, fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("the message uses {{contactId}} but no parameter named contactId was given")
        );
        assert!(api.calls().is_empty());
    }

    #[tokio::test]
    async fn when_message_type_or_ids_are_invalid_should_refuse() {
        let api = RecordingSalesforce::default();
        let base = [
            ("sf_operation", "createChatterPost"),
            ("sf_feedElementType", "FeedItem"),
            ("sf_subjectId", "5005e00001Hn2WQAAZ"),
            ("sf_messageType", "Hashtag"),
            ("sf_message", "hi"),
        ];
        let message = invoke(&api, &FlowParameters::from(base), fixed_now())
            .await
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            message.as_deref(),
            Some("the parameter sf_messageType is invalid: only Text is supported")
        );
        let mut mention = base;
        mention[3] = ("sf_messageType", "Text");
        let mut with_mention: Vec<(&str, &str)> = mention.to_vec();
        with_mention.push(("sf_mention", "me"));
        let parameters = FlowParameters::from(
            with_mention
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<std::collections::BTreeMap<_, _>>(),
        );
        let error = invoke(&api, &parameters, fixed_now()).await.err();
        assert!(
            matches!(error, Some(crate::InvokeError::InvalidParameter { ref name, .. }) if name == "sf_mention")
        );
        assert!(api.calls().is_empty());
    }
}
