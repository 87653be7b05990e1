//! `connect-emulator`: serve a local Amazon Connect instance until Ctrl-C.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use connect_emulator::Seed;

/// A local Amazon Connect instance (ListQueues, GetCurrentMetricData, GetMetricDataV2,
/// GetContactAttributes) for aws-sdk-connect and the AWS CLI.
#[derive(Debug, Parser)]
#[command(name = "connect-emulator", version)]
struct Args {
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 8090)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Seed file (JSON; see the crate README). Default: the demo instance in seed/default.json.
    #[arg(long, value_name = "FILE", conflicts_with = "queues")]
    seed: Option<PathBuf>,
    /// Instead of a seed file: this many generated STANDARD queues with real-time metrics.
    #[arg(long, value_name = "N")]
    queues: Option<usize>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let seed = match (&args.seed, args.queues) {
        (Some(path), _) => Seed::from_file(path)?,
        (None, Some(n)) => Seed::with_queues(n),
        (None, None) => Seed::demo(),
    };
    let instance_id = seed.instance_id.clone();
    let region = seed.region.clone();
    let queues = seed.queues.len();
    let emulator = connect_emulator::start(seed, SocketAddr::new(args.host, args.port)).await?;
    // stdout carries only this line, so scripts can read the URL from it.
    println!(
        "Amazon Connect emulator at {url} | instance {instance_id} | region {region} | {queues} queues | AWS_ENDPOINT_URL_CONNECT={url}",
        url = emulator.base_url(),
    );
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    emulator.shutdown().await;
    Ok(())
}
