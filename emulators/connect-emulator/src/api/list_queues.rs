//! ListQueues: `GET /queues-summary/{InstanceId}?queueTypes=&nextToken=&maxResults=`.

use serde_json::{Value, json};

use crate::api::{Instance, Operation, page_size};
use crate::error::ConnectError;
use crate::paging::{PageToken, fingerprint, page};

const QUEUE_TYPES: [&str; 2] = ["STANDARD", "AGENT"];
const MAX_RESULTS: i64 = 1_000;
const DEFAULT_MAX_RESULTS: usize = 100;

/// The query parameters, as the SDK writes them.
#[derive(Debug, Default, PartialEq, Eq)]
struct ListQueuesQuery {
    queue_types: Vec<String>,
    next_token: Option<String>,
    max_results: Option<String>,
}

fn parse_query(query: Option<&str>) -> ListQueuesQuery {
    let mut parsed = ListQueuesQuery::default();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        match key {
            "queueTypes" => parsed.queue_types.push(value),
            "nextToken" => parsed.next_token = Some(value),
            "maxResults" => parsed.max_results = Some(value),
            _ => {}
        }
    }
    parsed
}

/// `%XX` decoding of a query value (`+` stays `+`, as the SDK escapes it).
pub(crate) fn percent_decode(value: &str) -> String {
    fn hex(byte: u8) -> Option<u8> {
        char::from(byte)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some(hex(*bytes.get(i + 1)?)? * 16 + hex(*bytes.get(i + 2)?)?))
            .flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn list_queues(
    instance: &Instance,
    instance_id: &str,
    query: Option<&str>,
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let query = parse_query(query);
    if let Some(bad) = query
        .queue_types
        .iter()
        .find(|t| !QUEUE_TYPES.contains(&t.as_str()))
    {
        return Err(ConnectError::InvalidParameter(format!(
            "1 validation error detected: Value '[{bad}]' at 'queueTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [AGENT, STANDARD]]"
        )));
    }
    let max_results = query
        .max_results
        .as_deref()
        .map(|text| {
            text.parse::<i64>().map_err(|_| {
                ConnectError::Serialization(format!("Invalid value for maxResults: {text}"))
            })
        })
        .transpose()?;
    let page_size = page_size("maxResults", max_results, MAX_RESULTS, DEFAULT_MAX_RESULTS)?;
    let fingerprint = fingerprint(
        Operation::ListQueues.name(),
        &(&instance.seed.instance_id, &query.queue_types),
    );
    let offset = match &query.next_token {
        Some(token) => PageToken::decode(token, fingerprint)?.offset,
        None => 0,
    };

    let matching: Vec<_> = instance
        .seed
        .queues
        .iter()
        .filter(|queue| {
            query.queue_types.is_empty()
                || queue
                    .queue_type
                    .as_ref()
                    .is_some_and(|t| query.queue_types.contains(t))
        })
        .collect();
    let (queues, next_token) = page(&matching, offset, page_size, |next| {
        PageToken {
            offset: next,
            snapshot: 0,
            snapshot_time_ms: 0,
        }
        .encode(fingerprint)
    });
    let mut answer = json!({ "QueueSummaryList": queues });
    if let Some(token) = next_token {
        answer["NextToken"] = json!(token);
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{QueueSummary, Seed};

    fn ids(answer: &Value) -> Vec<String> {
        answer["QueueSummaryList"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|q| q["Id"].as_str().expect("an id").to_owned())
            .collect()
    }

    #[test]
    fn when_max_results_is_absent_should_page_by_100() {
        let instance = Instance::new(Seed::with_queues(150));
        let id = instance.seed.instance_id.clone();
        let first = list_queues(&instance, &id, None).expect("first page");
        assert_eq!(ids(&first).len(), 100);
        let token = first["NextToken"].as_str().expect("a token");
        let second =
            list_queues(&instance, &id, Some(&format!("nextToken={token}"))).expect("second page");
        assert_eq!(ids(&second).len(), 50);
        assert!(second.get("NextToken").is_none());
    }

    #[test]
    fn queue_types_should_filter_and_be_repeatable() {
        let mut seed = Seed::with_queues(2);
        let agent = QueueSummary::agent(&seed, "agent-queue-1");
        seed.queues.push(agent);
        let instance = Instance::new(seed);
        let id = instance.seed.instance_id.clone();
        let standard = list_queues(&instance, &id, Some("queueTypes=STANDARD")).expect("listed");
        assert_eq!(ids(&standard).len(), 2);
        let agent = list_queues(&instance, &id, Some("queueTypes=AGENT")).expect("listed");
        assert_eq!(ids(&agent), ["agent-queue-1"]);
        let both = list_queues(&instance, &id, Some("queueTypes=AGENT&queueTypes=STANDARD"))
            .expect("listed");
        assert_eq!(ids(&both).len(), 3);
        let bad = list_queues(&instance, &id, Some("queueTypes=OTHER")).expect_err("refused");
        assert_eq!(bad.error_type(), "InvalidParameterException");
    }

    #[test]
    fn when_max_results_is_out_of_range_or_the_token_is_foreign_should_refuse() {
        let instance = Instance::new(Seed::with_queues(3));
        let id = instance.seed.instance_id.clone();
        for query in ["maxResults=0", "maxResults=1001"] {
            let error = list_queues(&instance, &id, Some(query)).expect_err("refused");
            assert_eq!(error.error_type(), "InvalidParameterException", "{query}");
        }
        let first =
            list_queues(&instance, &id, Some("maxResults=1&queueTypes=STANDARD")).expect("listed");
        let token = first["NextToken"].as_str().expect("a token");
        let foreign = list_queues(&instance, &id, Some(&format!("nextToken={token}")))
            .expect_err("a token of another request");
        assert_eq!(foreign.to_string(), "Invalid parameter: NextToken");
        let unknown = list_queues(&instance, "other-instance", None).expect_err("unknown");
        assert_eq!(unknown.error_type(), "ResourceNotFoundException");
    }

    #[test]
    fn percent_decode_should_decode_escapes() {
        assert_eq!(percent_decode("a%2Fb+c%3d"), "a/b+c=");
        assert_eq!(percent_decode("%E2%82%AC%zz"), "€%zz");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
