//! Typed configuration for the Salesforce client, read from the Lambda environment.

use std::{fmt, str::FromStr, time::Duration};

use url::Url;

/// The production login host used when `SalesforceProduction` is true.
pub const PRODUCTION_LOGIN_URL: &str = "https://login.salesforce.com";

/// A Salesforce REST API version in the `vNN.N` form the stack parameter uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiVersion(String);

impl ApiVersion {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ApiVersion {
    type Err = ConfigError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let invalid = || ConfigError::Invalid {
            variable: "SF_VERSION",
            reason: format!("'{value}' is not an API version of the form vNN.N (e.g. v60.0)"),
        };
        let number = value.strip_prefix('v').ok_or_else(invalid)?;
        let (major, minor) = number.split_once('.').ok_or_else(invalid)?;
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if digits(major) && digits(minor) {
            Ok(ApiVersion(value.to_string()))
        } else {
            Err(invalid())
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How the client obtains its bearer token: `SF_AUTH_MODE`, the stack's `SalesforceAuthMode`
/// (upstream's values `password` and `client_credentials`, plus `jwt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthGrantChoice {
    /// Unset (local runs only; the stack always sets a mode): decide from the keys the secret
    /// holds: `PrivateKey` → JWT bearer, `Password` → username-password, otherwise client
    /// credentials.
    Auto,
    Password,
    JwtBearer,
    ClientCredentials,
}

impl FromStr for AuthGrantChoice {
    type Err = ConfigError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        // Upstream's spellings use `_`; `-` is accepted too, as people type both.
        match value.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "" | "auto" => Ok(Self::Auto),
            "password" => Ok(Self::Password),
            "jwt" | "jwt_bearer" => Ok(Self::JwtBearer),
            "client_credentials" => Ok(Self::ClientCredentials),
            other => Err(ConfigError::Invalid {
                variable: "SF_AUTH_MODE",
                reason: format!("'{other}' is not one of password, client_credentials, jwt"),
            }),
        }
    }
}

/// Retries for transient failures (5xx, timeouts, connection errors) of idempotent calls.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub backoff_multiplier: f64,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            backoff_multiplier: 2.0,
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// Backoff before retry number `retry` (0-based), with "equal jitter": half fixed, half
    /// random, so concurrent Lambdas do not retry in lockstep against the org.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponential =
            self.initial_backoff.as_secs_f64() * self.backoff_multiplier.powi(retry.min(30) as i32);
        let capped = exponential.min(self.max_backoff.as_secs_f64());
        let jitter = rand::random::<f64>() * capped / 2.0;
        Duration::from_secs_f64(capped / 2.0 + jitter)
    }
}

/// Everything the client needs besides credentials.
#[derive(Debug, Clone)]
pub struct SalesforceConfig {
    /// Where OAuth token requests go (`/services/oauth2/token` is appended).
    pub login_url: Url,
    /// The org's My Domain URL (`SalesforceHost`); the client-credentials grant must use it.
    pub my_domain_url: Option<Url>,
    pub api_version: ApiVersion,
    /// The integration user (`SalesforceUsername`); a `Username` key in the secret overrides it.
    pub username: Option<String>,
    pub auth_grant: AuthGrantChoice,
    /// Upper bound for one HTTP exchange, connection included.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// Salesforce does not say when a token expires; we assume the org's session timeout and
    /// still refresh on `INVALID_SESSION_ID` when the org's setting is shorter.
    pub session_lifetime: Duration,
    /// How long an object's describe result is reused before it is fetched again.
    pub describe_ttl: Duration,
}

impl SalesforceConfig {
    /// A configuration for one host that serves both login and data (the emulator, or an org
    /// whose My Domain is also its login host).
    pub fn for_host(host: Url, api_version: ApiVersion) -> Self {
        Self {
            login_url: host.clone(),
            my_domain_url: Some(host),
            api_version,
            username: None,
            auth_grant: AuthGrantChoice::Auto,
            request_timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            session_lifetime: Duration::from_secs(2 * 60 * 60),
            describe_ttl: Duration::from_secs(15 * 60),
        }
    }

    /// Reads the variables the SAM template sets on every function:
    /// `SF_HOST`, `SF_PRODUCTION`, `SF_VERSION`, `SF_USERNAME`, and the optional `SF_LOGIN_HOST`,
    /// `SF_AUTH_MODE`, `SF_REQUEST_TIMEOUT_MS`, `SF_SESSION_LIFETIME_SECONDS`,
    /// `SF_DESCRIBE_TTL_SECONDS`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Same as [`SalesforceConfig::from_env`] with an explicit variable source (for tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| lookup(name).filter(|v| !v.trim().is_empty());
        let required = |name: &'static str| get(name).ok_or(ConfigError::Missing(name));

        let host = parse_url("SF_HOST", &required("SF_HOST")?)?;
        let production = match get("SF_PRODUCTION") {
            None => false,
            Some(value) => parse_bool("SF_PRODUCTION", &value)?,
        };
        let login_url = match get("SF_LOGIN_HOST") {
            Some(value) => parse_url("SF_LOGIN_HOST", &value)?,
            None if production => parse_url("SF_LOGIN_HOST", PRODUCTION_LOGIN_URL)?,
            None => host.clone(),
        };
        let api_version = required("SF_VERSION")?.parse()?;
        let auth_grant = get("SF_AUTH_MODE")
            .map(|value| value.parse())
            .transpose()?
            .unwrap_or(AuthGrantChoice::Auto);

        let mut config = Self::for_host(host, api_version);
        config.login_url = login_url;
        config.username = get("SF_USERNAME");
        config.auth_grant = auth_grant;
        if let Some(value) = get("SF_REQUEST_TIMEOUT_MS") {
            config.request_timeout =
                Duration::from_millis(parse_number("SF_REQUEST_TIMEOUT_MS", &value)?);
        }
        if let Some(value) = get("SF_SESSION_LIFETIME_SECONDS") {
            config.session_lifetime =
                Duration::from_secs(parse_number("SF_SESSION_LIFETIME_SECONDS", &value)?);
        }
        if let Some(value) = get("SF_DESCRIBE_TTL_SECONDS") {
            config.describe_ttl =
                Duration::from_secs(parse_number("SF_DESCRIBE_TTL_SECONDS", &value)?);
        }
        Ok(config)
    }
}

/// A configuration variable that is missing or unusable; names the variable.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("environment variable {0} is required but not set")]
    Missing(&'static str),
    #[error("environment variable {variable} is invalid: {reason}")]
    Invalid {
        variable: &'static str,
        reason: String,
    },
}

/// Parses the `true`/`True`/`false`/`False` switches the stack parameters allow (any
/// capitalisation, as [`env_config::parse_bool`] decides for every function).
pub fn parse_bool(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    env_config::parse_bool(value).ok_or_else(|| ConfigError::Invalid {
        variable,
        reason: format!("'{}' is not true or false", value.trim()),
    })
}

fn parse_number(variable: &'static str, value: &str) -> Result<u64, ConfigError> {
    value.trim().parse().map_err(|_| ConfigError::Invalid {
        variable,
        reason: format!("'{value}' is not a whole number"),
    })
}

fn parse_url(variable: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value.trim()).map_err(|error| ConfigError::Invalid {
        variable,
        reason: format!("'{value}' is not a URL: {error}"),
    })?;
    match url.scheme() {
        "https" | "http" => Ok(url),
        scheme => Err(ConfigError::Invalid {
            variable,
            reason: format!("scheme '{scheme}' is not http(s)"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const HOST: (&str, &str) = ("SF_HOST", "https://northwind.my.salesforce.com");
    const VERSION: (&str, &str) = ("SF_VERSION", "v60.0");

    #[test]
    fn when_production_should_log_in_at_login_salesforce_com() {
        let config =
            SalesforceConfig::from_lookup(lookup(&[HOST, VERSION, ("SF_PRODUCTION", "True")]))
                .unwrap();
        assert_eq!(config.login_url.as_str(), "https://login.salesforce.com/");
    }

    #[test]
    fn when_not_production_should_log_in_at_the_host() {
        let config =
            SalesforceConfig::from_lookup(lookup(&[HOST, VERSION, ("SF_PRODUCTION", "false")]))
                .unwrap();
        assert_eq!(
            config.login_url.as_str(),
            "https://northwind.my.salesforce.com/"
        );
    }

    #[test]
    fn when_login_host_is_overridden_should_use_it_even_in_production() {
        let config = SalesforceConfig::from_lookup(lookup(&[
            HOST,
            VERSION,
            ("SF_PRODUCTION", "true"),
            ("SF_LOGIN_HOST", "https://test.salesforce.com"),
        ]))
        .unwrap();
        assert_eq!(config.login_url.as_str(), "https://test.salesforce.com/");
    }

    #[test]
    fn when_host_is_missing_should_name_the_variable() {
        let error = SalesforceConfig::from_lookup(lookup(&[VERSION])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable SF_HOST is required but not set"
        );
    }

    #[test]
    fn when_version_is_malformed_should_say_why() {
        let error =
            SalesforceConfig::from_lookup(lookup(&[HOST, ("SF_VERSION", "60")])).unwrap_err();
        assert!(error.to_string().contains("vNN.N"), "{error}");
    }

    #[test]
    fn when_version_has_two_minor_digits_should_be_accepted_as_the_template_allows() {
        let config =
            SalesforceConfig::from_lookup(lookup(&[HOST, ("SF_VERSION", "v42.00")])).unwrap();
        assert_eq!(config.api_version.as_str(), "v42.00");
    }

    #[test]
    fn when_grant_is_unknown_should_list_the_choices() {
        let error =
            SalesforceConfig::from_lookup(lookup(&[HOST, VERSION, ("SF_AUTH_MODE", "saml")]))
                .unwrap_err();
        assert!(error.to_string().contains("SF_AUTH_MODE"), "{error}");
        assert!(error.to_string().contains("client_credentials"), "{error}");
    }

    #[test]
    fn upstream_auth_modes_and_ours_should_parse() {
        for (value, expected) in [
            ("password", AuthGrantChoice::Password),
            ("client_credentials", AuthGrantChoice::ClientCredentials),
            ("client-credentials", AuthGrantChoice::ClientCredentials),
            ("jwt", AuthGrantChoice::JwtBearer),
            ("JWT", AuthGrantChoice::JwtBearer),
            ("", AuthGrantChoice::Auto),
        ] {
            let config =
                SalesforceConfig::from_lookup(lookup(&[HOST, VERSION, ("SF_AUTH_MODE", value)]))
                    .unwrap_or_else(|error| panic!("{value}: {error}"));
            assert_eq!(config.auth_grant, expected, "{value}");
        }
    }

    #[test]
    fn backoff_should_grow_and_stay_under_the_cap() {
        let policy = RetryPolicy::default();
        for retry in 0..10 {
            let delay = policy.backoff(retry);
            assert!(delay <= policy.max_backoff, "retry {retry}: {delay:?}");
        }
        assert!(policy.backoff(0) <= Duration::from_millis(200));
        assert!(policy.backoff(3) >= Duration::from_millis(800));
    }
}
