//! The in-memory Amazon Connect of the Contact Lens tests: contact attributes by contact, the
//! calls counted, a fault to inject.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::ports::{ConnectError, ContactAttributes};

#[derive(Debug, Default)]
pub struct MemoryContactAttributes {
    instance_id: String,
    contacts: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
    calls: Mutex<u32>,
    fail_next: Mutex<Option<ConnectError>>,
}

impl MemoryContactAttributes {
    pub fn new(instance_id: impl Into<String>) -> Self {
        Self {
            instance_id: instance_id.into(),
            ..Self::default()
        }
    }

    pub fn set(&self, contact_id: &str, attributes: &[(&str, &str)]) {
        self.contacts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                contact_id.to_string(),
                attributes
                    .iter()
                    .map(|(key, value)| (key.to_string(), value.to_string()))
                    .collect(),
            );
    }

    pub fn fail_next(&self, error: ConnectError) {
        *self.fail_next.lock().unwrap_or_else(|e| e.into_inner()) = Some(error);
    }

    /// GetContactAttributes calls so far.
    pub fn calls(&self) -> u32 {
        *self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl ContactAttributes for MemoryContactAttributes {
    async fn contact_attributes(
        &self,
        instance_id: &str,
        contact_id: &str,
    ) -> Result<BTreeMap<String, String>, ConnectError> {
        *self.calls.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        if let Some(error) = self
            .fail_next
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            return Err(error);
        }
        let not_found = |what: String| ConnectError::Rejected {
            operation: "GetContactAttributes",
            code: "ResourceNotFoundException".into(),
            message: what,
        };
        if instance_id != self.instance_id {
            return Err(not_found(format!("Instance not found: {instance_id}")));
        }
        self.contacts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(contact_id)
            .cloned()
            .ok_or_else(|| not_found(format!("Contact not found: {contact_id}")))
    }
}
