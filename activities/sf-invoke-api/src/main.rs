//! sfInvokeAPI as a Lambda function: Salesforce only. Configuration is read once per
//! container; the secret and the token are fetched on the first invocation and then kept.

use contact_flow::{InvocationSettings, handle_invocation};

#[tokio::main]
async fn main() -> Result<(), lambda_glue::Error> {
    lambda_glue::init_logging();
    let settings = InvocationSettings::from_lookup(&env_config::from_process)?;
    // In the background while the runtime starts: a cold phoneLookup finds its rules ready.
    settings.prepare_phone_rules();
    let aws = lambda_glue::aws_config().await;
    let salesforce = aws_adapters::salesforce_client_from_env(&aws)?;
    lambda_glue::serve(|event, remaining| {
        handle_invocation(&salesforce, event, &settings, remaining, chrono::Utc::now())
    })
    .await
}
