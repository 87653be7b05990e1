//! One authenticated REST exchange with retries: refresh-once on `INVALID_SESSION_ID`,
//! backoff on transient failures of idempotent calls, and the `Sforce-Limit-Info` reading.

use std::sync::{Arc, Mutex};

use reqwest::Method;

use crate::{
    api_usage::ApiUsage,
    auth::{Authenticator, Session, join},
    config::SalesforceConfig,
    error::SalesforceError,
};

/// What to send. `path` is relative to `/services/data/vNN.N/`, or an absolute path starting
/// with `/services/` (Salesforce hands those back, e.g. `nextRecordsUrl`).
pub(crate) struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<serde_json::Value>,
    /// Safe to send twice: only idempotent requests are retried after a transient failure.
    pub idempotent: bool,
}

impl ApiRequest {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Self {
        let idempotent = method != Method::POST;
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            idempotent,
        }
    }

    pub(crate) fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    pub(crate) fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Marks a POST that only reads (e.g. parameterizedSearch) as safe to retry.
    pub(crate) fn read_only(mut self) -> Self {
        self.idempotent = true;
        self
    }
}

pub(crate) struct ApiResponse {
    pub status: u16,
    pub body: String,
}

impl ApiResponse {
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, SalesforceError> {
        serde_json::from_str(&self.body).map_err(|error| {
            // serde quotes the offending value; keep only where and what kind of problem.
            SalesforceError::UnexpectedResponse(format!(
                "HTTP {} body is not the expected JSON: {}",
                self.status,
                redaction::without_quoted_values(&error.to_string())
            ))
        })
    }
}

pub(crate) struct Transport {
    http: reqwest::Client,
    auth: Authenticator,
    config: Arc<SalesforceConfig>,
    last_usage: Mutex<Option<ApiUsage>>,
    usage_metric: crate::api_usage::UsagePublisher,
}

impl Transport {
    pub(crate) fn new(
        http: reqwest::Client,
        auth: Authenticator,
        config: Arc<SalesforceConfig>,
    ) -> Self {
        Self {
            http,
            auth,
            config,
            last_usage: Mutex::new(None),
            usage_metric: crate::api_usage::UsagePublisher::every(std::time::Duration::from_secs(
                60,
            )),
        }
    }

    pub(crate) fn api_usage(&self) -> Option<ApiUsage> {
        *self.last_usage.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn logins(&self) -> u64 {
        self.auth.logins()
    }

    /// Sends the request; any status below 400 is returned, anything else becomes a typed error.
    pub(crate) async fn execute(
        &self,
        request: &ApiRequest,
    ) -> Result<ApiResponse, SalesforceError> {
        let mut session = self.auth.session().await?;
        let mut refreshed = false;
        let mut retry = 0;
        loop {
            match self.send(&session, request).await {
                Ok(response) => return Ok(response),
                Err(error) if error.is_invalid_session() && !refreshed => {
                    tracing::info!("Salesforce session rejected; logging in again");
                    refreshed = true;
                    session = self.auth.refresh(&session).await?;
                }
                Err(error)
                    if error.is_transient()
                        && request.idempotent
                        && retry < self.config.retry.max_retries =>
                {
                    let delay = self.config.retry.backoff(retry);
                    tracing::warn!(
                        error_code = error.error_code(),
                        retry = retry + 1,
                        delay_ms = delay.as_millis() as u64,
                        "transient Salesforce failure; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    retry += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    async fn send(
        &self,
        session: &Session,
        request: &ApiRequest,
    ) -> Result<ApiResponse, SalesforceError> {
        let url = if request.path.starts_with("/services/") {
            join(&session.instance_url, request.path.trim_start_matches('/'))?
        } else {
            let base = format!("services/data/{}/", self.config.api_version);
            join(&join(&session.instance_url, &base)?, &request.path)?
        };
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .bearer_auth(session.access_token.expose());
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        let response = builder
            .send()
            .await
            .map_err(|error| SalesforceError::transport(&error))?;
        let status = response.status().as_u16();
        if let Some(usage) = response
            .headers()
            .get("sforce-limit-info")
            .and_then(|value| value.to_str().ok())
            .and_then(ApiUsage::parse_header)
        {
            *self.last_usage.lock().unwrap_or_else(|p| p.into_inner()) = Some(usage);
            self.usage_metric.observe(usage);
        }
        let body = response
            .text()
            .await
            .map_err(|error| SalesforceError::transport(&error))?;
        tracing::debug!(method = %request.method, path = %redaction::path_shape(&request.path), status, "Salesforce call");
        if status < 400 {
            Ok(ApiResponse { status, body })
        } else {
            Err(SalesforceError::from_response(status, &body))
        }
    }
}
