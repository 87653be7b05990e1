//! GetContactAttributes: `GET /contact/attributes/{InstanceId}/{InitialContactId}`.

use serde_json::{Value, json};

use crate::api::Instance;
use crate::error::ConnectError;

pub fn get_contact_attributes(
    instance: &Instance,
    instance_id: &str,
    initial_contact_id: &str,
) -> Result<Value, ConnectError> {
    instance.check_instance(instance_id)?;
    let attributes = instance
        .seed
        .contact_attributes
        .get(initial_contact_id)
        .ok_or_else(|| {
            ConnectError::ResourceNotFound(format!("Contact not found: {initial_contact_id}"))
        })?;
    Ok(json!({ "Attributes": attributes }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::Seed;

    #[test]
    fn should_answer_the_fixture_contact_and_refuse_an_unknown_one() {
        let instance = Instance::new(Seed::demo());
        let id = instance.seed.instance_id.clone();
        let answer = get_contact_attributes(&instance, &id, "8d3f6c2a-91e4-4b57-a0d2-6f1e73c94b08")
            .expect("a fixture contact");
        assert_eq!(answer["Attributes"]["accountNumber"], json!("4719208"));
        let missing = get_contact_attributes(&instance, &id, "nobody").expect_err("unknown");
        assert_eq!(missing.error_type(), "ResourceNotFoundException");
    }
}
