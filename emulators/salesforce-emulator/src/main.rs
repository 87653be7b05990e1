//! `salesforce-emulator`: serve a demo Salesforce org locally until Ctrl-C.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use salesforce_emulator::{EmulatorConfig, OrgOptions, demo};

/// A local Salesforce org with the Amazon Connect CTI adapter installed (demo data, demo credentials).
#[derive(Debug, Parser)]
#[command(name = "salesforce-emulator", version)]
struct Args {
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    #[command(flatten)]
    org: OrgOptions,
    /// Access token lifetime.
    #[arg(long, default_value_t = 7200)]
    token_lifetime_seconds: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        // Logs go to stderr so stdout carries only the one line with the URL and credentials.
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();

    let config = EmulatorConfig {
        token_lifetime: Duration::from_secs(args.token_lifetime_seconds),
        ..args.org.config()?
    };

    let emulator =
        salesforce_emulator::start(config, SocketAddr::new(args.host, args.port)).await?;
    // Demo credentials are public by design; real ones are never configured here.
    println!(
        "Salesforce emulator at {url} (login host and instance URL) | username {user} | password {password} | security token {token} | consumer key {key} | consumer secret {secret}",
        url = emulator.base_url(),
        user = demo::USERNAME,
        password = demo::PASSWORD,
        token = demo::SECURITY_TOKEN,
        key = demo::CONSUMER_KEY,
        secret = demo::CONSUMER_SECRET,
    );
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    tracing::info!("shutting down");
    emulator.shutdown().await;
    Ok(())
}
