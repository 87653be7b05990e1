//! What the activity talks to, kept up for the whole benchmark: the Salesforce emulator
//! (in-process, demo org) and moto's Secrets Manager (child process) holding the
//! password-grant secret, plus the Lambda environment variables that point the activity at them.

use std::path::PathBuf;

use anyhow::Context;
use salesforce_emulator::{EmulatorControl, LoggedRequest, RunningEmulator};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, salesforce_environment},
    password_secret_json, start_demo_emulator,
};

pub struct BenchEnvironment {
    emulator: RunningEmulator,
    moto: MotoServer,
    secret_arn: String,
    /// The demo org as loaded, to restore records a benchmark deletes.
    pub org_snapshot: serde_json::Value,
    /// Where the activity's logs go (one file per process).
    pub log_dir: PathBuf,
}

impl BenchEnvironment {
    pub async fn start() -> anyhow::Result<BenchEnvironment> {
        let emulator = start_demo_emulator().await;
        let moto = MotoServer::start()
            .await
            .context("starting moto's server")?;
        let secret_arn = moto
            .create_secret("sfInvokeAPI-bench-credentials", &password_secret_json())
            .await
            .context("creating the Salesforce credentials secret in moto")?;
        let org_snapshot = emulator.control().dump();
        let log_dir = std::env::temp_dir().join(format!("lambda-bench-{}", std::process::id()));
        std::fs::create_dir_all(&log_dir)
            .with_context(|| format!("cannot create {}", log_dir.display()))?;
        Ok(BenchEnvironment {
            emulator,
            moto,
            secret_arn,
            org_snapshot,
            log_dir,
        })
    }

    pub fn emulator_url(&self) -> String {
        self.emulator.base_url()
    }

    /// moto's server, to create the stack's other resources on.
    pub fn moto(&self) -> &MotoServer {
        &self.moto
    }

    /// moto's endpoint (`http://127.0.0.1:<port>`).
    pub fn moto_endpoint(&self) -> &str {
        self.moto.endpoint()
    }

    /// The password-grant secret every function reads.
    pub fn secret_arn(&self) -> &str {
        &self.secret_arn
    }

    pub fn control(&self) -> EmulatorControl {
        self.emulator.control()
    }

    /// The function's configuration as `template.yaml` would set it, aimed at the local stand-ins.
    pub fn activity_environment(&self) -> Vec<(String, String)> {
        let mut variables = salesforce_environment(&self.emulator.base_url(), &self.secret_arn);
        variables.extend(lambda_environment("sfInvokeAPI", self.moto.endpoint()));
        variables
    }
}

/// Counts the Salesforce requests made between two points, from the emulator's request log.
pub struct RequestMark {
    seen: usize,
}

impl RequestMark {
    pub fn now(control: &EmulatorControl) -> RequestMark {
        RequestMark {
            seen: control.requests().len(),
        }
    }

    /// Requests logged since the mark.
    pub fn since(&self, control: &EmulatorControl) -> Vec<LoggedRequest> {
        control.requests().split_off(self.seen)
    }
}

/// `GET /services/data/v60.0/query → 200`, for the report.
pub fn describe_request(request: &LoggedRequest) -> String {
    format!("{} {} → {}", request.method, request.path, request.status)
}
