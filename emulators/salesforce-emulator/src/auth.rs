//! OAuth 2.0 as a Salesforce login server does it: the password, JWT bearer and
//! client-credentials grants, and the sessions their access tokens open.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use rand::Rng as _;
use rand::distr::Alphanumeric;
use serde::Deserialize;

use crate::config::{ConnectedApp, EmulatorUser};

/// The emulated org's id (18 characters, valid case-safe suffix).
pub const ORG_ID: &str = "00D5e000000NwCrEAK";

pub const GRANT_PASSWORD: &str = "password";
pub const GRANT_JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub const GRANT_CLIENT_CREDENTIALS: &str = "client_credentials";

/// Login hosts a JWT `aud` may name besides the emulator itself.
const SALESFORCE_AUDIENCES: [&str; 2] = [
    "https://login.salesforce.com",
    "https://test.salesforce.com",
];

/// A token request's parameters, whether they came in the body, the query string or Basic auth.
#[derive(Debug, Default, Clone)]
pub struct TokenRequest {
    pub params: HashMap<String, String>,
    /// `(client_id, client_secret)` from an `Authorization: Basic` header.
    pub basic_credentials: Option<(String, String)>,
}

impl TokenRequest {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
    }

    fn client_id(&self) -> Option<&str> {
        self.param("client_id")
            .or(self.basic_credentials.as_ref().map(|(id, _)| id.as_str()))
    }

    fn client_secret(&self) -> Option<&str> {
        self.param("client_secret").or(self
            .basic_credentials
            .as_ref()
            .map(|(_, secret)| secret.as_str()))
    }
}

/// The OAuth errors a Salesforce login server answers with (always HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    #[error("invalid_grant: {0}")]
    InvalidGrant(&'static str),
    #[error("invalid_client_id: client identifier invalid")]
    InvalidClientId,
    #[error("invalid_client: invalid client credentials")]
    InvalidClient,
    #[error("unsupported_grant_type: grant type not supported")]
    UnsupportedGrantType,
}

impl OAuthError {
    /// The `error` member of the response body.
    pub fn error_code(&self) -> &'static str {
        match self {
            Self::InvalidGrant(_) => "invalid_grant",
            Self::InvalidClientId => "invalid_client_id",
            Self::InvalidClient => "invalid_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
        }
    }

    /// The `error_description` member of the response body.
    pub fn description(&self) -> &'static str {
        match self {
            Self::InvalidGrant(description) => description,
            Self::InvalidClientId => "client identifier invalid",
            Self::InvalidClient => "invalid client credentials",
            Self::UnsupportedGrantType => "grant type not supported",
        }
    }
}

/// Checks token requests against the org's users and connected app.
pub struct Authenticator<'a> {
    pub app: &'a ConnectedApp,
    pub users: &'a [EmulatorUser],
    /// The emulator's own base URL, also a valid JWT audience.
    pub own_audience: &'a str,
}

#[derive(Debug, Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    aud: Audience,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn values(&self) -> Vec<&str> {
        match self {
            Self::One(audience) => vec![audience.as_str()],
            Self::Many(audiences) => audiences.iter().map(String::as_str).collect(),
        }
    }
}

impl Authenticator<'_> {
    /// Returns the username the granted token acts as.
    pub fn authenticate(&self, request: &TokenRequest) -> Result<String, OAuthError> {
        match request.param("grant_type") {
            Some(GRANT_PASSWORD) => self.password_grant(request),
            Some(GRANT_JWT_BEARER) => self.jwt_bearer_grant(request),
            Some(GRANT_CLIENT_CREDENTIALS) => self.client_credentials_grant(request),
            _ => Err(OAuthError::UnsupportedGrantType),
        }
    }

    fn check_client(&self, request: &TokenRequest) -> Result<(), OAuthError> {
        if request.client_id() != Some(self.app.consumer_key.as_str()) {
            return Err(OAuthError::InvalidClientId);
        }
        if request.client_secret() != Some(self.app.consumer_secret.as_str()) {
            return Err(OAuthError::InvalidClient);
        }
        Ok(())
    }

    fn password_grant(&self, request: &TokenRequest) -> Result<String, OAuthError> {
        self.check_client(request)?;
        let username = request.param("username").unwrap_or_default();
        let password = request.param("password").unwrap_or_default();
        self.users
            .iter()
            .find(|user| {
                user.username.eq_ignore_ascii_case(username)
                    && format!("{}{}", user.password, user.security_token) == password
            })
            .map(|user| user.username.clone())
            .ok_or(OAuthError::InvalidGrant("authentication failure"))
    }

    fn client_credentials_grant(&self, request: &TokenRequest) -> Result<String, OAuthError> {
        self.check_client(request)?;
        if self.app.client_credentials_user.is_empty() {
            return Err(OAuthError::InvalidGrant(
                "no client credentials user enabled",
            ));
        }
        Ok(self.app.client_credentials_user.clone())
    }

    fn jwt_bearer_grant(&self, request: &TokenRequest) -> Result<String, OAuthError> {
        let assertion = request
            .param("assertion")
            .ok_or(OAuthError::InvalidGrant("invalid assertion"))?;
        let key = DecodingKey::from_rsa_pem(self.app.jwt_public_key_pem.as_bytes())
            .map_err(|_| OAuthError::InvalidGrant("invalid assertion"))?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        // Salesforce gives no grace for clock skew on exp; neither do we.
        validation.leeway = 0;
        // The audience is checked below so that a wrong one gets Salesforce's own wording.
        validation.validate_aud = false;
        let claims = jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation)
            .map_err(|error| match error.kind() {
                JwtErrorKind::ExpiredSignature => {
                    OAuthError::InvalidGrant("expired authorization code")
                }
                _ => OAuthError::InvalidGrant("invalid assertion"),
            })?
            .claims;
        if claims.iss != self.app.consumer_key {
            return Err(OAuthError::InvalidClientId);
        }
        if !claims
            .aud
            .values()
            .iter()
            .any(|audience| self.audience_accepted(audience))
        {
            return Err(OAuthError::InvalidGrant("audience is invalid"));
        }
        self.users
            .iter()
            .find(|user| user.username.eq_ignore_ascii_case(&claims.sub))
            .map(|user| user.username.clone())
            .ok_or(OAuthError::InvalidGrant(
                "user hasn't approved this consumer",
            ))
    }

    fn audience_accepted(&self, audience: &str) -> bool {
        let audience = audience.trim_end_matches('/');
        SALESFORCE_AUDIENCES.contains(&audience)
            || audience == self.own_audience.trim_end_matches('/')
    }
}

/// Who a session acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionUser {
    pub username: String,
    pub user_id: String,
}

#[derive(Debug)]
struct Session {
    user: SessionUser,
    expires_at: Instant,
}

/// The org's open sessions, keyed by access token.
#[derive(Debug)]
pub struct Sessions {
    lifetime: Duration,
    open: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    pub fn new(lifetime: Duration) -> Self {
        Self {
            lifetime,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// Opens a session and returns its access token.
    pub fn open(&self, user: SessionUser) -> String {
        let token = new_access_token();
        let expires_at = Instant::now() + self.lifetime;
        self.lock()
            .insert(token.clone(), Session { user, expires_at });
        token
    }

    /// The session's user, if the token names a session that is still open.
    pub fn user_for(&self, token: &str) -> Option<SessionUser> {
        let mut open = self.lock();
        match open.get(token) {
            Some(session) if session.expires_at > Instant::now() => Some(session.user.clone()),
            Some(_) => {
                open.remove(token);
                None
            }
            None => None,
        }
    }

    /// Ends every session, as an admin revoking all tokens would.
    pub fn expire_all(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An opaque token shaped like Salesforce's: the 15-character org id, `!`, then random text.
fn new_access_token() -> String {
    let random: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(96)
        .map(char::from)
        .collect();
    format!("{}!AR{random}", &ORG_ID[..15])
}

/// The `signature` member of a token response; clients never verify it against the emulator.
pub fn response_signature() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&str, &str)]) -> TokenRequest {
        TokenRequest {
            params: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            basic_credentials: None,
        }
    }

    fn authenticate(request: &TokenRequest) -> Result<String, OAuthError> {
        let app = ConnectedApp::demo();
        let users = [EmulatorUser::demo()];
        Authenticator {
            app: &app,
            users: &users,
            own_audience: "http://127.0.0.1:1",
        }
        .authenticate(request)
    }

    #[test]
    fn when_password_has_token_appended_should_grant() {
        let password = format!("{}{}", crate::demo::PASSWORD, crate::demo::SECURITY_TOKEN);
        let granted = authenticate(&request(&[
            ("grant_type", "password"),
            ("client_id", crate::demo::CONSUMER_KEY),
            ("client_secret", crate::demo::CONSUMER_SECRET),
            ("username", crate::demo::USERNAME),
            ("password", &password),
        ]));
        assert_eq!(granted, Ok(crate::demo::USERNAME.to_owned()));
    }

    #[test]
    fn when_security_token_is_missing_should_fail_authentication() {
        let refused = authenticate(&request(&[
            ("grant_type", "password"),
            ("client_id", crate::demo::CONSUMER_KEY),
            ("client_secret", crate::demo::CONSUMER_SECRET),
            ("username", crate::demo::USERNAME),
            ("password", crate::demo::PASSWORD),
        ]));
        assert_eq!(
            refused,
            Err(OAuthError::InvalidGrant("authentication failure"))
        );
    }

    #[test]
    fn when_grant_type_is_unknown_should_be_unsupported() {
        assert_eq!(
            authenticate(&request(&[("grant_type", "implicit")])),
            Err(OAuthError::UnsupportedGrantType)
        );
    }

    #[test]
    fn when_session_is_expired_should_not_resolve() {
        let sessions = Sessions::new(Duration::ZERO);
        let token = sessions.open(SessionUser {
            username: "u".into(),
            user_id: "005".into(),
        });
        assert!(token.starts_with("00D5e000000NwCr!AR"));
        assert_eq!(sessions.user_for(&token), None);
    }
}
