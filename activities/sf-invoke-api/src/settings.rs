//! Activity settings read once at cold start.

use std::time::Duration;

/// Connect waits at most 8 s for a Lambda; answering with a clear error before that beats
/// being cut off with a generic failure.
pub const DEFAULT_DEADLINE: Duration = Duration::from_millis(7000);

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Upper bound for one invocation, token refresh included.
    pub deadline: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            deadline: DEFAULT_DEADLINE,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "environment variable SF_INVOKE_DEADLINE_MS is invalid: '{0}' is not a number of milliseconds between 100 and 7900"
)]
pub struct SettingsError(String);

impl Settings {
    /// Reads `SF_INVOKE_DEADLINE_MS` (optional, default 7000).
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_value(std::env::var("SF_INVOKE_DEADLINE_MS").ok().as_deref())
    }

    pub fn from_value(deadline_ms: Option<&str>) -> Result<Self, SettingsError> {
        match deadline_ms.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(Self::default()),
            Some(value) => match value.parse::<u64>() {
                Ok(ms) if (100..=7900).contains(&ms) => Ok(Self {
                    deadline: Duration::from_millis(ms),
                }),
                _ => Err(SettingsError(value.to_string())),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_unset_should_default_to_seven_seconds() {
        assert_eq!(
            Settings::from_value(None).unwrap().deadline,
            Duration::from_secs(7)
        );
    }

    #[test]
    fn when_beyond_connects_limit_should_be_refused() {
        assert!(Settings::from_value(Some("9000")).is_err());
        assert!(Settings::from_value(Some("soon")).is_err());
        assert_eq!(
            Settings::from_value(Some("2500")).unwrap().deadline,
            Duration::from_millis(2500)
        );
    }
}
