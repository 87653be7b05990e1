//! The object store port lives in `object-storage`, shared with the scheduled syncs.

pub use object_storage::{ObjectLocation, ObjectStore, ObjectVersion, StoreError, StoredObject};
