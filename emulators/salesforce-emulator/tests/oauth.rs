//! The token endpoint's three grants and the sessions they open, over real HTTP.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use salesforce_emulator::{EmulatorConfig, demo};
use serde_json::{Value, json};
use support::{demo_config, json_of, start};

async fn token_call(http: &reqwest::Client, base: &str, form: &[(&str, String)]) -> (u16, Value) {
    json_of(
        http.post(format!("{base}/services/oauth2/token"))
            .form(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

fn params(pairs: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

fn assertion(iss: &str, sub: &str, aud: &str, exp_offset_secs: i64) -> String {
    let claims = json!({ "iss": iss, "sub": sub, "aud": aud, "exp": chrono::Utc::now().timestamp() + exp_offset_secs });
    let key = EncodingKey::from_rsa_pem(demo::JWT_PRIVATE_KEY_PEM.as_bytes()).unwrap();
    jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).unwrap()
}

fn jwt_params(assertion: &str) -> Vec<(&'static str, String)> {
    params(&[
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", assertion),
    ])
}

#[tokio::test]
async fn password_grant_in_the_form_body_should_return_a_salesforce_token_response() {
    let emulator = start(demo_config()).await;
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    let (status, body) = token_call(&http, &base, &support::password_params()).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["access_token"]
            .as_str()
            .unwrap()
            .starts_with("00D5e000000NwCr!AR")
    );
    assert_eq!(body["instance_url"], base);
    assert_eq!(body["token_type"], "Bearer");
    // The integration user exists in the demo seed, so the identity URL names it.
    assert_eq!(
        body["id"],
        format!("{base}/id/00D5e000000NwCrEAK/0055e000007xKq8AAE")
    );
    assert!(body["issued_at"].as_str().unwrap().parse::<u64>().is_ok());
    assert!(body["signature"].is_string());
    assert!(
        body.get("expires_in").is_none(),
        "Salesforce does not send expires_in"
    );
    assert_eq!(emulator.control().tokens_issued(), 1);
}

#[tokio::test]
async fn password_grant_in_the_query_string_should_succeed_like_the_python_package_sends_it() {
    let emulator = start(demo_config()).await;
    let http = reqwest::Client::new();
    let response = http
        .post(format!("{}/services/oauth2/token", emulator.base_url()))
        .query(&support::password_params())
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
}

#[tokio::test]
async fn password_grant_failures_should_use_salesforce_error_bodies() {
    let emulator = start(demo_config()).await;
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    let with = |name: &'static str, value: &str| {
        let mut form = support::password_params();
        form.iter_mut()
            .filter(|(key, _)| *key == name)
            .for_each(|(_, v)| *v = value.to_owned());
        form
    };
    let cases = [
        (
            with("password", demo::PASSWORD),
            "invalid_grant",
            "authentication failure",
        ),
        (
            with("password", "wrong"),
            "invalid_grant",
            "authentication failure",
        ),
        (
            with("username", "nobody@example.com"),
            "invalid_grant",
            "authentication failure",
        ),
        (
            with("client_id", "3MVG9wrong"),
            "invalid_client_id",
            "client identifier invalid",
        ),
        (
            with("client_secret", "wrong"),
            "invalid_client",
            "invalid client credentials",
        ),
        (
            with("grant_type", "authorization_code"),
            "unsupported_grant_type",
            "grant type not supported",
        ),
    ];
    for (form, error, description) in cases {
        let (status, body) = token_call(&http, &base, &form).await;
        assert_eq!(status, 400);
        assert_eq!(
            body,
            json!({ "error": error, "error_description": description })
        );
    }
    assert_eq!(emulator.control().tokens_issued(), 0);
}

#[tokio::test]
async fn jwt_bearer_grant_should_accept_a_signed_assertion_for_each_known_audience() {
    let emulator = start(demo_config()).await;
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    for audience in [
        "https://login.salesforce.com",
        "https://test.salesforce.com",
        base.as_str(),
    ] {
        let (status, body) = token_call(
            &http,
            &base,
            &jwt_params(&assertion(
                demo::CONSUMER_KEY,
                demo::USERNAME,
                audience,
                180,
            )),
        )
        .await;
        assert_eq!(status, 200, "{audience}: {body}");
        assert_eq!(body["instance_url"], base);
    }
    assert_eq!(emulator.control().tokens_issued(), 3);
}

#[tokio::test]
async fn jwt_bearer_grant_should_refuse_bad_assertions() {
    let emulator = start(demo_config()).await;
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    let good = assertion(
        demo::CONSUMER_KEY,
        demo::USERNAME,
        "https://login.salesforce.com",
        180,
    );
    let tampered = {
        let (unsigned, signature) = good.rsplit_once('.').unwrap();
        let mut bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(signature)
            .unwrap();
        bytes[0] ^= 0xff;
        format!(
            "{unsigned}.{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        )
    };
    let cases = [
        (
            assertion(
                demo::CONSUMER_KEY,
                demo::USERNAME,
                "https://login.salesforce.com",
                -30,
            ),
            "invalid_grant",
            "expired authorization code",
        ),
        (tampered, "invalid_grant", "invalid assertion"),
        ("not-a-jwt".to_owned(), "invalid_grant", "invalid assertion"),
        (
            assertion(
                "3MVG9someone-else",
                demo::USERNAME,
                "https://login.salesforce.com",
                180,
            ),
            "invalid_client_id",
            "client identifier invalid",
        ),
        (
            assertion(
                demo::CONSUMER_KEY,
                demo::USERNAME,
                "https://evil.example.com",
                180,
            ),
            "invalid_grant",
            "audience is invalid",
        ),
        (
            assertion(
                demo::CONSUMER_KEY,
                "nobody@example.com",
                "https://login.salesforce.com",
                180,
            ),
            "invalid_grant",
            "user hasn't approved this consumer",
        ),
    ];
    for (jwt, error, description) in cases {
        let (status, body) = token_call(&http, &base, &jwt_params(&jwt)).await;
        assert_eq!(status, 400);
        assert_eq!(
            body,
            json!({ "error": error, "error_description": description })
        );
    }
}

#[tokio::test]
async fn client_credentials_grant_should_accept_body_parameters_or_basic_auth() {
    let emulator = start(demo_config()).await;
    let http = reqwest::Client::new();
    let base = emulator.base_url();
    let form = params(&[
        ("grant_type", "client_credentials"),
        ("client_id", demo::CONSUMER_KEY),
        ("client_secret", demo::CONSUMER_SECRET),
    ]);
    let (status, body) = token_call(&http, &base, &form).await;
    assert_eq!(status, 200, "{body}");

    let response = http
        .post(format!("{base}/services/oauth2/token"))
        .basic_auth(demo::CONSUMER_KEY, Some(demo::CONSUMER_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");

    let form = params(&[
        ("grant_type", "client_credentials"),
        ("client_id", demo::CONSUMER_KEY),
        ("client_secret", "wrong"),
    ]);
    let (status, body) = token_call(&http, &base, &form).await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({ "error": "invalid_client", "error_description": "invalid client credentials" })
        )
    );
    assert_eq!(emulator.control().tokens_issued(), 2);
}

#[tokio::test]
async fn data_calls_without_a_live_session_should_get_401_invalid_session_id() {
    let org = support::demo_org().await;
    let url = org.data_url("/limits");
    let expected =
        json!([{ "message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID" }]);

    let (status, body) = json_of(org.http.get(&url).send().await.unwrap()).await;
    assert_eq!((status, body.clone()), (401, expected.clone()));
    let (status, _) = json_of(
        org.http
            .get(&url)
            .bearer_auth("00D5e000000NwCr!ARforged")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);

    let (status, _) = org.get_json("/limits").await;
    assert_eq!(status, 200);
    org.control.expire_sessions();
    let (status, body) = org.get_json("/limits").await;
    assert_eq!((status, body), (401, expected));
}

#[tokio::test]
async fn tokens_should_stop_working_after_the_token_lifetime() {
    let org = support::org_with(EmulatorConfig {
        token_lifetime: Duration::from_millis(150),
        ..demo_config()
    })
    .await;
    let (status, _) = org.get_json("/limits").await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (status, body) = org.get_json("/limits").await;
    assert_eq!(status, 401);
    assert_eq!(support::error_code(&body), "INVALID_SESSION_ID");
}
