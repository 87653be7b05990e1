//! Where the Salesforce credentials come from: the Secrets Manager secret named by
//! `SF_CREDENTIALS_SECRETS_MANAGER_ARN` in AWS, or a local JSON document for laptops and tests.
//!
//! The secret is the old package's JSON key/value secret (`Password`, `ConsumerKey`,
//! `ConsumerSecret`, `AccessToken` = the user's *security token*), optionally extended with
//! `PrivateKey` (PEM, for the JWT bearer grant) and `Username`.

use std::{fmt, path::Path};

use async_trait::async_trait;
use serde::Deserialize;

/// A string that must never reach a log line: `Debug` and `Display` print a placeholder.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that has to send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(***)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(SecretString)
    }
}

/// The secret's contents. Keys keep the old package's spelling.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SalesforceCredentials {
    #[serde(rename = "ConsumerKey", default)]
    pub consumer_key: Option<SecretString>,
    #[serde(rename = "ConsumerSecret", default)]
    pub consumer_secret: Option<SecretString>,
    #[serde(rename = "Password", default)]
    pub password: Option<SecretString>,
    /// The user's security token (the old package calls it `AccessToken`); appended to the
    /// password for the username-password grant.
    #[serde(rename = "AccessToken", default)]
    pub security_token: Option<SecretString>,
    /// PEM private key whose certificate is uploaded to the connected app (JWT bearer grant).
    #[serde(rename = "PrivateKey", default)]
    pub private_key: Option<SecretString>,
    /// Overrides `SalesforceUsername` when present.
    #[serde(rename = "Username", default)]
    pub username: Option<String>,
}

impl SalesforceCredentials {
    /// Parses the secret's JSON text; the error names what was wrong, never the values.
    pub fn from_json(text: &str) -> Result<Self, CredentialsError> {
        serde_json::from_str(text).map_err(|error| CredentialsError::Malformed {
            reason: format!(
                "the secret is not a JSON object of string keys and values (line {}, column {})",
                error.line(),
                error.column()
            ),
        })
    }

    pub(crate) fn has(&self, value: &Option<SecretString>) -> bool {
        value.as_ref().is_some_and(|v| !v.is_empty())
    }
}

/// Why credentials could not be obtained.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum CredentialsError {
    #[error("the Salesforce credentials secret {secret} was not found")]
    SecretNotFound { secret: String },
    #[error("reading the Salesforce credentials secret {secret} failed: {reason}")]
    Unavailable { secret: String, reason: String },
    #[error("the Salesforce credentials are malformed: {reason}")]
    Malformed { reason: String },
    #[error("the {grant} grant needs the secret key {key}, which is missing or empty")]
    MissingKey {
        grant: &'static str,
        key: &'static str,
    },
}

impl CredentialsError {
    /// Whether trying again later may succeed (a throttled or unreachable Secrets Manager).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// A source of Salesforce credentials; the client reads it once per container.
#[async_trait]
pub trait CredentialSource: Send + Sync {
    async fn load(&self) -> Result<SalesforceCredentials, CredentialsError>;
}

/// Credentials held in memory: from a local JSON file (same keys as the secret) or built in
/// code for tests and the local runner.
#[derive(Debug, Clone)]
pub struct StaticCredentials(SalesforceCredentials);

impl StaticCredentials {
    pub fn new(credentials: SalesforceCredentials) -> Self {
        Self(credentials)
    }

    pub fn from_json_file(path: &Path) -> Result<Self, CredentialsError> {
        let text = std::fs::read_to_string(path).map_err(|error| CredentialsError::Malformed {
            reason: format!("cannot read {}: {error}", path.display()),
        })?;
        SalesforceCredentials::from_json(&text).map(Self)
    }
}

#[async_trait]
impl CredentialSource for StaticCredentials {
    async fn load(&self) -> Result<SalesforceCredentials, CredentialsError> {
        Ok(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_secret_has_old_package_keys_should_read_them() {
        let credentials = SalesforceCredentials::from_json(
            r#"{"Password":"pw","ConsumerKey":"ck","ConsumerSecret":"cs","AccessToken":"tok"}"#,
        )
        .unwrap();
        assert_eq!(credentials.password.unwrap().expose(), "pw");
        assert_eq!(credentials.security_token.unwrap().expose(), "tok");
        assert!(credentials.private_key.is_none());
    }

    #[test]
    fn when_debug_printed_should_not_show_secrets() {
        let credentials = SalesforceCredentials::from_json(
            r#"{"Password":"hunter2","ConsumerSecret":"s3cr3t","AccessToken":"t0ken"}"#,
        )
        .unwrap();
        let printed = format!("{credentials:?}");
        for secret in ["hunter2", "s3cr3t", "t0ken"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }

    #[test]
    fn when_secret_is_not_json_should_not_echo_it() {
        let error = SalesforceCredentials::from_json("Password=hunter2").unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }
}
