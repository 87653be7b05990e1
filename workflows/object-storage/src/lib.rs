//! Bytes by bucket and key (S3 in production, a directory or memory locally), and the ways
//! Connect and Transcribe name an object. One port for every workflow that keeps objects: the
//! post-call markers and transcripts, the scheduled syncs' state.

use std::collections::BTreeMap;
use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// An object's bucket and key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectLocation {
    pub bucket: String,
    pub key: String,
}

impl fmt::Display for ObjectLocation {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "s3://{}/{}", self.bucket, self.key)
    }
}

impl ObjectLocation {
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    /// Reads Connect's `bucket/key` recording location (an `s3://` URI is accepted too).
    pub fn from_recording_location(location: &str) -> Option<Self> {
        let trimmed = location.trim();
        let path = trimmed.strip_prefix("s3://").unwrap_or(trimmed);
        let (bucket, key) = path.split_once('/')?;
        (!bucket.is_empty() && !key.is_empty()).then(|| Self::new(bucket, key))
    }

    /// Reads the URIs Transcribe reports: `s3://bucket/key`, path-style
    /// `https://s3.<region>.amazonaws.com/bucket/key` and virtual-hosted
    /// `https://bucket.s3.<region>.amazonaws.com/key`.
    pub fn from_uri(uri: &str) -> Option<Self> {
        let uri = uri.trim();
        if let Some(path) = uri.strip_prefix("s3://") {
            return Self::from_recording_location(path);
        }
        let rest = uri.strip_prefix("https://")?;
        let (host, path) = rest.split_once('/')?;
        let path = path.split(['?', '#']).next().unwrap_or_default();
        if host.starts_with("s3.") || host.starts_with("s3-") {
            Self::from_recording_location(path)
        } else {
            let (bucket, _) = host.split_once(".s3")?;
            (!bucket.is_empty() && !path.is_empty()).then(|| Self::new(bucket, path))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// Unreachable, throttled or timed out: worth retrying.
    #[error("object storage is unavailable for {location}: {message}")]
    Unavailable { location: String, message: String },
    #[error("object storage refused {location}: {message}")]
    Failed { location: String, message: String },
    /// Access denied: S3's answer to a missing key too, for a reader that may not list the
    /// bucket, so a caller that knows it may read the key can take it as absent.
    #[error(
        "object storage denied {location}: access denied or the object no longer exists (S3 answers 403 for a missing key to a reader that may not list the bucket): {message}"
    )]
    Denied { location: String, message: String },
    #[error("{location} is not a valid object location: {reason}")]
    InvalidLocation { location: String, reason: String },
}

impl StoreError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// Which state of an object a conditional write expects (S3's ETag).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectVersion(pub String);

impl ObjectVersion {
    /// A version derived from the content, for stores without ETags (memory, a directory):
    /// 64-bit FNV-1a, like S3's ETag a function of the bytes.
    pub fn of_content(bytes: &[u8]) -> Self {
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        });
        Self(format!("{hash:016x}"))
    }
}

/// An object with what a conditional write and an old-package lock need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub bytes: Vec<u8>,
    /// S3 user metadata (`x-amz-meta-*`), keys lower-case as S3 returns them.
    pub metadata: BTreeMap<String, String>,
    pub version: ObjectVersion,
}

/// Part of an object (a ranged read) and the whole object's size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRange {
    pub bytes: Vec<u8>,
    pub total_size: u64,
}

#[async_trait]
pub trait ObjectStore: Send + Sync {
    /// The object's bytes, or `None` when it does not exist.
    async fn get(&self, location: &ObjectLocation) -> Result<Option<Vec<u8>>, StoreError>;
    /// At most `len` bytes from byte `start` (S3's ranged GET), so a large object can be read
    /// in bounded memory; empty past the end; `None` when the object does not exist. The
    /// default reads the whole object (for stores that hold it in memory anyway).
    async fn get_range(
        &self,
        location: &ObjectLocation,
        start: u64,
        len: u64,
    ) -> Result<Option<ObjectRange>, StoreError> {
        Ok(self.get(location).await?.map(|bytes| {
            let total_size = bytes.len() as u64;
            let from = start.min(total_size) as usize;
            let to = start.saturating_add(len).min(total_size) as usize;
            ObjectRange {
                bytes: bytes[from..to].to_vec(),
                total_size,
            }
        }))
    }
    /// The object with its metadata and version, or `None` when it does not exist.
    async fn get_versioned(
        &self,
        location: &ObjectLocation,
    ) -> Result<Option<StoredObject>, StoreError>;
    /// Replaces the object only while it is still at `version` (S3 `If-Match` on the ETag);
    /// `false` when another writer changed or removed it first. The new object has no user
    /// metadata.
    async fn put_if_version(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        version: &ObjectVersion,
    ) -> Result<bool, StoreError>;
    async fn put(&self, location: &ObjectLocation, bytes: &[u8]) -> Result<(), StoreError>;
    /// Writes only if nothing is there (S3 `If-None-Match: *`); `false` when it already existed.
    async fn put_if_absent(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
    ) -> Result<bool, StoreError>;
}

pub mod object_event;
pub mod stored_json;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

/// Lets several ports (markers, transcriber, transcript import) share one store.
#[async_trait]
impl<S: ObjectStore + ?Sized> ObjectStore for std::sync::Arc<S> {
    async fn get(&self, location: &ObjectLocation) -> Result<Option<Vec<u8>>, StoreError> {
        (**self).get(location).await
    }

    async fn get_range(
        &self,
        location: &ObjectLocation,
        start: u64,
        len: u64,
    ) -> Result<Option<ObjectRange>, StoreError> {
        (**self).get_range(location, start, len).await
    }

    async fn put(&self, location: &ObjectLocation, bytes: &[u8]) -> Result<(), StoreError> {
        (**self).put(location, bytes).await
    }

    async fn get_versioned(
        &self,
        location: &ObjectLocation,
    ) -> Result<Option<StoredObject>, StoreError> {
        (**self).get_versioned(location).await
    }

    async fn put_if_version(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        version: &ObjectVersion,
    ) -> Result<bool, StoreError> {
        (**self).put_if_version(location, bytes, version).await
    }

    async fn put_if_absent(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
    ) -> Result<bool, StoreError> {
        (**self).put_if_absent(location, bytes).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_recording_location_is_bucket_slash_key_should_split_at_the_first_slash() {
        let location = ObjectLocation::from_recording_location(
            "amazon-connect-3e91c4d7a2b8/connect/northwind-care/CallRecordings/2024/03/05/x_20240305T14:19_UTC.wav",
        )
        .unwrap();
        assert_eq!(location.bucket, "amazon-connect-3e91c4d7a2b8");
        assert!(location.key.starts_with("connect/northwind-care/"));
        assert_eq!(
            location.to_string(),
            "s3://amazon-connect-3e91c4d7a2b8/connect/northwind-care/CallRecordings/2024/03/05/x_20240305T14:19_UTC.wav"
        );
        assert!(ObjectLocation::from_recording_location("no-key").is_none());
        assert!(ObjectLocation::from_recording_location("/key-only").is_none());
    }

    #[test]
    fn when_transcribe_reports_any_uri_form_should_find_bucket_and_key() {
        for uri in [
            "s3://out-bucket/job_1.json",
            "https://s3.us-west-2.amazonaws.com/out-bucket/job_1.json",
            "https://s3-us-west-2.amazonaws.com/out-bucket/job_1.json",
            "https://out-bucket.s3.us-west-2.amazonaws.com/job_1.json",
        ] {
            assert_eq!(
                ObjectLocation::from_uri(uri),
                Some(ObjectLocation::new("out-bucket", "job_1.json")),
                "{uri}"
            );
        }
        assert!(ObjectLocation::from_uri("ftp://x/y").is_none());
    }
}
