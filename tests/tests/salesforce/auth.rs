//! The three OAuth grants, credentials from Secrets Manager (moto), and login failures.

use std::sync::{
    Arc,
    atomic::{AtomicU32, Ordering},
};

use async_trait::async_trait;
use aws_adapters::SecretsManagerCredentials;
use salesforce_client::{
    AuthGrantChoice, CredentialSource, CredentialsError, SalesforceClient, SalesforceCredentials,
    SalesforceError,
};
use test_harness::*;

async fn assert_can_query(client: &SalesforceClient) {
    let records = client
        .query("SELECT Id, Name FROM Contact WHERE Id = '0035e00000Xk9QmAAJ'")
        .await
        .expect("query after login");
    assert_eq!(records.len(), 1);
}

#[tokio::test]
async fn password_grant_logs_in_with_password_and_security_token() {
    let emulator = start_demo_emulator().await;
    let client = client_with_secret(client_config(&emulator), &password_secret_json());
    assert_can_query(&client).await;
    assert_eq!(client.logins(), 1);
    assert_eq!(emulator.control().tokens_issued(), 1);
}

#[tokio::test]
async fn jwt_bearer_grant_signs_an_assertion_with_the_private_key() {
    let emulator = start_demo_emulator().await;
    let client = client_with_secret(client_config(&emulator), &jwt_secret_json());
    assert_can_query(&client).await;
    assert_eq!(emulator.control().tokens_issued(), 1);
}

#[tokio::test]
async fn client_credentials_grant_uses_consumer_key_and_secret() {
    let emulator = start_demo_emulator().await;
    let client = client_with_secret(client_config(&emulator), &client_credentials_secret_json());
    assert_can_query(&client).await;
}

#[tokio::test]
async fn explicit_grant_choice_overrides_the_secret_shape() {
    let emulator = start_demo_emulator().await;
    let mut config = client_config(&emulator);
    config.auth_grant = AuthGrantChoice::ClientCredentials;
    // The old-package secret also holds ConsumerKey/ConsumerSecret, so this must work.
    let client = client_with_secret(config, &password_secret_json());
    assert_can_query(&client).await;
}

#[tokio::test]
async fn wrong_password_is_an_authentication_error_with_salesforce_code() {
    let emulator = start_demo_emulator().await;
    let mut secret = password_secret_json();
    secret["Password"] = "not-the-password".into();
    let client = client_with_secret(client_config(&emulator), &secret);
    let error = client.query("SELECT Id FROM Contact").await.unwrap_err();
    match &error {
        SalesforceError::Authentication {
            error_code,
            message,
        } => {
            assert_eq!(error_code, "invalid_grant");
            assert_eq!(message, "authentication failure");
        }
        other => panic!("expected an authentication error, got {other:?}"),
    }
    assert!(!error.to_string().contains("not-the-password"));
    // A refused login is tried once more with the secret read again (it may just have been
    // rotated), then not at all for a while: a wrong password cannot lock the user out.
    let token_requests = || {
        emulator
            .control()
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/oauth2/token"))
            .count()
    };
    assert_eq!(token_requests(), 2);
    let again = client.query("SELECT Id FROM Contact").await.unwrap_err();
    assert_eq!(again.error_type(), "Salesforce.Authentication");
    assert_eq!(token_requests(), 2, "no login while backing off");
}

#[tokio::test]
async fn a_rotated_secret_is_read_again_after_a_refused_login() {
    let emulator = start_demo_emulator().await;
    let source = RotatedSecret {
        loads: AtomicU32::new(0),
    };
    let client = SalesforceClient::new(client_config(&emulator), Arc::new(source)).expect("client");
    // The container read the secret before it was rotated: the first login is refused, the
    // secret is read again, and the second login succeeds.
    let records = client
        .query("SELECT Id FROM Contact")
        .await
        .expect("signed in");
    assert!(!records.is_empty());
    assert_eq!(emulator.control().tokens_issued(), 1);
}

/// The old password on the first read, the rotated (right) one after.
struct RotatedSecret {
    loads: AtomicU32,
}

#[async_trait]
impl CredentialSource for RotatedSecret {
    async fn load(&self) -> Result<SalesforceCredentials, CredentialsError> {
        let mut secret = password_secret_json();
        if self.loads.fetch_add(1, Ordering::SeqCst) == 0 {
            secret["Password"] = "the-password-before-rotation".into();
        }
        SalesforceCredentials::from_json(&secret.to_string())
    }
}

#[tokio::test]
async fn wrong_consumer_secret_is_refused_for_client_credentials() {
    let emulator = start_demo_emulator().await;
    let mut secret = client_credentials_secret_json();
    secret["ConsumerSecret"] = "wrong".into();
    let client = client_with_secret(client_config(&emulator), &secret);
    let error = client.query("SELECT Id FROM Contact").await.unwrap_err();
    assert!(
        matches!(error, SalesforceError::Authentication { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn jwt_grant_without_private_key_names_the_missing_key() {
    let emulator = start_demo_emulator().await;
    let mut config = client_config(&emulator);
    config.auth_grant = AuthGrantChoice::JwtBearer;
    let client = client_with_secret(config, &password_secret_json());
    let error = client.query("SELECT Id FROM Contact").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "the jwt-bearer grant needs the secret key PrivateKey, which is missing or empty"
    );
    assert_eq!(emulator.control().tokens_issued(), 0);
}

#[tokio::test]
async fn credentials_come_from_secrets_manager_for_each_grant() {
    let moto = MotoServer::start().await.expect("moto");
    let emulator = start_demo_emulator().await;
    let secrets = aws_sdk_secretsmanager::Client::new(&moto.sdk_config().await);
    for (name, secret) in [
        ("sf/password", password_secret_json()),
        ("sf/jwt", jwt_secret_json()),
        ("sf/client-credentials", client_credentials_secret_json()),
    ] {
        let arn = moto.create_secret(name, &secret).await.expect("secret");
        let client = SalesforceClient::new(
            client_config(&emulator),
            Arc::new(SecretsManagerCredentials::new(secrets.clone(), arn)),
        )
        .expect("client");
        assert_can_query(&client).await;
    }
    assert_eq!(emulator.control().tokens_issued(), 3);
}

#[tokio::test]
async fn missing_secret_is_a_clear_error() {
    let moto = MotoServer::start().await.expect("moto");
    let emulator = start_demo_emulator().await;
    let secrets = aws_sdk_secretsmanager::Client::new(&moto.sdk_config().await);
    let client = SalesforceClient::new(
        client_config(&emulator),
        Arc::new(SecretsManagerCredentials::new(secrets, "sf/absent")),
    )
    .expect("client");
    let error = client.query("SELECT Id FROM Contact").await.unwrap_err();
    assert!(
        matches!(&error, SalesforceError::Credentials(CredentialsError::SecretNotFound { secret }) if secret == "sf/absent"),
        "{error:?}"
    );
}

/// Counts how often the secret is read.
/// Counts the secret's successful reads: a read that failed (moto slow to answer on a loaded
/// machine) is retried by the client and cached nothing, so it is not a read of the value.
struct CountingSource {
    inner: SecretsManagerCredentials,
    loads: Arc<AtomicU32>,
}

#[async_trait]
impl CredentialSource for CountingSource {
    async fn load(&self) -> Result<SalesforceCredentials, CredentialsError> {
        let loaded = self.inner.load().await;
        if loaded.is_ok() {
            self.loads.fetch_add(1, Ordering::SeqCst);
        }
        loaded
    }
}

#[tokio::test]
async fn secret_is_read_once_per_container_even_across_session_refreshes() {
    let moto = MotoServer::start().await.expect("moto");
    let emulator = start_demo_emulator().await;
    let arn = moto
        .create_secret("sf/once", &password_secret_json())
        .await
        .expect("secret");
    let secrets = aws_sdk_secretsmanager::Client::new(&moto.sdk_config().await);
    let loads = Arc::new(AtomicU32::new(0));
    let source = CountingSource {
        inner: SecretsManagerCredentials::new(secrets, arn),
        loads: loads.clone(),
    };
    let client = SalesforceClient::new(client_config(&emulator), Arc::new(source)).expect("client");
    for _ in 0..3 {
        assert_can_query(&client).await;
    }
    emulator.control().expire_sessions();
    assert_can_query(&client).await;
    assert_eq!(client.logins(), 2);
    assert_eq!(loads.load(Ordering::SeqCst), 1);
}
