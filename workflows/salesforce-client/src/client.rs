//! The Salesforce operations this package performs, over the authenticated transport.

use std::sync::Arc;

use base64::Engine;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    api_usage::ApiUsage,
    auth::Authenticator,
    config::SalesforceConfig,
    credentials::CredentialSource,
    describe::{DescribeCache, ObjectDescribe},
    error::SalesforceError,
    names::RecordId,
    records::{
        Attachment, CollectionRecordResult, FeedElement, MessageSegment, ParameterizedSearch,
        Record, UpsertOutcome,
    },
    transport::{ApiRequest, Transport},
};

/// sObject Collections accept at most this many records per request.
pub const COLLECTION_CHUNK: usize = 200;

/// A Salesforce org connection; cheap to clone and meant to live for the whole container.
#[derive(Clone)]
pub struct SalesforceClient {
    transport: Arc<Transport>,
    describe_cache: Arc<DescribeCache>,
}

#[derive(Deserialize)]
struct CreateResponse {
    id: String,
}

#[derive(Deserialize)]
struct QueryPage {
    #[serde(default)]
    records: Vec<Record>,
    #[serde(rename = "nextRecordsUrl", default)]
    next_records_url: Option<String>,
}

#[derive(Deserialize)]
struct SearchResponse {
    #[serde(rename = "searchRecords", default)]
    search_records: Vec<Record>,
}

impl SalesforceClient {
    /// Builds a client; nothing is fetched until the first call (credentials and token are
    /// loaded lazily, once per container).
    pub fn new(
        config: SalesforceConfig,
        credentials: Arc<dyn CredentialSource>,
    ) -> Result<Self, SalesforceError> {
        let http = reqwest::Client::builder()
            // A redirect would resend the token form (client secret, password) elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.request_timeout)
            .connect_timeout(
                config
                    .request_timeout
                    .min(std::time::Duration::from_secs(3)),
            )
            .user_agent(concat!(
                "amazon-connect-salesforce-rust/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|error| {
                SalesforceError::UnexpectedResponse(format!("cannot build HTTP client: {error}"))
            })?;
        let describe_cache = Arc::new(DescribeCache::new(config.describe_ttl));
        let config = Arc::new(config);
        let auth = Authenticator::new(config.clone(), http.clone(), credentials);
        Ok(Self {
            transport: Arc::new(Transport::new(http, auth, config)),
            describe_cache,
        })
    }

    /// The org's daily API usage from the most recent response, if any was seen.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        self.transport.api_usage()
    }

    /// Successful logins by this client (one per container unless sessions expire).
    pub fn logins(&self) -> u64 {
        self.transport.logins()
    }

    /// Creates a record and returns its id. Not retried: a POST may have created it already.
    pub async fn create(&self, object: &str, fields: &Record) -> Result<String, SalesforceError> {
        let request = ApiRequest::new(Method::POST, format!("sobjects/{}", api_name(object)?))
            .json(Value::Object(fields.clone()));
        let created: CreateResponse = self.transport.execute(&request).await?.json()?;
        Ok(created.id)
    }

    /// Updates a record; returns the HTTP status (204), which flows read as `Status`.
    pub async fn update(
        &self,
        object: &str,
        id: &str,
        fields: &Record,
    ) -> Result<u16, SalesforceError> {
        let request = ApiRequest::new(
            Method::PATCH,
            format!("sobjects/{}/{}", api_name(object)?, record_id(id)?),
        )
        .json(Value::Object(fields.clone()));
        let response = self.transport.execute(&request).await;
        Ok(response
            .map_err(|error| error.naming_record(object, id))?
            .status)
    }

    /// Deletes a record; returns the HTTP status (204).
    pub async fn delete(&self, object: &str, id: &str) -> Result<u16, SalesforceError> {
        let request = ApiRequest::new(
            Method::DELETE,
            format!("sobjects/{}/{}", api_name(object)?, record_id(id)?),
        );
        let response = self.transport.execute(&request).await;
        Ok(response
            .map_err(|error| error.naming_record(object, id))?
            .status)
    }

    /// The org's limits resource (`GET limits`): its answer carries `Sforce-Limit-Info`, so
    /// [`Self::api_usage`] is fresh afterwards. Returns the limits as Salesforce sends them.
    pub async fn limits(&self) -> Result<Value, SalesforceError> {
        self.transport
            .execute(&ApiRequest::new(Method::GET, "limits".to_string()))
            .await?
            .json()
    }

    /// Reads one record, optionally only some fields.
    pub async fn get(
        &self,
        object: &str,
        id: &str,
        fields: &[&str],
    ) -> Result<Record, SalesforceError> {
        let mut request = ApiRequest::new(
            Method::GET,
            format!("sobjects/{}/{}", api_name(object)?, record_id(id)?),
        );
        if !fields.is_empty() {
            for field in fields {
                api_name(field)?;
            }
            request = request.query("fields", fields.join(","));
        }
        self.transport.execute(&request).await?.json()
    }

    /// Inserts or updates the record whose `external_id_field` equals `value`. Idempotent, so
    /// a redelivered CTR or a re-run workflow updates instead of duplicating.
    pub async fn upsert(
        &self,
        object: &str,
        external_id_field: &str,
        value: &str,
        fields: &Record,
    ) -> Result<UpsertOutcome, SalesforceError> {
        let path = format!(
            "sobjects/{}/{}/{}",
            api_name(object)?,
            api_name(external_id_field)?,
            urlencoding::encode(value)
        );
        let request =
            ApiRequest::new(Method::PATCH, path.clone()).json(Value::Object(fields.clone()));
        let response = self.transport.execute(&request).await?;
        match response.status {
            201 => Ok(UpsertOutcome::Created(
                response.json::<CreateResponse>()?.id,
            )),
            200 => Ok(UpsertOutcome::Updated(
                response.json::<CreateResponse>()?.id,
            )),
            // API versions before 46.0 answer an update with 204 and no body.
            204 => {
                let record: Record = self
                    .transport
                    .execute(&ApiRequest::new(Method::GET, path).query("fields", "Id"))
                    .await?
                    .json()?;
                let id = record.get("Id").and_then(Value::as_str).unwrap_or_default();
                Ok(UpsertOutcome::Updated(id.to_string()))
            }
            300 => {
                let matches: Vec<String> = response.json::<Vec<String>>().unwrap_or_default();
                Err(SalesforceError::MultipleMatches {
                    object: object.to_string(),
                    matches: matches
                        .iter()
                        .map(|url| url.rsplit('/').next().unwrap_or(url).to_string())
                        .collect(),
                })
            }
            status => Err(SalesforceError::UnexpectedResponse(format!(
                "upsert of {object} answered HTTP {status}"
            ))),
        }
    }

    /// The object's describe result, from the per-container cache when fresh.
    pub async fn describe(&self, object: &str) -> Result<Arc<ObjectDescribe>, SalesforceError> {
        if let Some(describe) = self.describe_cache.get(object) {
            return Ok(describe);
        }
        let request = ApiRequest::new(
            Method::GET,
            format!("sobjects/{}/describe", api_name(object)?),
        );
        let describe: Arc<ObjectDescribe> =
            Arc::new(self.transport.execute(&request).await?.json()?);
        self.describe_cache.put(object, describe.clone());
        Ok(describe)
    }

    /// Runs a SOQL query and follows `nextRecordsUrl` until every record is read.
    pub async fn query(&self, soql: &str) -> Result<Vec<Record>, SalesforceError> {
        self.query_while(soql, &|_| true).await
    }

    /// Runs a SOQL query one page at a time: after each page `more` gets every record read so
    /// far and says whether the next page is worth reading (a caller that can use only so much
    /// stops early instead of paging through a large result).
    pub async fn query_while(
        &self,
        soql: &str,
        more: &(dyn for<'r> Fn(&'r [Record]) -> bool + Sync),
    ) -> Result<Vec<Record>, SalesforceError> {
        let mut page: QueryPage = self
            .transport
            .execute(&ApiRequest::new(Method::GET, "query").query("q", soql))
            .await?
            .json()?;
        let mut records = std::mem::take(&mut page.records);
        while let Some(next) = page.next_records_url.take() {
            if !more(&records) {
                break;
            }
            if !next.starts_with("/services/data/") {
                return Err(SalesforceError::UnexpectedResponse(format!(
                    "nextRecordsUrl {next} is not a Salesforce data path"
                )));
            }
            page = self
                .transport
                .execute(&ApiRequest::new(Method::GET, next))
                .await?
                .json()?;
            records.append(&mut page.records);
        }
        Ok(records)
    }

    /// Runs a SOSL `FIND` search.
    pub async fn search(&self, sosl: &str) -> Result<Vec<Record>, SalesforceError> {
        let response: SearchResponse = self
            .transport
            .execute(&ApiRequest::new(Method::GET, "search").query("q", sosl))
            .await?
            .json()?;
        Ok(response.search_records)
    }

    /// Runs a parameterizedSearch (plain search text, no SOSL syntax to build).
    pub async fn parameterized_search(
        &self,
        search: &ParameterizedSearch,
    ) -> Result<Vec<Record>, SalesforceError> {
        let body = serde_json::to_value(search)
            .map_err(|error| SalesforceError::UnexpectedResponse(error.to_string()))?;
        let response: SearchResponse = self
            .transport
            .execute(
                &ApiRequest::new(Method::POST, "parameterizedSearch")
                    .json(body)
                    .read_only(),
            )
            .await?
            .json()?;
        Ok(response.search_records)
    }

    /// Posts a Chatter feed element and returns its id.
    pub async fn post_feed_element(
        &self,
        element: &FeedElement,
    ) -> Result<String, SalesforceError> {
        let body = json!({
            "feedElementType": element.feed_element_type,
            "subjectId": record_id(&element.subject_id)?,
            "body": { "messageSegments": element.segments },
        });
        let request = ApiRequest::new(Method::POST, "chatter/feed-elements").json(body);
        Ok(self
            .transport
            .execute(&request)
            .await?
            .json::<CreateResponse>()?
            .id)
    }

    /// Comments on a Chatter feed element and returns the comment id.
    pub async fn post_comment(
        &self,
        feed_element_id: &str,
        segments: &[MessageSegment],
    ) -> Result<String, SalesforceError> {
        let path = format!(
            "chatter/feed-elements/{}/capabilities/comments/items",
            record_id(feed_element_id)?
        );
        let request = ApiRequest::new(Method::POST, path)
            .json(json!({"body": {"messageSegments": segments}}));
        Ok(self
            .transport
            .execute(&request)
            .await?
            .json::<CreateResponse>()?
            .id)
    }

    /// Attaches a file to a record (body sent base64-encoded, as the Attachment object wants).
    pub async fn create_attachment(
        &self,
        attachment: &Attachment,
    ) -> Result<String, SalesforceError> {
        let mut fields = Record::new();
        fields.insert("Name".into(), json!(attachment.name));
        fields.insert("ParentId".into(), json!(record_id(&attachment.parent_id)?));
        fields.insert("ContentType".into(), json!(attachment.content_type));
        if let Some(description) = &attachment.description {
            fields.insert("Description".into(), json!(description));
        }
        fields.insert(
            "Body".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(&attachment.body)),
        );
        self.create("Attachment", &fields).await
    }

    /// Upserts many records by external id with sObject Collections, at most 200 per call.
    /// Results come back one per record in input order; a failed record does not fail the
    /// others unless `all_or_none`.
    pub async fn upsert_collection(
        &self,
        object: &str,
        external_id_field: &str,
        records: &[Record],
        all_or_none: bool,
    ) -> Result<Vec<CollectionRecordResult>, SalesforceError> {
        let path = format!(
            "composite/sobjects/{}/{}",
            api_name(object)?,
            api_name(external_id_field)?
        );
        let mut results = Vec::with_capacity(records.len());
        for chunk in records.chunks(COLLECTION_CHUNK) {
            let typed: Vec<Value> = chunk
                .iter()
                .map(|record| {
                    let mut record = record.clone();
                    record.insert("attributes".into(), json!({ "type": object }));
                    Value::Object(record)
                })
                .collect();
            let request = ApiRequest::new(Method::PATCH, path.clone())
                .json(json!({ "allOrNone": all_or_none, "records": typed }));
            let mut chunk_results: Vec<CollectionRecordResult> =
                self.transport.execute(&request).await?.json()?;
            if chunk_results.len() != chunk.len() {
                return Err(SalesforceError::UnexpectedResponse(format!(
                    "collections upsert returned {} results for {} records",
                    chunk_results.len(),
                    chunk.len()
                )));
            }
            results.append(&mut chunk_results);
        }
        Ok(results)
    }
}

/// Object and field API names go into URL paths: only a valid [`crate::names::ApiName`] may, so a
/// caller-supplied `sf_object` cannot reach another endpoint.
fn api_name(name: &str) -> Result<&str, SalesforceError> {
    crate::names::checked_api_name(name)
}

/// Record ids go into URL paths too: only a valid [`RecordId`].
fn record_id(id: &str) -> Result<&str, SalesforceError> {
    RecordId::parse(id)
        .map(|_| id)
        .map_err(|error| SalesforceError::Rejected {
            status: 400,
            error_code: "MALFORMED_ID".into(),
            message: format!("'{}' is {error}", redaction::redact_personal_data(id)),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_object_name_has_path_characters_should_be_rejected() {
        assert!(api_name("Contact").is_ok());
        assert!(api_name("amazonconnect__AC_ContactTraceRecord__c").is_ok());
        for bad in [
            "",
            "Contact/../limits",
            "Contact?x=1",
            "1Contact",
            "Con tact",
        ] {
            assert!(api_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn when_id_is_not_15_or_18_alphanumerics_should_be_rejected() {
        assert!(record_id("0035e00000Xk9QmAAJ").is_ok());
        assert!(record_id("0035e00000Xk9Qm").is_ok());
        assert!(record_id("0035e00000Xk9Q/AAJ").is_err());
        assert!(record_id("003").is_err());
    }
}
