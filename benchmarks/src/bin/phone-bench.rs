//! `phone-bench`: what the first validation of a caller's E.164 number costs with each phone
//! library candidate — a one-time lazy initialisation, so every sample is a fresh process: the
//! bench re-executes itself with `--sample CANDIDATE`, and that child times its first
//! validation of a `+1` number, then its first of a `+44` number (a second calling code), then
//! warm validations, and reports its peak RSS (`VmHWM`) before and after. `scripts/bench` runs
//! it and writes `benchmarks/results/phone-parsing.md`.

use std::{
    fmt::Write as _,
    hint::black_box,
    path::PathBuf,
    process::{Command, ExitCode},
    time::{Duration, Instant},
};

use anyhow::{Context, bail, ensure};
use clap::Parser;
use serde::{Deserialize, Serialize};

/// The caller numbers of the shipped phoneLookup event and of a UK caller (Ofcom's drama range).
const FIRST_NUMBER: &str = "+12065550143";
const OTHER_CODE_NUMBER: &str = "+442079460018";
/// Warm validations timed in each child; the child reports their median.
const WARM_REPEATS: usize = 101;

#[derive(Parser)]
#[command(
    name = "phone-bench",
    about = "First-parse cost of the phone-number library candidates, a fresh process per sample."
)]
struct Cli {
    /// Fresh processes per candidate.
    #[arg(long, default_value_t = 25)]
    samples: usize,
    /// Where to write phone-parsing.md; default: benchmarks/results in the repository.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Internal: run one sample of this candidate and print it as JSON.
    #[arg(long, hide = true)]
    sample: Option<String>,
}

/// A phone library configuration: validates an E.164 number, lazily initialising on first use.
struct Candidate {
    name: &'static str,
    what: &'static str,
    validate: fn(&str) -> bool,
}

const CANDIDATES: &[Candidate] = &[
    Candidate {
        name: "phonenumber, full database",
        what: "`phonenumber::parse(None, n)` + `phonenumber::is_valid`: the crate's default \
               database, every territory built on first use",
        validate: |number| {
            phonenumber::parse(None, number).is_ok_and(|parsed| phonenumber::is_valid(&parsed))
        },
    },
    Candidate {
        name: "phonenumber, per calling code",
        what: "`contact_flow::phone::parse_caller_number` (what sf-invoke-api ships): a database \
               for the caller's calling code only, built on its first use",
        validate: |number| contact_flow::phone::parse_caller_number("sf_phone", number).is_ok(),
    },
    // Off in the test build (it adds some forty crates); `scripts/bench` turns it on.
    #[cfg(feature = "rlibphonenumber")]
    Candidate {
        name: "rlibphonenumber",
        what: "`rlibphonenumber::PHONE_NUMBER_UTIL.parse(n, None)` + `is_valid()`: a port of \
               libphonenumber 9 with precompiled metadata, its global util built on first use",
        validate: |number| {
            rlibphonenumber::PHONE_NUMBER_UTIL
                .parse(number, None)
                .is_ok_and(|parsed| parsed.is_valid())
        },
    },
];

/// What one child process measured.
#[derive(Debug, Serialize, Deserialize)]
struct Sample {
    first_ns: u64,
    other_code_ns: u64,
    warm_ns: u64,
    /// `VmHWM` before the first validation and after the last.
    baseline_kib: u64,
    peak_kib: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.sample {
        Some(name) => run_sample(name),
        None => run_all(&cli),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("phone-bench: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The child: one first validation per number, warm ones after, and the peak memory.
fn run_sample(name: &str) -> anyhow::Result<()> {
    let candidate = CANDIDATES
        .iter()
        .find(|candidate| candidate.name == name)
        .with_context(|| format!("no candidate named {name:?}"))?;
    let baseline_kib = peak_memory_kib()?;
    let (first, first_valid) = timed(|| (candidate.validate)(black_box(FIRST_NUMBER)));
    let (other_code, other_valid) = timed(|| (candidate.validate)(black_box(OTHER_CODE_NUMBER)));
    let mut warm: Vec<Duration> = (0..WARM_REPEATS)
        .map(|_| timed(|| (candidate.validate)(black_box(FIRST_NUMBER))).0)
        .collect();
    warm.sort_unstable();
    let peak_kib = peak_memory_kib()?;
    ensure!(
        first_valid && other_valid,
        "{name}: {FIRST_NUMBER} valid: {first_valid}, {OTHER_CODE_NUMBER} valid: {other_valid}"
    );
    let sample = Sample {
        first_ns: nanos(first),
        other_code_ns: nanos(other_code),
        warm_ns: warm.get(WARM_REPEATS / 2).copied().map_or(0, nanos),
        baseline_kib,
        peak_kib,
    };
    println!("{}", serde_json::to_string(&sample)?);
    Ok(())
}

/// The parent: `samples` fresh processes per candidate, interleaved, then the report.
fn run_all(cli: &Cli) -> anyhow::Result<()> {
    ensure!(cli.samples > 0, "--samples must be at least 1");
    let exe = std::env::current_exe().context("cannot find phone-bench's own executable")?;
    let mut samples: Vec<Vec<Sample>> = CANDIDATES.iter().map(|_| Vec::new()).collect();
    for round in 1..=cli.samples {
        for (candidate, collected) in CANDIDATES.iter().zip(&mut samples) {
            let output = Command::new(&exe)
                .args(["--sample", candidate.name])
                .output()
                .with_context(|| format!("cannot run {}", exe.display()))?;
            if !output.status.success() {
                bail!(
                    "sample {round} of {:?} failed: {}",
                    candidate.name,
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
            let sample: Sample = serde_json::from_slice(&output.stdout)
                .with_context(|| format!("sample {round} of {:?}", candidate.name))?;
            collected.push(sample);
        }
        eprintln!("  phone-bench: round {round}/{}", cli.samples);
    }
    let markdown = report(cli.samples, &samples);
    let out = cli
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results"));
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let path = out.join("phone-parsing.md");
    std::fs::write(&path, &markdown).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{markdown}");
    eprintln!("phone-bench: wrote {}", path.display());
    Ok(())
}

fn report(samples: usize, measured: &[Vec<Sample>]) -> String {
    let mut md = String::new();
    let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    // `write!` to a String cannot fail.
    let _ = writeln!(md, "# Phone-number parsing: first validation per process\n");
    let _ = writeln!(
        md,
        "{date}; {samples} fresh processes per candidate (interleaved); `{}` profile. \
         Times are one validation (parse + is-valid) inside the process; memory is its `VmHWM`.\n",
        profile()
    );
    let _ = writeln!(
        md,
        "| candidate | first validation ({FIRST_NUMBER}), median | p90 | then first {OTHER_CODE_NUMBER}, median | warm validation, median | peak RSS, median | RSS added by the validations, median |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|");
    for (candidate, samples) in CANDIDATES.iter().zip(measured) {
        let first: Vec<u64> = samples.iter().map(|s| s.first_ns).collect();
        let other: Vec<u64> = samples.iter().map(|s| s.other_code_ns).collect();
        let warm: Vec<u64> = samples.iter().map(|s| s.warm_ns).collect();
        let peak: Vec<u64> = samples.iter().map(|s| s.peak_kib).collect();
        let added: Vec<u64> = samples
            .iter()
            .map(|s| s.peak_kib.saturating_sub(s.baseline_kib))
            .collect();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            candidate.name,
            time(percentile(&first, 50)),
            time(percentile(&first, 90)),
            time(percentile(&other, 50)),
            time(percentile(&warm, 50)),
            memory(percentile(&peak, 50)),
            memory(percentile(&added, 50)),
        );
    }
    let _ = writeln!(md, "\n## Candidates\n");
    for candidate in CANDIDATES {
        let _ = writeln!(md, "- **{}**: {}", candidate.name, candidate.what);
    }
    let _ = writeln!(md, "\n## Method\n");
    let _ = writeln!(
        md,
        "- Each sample is a new `phone-bench --sample <candidate>` process: the libraries initialise \
         lazily once per process (per Lambda container), so only a fresh process shows that cost."
    );
    let _ = writeln!(
        md,
        "- In the child: {FIRST_NUMBER} first (the cost a cold phoneLookup pays), then {OTHER_CODE_NUMBER} \
         (a second calling code: the per-code candidate builds its database; the others compile that region's \
         patterns on first use), \
         then {WARM_REPEATS} warm validations of {FIRST_NUMBER} (their median). Every number must be valid for \
         every candidate, or the bench fails."
    );
    let _ = writeln!(
        md,
        "- All candidates are linked into the same binary; pages of the ones not in use are never touched. \
         Percentiles are nearest-rank. Compare runs on the same machine only."
    );
    md
}

fn timed<T>(work: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let value = black_box(work());
    (started.elapsed(), value)
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Nearest-rank percentile of unsorted values.
fn percentile(values: &[u64], percent: usize) -> Option<u64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank.min(sorted.len()).checked_sub(1)?).copied()
}

fn time(nanos: Option<u64>) -> String {
    let Some(nanos) = nanos else {
        return "—".to_owned();
    };
    let micros = nanos as f64 / 1000.0;
    if micros >= 1000.0 {
        format!("{:.1} ms", micros / 1000.0)
    } else {
        format!("{micros:.1} µs")
    }
}

fn memory(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "—".to_owned(),
        |kib| format!("{:.1} MiB", kib as f64 / 1024.0),
    )
}

/// The Cargo profile this binary was built with: its folder under `target/`.
fn profile() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.parent()
                .and_then(|dir| dir.file_name())
                .and_then(|name| name.to_str().map(str::to_owned))
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// This process's `VmHWM`, in KiB.
fn peak_memory_kib() -> anyhow::Result<u64> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("cannot read /proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .context("no VmHWM line in /proc/self/status")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_units() {
        assert_eq!(percentile(&[5, 1, 4, 2, 3], 50), Some(3));
        assert_eq!(percentile(&[5, 1, 4, 2, 3], 90), Some(5));
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(time(Some(1_500)), "1.5 µs");
        assert_eq!(time(Some(92_345_678)), "92.3 ms");
        assert_eq!(memory(Some(2048)), "2.0 MiB");
    }

    #[test]
    fn every_candidate_accepts_both_numbers_and_refuses_a_short_one() {
        for candidate in CANDIDATES {
            assert!((candidate.validate)(FIRST_NUMBER), "{}", candidate.name);
            assert!(
                (candidate.validate)(OTHER_CODE_NUMBER),
                "{}",
                candidate.name
            );
            assert!(!(candidate.validate)("+1206555"), "{}", candidate.name);
        }
    }
}
