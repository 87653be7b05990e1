//! `CheckContactLensFile`: the created object's event in, the verdict out (import, or skipped
//! with its reason). Reads the file (S3) and the contact's attributes (Connect); never
//! Salesforce.

use std::sync::Arc;

use activity_contract::{ErrorName, Task, TaskContext};
use serde_json::Value;

use crate::check::{CheckedFile, check_file};
use crate::error::{ContactLensError, ContactLensErrorKind, names};
use crate::ports::{ContactAttributes, ObjectStore};
use crate::settings::ContactLensSettings;

pub struct CheckContactLensFile;

pub struct CheckContactLensFilePorts {
    /// Reads the analysis or transcript from the recording bucket.
    pub store: Arc<dyn ObjectStore>,
    pub connect: Arc<dyn ContactAttributes>,
    pub settings: Arc<ContactLensSettings>,
}

impl Task for CheckContactLensFile {
    const STATE: &'static str = "CheckContactLensFile";
    type Ports = CheckContactLensFilePorts;
    type Input = Value;
    type Output = CheckedFile;
    type Error = ContactLensError;

    fn error_names() -> Vec<ErrorName> {
        use ContactLensErrorKind as Kind;
        names(
            &[
                Kind::InvalidEvent,
                Kind::FileNotFound,
                Kind::FileUnreadable,
                Kind::FileMalformed,
                Kind::ObjectStoreUnavailable,
                Kind::ConnectThrottled,
                Kind::ConnectUnavailable,
                Kind::ConnectRejected,
            ],
            false,
        )
    }

    async fn run(
        ports: &CheckContactLensFilePorts,
        input: Value,
        _context: &TaskContext,
    ) -> Result<CheckedFile, ContactLensError> {
        check_file(
            ports.store.as_ref(),
            ports.connect.as_ref(),
            &ports.settings,
            &input,
        )
        .await
    }
}
