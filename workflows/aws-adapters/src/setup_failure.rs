//! The setup helper's reading of an SDK failure: its code and message as the wizard shows them.

use setup_helper::ports::AwsFailure;

use crate::SdkFailure;

pub(crate) fn aws_failure(operation: &'static str, failure: SdkFailure) -> AwsFailure {
    AwsFailure {
        operation,
        code: failure.code.clone(),
        message: failure.message,
        retryable: failure.retryable,
    }
}
