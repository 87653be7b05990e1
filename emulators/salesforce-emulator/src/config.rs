//! How an emulated org is set up: its users, its connected app, its limits and its seed data.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that varies between one emulated org and another.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// CTI adapter namespace prefix; `None` means the unmanaged objects carry no prefix.
    pub namespace: Option<String>,
    /// Whether the CTI objects carry `Region__c` (multi-region installs).
    pub with_region: bool,
    /// Users who may sign in with the password and JWT grants.
    pub users: Vec<EmulatorUser>,
    /// The connected app every grant is checked against.
    pub connected_app: ConnectedApp,
    /// How long an access token stays valid.
    pub token_lifetime: Duration,
    /// Daily API request allowance reported in `Sforce-Limit-Info`.
    pub daily_api_limit: u64,
    /// Records per query page before `nextRecordsUrl` appears.
    pub query_batch_size: usize,
    /// Records loaded at start, `{"Contact": [...], ...}`.
    pub seed: Option<serde_json::Value>,
    /// When set, the whole org is written here as JSON after every write and at shutdown.
    pub dump_file: Option<PathBuf>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            namespace: Some("amazonconnect".to_owned()),
            with_region: false,
            users: vec![EmulatorUser::demo()],
            connected_app: ConnectedApp::demo(),
            token_lifetime: Duration::from_secs(2 * 60 * 60),
            daily_api_limit: 15_000,
            query_batch_size: 2_000,
            seed: None,
            dump_file: None,
        }
    }
}

/// A user who can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorUser {
    pub username: String,
    pub password: String,
    pub security_token: String,
}

impl EmulatorUser {
    /// The public demo integration user.
    pub fn demo() -> Self {
        Self {
            username: demo::USERNAME.to_owned(),
            password: demo::PASSWORD.to_owned(),
            security_token: demo::SECURITY_TOKEN.to_owned(),
        }
    }
}

/// The connected app through which every OAuth grant is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedApp {
    pub consumer_key: String,
    pub consumer_secret: String,
    /// Public half of the certificate uploaded for the JWT bearer flow (PEM).
    pub jwt_public_key_pem: String,
    /// The "Run As" user of the client-credentials flow.
    pub client_credentials_user: String,
}

impl ConnectedApp {
    /// The public demo connected app.
    pub fn demo() -> Self {
        Self {
            consumer_key: demo::CONSUMER_KEY.to_owned(),
            consumer_secret: demo::CONSUMER_SECRET.to_owned(),
            jwt_public_key_pem: demo::JWT_PUBLIC_KEY_PEM.to_owned(),
            client_credentials_user: demo::USERNAME.to_owned(),
        }
    }
}

/// Demo credentials and data. These values are public, committed on purpose and
/// only good for this emulator: never configure a real org with them.
pub mod demo {
    pub const USERNAME: &str = "cti.integration@northwind-care.example";
    pub const PASSWORD: &str = "DemoPassw0rd-NotSecret";
    pub const SECURITY_TOKEN: &str = "DemoSecurityToken4719";
    pub const CONSUMER_KEY: &str = "3MVG9DemoNorthwindCareLocalEmulatorConsumerKey";
    pub const CONSUMER_SECRET: &str = "DemoConsumerSecret-PublicOnPurpose-0143";
    /// RSA 2048 key made once with openssl for the demo JWT bearer flow.
    pub const JWT_PRIVATE_KEY_PEM: &str = include_str!("../keys/demo-jwt-private-key.pem");
    pub const JWT_PUBLIC_KEY_PEM: &str = include_str!("../keys/demo-jwt-public-key.pem");

    const SEED_JSON: &str = include_str!("../seed/demo-org.json");

    /// The Northwind Care demo org: every record the shared fixtures refer to.
    pub fn seed_data() -> serde_json::Value {
        serde_json::from_str(SEED_JSON)
            .expect("seed/demo-org.json is valid JSON (checked by tests)")
    }
}
