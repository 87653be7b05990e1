//! A CTR passed by reference.
//!
//! Step Functions refuses an execution input, and fails any state, over 256 KiB. For a CTR too
//! large to travel in the state, the trigger stores it in S3 under [`CTR_INPUTS_PREFIX`] and
//! starts the execution with `{"ctrReference": {"bucket": …, "key": …}, "switches": …}`
//! instead of `{"ctr": …}`. The state then stays small all the way: every step that needs the
//! CTR reads it inside its Lambda ([`CtrSource::resolve`]) and never returns it.
//!
//! A step's state input is a [`ContactState`]: the CTR either way, the package switches, and
//! whatever else the step reads (`T`).

use serde::Deserialize;

use super::decode::parse_ctr_json;
use super::model::ContactTraceRecord;
use crate::error::PostCallError;
use crate::ports::{ObjectLocation, ObjectStore};
use crate::switches::PackageSwitches;

/// Where the trigger stores the CTRs it passes by reference (the steps read nothing else).
pub const CTR_INPUTS_PREFIX: &str = "ctr-inputs/";

/// The key of the CTR of execution `execution_name`: one object per execution name, so a
/// redelivered record writes the same object again.
pub fn ctr_input_key(execution_name: &str) -> String {
    format!("{CTR_INPUTS_PREFIX}{execution_name}.json")
}

/// The contact's CTR as a step's state carries it: inline (`ctr`) or stored (`ctrReference`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "CtrFields")]
pub enum CtrSource {
    Inline(Box<ContactTraceRecord>),
    Stored(ObjectLocation),
}

/// The two keys as the state spells them; exactly one must be there.
#[derive(Deserialize)]
struct CtrFields {
    #[serde(default)]
    ctr: Option<ContactTraceRecord>,
    #[serde(default, rename = "ctrReference")]
    ctr_reference: Option<ObjectLocation>,
}

impl TryFrom<CtrFields> for CtrSource {
    type Error = String;

    fn try_from(fields: CtrFields) -> Result<Self, String> {
        match (fields.ctr, fields.ctr_reference) {
            (Some(ctr), None) => Ok(Self::Inline(Box::new(ctr))),
            (None, Some(reference)) => Ok(Self::Stored(reference)),
            (Some(_), Some(_)) => {
                Err("the state has both ctr and ctrReference; it must carry one".into())
            }
            (None, None) => Err(
                "the state has neither ctr nor ctrReference (the contact trace record or where the trigger stored it)".into(),
            ),
        }
    }
}

impl From<ContactTraceRecord> for CtrSource {
    fn from(ctr: ContactTraceRecord) -> Self {
        Self::Inline(Box::new(ctr))
    }
}

impl CtrSource {
    /// The CTR: the inline one, or the stored one read from `store`.
    pub async fn resolve(
        self,
        store: &dyn ObjectStore,
    ) -> Result<ContactTraceRecord, PostCallError> {
        match self {
            Self::Inline(ctr) => Ok(*ctr),
            Self::Stored(location) => read_stored_ctr(store, &location).await,
        }
    }
}

/// Reads the CTR the trigger stored at `location`: `CtrReference.Invalid` when the reference
/// is outside [`CTR_INPUTS_PREFIX`] or the object is gone (the bucket's lifecycle rule removes
/// it after 90 days), `ObjectStore.*` when S3 fails, `MalformedCtr` when it is not a CTR.
pub async fn read_stored_ctr(
    store: &dyn ObjectStore,
    location: &ObjectLocation,
) -> Result<ContactTraceRecord, PostCallError> {
    if location.bucket.trim().is_empty() || !location.key.starts_with(CTR_INPUTS_PREFIX) {
        return Err(PostCallError::CtrReference {
            location: location.to_string(),
            reason: format!("a CTR reference names a bucket and a key under {CTR_INPUTS_PREFIX}"),
        });
    }
    let bytes = store
        .get(location)
        .await?
        .ok_or_else(|| PostCallError::CtrReference {
            location: location.to_string(),
            reason: "the object does not exist (the trigger stores it before it starts the execution; the bucket's lifecycle rule removes it after 90 days)".into(),
        })?;
    Ok(parse_ctr_json(&bytes)?)
}

/// A step's state input: the contact's CTR (inline or by reference), the package switches,
/// and the step's own fields `T` (every other key of the state is ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct ContactState<T = NoOtherFields> {
    #[serde(flatten)]
    pub ctr: CtrSource,
    #[serde(default)]
    pub switches: PackageSwitches,
    #[serde(flatten)]
    pub fields: T,
}

/// For a step that reads nothing but the CTR and the switches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct NoOtherFields {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::testing::{MemoryObjectStore, fixtures};

    fn state(value: serde_json::Value) -> Result<ContactState, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn the_key_follows_the_execution_name() {
        assert_eq!(
            ctr_input_key("contact-c-1-20240305T142304Z"),
            "ctr-inputs/contact-c-1-20240305T142304Z.json"
        );
    }

    #[tokio::test]
    async fn an_inline_ctr_and_a_stored_one_resolve_to_the_same_record() {
        let ctr = fixtures::voice_ctr();
        let store = MemoryObjectStore::new();
        let location = ObjectLocation::new("records", ctr_input_key("contact-x"));
        store
            .put(&location, &serde_json::to_vec(&ctr).unwrap())
            .await
            .unwrap();

        let inline =
            state(json!({"ctr": ctr, "switches": {}, "plan": {"ctrImport": true}})).unwrap();
        let stored = state(json!({"ctrReference": location, "switches": {}})).unwrap();
        assert!(matches!(stored.ctr, CtrSource::Stored(_)));
        assert_eq!(inline.ctr.resolve(&store).await.unwrap(), ctr);
        assert_eq!(stored.ctr.resolve(&store).await.unwrap(), ctr);
    }

    #[test]
    fn a_state_needs_exactly_one_of_ctr_and_ctr_reference() {
        let neither = state(json!({"switches": {}})).unwrap_err().to_string();
        assert!(
            neither.contains("neither ctr nor ctrReference"),
            "{neither}"
        );
        let both = state(json!({
            "ctr": {"ContactId": "c-1"},
            "ctrReference": {"bucket": "b", "key": "ctr-inputs/c.json"}
        }))
        .unwrap_err()
        .to_string();
        assert!(both.contains("both ctr and ctrReference"), "{both}");
    }

    #[tokio::test]
    async fn a_missing_object_or_a_key_outside_the_prefix_is_an_invalid_reference() {
        let store = MemoryObjectStore::new();
        for location in [
            ObjectLocation::new("records", "ctr-inputs/gone.json"),
            ObjectLocation::new("records", "locks/c-1.lock"),
            ObjectLocation::new("", "ctr-inputs/x.json"),
        ] {
            let error = read_stored_ctr(&store, &location).await.unwrap_err();
            assert_eq!(error.error_type(), "CtrReference.Invalid", "{location}");
            assert!(!error.is_retryable());
        }
    }

    #[tokio::test]
    async fn a_stored_object_that_is_not_a_ctr_is_a_malformed_ctr() {
        let store = MemoryObjectStore::new();
        let location = ObjectLocation::new("records", "ctr-inputs/x.json");
        store
            .put(&location, b"{\"Channel\":\"VOICE\"}")
            .await
            .unwrap();
        let error = read_stored_ctr(&store, &location).await.unwrap_err();
        assert_eq!(error.error_type(), "MalformedCtr");
    }
}
