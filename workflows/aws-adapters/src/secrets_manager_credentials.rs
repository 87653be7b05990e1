//! The Salesforce credentials secret in AWS Secrets Manager, and the Salesforce client every
//! Salesforce-calling Lambda builds from its environment at cold start.

use std::sync::Arc;

use async_trait::async_trait;
use salesforce_client::{
    CredentialSource, CredentialsError, SalesforceClient, SalesforceConfig, SalesforceCredentials,
};

/// Reads the secret from AWS Secrets Manager.
pub struct SecretsManagerCredentials {
    client: aws_sdk_secretsmanager::Client,
    secret_id: String,
}

impl SecretsManagerCredentials {
    pub fn new(client: aws_sdk_secretsmanager::Client, secret_id: impl Into<String>) -> Self {
        Self {
            client,
            secret_id: secret_id.into(),
        }
    }
}

#[async_trait]
impl CredentialSource for SecretsManagerCredentials {
    async fn load(&self) -> Result<SalesforceCredentials, CredentialsError> {
        let output = self
            .client
            .get_secret_value()
            .secret_id(&self.secret_id)
            .send()
            .await
            .map_err(|error| {
                let service_error = error.as_service_error();
                if service_error.is_some_and(|e| e.is_resource_not_found_exception()) {
                    CredentialsError::SecretNotFound {
                        secret: self.secret_id.clone(),
                    }
                } else {
                    let reason = service_error
                        .and_then(|e| e.meta().message().map(str::to_string))
                        .unwrap_or_else(|| {
                            aws_sdk_secretsmanager::error::DisplayErrorContext(&error).to_string()
                        });
                    CredentialsError::Unavailable {
                        secret: self.secret_id.clone(),
                        reason,
                    }
                }
            })?;
        let text = output
            .secret_string()
            .ok_or_else(|| CredentialsError::Malformed {
                reason: format!(
                    "secret {} has no SecretString (binary secrets are not supported)",
                    self.secret_id
                ),
            })?;
        SalesforceCredentials::from_json(text)
    }
}

/// The Salesforce client from the function's environment (`SF_*`, read now) and the secret
/// named by `SF_CREDENTIALS_SECRETS_MANAGER_ARN` (fetched on first use, then kept for the life
/// of the container). Only functions that call Salesforce build one.
pub fn salesforce_client_from_env(
    aws: &aws_config::SdkConfig,
) -> Result<SalesforceClient, Box<dyn std::error::Error + Send + Sync>> {
    let config = SalesforceConfig::from_env()?;
    let secret_arn = env_config::secret_arn(&env_config::from_process)?;
    let credentials =
        SecretsManagerCredentials::new(aws_sdk_secretsmanager::Client::new(aws), secret_arn);
    Ok(SalesforceClient::new(config, Arc::new(credentials))?)
}
