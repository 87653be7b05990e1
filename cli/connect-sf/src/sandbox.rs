//! `connect-sf sandbox`: the emulator as a long-running local org, and what to set to point
//! `connect-sf invoke` (or a locally run Lambda) at it.

use std::{net::SocketAddr, process::ExitCode};

use salesforce_emulator::{OrgOptions, demo};

pub async fn run(port: u16, org: &OrgOptions) -> anyhow::Result<ExitCode> {
    let emulator =
        salesforce_emulator::start(org.config()?, SocketAddr::from(([127, 0, 0, 1], port))).await?;
    // The demo credentials are public by design; a file with the secret's keys lets `invoke`
    // and a locally run Lambda sign in exactly as they would with Secrets Manager.
    let credentials = std::env::temp_dir().join(format!("connect-sf-sandbox-{port}.json"));
    std::fs::write(
        &credentials,
        serde_json::to_string_pretty(&serde_json::json!({
            "Password": demo::PASSWORD,
            "AccessToken": demo::SECURITY_TOKEN,
            "ConsumerKey": demo::CONSUMER_KEY,
            "ConsumerSecret": demo::CONSUMER_SECRET,
        }))?,
    )?;
    println!(
        "Salesforce sandbox on {url} (login and instance URL)\n  username {user}\n  password {password} + security token {token}\n  consumer key {key}\n  consumer secret {secret}\nPoint connect-sf invoke (or a local Lambda) at it:\n  export SF_HOST={url} SF_PRODUCTION=false SF_VERSION=v60.0 SF_USERNAME={user}\n  connect-sf invoke sf-invoke-api --event EVENT --credentials {credentials}\nRecords: {url}/__emulator/records   Ctrl-C to stop.",
        url = emulator.base_url(),
        user = demo::USERNAME,
        password = demo::PASSWORD,
        token = demo::SECURITY_TOKEN,
        key = demo::CONSUMER_KEY,
        secret = demo::CONSUMER_SECRET,
        credentials = credentials.display(),
    );
    tokio::signal::ctrl_c().await?;
    emulator.shutdown().await;
    let _ = std::fs::remove_file(&credentials);
    Ok(ExitCode::SUCCESS)
}
