//! `s3_create_bucket`: in the function's region (us-east-1 takes no location constraint).

use serde_json::{Map, Value};

use crate::boto_shapes::with_metadata;
use crate::error::SetupError;
use crate::ports::S3Buckets;
use crate::request::CreateBucketParams;
use crate::settings::SetupSettings;

pub(crate) async fn create_bucket(
    s3: &dyn S3Buckets,
    params: &CreateBucketParams,
    settings: &SetupSettings,
) -> Result<Value, SetupError> {
    let constraint = (settings.region != "us-east-1").then_some(settings.region.as_str());
    let created = s3.create_bucket(&params.bucket, constraint).await?;
    let mut members = Map::new();
    if let Some(location) = created.location {
        members.insert("Location".to_string(), Value::String(location));
    }
    Ok(with_metadata(members, &created.metadata))
}
