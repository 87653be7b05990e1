//! `connect-sf sandbox`: the emulator as a long-running local org.

use std::{path::Path, process::ExitCode};

use salesforce_emulator::demo;

use crate::salesforce_target::start_embedded;

pub async fn run(port: u16, seed: Option<&Path>) -> anyhow::Result<ExitCode> {
    let emulator = start_embedded(seed, port).await?;
    println!(
        "Salesforce sandbox on {url} (login and instance URL)\n  username {user}\n  password {password} + security token {token}\n  consumer key {key}\n  consumer secret {secret}\nRecords: {url}/__emulator/records   Ctrl-C to stop.",
        url = emulator.base_url(),
        user = demo::USERNAME,
        password = demo::PASSWORD,
        token = demo::SECURITY_TOKEN,
        key = demo::CONSUMER_KEY,
        secret = demo::CONSUMER_SECRET,
    );
    tokio::signal::ctrl_c().await?;
    emulator.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
