//! What a deployment has on AWS, created on moto's server: buckets and the post-call state
//! machine.

use crate::{MotoServer, repo_root};

/// An S3 client for moto, which serves buckets by path, not by virtual host.
pub async fn s3_client(moto: &MotoServer) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&moto.sdk_config().await)
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

pub async fn create_buckets(s3: &aws_sdk_s3::Client, names: &[&str]) -> anyhow::Result<()> {
    for name in names {
        s3.create_bucket()
            .bucket(*name)
            .create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::UsWest2)
                    .build(),
            )
            .send()
            .await?;
    }
    Ok(())
}

/// `statemachines/post-call.asl.json` created on moto's Step Functions; returns its ARN.
pub async fn create_post_call_state_machine(sfn: &aws_sdk_sfn::Client) -> anyhow::Result<String> {
    let definition = std::fs::read_to_string(repo_root().join("statemachines/post-call.asl.json"))?;
    let created = sfn
        .create_state_machine()
        .name("post-call")
        .definition(definition)
        .role_arn("arn:aws:iam::123456789012:role/post-call-state-machine")
        .send()
        .await?;
    Ok(created.state_machine_arn().to_string())
}
