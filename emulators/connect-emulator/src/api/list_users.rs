//! ListUsers: `GET /users-summary/{InstanceId}?nextToken=&maxResults=`, served from the seed's
//! `users` (`UserSummary` objects, in seed order). Its agents are what GetMetricDataV2's `AGENT`
//! dimension names by id; `Username` is the login the agent report's `Agent` column shows.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::api::list_queues::percent_decode;
use crate::api::{Instance, Operation, page_size};
use crate::error::ConnectError;
use crate::paging::{PageToken, fingerprint, page};
use crate::seed::Seed;

const MAX_RESULTS: i64 = 1_000;
const DEFAULT_MAX_RESULTS: usize = 100;

/// A user as ListUsers returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserSummary {
    pub id: String,
    pub arn: String,
    /// The agent's login (`priya.raman`), as the agent report's `Agent` column shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_time: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_region: Option<String>,
}

impl UserSummary {
    /// A user of `seed`'s instance.
    pub fn new(seed: &Seed, id: impl Into<String>, username: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            arn: user_arn(seed, &id),
            id,
            username: Some(username.into()),
            last_modified_time: None,
            last_modified_region: Some(seed.region.clone()),
        }
    }
}

/// `arn:aws:connect:{region}:{account}:instance/{instanceId}/agent/{userId}`.
pub fn user_arn(seed: &Seed, user_id: &str) -> String {
    format!("{}/agent/{user_id}", seed.instance_arn())
}

pub fn list_users(
    instance: &Instance,
    instance_id: &str,
    query: Option<&str>,
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let mut next_token = None;
    let mut max_results = None;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        match key {
            "nextToken" => next_token = Some(value),
            "maxResults" => {
                max_results = Some(value.parse::<i64>().map_err(|_| {
                    ConnectError::Serialization(format!("Invalid value for maxResults: {value}"))
                })?);
            }
            _ => {}
        }
    }
    let page_size = page_size("maxResults", max_results, MAX_RESULTS, DEFAULT_MAX_RESULTS)?;
    let fingerprint = fingerprint(Operation::ListUsers.name(), &instance.seed.instance_id);
    let offset = match &next_token {
        Some(token) => PageToken::decode(token, fingerprint)?.offset,
        None => 0,
    };
    let (users, next_token) = page(&instance.seed.users, offset, page_size, |next| {
        PageToken {
            offset: next,
            snapshot: 0,
            snapshot_time_ms: 0,
        }
        .encode(fingerprint)
    });
    let mut answer = json!({ "UserSummaryList": users });
    if let Some(token) = next_token {
        answer["NextToken"] = json!(token);
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(users: usize) -> Instance {
        let mut seed = Seed::demo();
        seed.users = (0..users)
            .map(|i| UserSummary::new(&seed, format!("user-{i:04}"), format!("agent.{i:04}")))
            .collect();
        Instance::new(seed)
    }

    fn usernames(answer: &Value) -> Vec<String> {
        answer["UserSummaryList"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|user| user["Username"].as_str().expect("a username").to_owned())
            .collect()
    }

    #[test]
    fn users_should_page_by_max_results_in_seed_order() {
        let instance = instance(250);
        let id = instance.seed.instance_id.clone();
        let first = list_users(&instance, &id, None).expect("first page");
        assert_eq!(usernames(&first).len(), 100, "100 a page by default");
        assert_eq!(usernames(&first)[0], "agent.0000");
        assert_eq!(
            first["UserSummaryList"][0]["Arn"],
            format!("{}/agent/user-0000", instance.seed.instance_arn())
        );
        let token = first["NextToken"].as_str().expect("a token");
        let rest = list_users(
            &instance,
            &id,
            Some(&format!("maxResults=1000&nextToken={token}")),
        )
        .expect("the rest");
        assert_eq!(usernames(&rest).len(), 150);
        assert!(rest.get("NextToken").is_none());
    }

    #[test]
    fn out_of_range_pages_foreign_tokens_and_other_instances_should_be_refused() {
        let instance = instance(3);
        let id = instance.seed.instance_id.clone();
        for query in ["maxResults=0", "maxResults=1001"] {
            let error = list_users(&instance, &id, Some(query)).expect_err("refused");
            assert_eq!(error.error_type(), "InvalidParameterException", "{query}");
        }
        let error = list_users(&instance, &id, Some("nextToken=abc")).expect_err("made up");
        assert_eq!(error.to_string(), "Invalid parameter: NextToken");
        let error = list_users(&instance, "other", None).expect_err("unknown instance");
        assert_eq!(error.error_type(), "ResourceNotFoundException");
    }
}
