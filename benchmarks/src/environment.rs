//! What the activity talks to, kept up for the whole benchmark: the Salesforce emulator
//! (in-process, demo org) and moto's Secrets Manager (child process) holding the
//! password-grant secret, plus the Lambda environment variables that point the activity at them.

use std::path::PathBuf;

use anyhow::Context;
use end_to_end_tests::{
    API_VERSION, MotoServer, REGION, password_secret_json, start_demo_emulator,
};
use salesforce_emulator::{EmulatorControl, LoggedRequest, RunningEmulator, demo};

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

    pub fn control(&self) -> EmulatorControl {
        self.emulator.control()
    }

    /// The function's configuration as `template.yaml` would set it, aimed at the local stand-ins.
    pub fn activity_environment(&self) -> Vec<(String, String)> {
        [
            ("SF_HOST", self.emulator.base_url()),
            ("SF_PRODUCTION", "false".to_owned()),
            ("SF_VERSION", API_VERSION.to_owned()),
            ("SF_USERNAME", demo::USERNAME.to_owned()),
            (
                "SF_CREDENTIALS_SECRETS_MANAGER_ARN",
                self.secret_arn.clone(),
            ),
            ("AWS_REGION", REGION.to_owned()),
            ("AWS_DEFAULT_REGION", REGION.to_owned()),
            ("AWS_ENDPOINT_URL", self.moto.endpoint().to_owned()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            ("AWS_LAMBDA_FUNCTION_NAME", "sfInvokeAPI".to_owned()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
            ("AWS_LAMBDA_LOG_LEVEL", "INFO".to_owned()),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON".to_owned()),
            // Lambda runs every function in UTC.
            ("TZ", ":UTC".to_owned()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
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
