//! The post-call Lambdas' figures as Markdown (`<out>/post-call-lambdas.md`) and JSON beside it,
//! each function next to sfInvokeAPI's figures from the same `scripts/bench` run
//! (`<out>/sf-invoke-api.json`, when present).

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::Context;
use serde_json::{Value, json};

use crate::{
    post_call_lambdas::{Invocation, Measurements, Mode, STEPS, TRIGGER},
    stats::Summary,
};

/// One function's figures in one mode.
struct Figures {
    latency: Option<Summary>,
    init: Option<Summary>,
    peak_memory_kib: Option<u64>,
    invocations: usize,
    errors: usize,
    salesforce_requests: Vec<usize>,
}

impl Figures {
    fn of(invocations: &[&Invocation]) -> Figures {
        let ok: Vec<&&Invocation> = invocations.iter().filter(|run| run.ok).collect();
        let latencies: Vec<Duration> = ok.iter().map(|run| run.total).collect();
        let inits: Vec<Duration> = ok.iter().filter_map(|run| run.init).collect();
        Figures {
            latency: Summary::of(&latencies),
            init: Summary::of(&inits),
            peak_memory_kib: invocations.iter().map(|run| run.peak_memory_kib).max(),
            invocations: invocations.len(),
            errors: invocations.len() - ok.len(),
            salesforce_requests: invocations
                .iter()
                .map(|run| run.salesforce_requests)
                .collect(),
        }
    }
}

/// sfInvokeAPI's figures from its own report of the same run.
struct SfInvokeApi {
    cold_lookup_median_ms: f64,
    cold_lookup_p90_ms: f64,
    init_median_ms: f64,
    cold_peak_kib: u64,
    warm_lookup_median_ms: f64,
    warm_peak_kib: u64,
    date: String,
}

impl SfInvokeApi {
    fn read(path: &Path) -> Option<SfInvokeApi> {
        let report: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        let cold = report["cold_start"]["results"]
            .as_array()?
            .iter()
            .find(|result| result["function"] == "sf-invoke-api" && result["event"] == "lookup")?;
        let warm = report["warm"]["functions"]
            .as_array()?
            .iter()
            .find(|function| function["function"] == "sf-invoke-api")?;
        let warm_lookup = warm["operations"]
            .as_array()?
            .iter()
            .find(|operation| operation["name"] == "lookup")?;
        Some(SfInvokeApi {
            cold_lookup_median_ms: cold["total"]["median_ms"].as_f64()?,
            cold_lookup_p90_ms: cold["total"]["p90_ms"].as_f64()?,
            init_median_ms: cold["init"]["median_ms"].as_f64()?,
            cold_peak_kib: cold["runs"]
                .as_array()?
                .iter()
                .filter_map(|run| run["peak_memory_kib"].as_u64())
                .max()?,
            warm_lookup_median_ms: warm_lookup["latency"]["median_ms"].as_f64()?,
            warm_peak_kib: warm["peak_memory_kib"].as_u64()?,
            date: report["date"].as_str().unwrap_or_default().to_owned(),
        })
    }
}

pub struct PostCallReport<'a> {
    pub measurements: &'a Measurements,
    pub date: String,
}

impl PostCallReport<'_> {
    fn figures(&self, activity: &str, mode: Mode) -> Figures {
        let runs: Vec<&Invocation> = self
            .measurements
            .invocations
            .iter()
            .filter(|run| run.activity == activity && run.mode == mode)
            .collect();
        Figures::of(&runs)
    }

    /// Writes `post-call-lambdas.md` and `.json` into `out`; returns the Markdown and paths.
    pub fn write(&self, out: &Path) -> anyhow::Result<(String, PathBuf, PathBuf)> {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        let sf_invoke_api = SfInvokeApi::read(&out.join("sf-invoke-api.json"));
        let markdown = self.markdown(sf_invoke_api.as_ref());
        let md_path = out.join("post-call-lambdas.md");
        let json_path = out.join("post-call-lambdas.json");
        std::fs::write(&md_path, &markdown)
            .with_context(|| format!("cannot write {}", md_path.display()))?;
        let json = serde_json::to_string_pretty(&self.json())?;
        std::fs::write(&json_path, json + "\n")
            .with_context(|| format!("cannot write {}", json_path.display()))?;
        Ok((markdown, md_path, json_path))
    }

    fn markdown(&self, sf_invoke_api: Option<&SfInvokeApi>) -> String {
        let m = self.measurements;
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# Post-call Lambdas: cold start, warm latency, peak memory\n"
        );
        let _ = writeln!(
            md,
            "{} · `{}` (bench-release) · {} cold contacts (a fresh process per invocation), {} warm contacts (one process per function)\n",
            self.date,
            m.bin_dir.display(),
            m.cold_contacts,
            m.warm_contacts
        );
        let _ = writeln!(
            md,
            "| function | cold start p50 / p90 | init p50 | peak memory cold | warm p50 / p90 | peak memory warm | Salesforce requests per invocation | binary |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
        for activity in std::iter::once(TRIGGER).chain(STEPS) {
            let cold = self.figures(activity, Mode::Cold);
            let warm = self.figures(activity, Mode::Warm);
            let size = m.binary_sizes.get(activity).copied().unwrap_or(0);
            let _ = writeln!(
                md,
                "| `{activity}` | {} | {} | {} | {} | {} | {} | {:.1} MiB |",
                p50_p90(cold.latency),
                cold.init.map_or("–".to_owned(), |init| format!(
                    "{:.1} ms",
                    ms(init.median)
                )),
                mib(cold.peak_memory_kib),
                p50_p90(warm.latency),
                mib(warm.peak_memory_kib),
                requests(&cold.salesforce_requests, &warm.salesforce_requests),
                size as f64 / (1024.0 * 1024.0)
            );
        }
        match sf_invoke_api {
            Some(sf) => {
                let _ = writeln!(
                    md,
                    "| *`sf-invoke-api` (lookup, {})* | {:.1} / {:.1} ms | {:.1} ms | {} | {:.2} ms | {} | 1 (+ token when cold) | |",
                    sf.date,
                    sf.cold_lookup_median_ms,
                    sf.cold_lookup_p90_ms,
                    sf.init_median_ms,
                    mib(Some(sf.cold_peak_kib)),
                    sf.warm_lookup_median_ms,
                    mib(Some(sf.warm_peak_kib)),
                );
            }
            None => {
                let _ = writeln!(
                    md,
                    "\n(no `sf-invoke-api.json` beside this report: run `scripts/bench` for sfInvokeAPI's figures next to these)"
                );
            }
        }

        let errors: usize = std::iter::once(TRIGGER)
            .chain(STEPS)
            .map(|activity| {
                self.figures(activity, Mode::Cold).errors
                    + self.figures(activity, Mode::Warm).errors
            })
            .sum();
        let cold_total: Duration = m
            .invocations
            .iter()
            .filter(|run| run.mode == Mode::Cold)
            .map(|run| run.total)
            .sum();
        let cold_count = m
            .invocations
            .iter()
            .filter(|run| run.mode == Mode::Cold)
            .count();
        let _ = writeln!(
            md,
            "\nPer contact (cold): {:.1} invocations, {:.0} ms summed over its invocations (the execution's Wait states cost nothing here: the engine runs on a virtual clock). Error answers: {errors}.",
            cold_count as f64 / m.cold_contacts.max(1) as f64,
            cold_total.as_secs_f64() * 1000.0 / m.cold_contacts.max(1) as f64,
        );
        let check = self.figures("check-transcription", Mode::Cold);
        let _ = writeln!(
            md,
            "`check-transcription` runs once per poll until moto's Transcribe job completes ({} cold invocations for {} contacts).",
            check.invocations, m.cold_contacts
        );
        let _ = writeln!(
            md,
            "\nMethod: `lambda-bench post-call` (`scripts/bench` runs it). The real `statemachines/post-call.asl.json` runs on the engine with every Task dispatched to its binary under a local Lambda Runtime API, so each binary gets the state input Step Functions would give it; each contact starts with the `ctr-trigger` binary on a one-record Kinesis event, which starts the execution on Step Functions (moto). AWS is moto's server (S3, Secrets Manager, Transcribe, Comprehend, Step Functions), Salesforce the emulator, both over loopback HTTP. Each function gets only the variables `template.yaml` gives it (the `SF_*` settings only where it calls Salesforce). Cold start is spawn → result received (exec, init, the secret and token where it calls Salesforce, the step's own calls); init is spawn → first `next`. Peak memory is the process's `VmHWM`, the figure Lambda reports as Max Memory Used. One unmeasured contact runs first in each mode. Contacts are distinct (own ContactId and recording), so no step is short-cut by a marker."
        );
        md
    }

    fn json(&self) -> Value {
        let m = self.measurements;
        let functions: Vec<Value> = std::iter::once(TRIGGER)
            .chain(STEPS)
            .map(|activity| {
                let mode_json = |mode: Mode| {
                    let figures = self.figures(activity, mode);
                    json!({
                        "invocations": figures.invocations,
                        "errors": figures.errors,
                        "latency": summary_json(figures.latency),
                        "init": summary_json(figures.init),
                        "peak_memory_kib": figures.peak_memory_kib,
                        "salesforce_requests": figures.salesforce_requests,
                    })
                };
                json!({
                    "function": activity,
                    "binary_bytes": m.binary_sizes.get(activity),
                    "cold": mode_json(Mode::Cold),
                    "warm": mode_json(Mode::Warm),
                })
            })
            .collect();
        let first_errors: Vec<Value> = m
            .invocations
            .iter()
            .filter_map(|run| {
                run.error.as_ref().map(|error| {
                    json!({"function": run.activity, "mode": run.mode.label(), "error": error})
                })
            })
            .take(10)
            .collect();
        json!({
            "report": "post-call-lambdas",
            "date": self.date,
            "bin_dir": m.bin_dir.display().to_string(),
            "cold_contacts": m.cold_contacts,
            "warm_contacts": m.warm_contacts,
            "functions": functions,
            "errors": first_errors,
        })
    }
}

fn summary_json(summary: Option<Summary>) -> Value {
    summary.map_or(Value::Null, |summary| {
        json!({
            "count": summary.count,
            "median_ms": round(ms(summary.median)),
            "p90_ms": round(ms(summary.p90)),
            "min_ms": round(ms(summary.min)),
            "max_ms": round(ms(summary.max)),
        })
    })
}

fn p50_p90(summary: Option<Summary>) -> String {
    summary.map_or("–".to_owned(), |summary| {
        let precision = if summary.median < Duration::from_millis(10) {
            2
        } else {
            1
        };
        format!(
            "{:.precision$} / {:.precision$} ms",
            ms(summary.median),
            ms(summary.p90)
        )
    })
}

/// `2` when every invocation made the same number, else `min–max`; cold and warm separately
/// when they differ (a cold start adds the token).
fn requests(cold: &[usize], warm: &[usize]) -> String {
    let range = |counts: &[usize]| -> Option<String> {
        let min = counts.iter().min()?;
        let max = counts.iter().max()?;
        Some(if min == max {
            min.to_string()
        } else {
            format!("{min}–{max}")
        })
    };
    match (range(cold), range(warm)) {
        (Some(cold), Some(warm)) if cold == warm => cold,
        (Some(cold), Some(warm)) => format!("{cold} cold, {warm} warm"),
        (Some(only), None) | (None, Some(only)) => only,
        (None, None) => "–".to_owned(),
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("–".to_owned(), |kib| {
        format!("{:.1} MiB", kib as f64 / 1024.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_counts_read_as_one_figure_or_a_range() {
        assert_eq!(requests(&[2, 2], &[2]), "2");
        assert_eq!(requests(&[3, 3], &[1, 1]), "3 cold, 1 warm");
        assert_eq!(requests(&[0, 2], &[]), "0–2");
        assert_eq!(requests(&[], &[]), "–");
    }
}
