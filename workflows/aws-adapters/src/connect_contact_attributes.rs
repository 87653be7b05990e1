//! [`ContactAttributes`] on Amazon Connect (GetContactAttributes), on the same client as the
//! metrics calls: a Lambda builds one `ConnectMetricsClient` from its SDK configuration and asks
//! it for a contact's attributes too.

use std::collections::BTreeMap;

use async_trait::async_trait;
use connect_metrics::ports::ConnectError;
use contact_lens::ports::ContactAttributes;

use crate::SdkFailure;
use crate::connect_metrics_client::{ConnectMetricsClient, connect_error};

const GET_CONTACT_ATTRIBUTES: &str = "GetContactAttributes";

#[async_trait]
impl ContactAttributes for ConnectMetricsClient {
    async fn contact_attributes(
        &self,
        instance_id: &str,
        contact_id: &str,
    ) -> Result<BTreeMap<String, String>, ConnectError> {
        let output = self
            .client()
            .get_contact_attributes()
            .instance_id(instance_id)
            .initial_contact_id(contact_id)
            .send()
            .await
            .map_err(|error| connect_error(GET_CONTACT_ATTRIBUTES, SdkFailure::from_sdk(&error)))?;
        Ok(output
            .attributes()
            .map(|attributes| {
                attributes
                    .iter()
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect()
            })
            .unwrap_or_default())
    }
}
