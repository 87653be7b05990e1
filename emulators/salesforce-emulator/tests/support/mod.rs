//! Starts an emulator on a free loopback port and talks to it over real HTTP.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;

use reqwest::{Client, Method, Response};
use salesforce_emulator::{EmulatorConfig, EmulatorControl, RunningEmulator, demo};
use serde_json::Value;

pub const VERSION: &str = "v60.0";

pub struct TestOrg {
    pub emulator: RunningEmulator,
    pub control: EmulatorControl,
    pub http: Client,
    pub base: String,
    pub token: String,
}

pub fn demo_config() -> EmulatorConfig {
    EmulatorConfig {
        seed: Some(demo::seed_data()),
        ..EmulatorConfig::default()
    }
}

pub async fn start(config: EmulatorConfig) -> RunningEmulator {
    salesforce_emulator::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the emulator should start")
}

/// A demo org with a password-grant token already issued.
pub async fn demo_org() -> TestOrg {
    org_with(demo_config()).await
}

pub async fn org_with(config: EmulatorConfig) -> TestOrg {
    let emulator = start(config).await;
    let http = Client::new();
    let base = emulator.base_url();
    let token = password_token(&http, &base).await;
    let control = emulator.control();
    TestOrg {
        emulator,
        control,
        http,
        base,
        token,
    }
}

pub fn password_params() -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "password".to_owned()),
        ("client_id", demo::CONSUMER_KEY.to_owned()),
        ("client_secret", demo::CONSUMER_SECRET.to_owned()),
        ("username", demo::USERNAME.to_owned()),
        (
            "password",
            format!("{}{}", demo::PASSWORD, demo::SECURITY_TOKEN),
        ),
    ]
}

pub async fn password_token(http: &Client, base: &str) -> String {
    let response = http
        .post(format!("{base}/services/oauth2/token"))
        .form(&password_params())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

/// The shared fixtures beside the clone (`../shared`), or `CONNECT_SF_SHARED_DIR`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("CONNECT_SF_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

impl TestOrg {
    pub fn data_url(&self, path: &str) -> String {
        format!("{}/services/data/{VERSION}{path}", self.base)
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self
            .http
            .request(method, self.data_url(path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.call(Method::GET, path, None).await
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        json_of(self.get(path).await).await
    }

    pub async fn send_json(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        json_of(self.call(method, path, Some(body)).await).await
    }

    /// GET `.../query?q=` with the SOQL form-encoded.
    pub async fn query(&self, soql: &str) -> (u16, Value) {
        let response = self
            .http
            .get(self.data_url("/query"))
            .query(&[("q", soql)])
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        json_of(response).await
    }
}

/// Status and JSON body (Null when the body is empty).
pub async fn json_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}

pub fn error_code(body: &Value) -> &str {
    body[0]["errorCode"].as_str().unwrap_or_default()
}
