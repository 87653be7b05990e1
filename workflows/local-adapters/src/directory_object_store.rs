//! Objects as files under a root directory: `<root>/<bucket>/<key>`, for laptop runs.
//!
//! S3 user metadata, which only objects another writer left carry (the old package's locks),
//! lives beside the object in `<key>.metadata.json`. A conditional replace holds an exclusive
//! lock on `<root>/<bucket>/.conditional-writes` while it compares and renames, so it is
//! atomic across processes sharing the directory, like S3's `If-Match`.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use post_call::ports::{ObjectLocation, ObjectStore, ObjectVersion, StoreError, StoredObject};

const METADATA_SUFFIX: &str = ".metadata.json";
const WRITE_LOCK_FILE: &str = ".conditional-writes";

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

    /// Stores an object with user metadata, as another writer (the old package) would.
    pub async fn put_with_metadata(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        metadata: &BTreeMap<String, String>,
    ) -> Result<(), StoreError> {
        self.put(location, bytes).await?;
        let encoded = serde_json::to_vec(metadata).map_err(|error| StoreError::Failed {
            location: location.to_string(),
            message: error.to_string(),
        })?;
        tokio::fs::write(metadata_path(&self.path_of(location)?), encoded)
            .await
            .map_err(|error| io_error(location, &error))
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

fn metadata_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(METADATA_SUFFIX);
    PathBuf::from(name)
}

async fn read_metadata(
    path: &Path,
    location: &ObjectLocation,
) -> Result<BTreeMap<String, String>, StoreError> {
    match tokio::fs::read(metadata_path(path)).await {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| StoreError::Failed {
            location: location.to_string(),
            message: format!("its metadata file is not a JSON map of strings: {error}"),
        }),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(error) => Err(io_error(location, &error)),
    }
}

/// Compares and replaces under the bucket's exclusive write lock (blocking file I/O).
fn replace_if_version_locked(
    lock_path: &Path,
    path: &Path,
    temporary: &Path,
    version: &ObjectVersion,
) -> std::io::Result<bool> {
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path)?;
    lock.lock()?;
    let current = match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(error) if error.kind() == ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    let matches = current.is_some_and(|bytes| ObjectVersion::of_content(&bytes) == *version);
    if matches {
        std::fs::rename(temporary, path)?;
        match std::fs::remove_file(metadata_path(path)) {
            Err(error) if error.kind() != ErrorKind::NotFound => return Err(error),
            _ => {}
        }
    }
    lock.unlock()?;
    Ok(matches)
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

    /// Reads only the range from the file (a large report is never read whole).
    async fn get_range(
        &self,
        location: &ObjectLocation,
        start: u64,
        len: u64,
    ) -> Result<Option<object_storage::ObjectRange>, StoreError> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let mut file = match tokio::fs::File::open(self.path_of(location)?).await {
            Ok(file) => file,
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io_error(location, &error)),
        };
        let total_size = file
            .metadata()
            .await
            .map_err(|error| io_error(location, &error))?
            .len();
        let from = start.min(total_size);
        let wanted = start.saturating_add(len).min(total_size) - from;
        file.seek(std::io::SeekFrom::Start(from))
            .await
            .map_err(|error| io_error(location, &error))?;
        let mut bytes = Vec::with_capacity(wanted as usize);
        (&mut file)
            .take(wanted)
            .read_to_end(&mut bytes)
            .await
            .map_err(|error| io_error(location, &error))?;
        Ok(Some(object_storage::ObjectRange { bytes, total_size }))
    }

    async fn get_versioned(
        &self,
        location: &ObjectLocation,
    ) -> Result<Option<StoredObject>, StoreError> {
        let path = self.path_of(location)?;
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io_error(location, &error)),
        };
        Ok(Some(StoredObject {
            metadata: read_metadata(&path, location).await?,
            version: ObjectVersion::of_content(&bytes),
            bytes,
        }))
    }

    async fn put_if_version(
        &self,
        location: &ObjectLocation,
        bytes: &[u8],
        version: &ObjectVersion,
    ) -> Result<bool, StoreError> {
        let path = self.path_of(location)?;
        let temporary = self.write_temporary(&path, bytes, location).await?;
        let lock_path = self.root.join(&location.bucket).join(WRITE_LOCK_FILE);
        let version = version.clone();
        let (replace_path, replace_temporary) = (path.clone(), temporary.clone());
        let replaced = tokio::task::spawn_blocking(move || {
            replace_if_version_locked(&lock_path, &replace_path, &replace_temporary, &version)
        })
        .await
        .map_err(|error| StoreError::Failed {
            location: location.to_string(),
            message: format!("the conditional write did not finish: {error}"),
        })?;
        let _ = tokio::fs::remove_file(&temporary).await;
        replaced.map_err(|error| io_error(location, &error))
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
    async fn when_replacing_from_a_stale_version_should_refuse_and_keep_the_winner() {
        let root = temporary_root();
        let store = DirectoryObjectStore::new(&root);
        let location = ObjectLocation::new("bucket", "locks/c-1.lock");
        store
            .put_with_metadata(
                &location,
                b"IN_PROGRESS",
                &BTreeMap::from([("accontactchannelanalyticsid".into(), "a01x".into())]),
            )
            .await
            .unwrap();
        let read = store.get_versioned(&location).await.unwrap().unwrap();
        assert_eq!(read.metadata["accontactchannelanalyticsid"], "a01x");

        assert!(
            store
                .put_if_version(&location, b"first", &read.version)
                .await
                .unwrap()
        );
        assert!(
            !store
                .put_if_version(&location, b"second", &read.version)
                .await
                .unwrap(),
            "the version moved on"
        );
        let now = store.get_versioned(&location).await.unwrap().unwrap();
        assert_eq!(now.bytes, b"first");
        assert!(now.metadata.is_empty(), "a replaced object has no metadata");
        let missing = ObjectLocation::new("bucket", "locks/none.lock");
        assert!(
            !store
                .put_if_version(&missing, b"x", &read.version)
                .await
                .unwrap()
        );
        assert_eq!(store.get(&missing).await.unwrap(), None);
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
