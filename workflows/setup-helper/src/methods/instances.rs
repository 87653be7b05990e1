//! `connect_create_instance` and `connect_associate_approved_origin`, and finding an instance
//! by its alias (ListInstances, page by page).

use serde_json::{Map, Value, json};

use crate::boto_shapes::with_metadata;
use crate::error::SetupError;
use crate::ports::{ConnectInstanceAdmin, NewInstance};
use crate::request::{ApprovedOriginParams, CreateInstanceParams};

/// The id of the instance whose alias is `alias`, if any.
pub(crate) async fn find_instance(
    connect: &dyn ConnectInstanceAdmin,
    alias: &str,
) -> Result<Option<String>, SetupError> {
    let mut next_token = None;
    loop {
        let page = connect.list_instances_page(next_token).await?;
        if let Some(instance) = page
            .instances
            .into_iter()
            .find(|instance| instance.alias.as_deref() == Some(alias))
        {
            return Ok(Some(instance.id));
        }
        match page.next_token {
            Some(token) if !token.is_empty() => next_token = Some(token),
            _ => return Ok(None),
        }
    }
}

pub(crate) async fn instance_id(
    connect: &dyn ConnectInstanceAdmin,
    alias: &str,
) -> Result<String, SetupError> {
    find_instance(connect, alias)
        .await?
        .ok_or_else(|| SetupError::InstanceNotFound {
            alias: alias.to_string(),
        })
}

/// An instance that already has the alias is answered `{"Id"}` and left alone, so the wizard's
/// step can be repeated; otherwise CreateInstance's answer.
pub(crate) async fn create_instance(
    connect: &dyn ConnectInstanceAdmin,
    params: &CreateInstanceParams,
) -> Result<Value, SetupError> {
    if let Some(id) = find_instance(connect, &params.alias).await? {
        tracing::info!(instance_id = %id, "the instance already exists");
        return Ok(json!({ "Id": id }));
    }
    let created = connect
        .create_instance(&NewInstance {
            alias: params.alias.clone(),
            identity_management_type: params.identity_management_type.clone(),
            inbound_calls_enabled: params.inbound_calls_enabled,
            outbound_calls_enabled: params.outbound_calls_enabled,
        })
        .await?;
    let mut members = Map::new();
    members.insert("Id".to_string(), Value::String(created.id));
    members.insert("Arn".to_string(), Value::String(created.arn));
    Ok(with_metadata(members, &created.metadata))
}

pub(crate) async fn associate_approved_origin(
    connect: &dyn ConnectInstanceAdmin,
    params: &ApprovedOriginParams,
) -> Result<Value, SetupError> {
    let id = instance_id(connect, &params.alias).await?;
    let metadata = connect
        .associate_approved_origin(&id, &params.origin)
        .await?;
    Ok(with_metadata(Map::new(), &metadata))
}
