//! `connect-sf invoke contact-lens-import` on the embedded default: the real binary, the
//! shipped S3 notification and the project's EventBridge events, the local S3 in `--storage`,
//! the local Amazon Connect (its seed's `contactAttributes`), the embedded org.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::{Value, json};

const BUCKET: &str = "amazon-connect-3e91c4d7a2b8";
const CCA: &str = "amazonconnect__AC_ContactChannelAnalytics__c";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shared_dir() -> PathBuf {
    std::env::var_os("CONNECT_SF_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
}

fn fixture(name: &str) -> PathBuf {
    repo_root()
        .join("workflows/contact-lens/fixtures")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "connect-sf-contact-lens-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch");
    dir
}

/// Puts `file` where the local S3 of `storage` keeps `key` of the recording bucket.
fn store(storage: &Path, key: &str, file: &Path) {
    let target = storage.join(BUCKET).join(key);
    std::fs::create_dir_all(target.parent().expect("parent")).expect("folders");
    std::fs::copy(file, target).expect("copy");
}

fn connect_sf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connect-sf"))
        .args(args)
        .current_dir(repo_root())
        .env_remove("SF_HOST")
        .env_remove("RUST_LOG")
        .env_remove("CONTACT_LENS_IMPORT_ENABLED")
        .env_remove("TRANSCRIBE_OUTPUT_S3_BUCKET")
        .env_remove("SF_ADAPTER_NAMESPACE")
        .output()
        .expect("run connect-sf")
}

/// The JSON object printed last on stdout (other lines, e.g. metrics, may precede it).
fn printed(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let start = stdout
        .find("{\n")
        .unwrap_or_else(|| panic!("no JSON in {stdout}"));
    serde_json::from_str(&stdout[start..]).unwrap_or_else(|error| panic!("{error}: {stdout}"))
}

#[test]
fn the_shipped_s3_event_imports_once_through_connect_sf() {
    let storage = scratch("voice");
    store(
        &storage,
        "Analysis/Voice/2024/03/05/8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08_analysis_2024-03-05T14:23:18Z.json",
        &fixture("analysis-voice.json"),
    );
    let event = shared_dir().join("fixtures/s3/event-contact-lens.json");
    let dump = storage.join("org.json");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["invoke", "contact-lens-import", "--event"]
            .iter()
            .map(|arg| arg.to_string())
            .collect();
        args.push(event.display().to_string());
        args.push("--storage".into());
        args.push(storage.display().to_string());
        args.extend(extra.iter().map(|arg| arg.to_string()));
        args
    };
    let first = args(&["--salesforce-dump", &dump.display().to_string()]);
    let output = connect_sf(&first.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result = printed(&output);
    assert_eq!(result["status"], "SUCCEEDED", "{result}");
    assert_eq!(result["output"]["imported"]["ccaCreated"], true);
    assert_eq!(result["connectApiCalls"], 1, "one GetContactAttributes");
    let org: Value =
        serde_json::from_str(&std::fs::read_to_string(&dump).expect("dump")).expect("JSON");
    let ccas = org[CCA].as_array().expect("CCAs");
    assert_eq!(ccas.len(), 1);
    assert_eq!(ccas[0]["amazonconnect__DataSource__c"], "Contact_Lens");
    assert_eq!(
        ccas[0]["amazonconnect__ContactLensCustomerSentimentCurve__c"],
        "S"
    );

    // Again, on the org and storage it left: nothing new, not one Salesforce call.
    let again = args(&["--seed", &dump.display().to_string()]);
    let output = connect_sf(&again.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(output.status.success());
    let result = printed(&output);
    assert_eq!(
        result["output"]["imported"]["alreadyImported"], true,
        "{result}"
    );
    assert_eq!(result["salesforceApiCalls"], 0);
    let _ = std::fs::remove_dir_all(storage);
}

#[test]
fn a_chat_transcript_imports_with_the_seed_s_contact_attributes_and_a_bad_event_is_refused() {
    let storage = scratch("chat");
    store(
        &storage,
        "connect/northwind-care/ChatTranscripts/2024/03/05/3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97_20240305T15:02_UTC.json",
        &fixture("chat-transcript.json"),
    );
    let seed = storage.join("connect-seed.json");
    std::fs::write(
        &seed,
        json!({"instanceId": "5f0c8a2e-3b71-4d9a-a6e4-2c9b81d07f35",
               "contactAttributes": {"3b7e19d4-6a2f-4c81-9d05-e82f4a6c1b97": {"postchatTranscriptImportEnabled": "true"}}})
        .to_string(),
    )
    .expect("seed");
    let event = fixture("eventbridge-chat-transcript.json");
    let output = connect_sf(&[
        "invoke",
        "contact-lens-import",
        "--event",
        &event.display().to_string(),
        "--storage",
        &storage.display().to_string(),
        "--connect-seed",
        &seed.display().to_string(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result = printed(&output);
    assert_eq!(
        result["output"]["imported"]["attachmentsCreated"],
        json!(["ChatTranscript.json"]),
        "{result}"
    );

    let not_an_event = storage.join("not-an-event.json");
    std::fs::write(&not_an_event, r#"{"ctr": {}}"#).expect("file");
    let output = connect_sf(&[
        "invoke",
        "contact-lens-import",
        "--event",
        &not_an_event.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let error: Value = serde_json::from_str(
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .skip_while(|line| !line.starts_with('{'))
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
    )
    .expect("the typed error on stderr");
    assert_eq!(error["errorType"], "InvalidEvent");
    let _ = std::fs::remove_dir_all(storage);
}
