//! Test harness for binary tests, end-to-end tests and benchmarks: starts the Salesforce
//! emulator in-process and moto's server as a child process, each on a free loopback port,
//! builds clients wired to them, serves a local Lambda Runtime API and runs Lambda binaries
//! under it. It depends on no activity and on no embedded runtime, so every crate's tests can
//! use it without a dependency cycle.
//!
//! moto comes from the project's virtualenv (`scripts/bootstrap` creates `.venv`); set
//! `MOTO_SERVER` to use another `moto_server` executable.

pub mod fixtures;
pub mod lambda_process;
pub mod lambda_runtime_api;
pub mod moto_resources;

use std::{
    net::{SocketAddr, TcpListener},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use salesforce_client::{
    ApiVersion, AuthGrantChoice, RetryPolicy, SalesforceClient, SalesforceConfig,
    SalesforceCredentials, StaticCredentials,
};
use salesforce_emulator::{EmulatorConfig, RunningEmulator, demo};

pub const API_VERSION: &str = "v60.0";
pub const REGION: &str = "us-west-2";

/// The repository root (this crate lives in `<root>/test-harness`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The shared fixtures folder that sits beside the clone (`../shared`), or `CONNECT_SF_SHARED_DIR`.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("CONNECT_SF_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free loopback port")?;
    Ok(listener.local_addr()?.port())
}

/// Starts the emulator with the given configuration on a free port.
pub async fn start_emulator(config: EmulatorConfig) -> RunningEmulator {
    salesforce_emulator::start(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("the Salesforce emulator should start")
}

/// Starts the emulator loaded with the demo org.
pub async fn start_demo_emulator() -> RunningEmulator {
    start_emulator(EmulatorConfig {
        seed: Some(demo::seed_data()),
        ..EmulatorConfig::default()
    })
    .await
}

/// The secret the old package's users already have: password grant keys.
pub fn password_secret_json() -> serde_json::Value {
    serde_json::json!({
        "Password": demo::PASSWORD,
        "AccessToken": demo::SECURITY_TOKEN,
        "ConsumerKey": demo::CONSUMER_KEY,
        "ConsumerSecret": demo::CONSUMER_SECRET,
    })
}

/// A secret for the JWT bearer grant.
pub fn jwt_secret_json() -> serde_json::Value {
    serde_json::json!({
        "ConsumerKey": demo::CONSUMER_KEY,
        "PrivateKey": demo::JWT_PRIVATE_KEY_PEM,
    })
}

/// A secret for the client-credentials grant.
pub fn client_credentials_secret_json() -> serde_json::Value {
    serde_json::json!({
        "ConsumerKey": demo::CONSUMER_KEY,
        "ConsumerSecret": demo::CONSUMER_SECRET,
    })
}

/// Client configuration pointing at the emulator, with quick retries so tests stay fast.
pub fn client_config(emulator: &RunningEmulator) -> SalesforceConfig {
    let host = url::Url::parse(&emulator.base_url()).expect("emulator base URL");
    let mut config =
        SalesforceConfig::for_host(host, API_VERSION.parse::<ApiVersion>().expect("version"));
    config.username = Some(demo::USERNAME.to_string());
    config.auth_grant = AuthGrantChoice::Auto;
    config.request_timeout = Duration::from_secs(2);
    config.retry = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        backoff_multiplier: 2.0,
        max_backoff: Duration::from_millis(50),
    };
    config
}

/// A client for the emulator with credentials held in memory.
pub fn client_with_secret(
    config: SalesforceConfig,
    secret: &serde_json::Value,
) -> SalesforceClient {
    let credentials = SalesforceCredentials::from_json(&secret.to_string()).expect("secret JSON");
    SalesforceClient::new(config, Arc::new(StaticCredentials::new(credentials))).expect("client")
}

/// The common case: the demo emulator's password-grant client.
pub fn demo_client(emulator: &RunningEmulator) -> SalesforceClient {
    client_with_secret(client_config(emulator), &password_secret_json())
}

/// moto's server, stopped when dropped.
pub struct MotoServer {
    child: Child,
    endpoint: String,
}

impl MotoServer {
    /// Starts `moto_server` on a free loopback port and waits until it answers.
    pub async fn start() -> anyhow::Result<MotoServer> {
        let executable = std::env::var_os("MOTO_SERVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join(".venv/bin/moto_server"));
        if !executable.exists() {
            bail!(
                "{} not found: run scripts/bootstrap to install moto[server] into .venv",
                executable.display()
            );
        }
        let port = free_port()?;
        let child = Command::new(&executable)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", executable.display()))?;
        let mut server = MotoServer {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        server.wait_until_ready().await?;
        Ok(server)
    }

    async fn wait_until_ready(&mut self) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("moto_server exited early with {status}");
            }
            if http
                .get(format!("{}/moto-api/", self.endpoint))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "moto_server did not answer on {} within 60 s",
                    self.endpoint
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// AWS SDK configuration aimed at this server with dummy credentials.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&self.endpoint)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
            .load()
            .await
    }

    /// Creates a Secrets Manager secret and returns its ARN.
    pub async fn create_secret(
        &self,
        name: &str,
        value: &serde_json::Value,
    ) -> anyhow::Result<String> {
        let client = aws_sdk_secretsmanager::Client::new(&self.sdk_config().await);
        let output = client
            .create_secret()
            .name(name)
            .secret_string(value.to_string())
            .send()
            .await
            .context("moto CreateSecret")?;
        output
            .arn()
            .map(str::to_string)
            .context("CreateSecret returned no ARN")
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
