//! Object describe results and their per-container cache, so repeated work (one CTR after
//! another) does not spend an API call per record on metadata that rarely changes.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde::Deserialize;

/// The part of `sobjects/{object}/describe` this package relies on.
#[derive(Debug, Clone, Deserialize)]
pub struct ObjectDescribe {
    pub name: String,
    #[serde(default)]
    pub fields: Vec<DescribeField>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DescribeField {
    pub name: String,
    #[serde(rename = "type", default)]
    pub field_type: String,
    #[serde(rename = "externalId", default)]
    pub external_id: bool,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
}

impl ObjectDescribe {
    /// Field names are case-insensitive in Salesforce.
    pub fn field(&self, name: &str) -> Option<&DescribeField> {
        self.fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(name))
    }

    pub fn has_field(&self, name: &str) -> bool {
        self.field(name).is_some()
    }
}

/// Describe results keyed by lower-cased object name, each kept for `ttl`.
#[derive(Debug)]
pub(crate) struct DescribeCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, Arc<ObjectDescribe>)>>,
}

impl DescribeCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn get(&self, object: &str) -> Option<Arc<ObjectDescribe>> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries
            .get(&object.to_ascii_lowercase())
            .filter(|(fetched, _)| fetched.elapsed() < self.ttl)
            .map(|(_, describe)| describe.clone())
    }

    pub(crate) fn put(&self, object: &str, describe: Arc<ObjectDescribe>) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.insert(object.to_ascii_lowercase(), (Instant::now(), describe));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe() -> Arc<ObjectDescribe> {
        Arc::new(
            serde_json::from_value(serde_json::json!({
                "name": "Contact",
                "fields": [{"name": "LastName", "type": "string", "createable": true}]
            }))
            .unwrap(),
        )
    }

    #[test]
    fn when_field_case_differs_should_still_find_it() {
        assert!(describe().has_field("lastname"));
        assert!(!describe().has_field("Region__c"));
    }

    #[test]
    fn when_entry_is_older_than_ttl_should_be_refetched() {
        let cache = DescribeCache::new(Duration::from_millis(0));
        cache.put("Contact", describe());
        assert!(cache.get("contact").is_none());
        let cache = DescribeCache::new(Duration::from_secs(60));
        cache.put("Contact", describe());
        assert!(cache.get("CONTACT").is_some());
    }
}
