//! Objects as files under a root directory: `<root>/<bucket>/<key>`, for laptop runs.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use post_call::ports::{ObjectLocation, ObjectStore, StoreError};

#[derive(Debug, Clone)]
pub struct DirectoryObjectStore {
    root: PathBuf,
}

impl DirectoryObjectStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The file for `location`; bucket and key segments may not escape the root.
    pub fn path_of(&self, location: &ObjectLocation) -> Result<PathBuf, StoreError> {
        let invalid = |reason: &str| StoreError::InvalidLocation {
            location: location.to_string(),
            reason: reason.to_string(),
        };
        let unsafe_segment = |segment: &str| {
            segment.is_empty() || segment == "." || segment == ".." || segment.contains('\\')
        };
        if unsafe_segment(&location.bucket) || location.bucket.contains('/') {
            return Err(invalid("the bucket name cannot be a directory name"));
        }
        let mut path = self.root.join(&location.bucket);
        for segment in location.key.split('/') {
            if unsafe_segment(segment) {
                return Err(invalid(
                    "empty, '.' or '..' key segments cannot be stored as files",
                ));
            }
            path.push(segment);
        }
        Ok(path)
    }

    async fn write_temporary(
        &self,
        path: &Path,
        bytes: &[u8],
        location: &ObjectLocation,
    ) -> Result<PathBuf, StoreError> {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|error| io_error(location, &error))?;
        }
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(format!(".tmp-{}", uuid::Uuid::new_v4().simple()));
        let temporary = PathBuf::from(temporary);
        tokio::fs::write(&temporary, bytes)
            .await
            .map_err(|error| io_error(location, &error))?;
        Ok(temporary)
    }
}

fn io_error(location: &ObjectLocation, error: &std::io::Error) -> StoreError {
    let message = error.to_string();
    let location = location.to_string();
    match error.kind() {
        ErrorKind::Interrupted | ErrorKind::TimedOut | ErrorKind::WouldBlock => {
            StoreError::Unavailable { location, message }
        }
        _ => StoreError::Failed { location, message },
    }
}

#[async_trait]
impl ObjectStore for DirectoryObjectStore {
    async fn get(&self, location: &ObjectLocation) -> Result<Option<Vec<u8>>, StoreError> {
        match tokio::fs::read(self.path_of(location)?).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_error(location, &error)),
        }
    }

    /// Written beside the target then renamed over it, so a reader never sees half a file.
    async fn put(&self, location: &ObjectLocation, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.path_of(location)?;
        let temporary = self.write_temporary(&path, bytes, location).await?;
        tokio::fs::rename(&temporary, &path)
            .await
            .map_err(|error| io_error(location, &error))
    }

    /// A hard link fails when the target exists, which makes the creation atomic and the
    /// content complete when it appears.
    async fn put_if_absent(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
    ) -> Result<bool, StoreError> {
        let path = self.path_of(location)?;
        let temporary = self.write_temporary(&path, bytes, location).await?;
        let linked = tokio::fs::hard_link(&temporary, &path).await;
        let _ = tokio::fs::remove_file(&temporary).await;
        match linked {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => Ok(false),
            Err(error) => Err(io_error(location, &error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary_root() -> PathBuf {
        std::env::temp_dir().join(format!("post-call-store-{}", uuid::Uuid::new_v4().simple()))
    }

    #[tokio::test]
    async fn when_objects_are_written_should_read_back_and_refuse_a_second_create() {
        let root = temporary_root();
        let store = DirectoryObjectStore::new(&root);
        let location = ObjectLocation::new("bucket", "locks/c-1.lock");
        assert_eq!(store.get(&location).await.unwrap(), None);
        assert!(store.put_if_absent(&location, b"one").await.unwrap());
        assert!(!store.put_if_absent(&location, b"two").await.unwrap());
        assert_eq!(store.get(&location).await.unwrap().unwrap(), b"one");
        store.put(&location, b"three").await.unwrap();
        assert_eq!(store.get(&location).await.unwrap().unwrap(), b"three");
        let _ = std::fs::remove_dir_all(root);
    }

    #[tokio::test]
    async fn when_key_would_escape_the_root_should_be_refused() {
        let store = DirectoryObjectStore::new(temporary_root());
        for (bucket, key) in [("..", "x"), ("b", "../x"), ("b", "a//b"), ("b/c", "x")] {
            assert!(
                matches!(
                    store.get(&ObjectLocation::new(bucket, key)).await,
                    Err(StoreError::InvalidLocation { .. })
                ),
                "{bucket} {key}"
            );
        }
    }
}
