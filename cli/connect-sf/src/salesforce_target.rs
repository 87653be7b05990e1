//! Which Salesforce org `invoke` talks to: the embedded emulator by default, or a real org when
//! `SF_HOST` is set (the same variables the Lambda reads).
//!
//! The embedded org's client honours the Lambda's tuning variables (`SF_REQUEST_TIMEOUT_MS`,
//! `SF_SESSION_LIFETIME_SECONDS`, `SF_DESCRIBE_TTL_SECONDS`), so a rehearsal with
//! `--salesforce-faults` (a latency spike, expired sessions) behaves as the deployed function.

use std::{net::SocketAddr, path::Path, sync::Arc};

use anyhow::Context;
use salesforce_client::{
    SalesforceClient, SalesforceConfig, SalesforceCredentials, StaticCredentials,
};
use salesforce_emulator::{EmulatorConfig, RunningEmulator, demo};

use crate::faults::SalesforceFaults;

pub fn read_seed(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read seed file {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("seed file {} is not valid JSON", path.display()))
}

/// The emulator on loopback `port` (0: any free port), loaded with `seed` or the demo org.
pub async fn start_embedded(seed: Option<&Path>, port: u16) -> anyhow::Result<RunningEmulator> {
    let seed = match seed {
        Some(path) => read_seed(path)?,
        None => demo::seed_data(),
    };
    salesforce_emulator::start(
        EmulatorConfig {
            seed: Some(seed),
            ..EmulatorConfig::default()
        },
        SocketAddr::from(([127, 0, 0, 1], port)),
    )
    .await
}

pub enum Target {
    Embedded(RunningEmulator),
    RealOrg,
}

impl Target {
    /// What the injected faults did (the embedded org's request log), when there were any.
    pub fn fault_summary(&self, faults: Option<&SalesforceFaults>) -> Option<String> {
        match (self, faults) {
            (Self::Embedded(emulator), Some(faults)) => {
                Some(crate::faults::summary(faults, &emulator.control()))
            }
            _ => None,
        }
    }
}

/// The API version the embedded org's client uses.
const EMBEDDED_API_VERSION: &str = "v60.0";

/// Starts the embedded org unless `SF_HOST` points at a real one; `faults` are injected into
/// the embedded org before anything calls it (an error with a real org).
pub async fn connect(
    seed: Option<&Path>,
    credentials: Option<&Path>,
    faults: Option<&SalesforceFaults>,
) -> anyhow::Result<(Target, SalesforceClient)> {
    if std::env::var_os("SF_HOST").is_some()
        && let Some(faults) = faults
    {
        anyhow::bail!(
            "--salesforce-faults {} applies to the embedded org only, and SF_HOST points at a real org: unset SF_HOST to rehearse the faults against the embedded org",
            faults.file.display()
        );
    }
    if std::env::var_os("SF_HOST").is_none() && credentials.is_some() {
        anyhow::bail!(
            "--credentials applies to a real org: set SF_HOST (with SF_VERSION and SF_USERNAME) to the org's URL; without SF_HOST the embedded demo org answers"
        );
    }
    if std::env::var_os("SF_HOST").is_some() {
        let config = SalesforceConfig::from_env()?;
        let client = match credentials {
            Some(path) => {
                SalesforceClient::new(config, Arc::new(StaticCredentials::from_json_file(path)?))?
            }
            None => {
                let secret = env_config::secret_arn(&env_config::from_process).context(
                    "with SF_HOST set, pass --credentials FILE or set SF_CREDENTIALS_SECRETS_MANAGER_ARN",
                )?;
                let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
                SalesforceClient::new(
                    config,
                    Arc::new(aws_adapters::SecretsManagerCredentials::new(
                        aws_sdk_secretsmanager::Client::new(&aws),
                        secret,
                    )),
                )?
            }
        };
        return Ok((Target::RealOrg, client));
    }

    let emulator = start_embedded(seed, 0).await?;
    eprintln!(
        "connect-sf: the embedded demo org answers ({}); set SF_HOST to use a real org",
        emulator.base_url()
    );
    if let Some(faults) = faults {
        faults.inject(&emulator.control());
        eprintln!(
            "connect-sf: {} Salesforce fault(s) from {} injected into the embedded org",
            faults.faults.len(),
            faults.file.display()
        );
    }
    let config = embedded_config(&emulator.base_url())?;
    let secret = serde_json::json!({
        "Password": demo::PASSWORD,
        "AccessToken": demo::SECURITY_TOKEN,
        "ConsumerKey": demo::CONSUMER_KEY,
        "ConsumerSecret": demo::CONSUMER_SECRET,
    });
    let credentials = SalesforceCredentials::from_json(&secret.to_string())?;
    let client = SalesforceClient::new(config, Arc::new(StaticCredentials::new(credentials)))?;
    Ok((Target::Embedded(emulator), client))
}

/// The embedded org's address, version and user, with the Lambda's tuning variables from the
/// environment (each error names its variable).
fn embedded_config(base_url: &str) -> anyhow::Result<SalesforceConfig> {
    Ok(SalesforceConfig::from_lookup(|name| match name {
        "SF_HOST" => Some(base_url.to_string()),
        "SF_VERSION" => Some(EMBEDDED_API_VERSION.to_string()),
        "SF_USERNAME" => Some(demo::USERNAME.to_string()),
        "SF_REQUEST_TIMEOUT_MS" | "SF_SESSION_LIFETIME_SECONDS" | "SF_DESCRIBE_TTL_SECONDS" => {
            std::env::var(name).ok()
        }
        _ => None,
    })?)
}
