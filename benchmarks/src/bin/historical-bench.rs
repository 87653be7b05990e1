//! `historical-bench`: what importing one Connect scheduled report costs, for 48, 1,000 and
//! 10,000 rows: Salesforce API calls (as the org's request log counts them), the invocation's
//! wall time and the Lambda process's peak memory. The release `import-historical-report`
//! binary runs as Lambda runs it (a local Runtime API), the report in moto's S3, the secret in
//! moto's Secrets Manager, the org the Salesforce emulator; next to the old package's count
//! (one PATCH per row and a describe per report). Writes
//! `benchmarks/results/historical-report-import.md` (or `--out DIR`).

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use serde_json::{Value, json};
use test_harness::{
    MotoServer,
    lambda_process::{lambda_environment, salesforce_environment, start_under_runtime_api},
    lambda_runtime_api::Completion,
    moto_resources::{create_buckets, s3_client},
    password_secret_json, start_demo_emulator,
};

#[derive(Parser)]
struct Args {
    /// The import-historical-report binary (scripts/bench builds it with bench-release).
    #[arg(long, default_value = "target/bench-release/import-historical-report")]
    binary: PathBuf,
    /// Where to write historical-report-import.md.
    #[arg(long, default_value = "benchmarks/results")]
    out: PathBuf,
    /// Report sizes (rows), comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = vec![48, 1_000, 10_000])]
    rows: Vec<usize>,
}

const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";

/// A queue report of `rows` rows with every column of Connect's queue report, as the shipped
/// one: queue names cycle over 24 queues, one interval per 24 rows.
fn queue_report(rows: usize) -> String {
    let header = "Queue,StartInterval,EndInterval,Contacts queued,Contacts handled,Contacts abandoned,Contacts handled incoming,Contacts handled outbound,Contacts transferred out,Contacts put on hold,Contacts hold disconnect,Contacts agent hung up first,Average queue answer time,Average queue abandon time,Average handle time,Average after contact work time,Average customer hold time,Average agent interaction time,Average agent interaction and customer hold time,Maximum queued time,After contact work time,Agent on contact time,Service level 20 seconds,Service level 60 seconds,Agent non-response,Agent non-response without customer abandons,Contacts handled (connected to agent timestamp)";
    let start = chrono::DateTime::parse_from_rfc3339("2024-03-05T00:00:00Z")
        .expect("start")
        .with_timezone(&chrono::Utc);
    let mut text = String::with_capacity(rows * 160 + header.len());
    text.push_str(header);
    text.push('\n');
    for row in 0..rows {
        let interval = start + chrono::Duration::minutes(30 * (row / 24) as i64);
        let end = interval + chrono::Duration::minutes(30);
        let n = row % 97;
        text.push_str(&format!(
            "Queue {queue},{from},{to},{n},{n},0,{n},0,1,3,0,2,38,,246,58,19,169,188,142,696,3031,57.14%,85.71%,1,0,{n}\n",
            queue = row % 24,
            from = interval.format("%Y-%m-%dT%H:%M:%SZ"),
            to = end.format("%Y-%m-%dT%H:%M:%SZ"),
        ));
    }
    text
}

struct Measured {
    rows: usize,
    bytes: usize,
    describes: usize,
    writes: usize,
    logins: usize,
    wall_ms: f64,
    peak_mib: f64,
}

async fn measure(args: &Args, rows: usize) -> anyhow::Result<Measured> {
    let emulator = start_demo_emulator().await;
    let moto = MotoServer::start().await?;
    let secret_arn = moto
        .create_secret("historical-bench-credentials", &password_secret_json())
        .await?;
    let s3 = s3_client(&moto).await;
    create_buckets(&s3, &[BUCKET]).await?;
    let key = format!("connect/northwind-care/Reports/SFDC/Queue/Queue Interval 30m-{rows}.csv");
    let report = queue_report(rows);
    s3.put_object()
        .bucket(BUCKET)
        .key(&key)
        .body(report.clone().into_bytes().into())
        .send()
        .await?;
    let mut environment = salesforce_environment(&emulator.base_url(), &secret_arn);
    environment.extend(lambda_environment(
        "importHistoricalReport",
        moto.endpoint(),
    ));
    environment.push(("SF_ADAPTER_NAMESPACE".into(), "amazonconnect".into()));
    let (runtime_api, mut process) =
        start_under_runtime_api(&args.binary, &environment, "historical-bench").await?;
    let event = json!({"input": {"detail-type": "Object Created", "time": "2024-03-05T15:15:38Z",
        "detail": {"bucket": {"name": BUCKET}, "object": {"key": key}}},
        "context": {"executionName": "bench", "stateEnteredTime": "2024-03-05T15:15:38Z", "retryCount": 0}});
    // A one-row agent report first: the container's secret and token are then in memory (as
    // for every report after a container's first), the queue object's describe is not.
    let warm_key = "connect/northwind-care/Reports/SFDC/Agent/warm-up.csv";
    s3.put_object()
        .bucket(BUCKET)
        .key(warm_key)
        .body(
            b"Agent,StartInterval\njwu,2024-03-05T14:30:00Z\n"
                .to_vec()
                .into(),
        )
        .send()
        .await?;
    let warm = runtime_api.queue(json!({"input": {"detail-type": "Object Created", "time": "2024-03-05T15:15:38Z",
        "detail": {"bucket": {"name": BUCKET}, "object": {"key": warm_key}}},
        "context": {"executionName": "warm-up", "stateEnteredTime": "2024-03-05T15:15:38Z", "retryCount": 0}}));
    let warmed = process.finish(&runtime_api, warm).await?;
    anyhow::ensure!(
        warmed.completion == Completion::Response,
        "the warm-up import failed: {}",
        warmed.body
    );
    emulator.control().clear_requests();
    let started = Instant::now();
    let outcome = process
        .finish(&runtime_api, runtime_api.queue(event))
        .await?;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    anyhow::ensure!(
        outcome.completion == Completion::Response,
        "the import of {rows} rows failed: {}",
        outcome.body
    );
    let output: Value = serde_json::from_str(&outcome.body)?;
    anyhow::ensure!(
        output["reports"][0]["written"].as_u64() == Some(rows as u64),
        "not every row was written: {output}"
    );
    let requests = emulator.control().requests();
    let count = |needle: &str| {
        requests
            .iter()
            .filter(|request| request.path.contains(needle))
            .count()
    };
    let measured = Measured {
        rows,
        bytes: report.len(),
        describes: count("/describe"),
        writes: count("/composite/sobjects/"),
        logins: count("/oauth2/token"),
        wall_ms,
        peak_mib: process.peak_memory_kib()? as f64 / 1024.0,
    };
    process.stop().await?;
    emulator.shutdown().await;
    Ok(measured)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut lines = vec![
        "# Historical report import: cost per report".to_string(),
        String::new(),
        format!(
            "`historical-bench` at {} UTC: the `import-historical-report` binary ({}) under a local Lambda Runtime API, the report in moto S3 (ranged reads of 256 KiB), the Salesforce emulator over loopback; every row a distinct record. Calls counted in the org's request log after a one-row agent report warmed the container (secret and token in memory, the queue object's describe not yet cached: a container's first queue report). Old package: one PATCH per row plus one describe.",
            chrono::Utc::now().format("%Y-%m-%d %H:%M"),
            args.binary.display()
        ),
        String::new(),
        "| rows | report size | Salesforce calls (describe + collection writes) | old package | wall time | peak memory (process) |".to_string(),
        "|---:|---:|---:|---:|---:|---:|".to_string(),
    ];
    for rows in &args.rows {
        let measured = measure(&args, *rows).await?;
        let line = format!(
            "| {} | {:.1} KiB | **{}** ({} + {}) | {} | {:.0} ms | {:.1} MiB |",
            measured.rows,
            measured.bytes as f64 / 1024.0,
            measured.describes + measured.writes + measured.logins,
            measured.describes,
            measured.writes,
            measured.rows + 1,
            measured.wall_ms,
            measured.peak_mib
        );
        println!("{line}");
        lines.push(line);
    }
    std::fs::create_dir_all(&args.out)?;
    let path = args.out.join("historical-report-import.md");
    std::fs::write(&path, lines.join("\n") + "\n")?;
    println!("wrote {}", path.display());
    Ok(())
}
