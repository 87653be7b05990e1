//! [`ObjectStore`] on Amazon S3: recordings, Transcribe output and the contact markers.

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use object_storage::{
    ObjectLocation, ObjectRange, ObjectStore, ObjectVersion, StoreError, StoredObject,
};

use crate::SdkFailure;

pub struct S3ObjectStore {
    client: Client,
}

impl S3ObjectStore {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// From the Lambda's shared SDK configuration (region, credentials, retry policy).
    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(Client::new(config))
    }
}

impl S3ObjectStore {
    /// The object's size (HEAD), `None` when it does not exist.
    async fn size_of(&self, location: &ObjectLocation) -> Result<Option<u64>, StoreError> {
        match self
            .client
            .head_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .send()
            .await
        {
            Ok(output) => Ok(Some(
                output
                    .content_length()
                    .and_then(|size| u64::try_from(size).ok())
                    .unwrap_or(0),
            )),
            Err(error) => {
                let failure = SdkFailure::from_sdk(&error);
                if failure.is_code("NotFound") || failure.status == Some(404) {
                    Ok(None)
                } else {
                    Err(read_error(location, failure))
                }
            }
        }
    }
}

/// A GET's or HEAD's failure. A reader without `s3:ListBucket` (the recording bucket's, by
/// design) gets 403 `AccessDenied`, not 404, for a key that does not exist: `Denied`, whose
/// message names both causes, so neither a deleted object nor a missing permission is hidden
/// behind the other. A HEAD's 403 has no body, so no code. Other 403s (`InvalidObjectState`
/// for an archived object) are refusals of an object that exists.
fn read_error(location: &ObjectLocation, failure: SdkFailure) -> StoreError {
    let denied = failure.status == Some(403)
        && failure
            .code
            .as_deref()
            .is_none_or(|code| matches!(code, "AccessDenied" | "Forbidden"));
    if denied {
        return StoreError::Denied {
            location: location.to_string(),
            message: failure.to_string(),
        };
    }
    store_error(location, failure)
}

fn store_error(location: &ObjectLocation, failure: SdkFailure) -> StoreError {
    if failure.retryable {
        StoreError::Unavailable {
            location: location.to_string(),
            message: failure.to_string(),
        }
    } else {
        StoreError::Failed {
            location: location.to_string(),
            message: failure.to_string(),
        }
    }
}

#[async_trait]
impl ObjectStore for S3ObjectStore {
    async fn get(&self, location: &ObjectLocation) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .get_versioned(location)
            .await?
            .map(|object| object.bytes))
    }

    /// A ranged GET (`Range: bytes=start-end`); S3 answers a range past the end (416, as for an
    /// empty object) with the object's size only, read back with a HEAD.
    async fn get_range(
        &self,
        location: &ObjectLocation,
        start: u64,
        len: u64,
    ) -> Result<Option<ObjectRange>, StoreError> {
        if len == 0 {
            return Ok(Some(ObjectRange {
                bytes: Vec::new(),
                total_size: self.size_of(location).await?.unwrap_or(0),
            }));
        }
        let last = start.saturating_add(len - 1);
        let response = self
            .client
            .get_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .range(format!("bytes={start}-{last}"))
            .send()
            .await;
        let output = match response {
            Ok(output) => output,
            Err(error) => {
                let failure = SdkFailure::from_sdk(&error);
                if failure.is_code("NoSuchKey") || failure.status == Some(404) {
                    return Ok(None);
                }
                if failure.is_code("InvalidRange") || failure.status == Some(416) {
                    return Ok(self.size_of(location).await?.map(|total_size| ObjectRange {
                        bytes: Vec::new(),
                        total_size,
                    }));
                }
                return Err(read_error(location, failure));
            }
        };
        // `Content-Range: bytes 0-99/1234`; a server that ignores Range sends the whole object.
        let total_from_range = output
            .content_range()
            .and_then(|range| range.rsplit('/').next())
            .and_then(|total| total.parse::<u64>().ok());
        let ranged = output.content_range().is_some();
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|error| StoreError::Unavailable {
                location: location.to_string(),
                message: format!("the object's body could not be read: {error}"),
            })?
            .into_bytes()
            .to_vec();
        if ranged {
            let total_size = total_from_range.unwrap_or(start + bytes.len() as u64);
            return Ok(Some(ObjectRange { bytes, total_size }));
        }
        let total_size = bytes.len() as u64;
        let from = start.min(total_size) as usize;
        let to = start.saturating_add(len).min(total_size) as usize;
        Ok(Some(ObjectRange {
            bytes: bytes[from..to].to_vec(),
            total_size,
        }))
    }

    async fn get_versioned(
        &self,
        location: &ObjectLocation,
    ) -> Result<Option<StoredObject>, StoreError> {
        let response = self
            .client
            .get_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .send()
            .await;
        let output = match response {
            Ok(output) => output,
            Err(error) => {
                let failure = SdkFailure::from_sdk(&error);
                if failure.is_code("NoSuchKey") || failure.status == Some(404) {
                    return Ok(None);
                }
                return Err(read_error(location, failure));
            }
        };
        // S3 always sends an ETag; without one a conditional write can only fail (412), which
        // is the safe answer.
        let etag = output.e_tag().map(str::to_string);
        let metadata = output
            .metadata()
            .map(|metadata| {
                metadata
                    .iter()
                    .map(|(key, value)| (key.to_ascii_lowercase(), value.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let bytes = output
            .body
            .collect()
            .await
            .map_err(|error| StoreError::Unavailable {
                location: location.to_string(),
                message: format!("the object's body could not be read: {error}"),
            })?;
        let bytes = bytes.into_bytes().to_vec();
        let version = etag.map_or_else(|| ObjectVersion::of_content(&bytes), ObjectVersion);
        Ok(Some(StoredObject {
            bytes,
            metadata,
            version,
        }))
    }

    /// S3 conditional write (`If-Match: <ETag>`): 412 Precondition Failed when another writer
    /// replaced the object since it was read, 404 when it was removed; 409
    /// ConditionalRequestConflict while another write to the key is in flight (retry).
    async fn put_if_version(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        version: &ObjectVersion,
    ) -> Result<bool, StoreError> {
        let response = self
            .client
            .put_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .if_match(&version.0)
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|error| SdkFailure::from_sdk(&error));
        conditional_outcome(location, response, true)
    }

    async fn put(&self, location: &ObjectLocation, bytes: &[u8]) -> Result<(), StoreError> {
        self.client
            .put_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|error| store_error(location, SdkFailure::from_sdk(&error)))
    }

    /// S3 conditional write (`If-None-Match: *`): of two concurrent writers exactly one gets
    /// 200, the other 412 Precondition Failed. A 409 ConditionalRequestConflict means another
    /// write to the same key was in flight: retry, and the retry will see the winner.
    async fn put_if_absent(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
    ) -> Result<bool, StoreError> {
        let response = self
            .client
            .put_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .if_none_match("*")
            .body(ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|error| SdkFailure::from_sdk(&error));
        conditional_outcome(location, response, false)
    }
}

/// A conditional PutObject's answer: `true` written; `false` its condition no longer held
/// (412, or 404 for an `If-Match` on an object removed meanwhile); a 409
/// ConditionalRequestConflict (another write to the key in flight) is retryable.
fn conditional_outcome(
    location: &ObjectLocation,
    response: Result<(), SdkFailure>,
    missing_means_lost: bool,
) -> Result<bool, StoreError> {
    let Err(failure) = response else {
        return Ok(true);
    };
    let missing = failure.status == Some(404) || failure.is_code("NoSuchKey");
    if failure.status == Some(412)
        || failure.is_code("PreconditionFailed")
        || (missing_means_lost && missing)
    {
        Ok(false)
    } else if failure.status == Some(409) {
        Err(StoreError::Unavailable {
            location: location.to_string(),
            message: failure.to_string(),
        })
    } else {
        Err(store_error(location, failure))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(status: u16, code: &str, message: &str) -> SdkFailure {
        SdkFailure {
            retryable: false,
            status: Some(status),
            code: Some(code.into()),
            message: message.into(),
        }
    }

    #[test]
    fn when_a_read_is_denied_should_say_the_object_may_be_gone_and_keep_s3s_answer() {
        let location = ObjectLocation::new("b", "Analysis/Voice/k.json");
        let error = read_error(&location, failure(403, "AccessDenied", "Access Denied"));
        assert!(!error.is_retryable());
        let message = error.to_string();
        assert!(
            message.contains("s3://b/Analysis/Voice/k.json")
                && message.contains("access denied or the object no longer exists")
                && message.contains("AccessDenied (HTTP 403): Access Denied"),
            "{message}"
        );
        assert!(matches!(error, StoreError::Denied { .. }), "{error:?}");
        let archived = read_error(&location, failure(403, "InvalidObjectState", "archived"));
        assert!(
            matches!(archived, StoreError::Failed { .. }),
            "an archived object exists: {archived:?}"
        );
        let other = read_error(&location, failure(400, "InvalidRequest", "bad"));
        assert!(!other.to_string().contains("no longer exists"), "{other}");
    }
}
