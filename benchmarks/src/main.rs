//! `lambda-bench`: measures a Lambda activity binary the way Lambda runs it — cold starts,
//! warm latency per operation, Salesforce API calls per invocation and peak memory — against a
//! local Lambda Runtime API, the Salesforce emulator and moto; and the post-call workflow's
//! binaries the same way, each invoked as Step Functions would. `scripts/bench` builds and runs it.

mod activity;
mod cold_start;
mod environment;
mod events;
mod function;
mod old_package;
mod post_call_lambdas;
mod post_call_report;
mod report;
mod stats;
mod warm;

use std::{path::PathBuf, process::ExitCode};

use anyhow::{Context, ensure};
use clap::{Args, Parser, Subcommand};

use crate::{environment::BenchEnvironment, function::Function, report::Report};
use test_harness::lambda_runtime_api as runtime_api;

#[derive(Parser)]
#[command(
    name = "lambda-bench",
    about = "Benchmarks a Lambda activity binary locally."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The contact-flow activity (sfInvokeAPI).
    SfInvokeApi(SfInvokeApiArgs),
    /// The post-call workflow's binaries (ctr-trigger and every Task's activity).
    PostCall(PostCallArgs),
}

#[derive(Args)]
struct PostCallArgs {
    /// Where the activity binaries are, e.g. target/bench-release.
    #[arg(long)]
    bin_dir: PathBuf,
    /// Contacts run with a fresh process for every invocation.
    #[arg(long, default_value_t = 10)]
    cold_contacts: usize,
    /// Contacts run with one long-lived process per function (after one warm-up contact).
    #[arg(long, default_value_t = 30)]
    warm_contacts: usize,
    /// Where to write post-call-lambdas.md and .json (sf-invoke-api.json there is quoted);
    /// default: benchmarks/results in the repository.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct SfInvokeApiArgs {
    /// The activity binary, e.g. target/bench-release/sf-invoke-api.
    #[arg(long)]
    binary: PathBuf,
    /// Cold starts to run (a fresh process each).
    #[arg(long, default_value_t = 15)]
    cold_runs: usize,
    /// Measured warm invocations per operation (after one warm-up each).
    #[arg(long, default_value_t = 50)]
    warm_runs: usize,
    /// Contact-flow events (*.json); default: the activity's events/, else the shared fixtures.
    #[arg(long)]
    events: Option<PathBuf>,
    /// Where to write <activity>.md and .json; default: benchmarks/results in the repository.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also run the old Python package's sfInvokeAPI side by side: its
    /// `sam-app/lambda_functions` folder (see benchmarks/README.md).
    #[arg(long)]
    old_package: Option<PathBuf>,
    /// The Python with awslambdaric and the old package's dependencies (scripts/bench builds it).
    #[arg(long, requires = "old_package")]
    old_package_python: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::SfInvokeApi(args) => sf_invoke_api(args).await,
        Command::PostCall(args) => post_call(args).await,
    };
    // The whole context chain on one line, without the backtrace `RUST_BACKTRACE` would add:
    // the messages already say what failed and what to do.
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("lambda-bench: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn sf_invoke_api(args: SfInvokeApiArgs) -> anyhow::Result<()> {
    activity::check_binary(&args.binary)?;
    ensure!(
        args.cold_runs > 0 && args.warm_runs > 0,
        "--cold-runs and --warm-runs must be at least 1"
    );
    let root = test_harness::repo_root();
    let fixtures = test_harness::shared_dir().join("fixtures/connect");
    let (events_dir, events) = events::warm_events(
        args.events.as_deref(),
        &root.join("activities/sf-invoke-api/events"),
        &fixtures,
    )?;
    let cold_events = events::cold_start_events(&events, &fixtures)?;
    let out = args.out.unwrap_or_else(|| root.join("benchmarks/results"));

    eprintln!("lambda-bench: starting the Salesforce emulator and moto…");
    let environment = BenchEnvironment::start().await?;
    let mut functions = vec![Function {
        name: "sf-invoke-api",
        program: args.binary.clone(),
        environment: environment.activity_environment(),
    }];
    let old_package = match &args.old_package {
        Some(dir) => {
            let python = args
                .old_package_python
                .clone()
                .unwrap_or_else(|| root.join("target/old-package-venv/bin/python"));
            let (function, old_package) = old_package::function(dir, &python, &environment)?;
            functions.push(function);
            Some(old_package)
        }
        None => None,
    };
    eprintln!(
        "lambda-bench: {} ({} events from {}); function logs in {}",
        args.binary.display(),
        events.len(),
        events_dir.display(),
        environment.log_dir.display()
    );
    if let Some(old) = &old_package {
        eprintln!(
            "lambda-bench: old package {} ({})",
            old.dir.display(),
            old.versions
        );
    }

    eprintln!(
        "lambda-bench: {} cold starts per function and event ({})",
        args.cold_runs,
        cold_events
            .iter()
            .map(|event| event.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let cold = cold_start::measure(&functions, &environment, &cold_events, args.cold_runs)
        .await
        .context("cold start benchmark")?;
    eprintln!(
        "lambda-bench: warm run, {} invocations per operation",
        args.warm_runs
    );
    let warm = warm::measure(&functions, &environment, &events, args.warm_runs)
        .await
        .context("warm benchmark")?;
    let floors = warm::floors(&environment, args.warm_runs).await?;

    let report = Report {
        activity: "sf-invoke-api",
        binary: &args.binary,
        events_dir: &events_dir,
        old_package: old_package.as_ref(),
        cold_runs: args.cold_runs,
        warm_runs: args.warm_runs,
        cold: &cold,
        warm: &warm,
        floors: &floors,
    };
    let (markdown, md_path, json_path) = report.write(&out)?;
    println!("{markdown}");
    eprintln!(
        "lambda-bench: wrote {} and {}",
        md_path.display(),
        json_path.display()
    );
    Ok(())
}

async fn post_call(args: PostCallArgs) -> anyhow::Result<()> {
    ensure!(
        args.cold_contacts > 0 && args.warm_contacts > 0,
        "--cold-contacts and --warm-contacts must be at least 1"
    );
    let out = args
        .out
        .unwrap_or_else(|| test_harness::repo_root().join("benchmarks/results"));
    let measurements =
        post_call_lambdas::measure(&args.bin_dir, args.cold_contacts, args.warm_contacts)
            .await
            .context("post-call Lambdas benchmark")?;
    let report = post_call_report::PostCallReport {
        measurements: &measurements,
        date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
    };
    let (markdown, md_path, json_path) = report.write(&out)?;
    println!("{markdown}");
    eprintln!(
        "lambda-bench: wrote {} and {}",
        md_path.display(),
        json_path.display()
    );
    Ok(())
}
