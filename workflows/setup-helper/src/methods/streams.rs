//! `kinesis_create_stream` (left alone when it exists, so the step can be repeated) and
//! `kinesis_describe_stream`.

use serde_json::{Map, Value};

use crate::boto_shapes::{stream_description, with_metadata};
use crate::error::SetupError;
use crate::ports::KinesisStreams;
use crate::request::CreateStreamParams;

/// The old package's answer when the stream is already there.
pub const STREAM_EXISTS: &str = "Stream already created.";

pub(crate) async fn create_stream(
    kinesis: &dyn KinesisStreams,
    params: &CreateStreamParams,
) -> Result<Value, SetupError> {
    match kinesis.describe_stream(&params.stream_name).await {
        Ok(_) => Ok(Value::String(STREAM_EXISTS.to_string())),
        Err(failure) if failure.is_not_found() => {
            let metadata = kinesis
                .create_stream(&params.stream_name, params.shard_count)
                .await?;
            Ok(with_metadata(Map::new(), &metadata))
        }
        Err(failure) => Err(failure.into()),
    }
}

pub(crate) async fn describe_stream(
    kinesis: &dyn KinesisStreams,
    stream_name: &str,
) -> Result<Value, SetupError> {
    let described = kinesis.describe_stream(stream_name).await?;
    let mut members = Map::new();
    members.insert(
        "StreamDescription".to_string(),
        stream_description(&described.description),
    );
    Ok(with_metadata(members, &described.metadata))
}
