//! One `sfInvokeAPI` invocation as Amazon Connect makes it: read the contact-flow event, run the
//! operation under a deadline below Connect's 8-second limit, return the flat string map.
//! The Lambda `main` and the local runner (`connect-sf invoke`, the embedded engine) both call
//! [`handle_invocation`].

use std::{collections::BTreeMap, time::Duration};

use activity_contract::{ErrorName, NamedError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::{FlowParameters, InvokeError, InvokeOptions, SalesforceApi};

/// Connect waits at most 8 s for a Lambda; answering with a clear error before that beats
/// being cut off with a generic failure.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(7000);

/// The variable that bounds one invocation, in milliseconds.
pub const DEADLINE_VARIABLE: &str = "SF_INVOKE_DEADLINE_MS";

/// The variable that restores the old package's `%` rule for lookups.
pub const LEGACY_WILDCARDS_VARIABLE: &str = "SF_INVOKE_LEGACY_WILDCARDS";
/// Calling codes whose phone rules a container prepares while it starts (comma-separated).
pub const PHONE_CALLING_CODES_VARIABLE: &str = "SF_INVOKE_PHONE_CALLING_CODES";
/// North America: the callers of most deployments; other codes are prepared on first use.
pub const DEFAULT_PHONE_CALLING_CODES: &[u16] = &[1];

/// Settings read once at cold start.
#[derive(Debug, Clone, PartialEq)]
pub struct InvocationSettings {
    /// Upper bound for one invocation, token refresh included.
    pub deadline: Duration,
    pub options: InvokeOptions,
    /// Calling codes whose phone-number rules to prepare at cold start (in the background).
    pub phone_calling_codes: Vec<u16>,
}

impl Default for InvocationSettings {
    fn default() -> Self {
        Self {
            deadline: DEFAULT_DEADLINE,
            options: InvokeOptions::default(),
            phone_calling_codes: DEFAULT_PHONE_CALLING_CODES.to_vec(),
        }
    }
}

impl InvocationSettings {
    /// Reads `SF_INVOKE_DEADLINE_MS` (optional, 100–7900, default 7000) and
    /// `SF_INVOKE_LEGACY_WILDCARDS` (optional, default false).
    pub fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, env_config::ConfigError> {
        let milliseconds = env_config::number_in(
            lookup,
            DEADLINE_VARIABLE,
            100..=7900u64,
            DEFAULT_DEADLINE.as_millis() as u64,
            "a number of milliseconds between 100 and 7900",
        )?;
        Ok(Self {
            deadline: Duration::from_millis(milliseconds),
            options: InvokeOptions {
                legacy_wildcards: env_config::flag(lookup, LEGACY_WILDCARDS_VARIABLE, false)?,
            },
            phone_calling_codes: phone_calling_codes(lookup)?,
        })
    }

    /// Builds, on a thread of its own, the phone rules of [`Self::phone_calling_codes`], so a
    /// cold `phoneLookup` finds them ready (about 20 ms for `+1`, overlapped with the rest of
    /// the container's start). A caller whose number arrives first simply waits for them.
    pub fn prepare_phone_rules(&self) {
        let codes = self.phone_calling_codes.clone();
        if codes.is_empty() {
            return;
        }
        let _ = std::thread::Builder::new()
            .name("phone-rules".into())
            .spawn(move || crate::phone_metadata::prepare(&codes));
    }
}

fn phone_calling_codes(
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<Vec<u16>, env_config::ConfigError> {
    let Some(text) = env_config::optional(lookup, PHONE_CALLING_CODES_VARIABLE) else {
        return Ok(DEFAULT_PHONE_CALLING_CODES.to_vec());
    };
    text.split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| {
            code.trim_start_matches('+')
                .parse::<u16>()
                .ok()
                .filter(|code| crate::phone_metadata::is_calling_code(*code))
                .ok_or_else(|| env_config::ConfigError::Invalid {
                    name: PHONE_CALLING_CODES_VARIABLE.to_string(),
                    value: text.clone(),
                    expected: "a comma-separated list of country calling codes, e.g. 1,44".into(),
                })
        })
        .collect()
}

/// What this activity reads of a contact-flow event: `Details.Parameters`, and the contact's
/// id and channel for the log line. Everything else (endpoints that are `null` for chat and
/// task contacts, segment attributes, fields Connect adds later) is ignored.
#[derive(Debug, Deserialize)]
struct ContactFlowEvent {
    #[serde(rename = "Details")]
    details: EventDetails,
}

#[derive(Debug, Deserialize)]
struct EventDetails {
    /// An object of parameters (`null` or missing: none); anything else is not Connect's.
    #[serde(rename = "Parameters", default)]
    parameters: Option<serde_json::Map<String, Value>>,
    #[serde(rename = "ContactData", default)]
    contact_data: Option<ContactData>,
}

#[derive(Debug, Default, Deserialize)]
struct ContactData {
    #[serde(rename = "ContactId", default)]
    contact_id: Option<String>,
    #[serde(rename = "Channel", default)]
    channel: Option<String>,
}

activity_contract::error_kinds! {
    /// Failures of the invocation itself, around the operation's.
    pub enum InvocationErrorKind {
        MalformedEvent => "MalformedEvent", retryable = false;
        DeadlineExceeded => "DeadlineExceeded", retryable = true;
    }
}

/// Why an invocation failed; its name is what Connect and the logs see.
#[derive(Debug, thiserror::Error)]
pub enum InvocationError {
    #[error("the event is not an Amazon Connect contact-flow event: {reason}")]
    MalformedEvent { reason: String },
    #[error(transparent)]
    Invoke(#[from] InvokeError),
    #[error("{operation} did not finish within {} ms (Connect waits at most 8 s)", .deadline.as_millis())]
    DeadlineExceeded {
        operation: String,
        deadline: Duration,
    },
}

impl NamedError for InvocationError {
    fn error_name(&self) -> &'static str {
        match self {
            Self::MalformedEvent { .. } => InvocationErrorKind::MalformedEvent.name(),
            Self::Invoke(error) => error.error_type(),
            Self::DeadlineExceeded { .. } => InvocationErrorKind::DeadlineExceeded.name(),
        }
    }

    fn is_retryable(&self) -> bool {
        match self {
            Self::MalformedEvent { .. } => false,
            Self::Invoke(error) => error.is_retryable(),
            Self::DeadlineExceeded { .. } => true,
        }
    }

    fn error_names() -> Vec<ErrorName> {
        let mut names = InvocationErrorKind::error_names();
        names.extend(InvokeError::error_names());
        names
    }
}

/// Runs one invocation. `remaining` is the time Lambda still allows, when known; the
/// effective deadline is the shorter of that and the configured one.
pub async fn handle_invocation(
    api: &dyn SalesforceApi,
    event: Value,
    settings: &InvocationSettings,
    remaining: Option<Duration>,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, String>, InvocationError> {
    let event: ContactFlowEvent =
        serde_json::from_value(event).map_err(|error| InvocationError::MalformedEvent {
            reason: redaction::without_quoted_values(&error.to_string()),
        })?;
    let parameters = FlowParameters::try_from(event.details.parameters.unwrap_or_default())?;
    let contact = event.details.contact_data.unwrap_or_default();
    let contact_id = contact.contact_id.unwrap_or_default();
    let channel = contact.channel.unwrap_or_default();
    let operation = parameters
        .optional("sf_operation")
        .unwrap_or("(none)")
        .to_string();
    let deadline = remaining
        .map(|left| left.min(settings.deadline))
        .unwrap_or(settings.deadline);

    let started = std::time::Instant::now();
    let outcome = tokio::time::timeout(
        deadline,
        crate::invoke_with(api, &parameters, now, settings.options),
    )
    .await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match outcome {
        Ok(Ok(result)) => {
            tracing::info!(operation = %operation, contact_id = %contact_id, channel = %channel, elapsed_ms, sf_count = result.get("sf_count").map(String::as_str), "sfInvokeAPI succeeded");
            Ok(result)
        }
        Ok(Err(error)) => {
            let error = InvocationError::from(error);
            tracing::warn!(operation = %operation, contact_id = %contact_id, channel = %channel, elapsed_ms, error_type = %error.error_name(), error = %redaction::redact_personal_data(&error.to_string()), "sfInvokeAPI failed");
            Err(error)
        }
        Err(_) => {
            tracing::error!(operation = %operation, contact_id = %contact_id, channel = %channel, elapsed_ms, "sfInvokeAPI deadline exceeded");
            Err(InvocationError::DeadlineExceeded {
                operation,
                deadline,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(value: &'static str) -> impl Fn(&str) -> Option<String> {
        move |name| (name == DEADLINE_VARIABLE).then(|| value.to_string())
    }

    #[test]
    fn phone_calling_codes_default_to_north_america_and_are_checked() {
        let codes = |value: &'static str| {
            InvocationSettings::from_lookup(&move |name: &str| {
                (name == PHONE_CALLING_CODES_VARIABLE).then(|| value.to_string())
            })
            .map(|settings| settings.phone_calling_codes)
        };
        assert_eq!(
            InvocationSettings::from_lookup(&|_| None).map(|s| s.phone_calling_codes),
            Ok(vec![1])
        );
        assert_eq!(codes("1, +44,353"), Ok(vec![1, 44, 353]));
        assert_eq!(codes(""), Ok(vec![1]), "blank is the default");
        for bad in ["999", "x", "1;44"] {
            let error = codes(bad).expect_err(bad).to_string();
            assert!(
                error.contains(PHONE_CALLING_CODES_VARIABLE) && error.contains("e.g. 1,44"),
                "{error}"
            );
        }
    }

    #[test]
    fn when_unset_should_default_to_seven_seconds() {
        assert_eq!(
            InvocationSettings::from_lookup(&|_| None).map(|s| s.deadline),
            Ok(Duration::from_secs(7))
        );
    }

    #[test]
    fn when_beyond_connects_limit_should_be_refused() {
        assert!(InvocationSettings::from_lookup(&lookup("9000")).is_err());
        assert!(InvocationSettings::from_lookup(&lookup("soon")).is_err());
        assert_eq!(
            InvocationSettings::from_lookup(&lookup("2500")).map(|s| s.deadline),
            Ok(Duration::from_millis(2500))
        );
    }
}
