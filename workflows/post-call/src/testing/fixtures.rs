//! Reads the shared fixtures (`CONNECT_SF_SHARED_DIR`, default `../shared` beside the clone).

use std::path::PathBuf;

pub fn shared_dir() -> PathBuf {
    std::env::var_os("CONNECT_SF_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

pub fn text(relative: &str) -> String {
    let path = shared_dir().join("fixtures").join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read fixture {}: {error}", path.display()))
}

pub fn voice_ctr() -> crate::ctr::ContactTraceRecord {
    serde_json::from_str(&text("connect/contact-trace-record-voice.json"))
        .expect("the voice CTR fixture is a CTR")
}

pub fn chat_ctr() -> crate::ctr::ContactTraceRecord {
    serde_json::from_str(&text("connect/contact-trace-record-chat.json"))
        .expect("the chat CTR fixture is a CTR")
}
