//! OAuth: choosing a grant, obtaining a bearer token, and keeping one session per container.
//!
//! Grants (chosen by `SF_AUTH_MODE`, the stack's `SalesforceAuthMode`; when it is unset, as in
//! local runs, by the keys the secret holds):
//! - `jwt-bearer` when the secret has `PrivateKey`: an RS256 assertion signed with it;
//! - `password` when the secret has `Password`: password + security token (`AccessToken`),
//!   the old package's grant, kept for compatibility;
//! - `client-credentials` otherwise: consumer key and secret against the My Domain host.
//!
//! The token lives only in memory. A refresh after `INVALID_SESSION_ID` is single-flight: the
//! first caller logs in while the others wait and then reuse the new session.
//!
//! Sign-in survives rotation and misconfiguration: no redirect is followed, the token's
//! `instance_url` must be `https` on a Salesforce domain or the configured host, a refused
//! login (`invalid_grant`, `invalid_client`) re-reads the secret once (it may just have been
//! rotated), and after a refusal further logins wait [`LOGIN_BACKOFF`] so a wrong password
//! cannot lock the integration user out.

use std::{
    fmt,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use url::Url;

use crate::{
    config::{AuthGrantChoice, SalesforceConfig},
    credentials::{CredentialSource, CredentialsError, SalesforceCredentials, SecretString},
    error::{ErrorDetail, SalesforceError, truncate},
};

/// The OAuth grant used to log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthGrant {
    Password,
    JwtBearer,
    ClientCredentials,
}

impl fmt::Display for AuthGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Password => "password",
            Self::JwtBearer => "jwt-bearer",
            Self::ClientCredentials => "client-credentials",
        })
    }
}

impl AuthGrant {
    /// Resolves the configured choice against the secret's contents.
    pub fn choose(
        choice: AuthGrantChoice,
        credentials: &SalesforceCredentials,
    ) -> Result<AuthGrant, CredentialsError> {
        let grant = match choice {
            AuthGrantChoice::Password => Self::Password,
            AuthGrantChoice::JwtBearer => Self::JwtBearer,
            AuthGrantChoice::ClientCredentials => Self::ClientCredentials,
            AuthGrantChoice::Auto if credentials.has(&credentials.private_key) => Self::JwtBearer,
            AuthGrantChoice::Auto if credentials.has(&credentials.password) => Self::Password,
            AuthGrantChoice::Auto => Self::ClientCredentials,
        };
        grant.check(credentials)?;
        Ok(grant)
    }

    fn check(self, credentials: &SalesforceCredentials) -> Result<(), CredentialsError> {
        let grant = match self {
            Self::Password => "password",
            Self::JwtBearer => "jwt-bearer",
            Self::ClientCredentials => "client-credentials",
        };
        let require = |value: &Option<SecretString>, key: &'static str| {
            if credentials.has(value) {
                Ok(())
            } else {
                Err(CredentialsError::MissingKey { grant, key })
            }
        };
        require(&credentials.consumer_key, "ConsumerKey")?;
        match self {
            Self::Password => {
                require(&credentials.consumer_secret, "ConsumerSecret")?;
                require(&credentials.password, "Password")
            }
            Self::JwtBearer => require(&credentials.private_key, "PrivateKey"),
            Self::ClientCredentials => require(&credentials.consumer_secret, "ConsumerSecret"),
        }
    }
}

/// A logged-in session: the bearer token and where to send API calls.
pub(crate) struct Session {
    pub access_token: SecretString,
    pub instance_url: Url,
    pub expires_at: Instant,
    /// Increases with every login, so a refresh can tell whether someone else already did it.
    pub generation: u64,
}

impl Session {
    fn is_fresh(&self) -> bool {
        Instant::now() < self.expires_at
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    instance_url: String,
}

#[derive(Serialize)]
struct JwtClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
}

/// After Salesforce refuses a login, the next attempt waits this long: at most three refused
/// logins a minute per container, far below the lock-out threshold of a user's password.
pub const LOGIN_BACKOFF: Duration = Duration::from_secs(20);

/// The domains an org's `instance_url` may be on.
const SALESFORCE_DOMAINS: [&str; 6] = [
    "salesforce.com",
    "force.com",
    "cloudforce.com",
    "salesforce.mil",
    "sfcrmproducts.cn",
    "salesforce-setup.com",
];

/// Owns credentials (loaded once, re-read once after a refused login) and the current session.
pub(crate) struct Authenticator {
    config: Arc<SalesforceConfig>,
    http: reqwest::Client,
    source: Arc<dyn CredentialSource>,
    credentials: Mutex<Option<Arc<SalesforceCredentials>>>,
    /// The last refused login and when, so the next attempts wait instead of hammering.
    refused: std::sync::Mutex<Option<(Instant, SalesforceError)>>,
    session: Mutex<Option<Arc<Session>>>,
    generation: AtomicU64,
    logins: AtomicU64,
}

impl Authenticator {
    pub(crate) fn new(
        config: Arc<SalesforceConfig>,
        http: reqwest::Client,
        source: Arc<dyn CredentialSource>,
    ) -> Self {
        Self {
            config,
            http,
            source,
            credentials: Mutex::new(None),
            refused: std::sync::Mutex::new(None),
            session: Mutex::new(None),
            generation: AtomicU64::new(0),
            logins: AtomicU64::new(0),
        }
    }

    /// Successful logins so far in this container.
    pub(crate) fn logins(&self) -> u64 {
        self.logins.load(Ordering::Relaxed)
    }

    /// The current session, logging in when there is none or it is past its assumed lifetime.
    pub(crate) async fn session(&self) -> Result<Arc<Session>, SalesforceError> {
        let mut current = self.session.lock().await;
        if let Some(session) = current.as_ref().filter(|s| s.is_fresh()) {
            return Ok(session.clone());
        }
        let session = Arc::new(self.login().await?);
        *current = Some(session.clone());
        Ok(session)
    }

    /// Replaces `stale` after Salesforce rejected it. Concurrent callers holding the same stale
    /// session wait for one login and share its result.
    pub(crate) async fn refresh(&self, stale: &Session) -> Result<Arc<Session>, SalesforceError> {
        let mut current = self.session.lock().await;
        if let Some(session) = current
            .as_ref()
            .filter(|s| s.generation != stale.generation && s.is_fresh())
        {
            return Ok(session.clone());
        }
        *current = None;
        let session = Arc::new(self.login().await?);
        *current = Some(session.clone());
        Ok(session)
    }

    /// The credentials, read from their source on first use, or again when `reread`.
    async fn credentials(
        &self,
        reread: bool,
    ) -> Result<Arc<SalesforceCredentials>, SalesforceError> {
        let mut cached = self.credentials.lock().await;
        if let Some(credentials) = cached.as_ref().filter(|_| !reread) {
            return Ok(credentials.clone());
        }
        let loaded = Arc::new(self.source.load().await?);
        *cached = Some(loaded.clone());
        Ok(loaded)
    }

    async fn login(&self) -> Result<Session, SalesforceError> {
        if let Ok(refused) = self.refused.lock()
            && let Some((at, error)) = refused.as_ref()
            && at.elapsed() < LOGIN_BACKOFF
        {
            return Err(error.clone());
        }
        let outcome = match self.login_with(false).await {
            Err(error) if is_refused_login(&error) => {
                tracing::warn!(
                    "Salesforce refused the login; reading the credentials again in case they were rotated"
                );
                self.login_with(true).await
            }
            other => other,
        };
        if let Err(error) = &outcome
            && (is_refused_login(error) || matches!(error, SalesforceError::Credentials(_)))
        {
            // What `SalesforceAuthFailureAlarm` watches: no retry fixes these, a person must.
            package_metrics::emit(
                package_metrics::SALESFORCE_AUTH_FAILURE,
                1.0,
                package_metrics::Unit::Count,
                &[],
            );
        }
        if let Err(error) = &outcome
            && is_refused_login(error)
            && let Ok(mut refused) = self.refused.lock()
        {
            *refused = Some((Instant::now(), error.clone()));
        }
        outcome
    }

    async fn login_with(&self, reread: bool) -> Result<Session, SalesforceError> {
        let credentials = self.credentials(reread).await?;
        let credentials = credentials.as_ref();
        let grant = AuthGrant::choose(self.config.auth_grant, credentials)?;
        let token_host = match grant {
            // Salesforce only accepts the client-credentials grant on the org's My Domain.
            AuthGrant::ClientCredentials => self
                .config
                .my_domain_url
                .clone()
                .unwrap_or_else(|| self.config.login_url.clone()),
            AuthGrant::Password | AuthGrant::JwtBearer => self.config.login_url.clone(),
        };
        let form = self.grant_form(grant, credentials, &token_host)?;
        let token_url = join(&token_host, "services/oauth2/token")?;

        let mut retry = 0;
        let response = loop {
            match self.request_token(&token_url, &form).await {
                Err(error) if error.is_transient() && retry < self.config.retry.max_retries => {
                    tokio::time::sleep(self.config.retry.backoff(retry)).await;
                    retry += 1;
                }
                other => break other?,
            }
        };

        let instance_url = Url::parse(&response.instance_url).map_err(|error| {
            SalesforceError::UnexpectedResponse(format!(
                "token response has an invalid instance_url: {error}"
            ))
        })?;
        check_instance_url(&instance_url, &self.config)?;
        let lifetime = self.config.session_lifetime;
        // Refresh a little early so a request does not start on a token about to lapse.
        let margin = (lifetime / 10).min(Duration::from_secs(300));
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.logins.fetch_add(1, Ordering::Relaxed);
        tracing::info!(grant = %grant, instance = instance_url.host_str().unwrap_or(""), "logged in to Salesforce");
        Ok(Session {
            access_token: response.access_token,
            instance_url,
            expires_at: Instant::now() + lifetime - margin,
            generation,
        })
    }

    fn grant_form(
        &self,
        grant: AuthGrant,
        credentials: &SalesforceCredentials,
        token_host: &Url,
    ) -> Result<Vec<(&'static str, String)>, SalesforceError> {
        let expose = |value: &Option<SecretString>| {
            value
                .as_ref()
                .map(|v| v.expose().to_string())
                .unwrap_or_default()
        };
        let username = || {
            credentials
                .username
                .clone()
                .or_else(|| self.config.username.clone())
                .ok_or(SalesforceError::Credentials(CredentialsError::MissingKey {
                    grant: "password/jwt-bearer",
                    key: "Username (or SF_USERNAME)",
                }))
        };
        Ok(match grant {
            AuthGrant::Password => vec![
                ("grant_type", "password".to_string()),
                ("client_id", expose(&credentials.consumer_key)),
                ("client_secret", expose(&credentials.consumer_secret)),
                ("username", username()?),
                (
                    "password",
                    format!(
                        "{}{}",
                        expose(&credentials.password),
                        expose(&credentials.security_token)
                    ),
                ),
            ],
            AuthGrant::JwtBearer => {
                let assertion = jwt_assertion(credentials, &username()?, token_host)?;
                vec![
                    (
                        "grant_type",
                        "urn:ietf:params:oauth:grant-type:jwt-bearer".to_string(),
                    ),
                    ("assertion", assertion),
                ]
            }
            AuthGrant::ClientCredentials => vec![
                ("grant_type", "client_credentials".to_string()),
                ("client_id", expose(&credentials.consumer_key)),
                ("client_secret", expose(&credentials.consumer_secret)),
            ],
        })
    }

    async fn request_token(
        &self,
        url: &Url,
        form: &[(&'static str, String)],
    ) -> Result<TokenResponse, SalesforceError> {
        let response = self
            .http
            .post(url.clone())
            .form(form)
            .send()
            .await
            .map_err(|error| SalesforceError::transport(&error))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|error| SalesforceError::transport(&error))?;
        if status == 200 {
            return serde_json::from_str(&body).map_err(|_| {
                SalesforceError::UnexpectedResponse(
                    "token response lacks access_token or instance_url".to_string(),
                )
            });
        }
        if status >= 500 {
            return Err(SalesforceError::from_response(status, &body));
        }
        let detail = ErrorDetail::parse(&body);
        // The org's API limit (or a lock, an outage) refuses the sign-in for now, not the
        // credentials: retry later, as for any other request.
        if matches!(
            detail.error_code.as_deref(),
            Some("REQUEST_LIMIT_EXCEEDED" | "UNABLE_TO_LOCK_ROW" | "SERVER_UNAVAILABLE")
        ) {
            return Err(SalesforceError::from_response(status, &body));
        }
        Err(SalesforceError::Authentication {
            error_code: detail
                .error_code
                .unwrap_or_else(|| format!("HTTP_{status}")),
            message: detail
                .message
                .map(|message| truncate(&message, 200))
                .unwrap_or_else(|| format!("HTTP {status} from the token endpoint")),
        })
    }
}

/// A refusal of the credentials themselves (not of the request or the session).
fn is_refused_login(error: &SalesforceError) -> bool {
    matches!(error, SalesforceError::Authentication { error_code, .. }
        if matches!(error_code.as_str(), "invalid_grant" | "invalid_client" | "invalid_client_id"))
}

/// Every later request carries the token to `instance_url`: it must be `https` on a Salesforce
/// domain, or the host the configuration names (plain `http` only when the configuration itself
/// names an `http` host, as for the local emulator).
fn check_instance_url(url: &Url, config: &SalesforceConfig) -> Result<(), SalesforceError> {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let configured = [Some(&config.login_url), config.my_domain_url.as_ref()]
        .into_iter()
        .flatten()
        .find(|configured| {
            configured
                .host_str()
                .map(str::to_ascii_lowercase)
                .as_deref()
                == Some(host.as_str())
                && configured.port_or_known_default() == url.port_or_known_default()
        });
    let on_salesforce = SALESFORCE_DOMAINS
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")));
    let allowed = match url.scheme() {
        "https" => on_salesforce || configured.is_some(),
        "http" => configured.is_some_and(|configured| configured.scheme() == "http"),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(SalesforceError::Authentication {
            error_code: "UNTRUSTED_INSTANCE_URL".into(),
            message: format!(
                "the token response points at {}://{host}, which is neither https on a Salesforce domain nor the configured host",
                url.scheme()
            ),
        })
    }
}

/// Salesforce accepts assertions valid for at most three minutes.
fn jwt_assertion(
    credentials: &SalesforceCredentials,
    username: &str,
    token_host: &Url,
) -> Result<String, SalesforceError> {
    let key_pem = credentials
        .private_key
        .as_ref()
        .map(|k| k.expose())
        .unwrap_or_default();
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(key_pem.as_bytes()).map_err(|error| {
        CredentialsError::Malformed {
            reason: format!("PrivateKey is not an RSA private key in PEM form: {error}"),
        }
    })?;
    let audience = token_host.as_str().trim_end_matches('/');
    let claims = JwtClaims {
        iss: credentials
            .consumer_key
            .as_ref()
            .map(|k| k.expose())
            .unwrap_or_default(),
        sub: username,
        aud: audience,
        exp: chrono::Utc::now().timestamp() + 170,
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &key,
    )
    .map_err(|error| {
        SalesforceError::Credentials(CredentialsError::Malformed {
            reason: format!("cannot sign the JWT assertion: {error}"),
        })
    })
}

pub(crate) fn join(base: &Url, path: &str) -> Result<Url, SalesforceError> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    base.join(path).map_err(|error| {
        SalesforceError::UnexpectedResponse(format!("invalid URL {path}: {error}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(json: &str) -> SalesforceCredentials {
        SalesforceCredentials::from_json(json).unwrap()
    }

    #[test]
    fn when_auto_and_secret_has_private_key_should_use_jwt() {
        let creds = credentials(r#"{"ConsumerKey":"ck","PrivateKey":"pem","Password":"pw"}"#);
        assert_eq!(
            AuthGrant::choose(AuthGrantChoice::Auto, &creds).unwrap(),
            AuthGrant::JwtBearer
        );
    }

    #[test]
    fn when_auto_and_secret_is_old_package_shape_should_use_password() {
        let creds = credentials(
            r#"{"ConsumerKey":"ck","ConsumerSecret":"cs","Password":"pw","AccessToken":"t"}"#,
        );
        assert_eq!(
            AuthGrant::choose(AuthGrantChoice::Auto, &creds).unwrap(),
            AuthGrant::Password
        );
    }

    #[test]
    fn when_auto_and_only_consumer_keys_should_use_client_credentials() {
        let creds = credentials(r#"{"ConsumerKey":"ck","ConsumerSecret":"cs"}"#);
        assert_eq!(
            AuthGrant::choose(AuthGrantChoice::Auto, &creds).unwrap(),
            AuthGrant::ClientCredentials
        );
    }

    #[test]
    fn when_grant_lacks_a_key_should_name_it() {
        let creds = credentials(r#"{"ConsumerKey":"ck"}"#);
        let error = AuthGrant::choose(AuthGrantChoice::JwtBearer, &creds).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the jwt-bearer grant needs the secret key PrivateKey, which is missing or empty"
        );
    }

    fn config_for(host: &str) -> SalesforceConfig {
        SalesforceConfig::for_host(
            host.parse().expect("url"),
            "v60.0".parse().expect("version"),
        )
    }

    #[test]
    fn when_instance_url_is_https_on_salesforce_or_the_configured_host_should_accept_it() {
        let config = config_for("https://northwind.my.salesforce.com");
        for url in [
            "https://northwind.my.salesforce.com",
            "https://northwind--uat.sandbox.my.salesforce.com",
            "https://na42.salesforce.com",
            "https://northwind.my.salesforce.mil",
        ] {
            assert!(
                check_instance_url(&url.parse().expect("url"), &config).is_ok(),
                "{url}"
            );
        }
        let local = config_for("http://127.0.0.1:8080");
        assert!(check_instance_url(&"http://127.0.0.1:8080".parse().expect("url"), &local).is_ok());
    }

    #[test]
    fn when_instance_url_is_foreign_or_plain_http_should_refuse_it() {
        let config = config_for("https://northwind.my.salesforce.com");
        for url in [
            "https://evil.example.com",
            "https://salesforce.com.evil.example",
            "http://northwind.my.salesforce.com",
            "http://127.0.0.1:8080",
        ] {
            let error = check_instance_url(&url.parse().expect("url"), &config).expect_err(url);
            assert_eq!(error.error_code(), "UNTRUSTED_INSTANCE_URL");
            assert_eq!(error.error_type(), "Salesforce.Authentication");
        }
    }
}
