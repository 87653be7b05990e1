//! The results as a Markdown report (stdout and `<out>/<activity>.md`) and as JSON beside it,
//! with what is needed to compare runs: date, machine, build profile and sample sizes.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::Context;
use serde_json::json;

use crate::{
    cold_start::ColdStartResult,
    runtime_api::Completion,
    stats::Summary,
    warm::{OperationResult, WarmResult},
};

pub struct Report<'a> {
    pub activity: &'a str,
    pub binary: &'a Path,
    pub events_dir: &'a Path,
    pub cold_runs: usize,
    pub warm_runs: usize,
    pub cold: &'a ColdStartResult,
    pub warm: &'a WarmResult,
    pub floor: &'a [Duration],
}

struct Machine {
    nproc: usize,
    cpu_model: String,
}

impl Machine {
    fn current() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|line| {
                let (key, value) = line.split_once(':')?;
                // x86 says "model name"; some ARM kernels only "Hardware" or "CPU part".
                matches!(key.trim(), "model name" | "Hardware").then(|| value.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        Machine {
            // What `nproc` prints: the CPUs this process may run on.
            nproc: std::thread::available_parallelism().map_or(1, usize::from),
            cpu_model,
        }
    }
}

impl Report<'_> {
    /// Writes `<out>/<activity>.md` and `.json`; returns the Markdown and both paths.
    pub fn write(&self, out: &Path) -> anyhow::Result<(String, PathBuf, PathBuf)> {
        let machine = Machine::current();
        let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string();
        let markdown = self.markdown(&machine, &date);
        let json = self.json(&machine, &date);
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        let md_path = out.join(format!("{}.md", self.activity));
        let json_path = out.join(format!("{}.json", self.activity));
        std::fs::write(&md_path, &markdown)
            .with_context(|| format!("cannot write {}", md_path.display()))?;
        std::fs::write(&json_path, serde_json::to_string_pretty(&json)? + "\n")
            .with_context(|| format!("cannot write {}", json_path.display()))?;
        Ok((markdown, md_path, json_path))
    }

    /// The Cargo profile is the binary's folder under `target/`.
    fn profile(&self) -> String {
        self.binary
            .parent()
            .and_then(Path::file_name)
            .and_then(|name| name.to_str())
            .unwrap_or("unknown")
            .to_owned()
    }

    fn profile_note(&self) -> &'static str {
        match self.profile().as_str() {
            "bench-release" => {
                "release settings without LTO and with 16 codegen units: a quick-to-build \
                 approximation of the Lambda release build"
            }
            "release" => "the Lambda release build",
            "debug" => "unoptimised debug build: not representative",
            _ => "custom profile",
        }
    }

    fn binary_size(&self) -> String {
        std::fs::metadata(self.binary)
            .map(|meta| mib(meta.len() / 1024))
            .unwrap_or_else(|_| "?".to_owned())
    }

    fn markdown(&self, machine: &Machine, date: &str) -> String {
        let mut md = String::new();
        let cold = &self.cold.runs;
        let cold_ok = cold
            .iter()
            .filter(|run| run.completion == Completion::Response);
        let total = Summary::of(&cold_ok.clone().map(|run| run.total).collect::<Vec<_>>());
        let init = Summary::of(&cold.iter().map(|run| run.init).collect::<Vec<_>>());
        let memory: Vec<u64> = cold.iter().map(|run| run.peak_memory_kib).collect();
        let cold_errors = cold.len() - cold_ok.count();

        // `write!` to a String cannot fail.
        let _ = writeln!(md, "# Benchmark: {}\n", self.activity);
        let _ = writeln!(md, "| | |\n|---|---|");
        let _ = writeln!(md, "| date | {date} |");
        let _ = writeln!(
            md,
            "| machine | {} (nproc {}) |",
            machine.cpu_model, machine.nproc
        );
        let _ = writeln!(
            md,
            "| binary | `{}` ({}), profile `{}`: {} |",
            self.binary.display(),
            self.binary_size(),
            self.profile(),
            self.profile_note()
        );
        let _ = writeln!(
            md,
            "| runs | cold N = {} ({} event), warm M = {} per operation after 1 warm-up |",
            self.cold_runs, self.cold.event, self.warm_runs
        );
        let _ = writeln!(md, "| events | `{}` |", self.events_dir.display());
        let _ = writeln!(
            md,
            "| backends | salesforce-emulator in the harness process (demo org); Secrets Manager: moto server; all on loopback |\n"
        );

        let _ = writeln!(md, "## Cold start (fresh process per run)\n");
        let _ = writeln!(md, "| measure | median | p90 | min | max |");
        let _ = writeln!(md, "|---|---:|---:|---:|---:|");
        let _ = writeln!(md, "{}", duration_row("spawn → response posted", total));
        let _ = writeln!(md, "{}", duration_row("init: spawn → first `next`", init));
        let _ = writeln!(md, "{}", memory_row("peak memory (VmHWM)", &memory));
        let _ = writeln!(md);
        let cold_calls: Vec<usize> = cold
            .iter()
            .map(|run| run.salesforce_requests.len())
            .collect();
        let _ = writeln!(
            md,
            "Salesforce API calls per cold start: {}{}. Error responses: {cold_errors} of {}.\n",
            count_summary(&cold_calls),
            cold.first()
                .map(|run| format!(" ({})", run.salesforce_requests.join(", ")))
                .unwrap_or_default(),
            cold.len()
        );

        let _ = writeln!(
            md,
            "## Warm latency (one process; `next` handed out → result received)\n"
        );
        let _ = writeln!(
            md,
            "| operation | sf_operation | median | p90 | min | SF calls / invocation | errors |"
        );
        let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|");
        for op in &self.warm.operations {
            let summary = Summary::of(&op.latencies);
            let _ = writeln!(
                md,
                "| {}{} | {} | {} | {} | {} | {} | {}/{} |",
                op.name,
                if op.reseeded { " ¹" } else { "" },
                op.operation,
                fmt_opt(summary.map(|s| s.median)),
                fmt_opt(summary.map(|s| s.p90)),
                fmt_opt(summary.map(|s| s.min)),
                count_summary(&op.salesforce_requests),
                op.errors,
                op.salesforce_requests.len()
            );
        }
        let floor = Summary::of(self.floor);
        let _ = writeln!(
            md,
            "| **floor**: bare `GET …/query` (reqwest, keep-alive) | — | {} | {} | {} | 1 | — |\n",
            fmt_opt(floor.map(|s| s.median)),
            fmt_opt(floor.map(|s| s.p90)),
            fmt_opt(floor.map(|s| s.min)),
        );
        let _ = writeln!(
            md,
            "Peak memory of the warm process after every operation (VmHWM): {}.\n",
            mib(self.warm.peak_memory_kib)
        );
        if self.warm.operations.iter().any(|op| op.reseeded) {
            let _ = writeln!(
                md,
                "¹ the deleted record is restored (`EmulatorControl::load`) before every invocation, outside the timed window.\n"
            );
        }

        let _ = writeln!(md, "### Salesforce requests of one warm invocation\n");
        let _ = writeln!(md, "| operation | requests |\n|---|---|");
        for op in &self.warm.operations {
            let _ = writeln!(
                md,
                "| {} | {} |",
                op.name,
                if op.example_requests.is_empty() {
                    "none".to_owned()
                } else {
                    op.example_requests.join("<br>")
                }
            );
        }
        let _ = writeln!(md);

        let failing: Vec<&OperationResult> = self
            .warm
            .operations
            .iter()
            .filter(|op| op.errors > 0)
            .collect();
        if !failing.is_empty() || cold_errors > 0 {
            let _ = writeln!(md, "### Error responses\n");
            if let Some(run) = cold.iter().find(|run| run.completion == Completion::Error) {
                let _ = writeln!(md, "- cold start: `{}`", one_line(&run.body));
            }
            for op in failing {
                let _ = writeln!(
                    md,
                    "- {}: {} of {}, first: `{}`",
                    op.name,
                    op.errors,
                    op.salesforce_requests.len(),
                    one_line(op.first_error.as_deref().unwrap_or(""))
                );
            }
            let _ = writeln!(md);
        }

        let _ = writeln!(md, "## Method\n");
        let _ = writeln!(
            md,
            "- The activity binary runs unmodified against a local Lambda Runtime API served by the harness; \
             timestamps are taken there (event handed out by `next`, response received), so they include \
             the function's HTTP exchanges with the runtime API."
        );
        let _ = writeln!(
            md,
            "- Cold start = process spawn → response posted, with the event already queued: exec, init, the secret \
             (moto), the token (emulator) and the Salesforce request(s). Emulator and moto stay up between runs."
        );
        let _ = writeln!(
            md,
            "- Warm latencies count successful invocations only; error responses are counted separately. \
             Reads run before writes so records created by the writes never change what the reads find."
        );
        let _ = writeln!(
            md,
            "- Percentiles are nearest-rank (every figure is an observed latency). Peak memory is `VmHWM` from \
             `/proc/<pid>/status` just before the process is killed."
        );
        let _ = writeln!(
            md,
            "- Everything shares {} CPU(s) with the emulator and moto: compare runs on the same machine, not across machines.",
            machine.nproc
        );
        md
    }

    fn json(&self, machine: &Machine, date: &str) -> serde_json::Value {
        let cold_runs: Vec<serde_json::Value> = self
            .cold
            .runs
            .iter()
            .map(|run| {
                json!({
                    "total_ms": ms(run.total),
                    "init_ms": ms(run.init),
                    "ok": run.completion == Completion::Response,
                    "salesforce_requests": run.salesforce_requests,
                    "peak_memory_kib": run.peak_memory_kib,
                })
            })
            .collect();
        let operations: Vec<serde_json::Value> = self
            .warm
            .operations
            .iter()
            .map(|op| {
                json!({
                    "name": op.name,
                    "sf_operation": op.operation,
                    "latency": summary_json(Summary::of(&op.latencies)),
                    "latencies_ms": op.latencies.iter().copied().map(ms).collect::<Vec<_>>(),
                    "errors": op.errors,
                    "first_error": op.first_error,
                    "salesforce_requests_per_invocation": op.salesforce_requests,
                    "example_requests": op.example_requests,
                    "reseeded_before_each_invocation": op.reseeded,
                })
            })
            .collect();
        json!({
            "activity": self.activity,
            "date": date,
            "machine": { "nproc": machine.nproc, "cpu_model": machine.cpu_model },
            "binary": self.binary.display().to_string(),
            "profile": self.profile(),
            "events_dir": self.events_dir.display().to_string(),
            "cold_start": {
                "event": self.cold.event,
                "runs_requested": self.cold_runs,
                "total": summary_json(Summary::of(
                    &self.cold.runs.iter()
                        .filter(|run| run.completion == Completion::Response)
                        .map(|run| run.total)
                        .collect::<Vec<_>>(),
                )),
                "init": summary_json(Summary::of(
                    &self.cold.runs.iter().map(|run| run.init).collect::<Vec<_>>(),
                )),
                "runs": cold_runs,
            },
            "warm": {
                "runs_per_operation": self.warm_runs,
                "peak_memory_kib": self.warm.peak_memory_kib,
                "operations": operations,
                "floor_bare_query": summary_json(Summary::of(self.floor)),
            },
        })
    }
}

fn duration_row(label: &str, summary: Option<Summary>) -> String {
    match summary {
        Some(s) => format!(
            "| {label} | {} | {} | {} | {} |",
            fmt(s.median),
            fmt(s.p90),
            fmt(s.min),
            fmt(s.max)
        ),
        None => format!("| {label} | — | — | — | — |"),
    }
}

fn memory_row(label: &str, kib: &[u64]) -> String {
    let mut sorted = kib.to_vec();
    sorted.sort_unstable();
    let at = |p| {
        crate::stats::nearest_rank(&sorted, p)
            .map(mib)
            .unwrap_or_else(|| "—".to_owned())
    };
    format!(
        "| {label} | {} | {} | {} | {} |",
        at(50),
        at(90),
        at(0),
        at(100)
    )
}

/// `1` when every invocation made the same number of calls, else `1–3 (mean 1.4)`.
fn count_summary(counts: &[usize]) -> String {
    let (Some(min), Some(max)) = (counts.iter().min(), counts.iter().max()) else {
        return "—".to_owned();
    };
    if min == max {
        return min.to_string();
    }
    let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    format!("{min}–{max} (mean {mean:.2})")
}

fn summary_json(summary: Option<Summary>) -> serde_json::Value {
    match summary {
        Some(s) => json!({
            "count": s.count,
            "median_ms": ms(s.median),
            "p90_ms": ms(s.p90),
            "min_ms": ms(s.min),
            "max_ms": ms(s.max),
        }),
        None => serde_json::Value::Null,
    }
}

/// Milliseconds with microsecond resolution, for JSON.
fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// Two significant decimals below 10 ms (warm), one above (cold).
fn fmt(duration: Duration) -> String {
    let millis = duration.as_secs_f64() * 1000.0;
    if millis < 10.0 {
        format!("{millis:.2} ms")
    } else {
        format!("{millis:.1} ms")
    }
}

fn fmt_opt(duration: Option<Duration>) -> String {
    duration.map(fmt).unwrap_or_else(|| "—".to_owned())
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Error bodies inside a Markdown table cell / code span.
fn one_line(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let flat = flat.replace('`', "'");
    match flat.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_counts_and_durations() {
        assert_eq!(count_summary(&[1, 1, 1]), "1");
        assert_eq!(count_summary(&[1, 2, 1, 2]), "1–2 (mean 1.50)");
        assert_eq!(count_summary(&[]), "—");
        assert_eq!(fmt(Duration::from_micros(1234)), "1.23 ms");
        assert_eq!(fmt(Duration::from_micros(45_678)), "45.7 ms");
        assert_eq!(ms(Duration::from_nanos(1_234_567)), 1.235);
        assert_eq!(mib(9216), "9.0 MiB");
    }
}
