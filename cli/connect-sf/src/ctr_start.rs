//! `connect-sf run post-call --ctr FILE`: one plain contact trace record, started exactly as the
//! ctr-trigger Lambda starts it. The CTR goes into a one-record Kinesis event and through the
//! trigger's own `handle_batch` (decode, execution name, `{ctr, switches, executionName}`), with
//! the package switches the trigger reads from its environment.

use std::{
    cell::RefCell,
    path::{Path, PathBuf},
};

use base64::Engine as _;
use serde_json::{Value, json};

/// The environment variables the trigger reads for its package switches, in the order it reads
/// them: found by asking the trigger's own `switches_from_lookup`, so the list never drifts.
pub fn switch_variables() -> Vec<String> {
    let asked = RefCell::new(Vec::<String>::new());
    // Every lookup answers "unset", so the defaults apply and every variable is asked for.
    let _ = post_call_trigger::switches_from_lookup(|name| {
        let mut asked = asked.borrow_mut();
        if !asked.iter().any(|known| known == name) {
            asked.push(name.to_string());
        }
        None
    });
    asked.into_inner()
}

/// `run --help`'s account of the switches: each variable, and its value when this environment
/// sets it.
pub fn switches_help() -> String {
    let mut help = String::from(
        "Package switches for --ctr: read from the environment as the ctr-trigger Lambda reads them (set by template.yaml from the stack parameters); unset ones take the Lambda's defaults, the buckets, region and namespace the local ones (amazon-connect-recordings, amazon-connect-transcripts, us-west-2, amazonconnect). The run prints the switches it used.\n",
    );
    let variables = switch_variables();
    let width = variables.iter().map(String::len).max().unwrap_or_default();
    for variable in &variables {
        let value = match std::env::var(variable) {
            Ok(value) => format!("= {value}"),
            Err(_) => "(unset)".to_string(),
        };
        help.push_str(&format!("  {variable:width$}  {value}\n"));
    }
    help
}

/// Why a `--ctr` file cannot be started; names the file.
#[derive(Debug, thiserror::Error)]
pub enum CtrFileError {
    #[error("cannot read the contact trace record {}: {source}", file.display())]
    Unreadable {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a contact trace record: {reason}{hint}", file.display())]
    NotACtr {
        file: PathBuf,
        reason: String,
        hint: &'static str,
    },
}

/// A CTR file, checked with the trigger's own decoding, as the one-record Kinesis event
/// Connect's stream would deliver.
pub struct CtrEvent {
    pub contact_id: String,
    pub event: Value,
}

impl CtrEvent {
    pub fn read(file: &Path) -> Result<Self, CtrFileError> {
        let bytes = std::fs::read(file).map_err(|source| CtrFileError::Unreadable {
            file: file.to_path_buf(),
            source,
        })?;
        let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let ctr =
            post_call::decode_kinesis_data(&data).map_err(|malformed| CtrFileError::NotACtr {
                file: file.to_path_buf(),
                reason: malformed.to_string(),
                hint: hint_for(&bytes),
            })?;
        let event = json!({
            "Records": [{
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": ctr.contact_id,
                    "sequenceNumber": "1",
                    "data": data,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": "shardId-000000000000:1",
                "eventName": "aws:kinesis:record",
            }]
        });
        Ok(Self {
            contact_id: ctr.contact_id,
            event,
        })
    }
}

/// What the file looks like instead, when it is one of the command's other inputs.
fn hint_for(bytes: &[u8]) -> &'static str {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(bytes) else {
        return "";
    };
    if fields.contains_key("Records") {
        " (it looks like a Kinesis event: run it with `connect-sf invoke ctr-trigger --event FILE`)"
    } else if fields.contains_key("ctr") {
        " (it looks like an execution input {ctr, switches}: run it with `--input FILE`)"
    } else if fields.contains_key("Details") {
        " (it looks like a contact-flow event: run it with `connect-sf invoke sf-invoke-api --event FILE`)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_variables_come_from_the_trigger() {
        let variables = switch_variables();
        for expected in [
            "POSTCALL_CTR_IMPORT_ENABLED",
            "POSTCALL_RECORDING_IMPORT_ENABLED",
            "POSTCALL_TRANSCRIBE_ENABLED",
            "TRANSCRIPTION_JOB_CHECK_WAIT_TIME",
            "SF_ADAPTER_NAMESPACE",
            "CONNECT_RECORDING_S3_BUCKET",
            "TRANSCRIBE_OUTPUT_S3_BUCKET",
            "AWS_REGION",
        ] {
            assert!(
                variables.iter().any(|variable| variable == expected),
                "{expected} missing from {variables:?}"
            );
        }
    }
}
