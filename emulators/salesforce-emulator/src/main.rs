//! `salesforce-emulator`: serve a demo Salesforce org locally until Ctrl-C.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use salesforce_emulator::{EmulatorConfig, demo};

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
    /// Records to load instead of the demo org (`{"Contact": [...], ...}`).
    #[arg(long, conflicts_with = "no_seed")]
    seed: Option<PathBuf>,
    /// Start with an empty org.
    #[arg(long)]
    no_seed: bool,
    /// CTI adapter namespace prefix; `-` for none.
    #[arg(long, default_value = "amazonconnect")]
    namespace: String,
    /// Give the CTI objects a Region__c field.
    #[arg(long)]
    with_region: bool,
    /// Write every record here as JSON after each write and at shutdown.
    #[arg(long)]
    dump_file: Option<PathBuf>,
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

    let seed = match (&args.seed, args.no_seed) {
        (_, true) => None,
        (Some(path), false) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Some(
                serde_json::from_str(&text)
                    .with_context(|| format!("parsing {}", path.display()))?,
            )
        }
        (None, false) => Some(demo::seed_data()),
    };
    let namespace = match args.namespace.trim() {
        "" | "-" => None,
        prefix => Some(prefix.to_owned()),
    };
    let config = EmulatorConfig {
        namespace,
        with_region: args.with_region,
        token_lifetime: Duration::from_secs(args.token_lifetime_seconds),
        seed,
        dump_file: args.dump_file,
        ..EmulatorConfig::default()
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
