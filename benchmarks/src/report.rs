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
    cold_start::{ColdRun, ColdStartResult},
    old_package::OldPackage,
    runtime_api::Completion,
    stats::Summary,
    warm::{Floors, OperationResult, WarmResult},
};

pub struct Report<'a> {
    pub activity: &'a str,
    pub binary: &'a Path,
    pub events_dir: &'a Path,
    /// When the old Python package ran beside the binary.
    pub old_package: Option<&'a OldPackage>,
    pub cold_runs: usize,
    pub warm_runs: usize,
    /// Per function and event, functions in the order they were given.
    pub cold: &'a [ColdStartResult],
    /// Per function, the binary first.
    pub warm: &'a [WarmResult],
    pub floors: &'a Floors,
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
        let functions: Vec<&str> = self.warm.iter().map(|warm| warm.function).collect();
        let cold_events: Vec<&str> = self
            .cold
            .iter()
            .filter(|cold| Some(cold.function) == functions.first().copied())
            .map(|cold| cold.event.as_str())
            .collect();

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
        if let Some(old) = self.old_package {
            let _ = writeln!(
                md,
                "| old-package | the old Python package's `sfInvokeAPI.lambda_handler` from `{}` under PyPI's awslambdaric ({}), same runtime API, org and secret |",
                old.dir.display(),
                old.versions
            );
        }
        let _ = writeln!(
            md,
            "| runs | cold N = {} per function and event ({}), interleaved, after 1 unmeasured start per function; warm M = {} per operation after 1 warm-up |",
            self.cold_runs,
            cold_events.join(", "),
            self.warm_runs
        );
        let _ = writeln!(md, "| events | `{}` |", self.events_dir.display());
        let _ = writeln!(
            md,
            "| backends | salesforce-emulator in the harness process (demo org); Secrets Manager: moto server; all on loopback |\n"
        );

        self.cold_section(&mut md);
        self.warm_section(&mut md, &functions);
        self.errors_section(&mut md);
        self.method_section(&mut md, machine);
        md
    }

    fn cold_section(&self, md: &mut String) {
        let _ = writeln!(
            md,
            "## Cold start (fresh process per run; spawn → response posted)\n"
        );
        let _ = writeln!(
            md,
            "| function | event | median | p90 | min | max | init: spawn → first `next` (median) | peak RSS (median) | SF calls | errors |"
        );
        let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for cold in self.cold {
            let total = Summary::of(&successful_totals(&cold.runs));
            let init = Summary::of(&cold.runs.iter().map(|run| run.init).collect::<Vec<_>>());
            let mut memory: Vec<u64> = cold.runs.iter().map(|run| run.peak_memory_kib).collect();
            memory.sort_unstable();
            let calls: Vec<usize> = cold
                .runs
                .iter()
                .map(|run| run.salesforce_requests.len())
                .collect();
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {}/{} |",
                cold.function,
                cold.event,
                fmt_opt(total.map(|s| s.median)),
                fmt_opt(total.map(|s| s.p90)),
                fmt_opt(total.map(|s| s.min)),
                fmt_opt(total.map(|s| s.max)),
                fmt_opt(init.map(|s| s.median)),
                crate::stats::nearest_rank(&memory, 50)
                    .map(mib)
                    .unwrap_or_else(|| "—".to_owned()),
                count_summary(&calls),
                error_count(&cold.runs),
                cold.runs.len()
            );
        }
        let _ = writeln!(md);
        let ratios = self.cold_ratios();
        if !ratios.is_empty() {
            let _ = writeln!(
                md,
                "Old package ÷ sf-invoke-api, median: {}.\n",
                ratios.join("; ")
            );
        }
        let _ = writeln!(
            md,
            "Salesforce requests of the first measured cold start:\n"
        );
        for cold in self.cold {
            let requests = cold
                .runs
                .first()
                .map(|run| run.salesforce_requests.join(", "))
                .unwrap_or_default();
            let _ = writeln!(md, "- {} {}: {requests}", cold.function, cold.event);
        }
        let _ = writeln!(md);
    }

    /// `lookup 12.3× (612.0 ms vs 49.8 ms)` per event, when two functions ran.
    fn cold_ratios(&self) -> Vec<String> {
        let Some(first) = self.cold.first().map(|cold| cold.function) else {
            return Vec::new();
        };
        let new: Vec<&ColdStartResult> = self.cold.iter().filter(|c| c.function == first).collect();
        let old: Vec<&ColdStartResult> = self.cold.iter().filter(|c| c.function != first).collect();
        new.iter()
            .zip(old)
            .filter_map(|(new, old)| {
                let new_median = Summary::of(&successful_totals(&new.runs))?.median;
                let old_median = Summary::of(&successful_totals(&old.runs))?.median;
                Some(format!(
                    "{} **{}** ({} vs {})",
                    new.event,
                    ratio(old_median, new_median),
                    fmt(old_median),
                    fmt(new_median)
                ))
            })
            .collect()
    }

    fn warm_section(&self, md: &mut String, functions: &[&str]) {
        let _ = writeln!(
            md,
            "## Warm latency (one process per function; `next` handed out → result received)\n"
        );
        let compare = self.warm.len() == 2;
        let mut header = "| operation | sf_operation |".to_owned();
        let mut align = "|---|---|".to_owned();
        for function in functions {
            let _ = write!(header, " {function} median | p90 |");
            align.push_str("---:|---:|");
        }
        if compare {
            header.push_str(" old ÷ new |");
            align.push_str("---:|");
        }
        let _ = write!(
            header,
            " SF calls / invocation | errors (of {}) |",
            self.warm_runs
        );
        align.push_str("---:|---:|");
        let _ = writeln!(md, "{header}\n{align}");

        let Some(first) = self.warm.first() else {
            return;
        };
        for (index, op) in first.operations.iter().enumerate() {
            let row: Vec<&OperationResult> = self
                .warm
                .iter()
                .filter_map(|warm| warm.operations.get(index))
                .collect();
            let summaries: Vec<Option<Summary>> =
                row.iter().map(|op| Summary::of(&op.latencies)).collect();
            let mut line = format!(
                "| {}{} | {} |",
                op.name,
                if op.reseeded { " ¹" } else { "" },
                op.operation
            );
            for summary in &summaries {
                let _ = write!(
                    line,
                    " {} | {} |",
                    fmt_opt(summary.map(|s| s.median)),
                    fmt_opt(summary.map(|s| s.p90))
                );
            }
            if compare {
                let cell = match (summaries.first(), summaries.get(1)) {
                    (Some(Some(new)), Some(Some(old))) => ratio(old.median, new.median),
                    _ => "—".to_owned(),
                };
                let _ = write!(line, " {cell} |");
            }
            let calls: Vec<String> = row
                .iter()
                .map(|op| count_summary(&op.salesforce_requests))
                .collect();
            let errors: Vec<String> = row.iter().map(|op| op.errors.to_string()).collect();
            let _ = writeln!(line, " {} | {} |", calls.join(" / "), errors.join(" / "));
            md.push_str(&line);
        }
        let floors = [
            (
                "**floor**: bare `GET …/query` to the emulator (reqwest, keep-alive)",
                &self.floors.query,
                "1",
            ),
            (
                "**floor**: bare `GetSecretValue` to moto (reqwest, keep-alive)",
                &self.floors.secret,
                "0",
            ),
        ];
        for (label, samples, calls) in floors {
            let floor = Summary::of(samples);
            let mut line = format!(
                "| {label} | — | {} | {} |",
                fmt_opt(floor.map(|s| s.median)),
                fmt_opt(floor.map(|s| s.p90))
            );
            for _ in 1..functions.len() {
                line.push_str(" | |");
            }
            if compare {
                line.push_str(" |");
            }
            let _ = writeln!(md, "{line} {calls} | — |");
        }
        let _ = writeln!(md);
        if compare {
            let _ = writeln!(
                md,
                "Columns with two figures read sf-invoke-api / old-package.\n"
            );
        }
        let memory: Vec<String> = self
            .warm
            .iter()
            .map(|warm| format!("{} {}", warm.function, mib(warm.peak_memory_kib)))
            .collect();
        let _ = writeln!(
            md,
            "Peak memory of the warm process after every operation (VmHWM): {}.\n",
            memory.join(", ")
        );
        if first.operations.iter().any(|op| op.reseeded) {
            let _ = writeln!(
                md,
                "¹ the deleted record is restored (`EmulatorControl::load`) before every invocation, outside the timed window.\n"
            );
        }

        let _ = writeln!(md, "### Salesforce requests of one warm invocation\n");
        let _ = writeln!(
            md,
            "| operation |{}\n|---|{}",
            functions
                .iter()
                .map(|function| format!(" {function} |"))
                .collect::<String>(),
            "---|".repeat(functions.len())
        );
        for (index, op) in first.operations.iter().enumerate() {
            let cells: String = self
                .warm
                .iter()
                .map(|warm| {
                    let requests = warm
                        .operations
                        .get(index)
                        .map(|op| op.example_requests.join("<br>"))
                        .unwrap_or_default();
                    format!(
                        " {} |",
                        if requests.is_empty() {
                            "none"
                        } else {
                            &requests
                        }
                    )
                })
                .collect();
            let _ = writeln!(md, "| {} |{cells}", op.name);
        }
        let _ = writeln!(md);
    }

    fn errors_section(&self, md: &mut String) {
        let mut lines = Vec::new();
        for cold in self.cold {
            if let Some(run) = cold
                .runs
                .iter()
                .find(|run| run.completion == Completion::Error)
            {
                lines.push(format!(
                    "- {} cold {}: {} of {}, first: `{}`",
                    cold.function,
                    cold.event,
                    error_count(&cold.runs),
                    cold.runs.len(),
                    one_line(&run.body)
                ));
            }
        }
        for warm in self.warm {
            for op in warm.operations.iter().filter(|op| op.errors > 0) {
                lines.push(format!(
                    "- {} {}: {} of {}, first: `{}`",
                    warm.function,
                    op.name,
                    op.errors,
                    op.salesforce_requests.len(),
                    one_line(op.first_error.as_deref().unwrap_or(""))
                ));
            }
        }
        if !lines.is_empty() {
            let _ = writeln!(md, "### Error responses\n\n{}\n", lines.join("\n"));
        }
    }

    fn method_section(&self, md: &mut String, machine: &Machine) {
        let _ = writeln!(md, "## Method\n");
        let _ = writeln!(
            md,
            "- Each function runs unmodified against a local Lambda Runtime API served by the harness; \
             timestamps are taken there (event handed out by `next`, response received), so they include \
             the function's HTTP exchanges with the runtime API."
        );
        let _ = writeln!(
            md,
            "- Cold start = process spawn → response posted, with the event already queued: exec, init, the secret \
             (moto), the token (emulator) and the Salesforce request(s). Emulator and moto stay up between runs."
        );
        if self.old_package.is_some() {
            let _ = writeln!(
                md,
                "- old-package: `/bin/sh` execs `python -m awslambdaric sfInvokeAPI.lambda_handler` (Lambda's python3.12 \
                 bootstrap is a shell script too), with the old template's variables. It keeps its Salesforce token in the \
                 secret (`AuthToken`, written after a 401): its unmeasured first start stores one, so measured cold starts \
                 skip the login, as most do in production. Its modules compile at every start (`PYTHONDONTWRITEBYTECODE`, \
                 as on Lambda's read-only /var/task); the venv's libraries are precompiled. Every invocation builds a \
                 boto3 client and reads the secret again (the old `Salesforce()` constructor)."
            );
        }
        let _ = writeln!(
            md,
            "- Warm latencies count successful invocations only; error responses are counted separately. \
             Reads run before writes so records created by the writes never change what the reads find; each \
             event runs through every function before the next event."
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
    }

    fn json(&self, machine: &Machine, date: &str) -> serde_json::Value {
        let cold: Vec<serde_json::Value> = self
            .cold
            .iter()
            .map(|cold| {
                let runs: Vec<serde_json::Value> = cold
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
                json!({
                    "function": cold.function,
                    "event": cold.event,
                    "sf_operation": cold.operation,
                    "total": summary_json(Summary::of(&successful_totals(&cold.runs))),
                    "init": summary_json(Summary::of(
                        &cold.runs.iter().map(|run| run.init).collect::<Vec<_>>(),
                    )),
                    "runs": runs,
                })
            })
            .collect();
        let warm: Vec<serde_json::Value> = self
            .warm
            .iter()
            .map(|warm| {
                let operations: Vec<serde_json::Value> = warm
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
                    "function": warm.function,
                    "peak_memory_kib": warm.peak_memory_kib,
                    "operations": operations,
                })
            })
            .collect();
        json!({
            "activity": self.activity,
            "date": date,
            "machine": { "nproc": machine.nproc, "cpu_model": machine.cpu_model },
            "binary": self.binary.display().to_string(),
            "profile": self.profile(),
            "old_package": self.old_package.map(|old| json!({
                "dir": old.dir.display().to_string(),
                "versions": old.versions,
            })),
            "events_dir": self.events_dir.display().to_string(),
            "cold_start": {
                "runs_requested": self.cold_runs,
                "results": cold,
            },
            "warm": {
                "runs_per_operation": self.warm_runs,
                "functions": warm,
                "floor_bare_query": summary_json(Summary::of(&self.floors.query)),
                "floor_bare_get_secret_value": summary_json(Summary::of(&self.floors.secret)),
            },
        })
    }
}

fn successful_totals(runs: &[ColdRun]) -> Vec<Duration> {
    runs.iter()
        .filter(|run| run.completion == Completion::Response)
        .map(|run| run.total)
        .collect()
}

fn error_count(runs: &[ColdRun]) -> usize {
    runs.iter()
        .filter(|run| run.completion == Completion::Error)
        .count()
}

/// `12.3×`: how many times longer `slower` took than `faster`.
fn ratio(slower: Duration, faster: Duration) -> String {
    if faster.is_zero() {
        return "—".to_owned();
    }
    let times = slower.as_secs_f64() / faster.as_secs_f64();
    if times < 10.0 {
        format!("{times:.2}×")
    } else {
        format!("{times:.0}×")
    }
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
        assert_eq!(
            ratio(Duration::from_millis(640), Duration::from_millis(64)),
            "10×"
        );
        assert_eq!(
            ratio(Duration::from_micros(950), Duration::from_micros(380)),
            "2.50×"
        );
        assert_eq!(ratio(Duration::from_millis(1), Duration::ZERO), "—");
    }
}
