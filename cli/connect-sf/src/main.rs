//! `connect-sf`: run the package on a laptop. `sandbox` serves the Salesforce emulator with demo
//! data; `invoke` runs an activity's real handler in-process against the embedded emulator (or
//! a real org when Salesforce settings are in the environment).

mod ctr_start;
mod demo;
mod event_workflow;
mod faults;
mod historical_import;
mod invoke;
mod local_connect;
mod local_runtime;
mod project;
mod run;
mod salesforce_records;
mod salesforce_target;
mod sandbox;
mod schedules;
mod setup_helper_invoke;
mod trace;
mod validate;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "connect-sf", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a local Salesforce org (the emulator) loaded with seed data until Ctrl-C.
    Sandbox {
        #[arg(long, default_value_t = 8080)]
        port: u16,
        #[command(flatten)]
        org: salesforce_emulator::OrgOptions,
    },
    /// Run an activity's handler on one event and print its result as JSON
    /// (contact-lens-import: the Contact Lens workflow on an S3 or EventBridge Object Created
    /// event of an analysis or a chat transcript).
    Invoke {
        activity: Activity,
        /// The event file (e.g. activities/sf-invoke-api/events/event-phoneLookup.json).
        #[arg(long)]
        event: PathBuf,
        /// Override or add an event parameter, `key=value` (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Embedded org: load these records instead of the demo org.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Embedded org: write every record to this file afterwards (usable as --seed).
        #[arg(long)]
        salesforce_dump: Option<PathBuf>,
        /// Real org: credentials JSON with the secret's keys, instead of Secrets Manager.
        #[arg(long)]
        credentials: Option<PathBuf>,
        /// Embedded org: inject these Salesforce emulator faults first (a JSON list, e.g.
        /// [{"kind": {"server_error": 503}, "schedule": {"every_nth": 7}}]; see the emulator
        /// README, "Faults") to rehearse an outage, a latency spike or expired sessions.
        #[arg(long, value_name = "FILE")]
        salesforce_faults: Option<PathBuf>,
        /// contact-lens-import, historical-report-import: the local S3, a directory holding
        /// <bucket>/<key> (the report; for contact-lens-import the analysis or
        /// transcript the event names; the markers and import claims are kept there too).
        #[arg(long)]
        storage: Option<PathBuf>,
        /// contact-lens-import: serve this Amazon Connect instance (a connect-emulator seed file,
        /// its contactAttributes the contacts' attributes) instead of the demo one.
        #[arg(long, value_name = "FILE")]
        connect_seed: Option<PathBuf>,
    },
    /// Run a workflow (a name in statemachines/ or a path to an .asl.json, or a conformance
    /// case file) on the embedded engine, printing each state as it is entered and what its
    /// output changed when it is left, then the Salesforce records written.
    #[command(after_help = ctr_start::switches_help())]
    Run {
        workflow: String,
        /// The execution input (JSON file); default `{}` (or a case file's own input).
        #[arg(long)]
        input: Option<PathBuf>,
        /// post-call only: one contact trace record as Connect writes it (e.g.
        /// ../shared/fixtures/connect/contact-trace-record-voice.json), started as ctr-trigger
        /// starts it, with the package switches below.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["input", "name"])]
        ctr: Option<PathBuf>,
        #[command(flatten)]
        time: TimeArgs,
        /// Print only {"status","output","error","cause","salesforceApiCalls","connectApiCalls"}.
        #[arg(long)]
        json: bool,
        /// The execution name ($$.Execution.Name); a UUID by default.
        #[arg(long)]
        name: Option<String>,
        /// Embedded org: load these records instead of the demo org.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Embedded org: write every record to this file afterwards.
        #[arg(long)]
        salesforce_dump: Option<PathBuf>,
        /// Local Amazon Connect (started for a workflow whose Tasks call Connect, e.g.
        /// realtime-queue-metrics): serve this instance (a connect-emulator seed file) instead
        /// of the demo one.
        #[arg(long, value_name = "FILE")]
        connect_seed: Option<PathBuf>,
        /// Local S3: keep objects (markers, transcripts) in this directory across runs
        /// (default: a fresh temporary one).
        #[arg(long)]
        storage: Option<PathBuf>,
        /// Local Transcribe: status checks before a job completes.
        #[arg(long)]
        transcribe_polls: Option<u32>,
        /// Embedded org: inject these Salesforce emulator faults first (a JSON list, e.g.
        /// [{"kind": {"server_error": 503}, "schedule": {"every_nth": 7}}]; see the emulator
        /// README, "Faults") to rehearse an outage, a latency spike or expired sessions.
        #[arg(long, value_name = "FILE")]
        salesforce_faults: Option<PathBuf>,
    },
    /// The main job on the embedded default: the shipped CTRs through the CTR trigger and the
    /// post-call workflow, printing per contact the states run and the Salesforce records.
    Demo {
        /// Another Kinesis event instead of activities/ctr-trigger/events/kinesis-ctr-event.json.
        #[arg(long)]
        event: Option<PathBuf>,
        /// Real time sped up this many times (Wait states of TranscriptionJobCheckWaitTime).
        #[arg(long, default_value_t = 100.0)]
        speed: f64,
        /// Write the embedded org's records to this file afterwards.
        #[arg(long)]
        salesforce_dump: Option<PathBuf>,
        /// Embedded org: inject these Salesforce emulator faults first (a JSON list, e.g.
        /// [{"kind": {"server_error": 503}, "schedule": {"every_nth": 7}}]; see the emulator
        /// README, "Faults") to rehearse an outage, a latency spike or expired sessions.
        #[arg(long, value_name = "FILE")]
        salesforce_faults: Option<PathBuf>,
    },
    /// Check every statemachines/*.asl.json and its wiring in template.yaml.
    Validate,
    /// Print a state machine as a Mermaid flowchart (the README's "Workflows at a glance").
    Graph {
        /// The definition, e.g. statemachines/post-call.asl.json.
        file: PathBuf,
    },
    /// Run the schedules in schedules/ against the embedded engine.
    Schedules {
        /// Start every enabled schedule's execution once, now, and exit.
        #[arg(long)]
        once: bool,
        /// Stop after this many firings (every firing shares one org and sync state, as a
        /// deployed stack's executions do).
        #[arg(long, value_name = "N", conflicts_with = "once")]
        firings: Option<u32>,
        /// Only this schedule (by its Name; repeat for several).
        #[arg(long = "schedule", value_name = "NAME")]
        only: Vec<String>,
        #[command(flatten)]
        time: TimeArgs,
        /// Embedded org: load these records instead of the demo org.
        #[arg(long)]
        seed: Option<PathBuf>,
        /// Local Amazon Connect: serve this instance (a connect-emulator seed file) to the
        /// schedules whose workflow calls Connect, instead of the demo one.
        #[arg(long, value_name = "FILE")]
        connect_seed: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct TimeArgs {
    /// Virtual time: Wait states and retry delays take no real time.
    #[arg(long, conflicts_with = "speed")]
    virtual_time: bool,
    /// Real time sped up this many times (e.g. 60: a minute per second).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
}

impl TimeArgs {
    fn clock(&self) -> local_runtime::ClockChoice {
        if self.virtual_time {
            local_runtime::ClockChoice::Virtual
        } else {
            local_runtime::ClockChoice::Real { speed: self.speed }
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Activity {
    SfInvokeApi,
    CtrTrigger,
    /// The Contact Lens import (analyses and chat transcripts) on one created file's event.
    ContactLensImport,
    /// The historical report import on one report's S3 or EventBridge Object Created event
    /// (the report read from --storage DIR/<bucket>/<key>).
    HistoricalReportImport,
    /// sfExecuteAWSService on one setup-wizard event, against the AWS the environment names
    /// (your account, or moto and the Connect emulator through AWS_ENDPOINT_URL and
    /// AWS_ENDPOINT_URL_CONNECT): it creates what the event asks for. --param sets params.KEY.
    SfExecuteAwsService,
}

/// The embedded org's seed and faults, the faults file read and checked now.
fn embedded_org(
    seed: Option<PathBuf>,
    faults: Option<PathBuf>,
) -> anyhow::Result<local_runtime::EmbeddedOrg> {
    Ok(local_runtime::EmbeddedOrg {
        seed,
        faults: faults::SalesforceFaults::read_option(faults.as_deref())?,
    })
}

async fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Sandbox { port, org } => sandbox::run(port, &org).await,
        Command::Invoke {
            activity,
            event,
            params,
            seed,
            salesforce_dump,
            credentials,
            salesforce_faults,
            storage,
            connect_seed,
        } => {
            if !matches!(activity, Activity::ContactLensImport)
                && (connect_seed.is_some()
                    || (storage.is_some() && !matches!(activity, Activity::HistoricalReportImport)))
            {
                anyhow::bail!(
                    "--storage applies to contact-lens-import and historical-report-import, --connect-seed to contact-lens-import only"
                );
            }
            if matches!(activity, Activity::SfExecuteAwsService)
                && (seed.is_some()
                    || salesforce_dump.is_some()
                    || credentials.is_some()
                    || salesforce_faults.is_some())
            {
                anyhow::bail!(
                    "sf-execute-aws-service calls no Salesforce: --seed, --salesforce-dump, --credentials and --salesforce-faults do not apply"
                );
            }
            let options = invoke::InvokeOptions {
                event,
                params,
                org: embedded_org(seed, salesforce_faults)?,
                salesforce_dump,
                credentials,
            };
            match activity {
                Activity::SfExecuteAwsService => {
                    setup_helper_invoke::sf_execute_aws_service(&options.event, &options.params)
                        .await
                }
                Activity::SfInvokeApi => invoke::sf_invoke_api(options).await,
                Activity::CtrTrigger => invoke::ctr_trigger(options).await,
                Activity::HistoricalReportImport => {
                    historical_import::historical_report_import(
                        options,
                        local_runtime::LocalStorage {
                            directory: storage,
                            transcribe_polls: None,
                        },
                    )
                    .await
                }
                Activity::ContactLensImport => {
                    invoke::contact_lens_import(
                        options,
                        local_connect::EmbeddedConnect::read_option(connect_seed.as_deref())?,
                        local_runtime::LocalStorage {
                            directory: storage,
                            transcribe_polls: None,
                        },
                    )
                    .await
                }
            }
        }
        Command::Demo {
            event,
            speed,
            salesforce_dump,
            salesforce_faults,
        } => {
            demo::run(demo::DemoOptions {
                clock: local_runtime::ClockChoice::Real { speed },
                event,
                org: embedded_org(None, salesforce_faults)?,
                salesforce_dump,
            })
            .await
        }
        Command::Run {
            workflow,
            input,
            ctr,
            time,
            json,
            name,
            seed,
            salesforce_dump,
            connect_seed,
            storage,
            transcribe_polls,
            salesforce_faults,
        } => {
            run::run(run::RunOptions {
                workflow,
                input,
                ctr,
                clock: time.clock(),
                json,
                org: embedded_org(seed, salesforce_faults)?,
                connect: local_connect::EmbeddedConnect::read_option(connect_seed.as_deref())?,
                salesforce_dump,
                name,
                storage: local_runtime::LocalStorage {
                    directory: storage,
                    transcribe_polls,
                },
            })
            .await
        }
        Command::Validate => validate::run(),
        Command::Graph { file } => graph(&file),
        Command::Schedules {
            once,
            firings,
            only,
            time,
            seed,
            connect_seed,
        } => {
            schedules::run(schedules::SchedulesOptions {
                once,
                firings,
                only,
                clock: time.clock(),
                seed,
                connect: local_connect::EmbeddedConnect::read_option(connect_seed.as_deref())?,
            })
            .await
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                // Quiet by default so stderr carries only the typed error JSON (pipe it to
                // jq); RUST_LOG=info shows the handler's log lines.
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never in a file or a pipe.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let outcome = dispatch(cli.command).await;
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("connect-sf: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// `connect-sf graph FILE`: the README block for one state machine.
fn graph(file: &std::path::Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", file.display()))?;
    let definition: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| anyhow::anyhow!("{} is not JSON: {error}", file.display()))?;
    let chart = step_functions_engine::mermaid::flowchart(&definition)
        .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
    let shown = file.display().to_string();
    println!("<!-- diagram: {shown} (connect-sf graph {shown}) -->\n```mermaid\n{chart}```");
    Ok(ExitCode::SUCCESS)
}
