//! A Lambda activity binary as an operating-system process: spawned with a Lambda-like
//! environment against a local Runtime API ([`crate::lambda_runtime_api`]), watched while it
//! serves invocations, measured (`VmHWM`) and killed. Used by the binary tests and by
//! `scripts/bench`.

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use tokio::process::{Child, Command};

use crate::lambda_runtime_api::{INVOCATION_DEADLINE, Outcome, PendingInvocation, RuntimeApi};

/// How long an invocation may take before the harness gives up: Lambda's deadline plus room for
/// the function to report its own timeout error.
const INVOCATION_TIMEOUT: Duration = INVOCATION_DEADLINE.saturating_add(Duration::from_secs(5));

pub struct ActivityProcess {
    child: Child,
    pid: u32,
    spawned_at: Instant,
    log_path: PathBuf,
}

impl ActivityProcess {
    /// Starts `binary` with exactly `environment` plus `AWS_LAMBDA_RUNTIME_API` — the host's
    /// variables are not inherited, so nothing like `AWS_PROFILE` or `RUST_LOG` from the shell
    /// changes what is measured. stdout and stderr (the function's logs) go to `log_path`.
    pub fn spawn(
        binary: &Path,
        environment: &[(String, String)],
        runtime_api: &str,
        log_path: &Path,
    ) -> anyhow::Result<ActivityProcess> {
        let log = File::create(log_path)
            .with_context(|| format!("cannot create the log file {}", log_path.display()))?;
        let log_err = log.try_clone().context("cannot share the log file")?;
        let mut command = Command::new(binary);
        command
            .env_clear()
            .envs(environment.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("AWS_LAMBDA_RUNTIME_API", runtime_api)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .kill_on_drop(true);
        // Taken immediately before the fork/exec: cold start includes exec and dynamic loading.
        let spawned_at = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let pid = child
            .id()
            .context("the activity exited before its pid could be read")?;
        Ok(ActivityProcess {
            child,
            pid,
            spawned_at,
            log_path: log_path.to_owned(),
        })
    }

    pub fn spawned_at(&self) -> Instant {
        self.spawned_at
    }

    /// Waits for `pending` (queued on `runtime_api`) to finish, failing clearly — with the
    /// function's init error and log tail — if the process dies or hangs instead.
    pub async fn finish(
        &mut self,
        runtime_api: &RuntimeApi,
        pending: PendingInvocation,
    ) -> anyhow::Result<Outcome> {
        let request_id = pending.request_id().to_owned();
        tokio::select! {
            outcome = tokio::time::timeout(INVOCATION_TIMEOUT, pending.outcome()) => match outcome {
                Ok(outcome) => outcome,
                Err(_) => bail!(
                    "invocation {request_id} got no response within {} s{}",
                    INVOCATION_TIMEOUT.as_secs(),
                    self.log_tail()
                ),
            },
            status = self.child.wait() => {
                let status = status.context("cannot wait for the activity process")?;
                let init_error = runtime_api
                    .init_error()
                    .map(|body| format!("; init error: {body}"))
                    .unwrap_or_default();
                bail!(
                    "the activity exited ({status}) during invocation {request_id}{init_error}{}",
                    self.log_tail()
                )
            }
        }
    }

    /// Peak resident set size so far (`VmHWM`), in KiB.
    pub fn peak_memory_kib(&self) -> anyhow::Result<u64> {
        let path = format!("/proc/{}/status", self.pid);
        let status =
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
        parse_vm_hwm(&status).with_context(|| format!("no VmHWM line in {path}"))
    }

    /// Waits for the process to end on its own (a failed init), returning its exit status and
    /// log.
    pub async fn exited(
        mut self,
        timeout: Duration,
    ) -> anyhow::Result<(std::process::ExitStatus, String)> {
        let status = tokio::time::timeout(timeout, self.child.wait())
            .await
            .with_context(|| {
                format!(
                    "the activity was still running after {} s{}",
                    timeout.as_secs(),
                    self.log_tail()
                )
            })?
            .context("cannot wait for the activity process")?;
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        Ok((status, log))
    }

    /// Kills the process and reaps it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        // An already exited process is fine: the measurement was taken.
        let _ = self.child.start_kill();
        self.child
            .wait()
            .await
            .context("cannot reap the activity process")?;
        Ok(())
    }

    /// The end of the function's log, to explain a failure.
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(20)..].join("\n");
        format!(
            "\n--- last lines of {} ---\n{tail}",
            self.log_path.display()
        )
    }
}

/// `VmHWM:    5128 kB` (tab-separated in the file) → 5128.
fn parse_vm_hwm(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// A fresh local Runtime API and `binary` started under it with exactly `environment`; the
/// function's log goes to `<name>-<pid>.log` in the temporary directory.
pub async fn start_under_runtime_api(
    binary: &Path,
    environment: &[(String, String)],
    name: &str,
) -> anyhow::Result<(RuntimeApi, ActivityProcess)> {
    let runtime_api = RuntimeApi::start().await?;
    let log = std::env::temp_dir().join(format!("{name}-{}.log", std::process::id()));
    let process = ActivityProcess::spawn(binary, environment, &runtime_api.address(), &log)?;
    Ok((runtime_api, process))
}

/// The variables Lambda sets for every function (JSON logs at INFO, UTC), with the AWS SDK
/// aimed at `aws_endpoint` (moto) with dummy credentials.
pub fn lambda_environment(function_name: &str, aws_endpoint: &str) -> Vec<(String, String)> {
    [
        ("AWS_REGION", crate::REGION),
        ("AWS_DEFAULT_REGION", crate::REGION),
        ("AWS_ENDPOINT_URL", aws_endpoint),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_LAMBDA_FUNCTION_NAME", function_name),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_LOG_LEVEL", "INFO"),
        ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
        ("TZ", ":UTC"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect()
}

/// The Salesforce settings `template.yaml` gives every function, aimed at the emulator's demo
/// org with the password-grant secret `secret_arn`.
pub fn salesforce_environment(emulator_url: &str, secret_arn: &str) -> Vec<(String, String)> {
    [
        ("SF_HOST", emulator_url),
        ("SF_PRODUCTION", "false"),
        ("SF_VERSION", crate::API_VERSION),
        ("SF_USERNAME", salesforce_emulator::demo::USERNAME),
        ("SF_CREDENTIALS_SECRETS_MANAGER_ARN", secret_arn),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_hwm_from_proc_status() {
        let status =
            "Name:\tsf-invoke-api\nVmPeak:\t   20000 kB\nVmHWM:\t    5128 kB\nVmRSS:\t 5000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(5128));
        assert_eq!(parse_vm_hwm("Name:\tx\n"), None);
    }

    #[test]
    fn own_process_has_a_peak() -> anyhow::Result<()> {
        let status = std::fs::read_to_string("/proc/self/status")?;
        assert!(parse_vm_hwm(&status).is_some_and(|kib| kib > 0));
        Ok(())
    }
}

/// A function's log as CloudWatch receives it: every JSON line (log records and embedded-metric
/// lines), for assertions on what an operator sees.
pub struct FunctionLog {
    pub text: String,
    pub lines: Vec<serde_json::Value>,
}

impl FunctionLog {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the function's log {}", path.display()))?;
        let lines = text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect();
        Ok(Self { text, lines })
    }

    /// The first log record whose message contains `needle`; panics with the whole log.
    pub fn message(&self, needle: &str) -> &serde_json::Value {
        self.lines
            .iter()
            .find(|line| {
                line["fields"]["message"]
                    .as_str()
                    .is_some_and(|message| message.contains(needle))
            })
            .unwrap_or_else(|| panic!("no log line saying {needle:?} in:\n{}", self.text))
    }

    /// The first embedded-metric line that carries `metric`; panics with the whole log.
    pub fn metric(&self, metric: &str) -> &serde_json::Value {
        self.lines
            .iter()
            .find(|line| line.get(metric).is_some() && line.get("_aws").is_some())
            .unwrap_or_else(|| panic!("no {metric} metric line in:\n{}", self.text))
    }
}
