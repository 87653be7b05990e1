//! sfExecuteAWSService's domain: the Salesforce-side setup wizard (the CTI adapter's guided
//! setup) invokes the function with `{"method": "...", "params": {...}}` and reads
//! `{"success": bool, "body": "<JSON text>"}`. Eight methods, named and parameterised as the old
//! package's: create the Connect instance, the CTR Kinesis stream and the S3 buckets, associate
//! the instance's storage and the Salesforce origins, and report the values the stack's
//! parameters should take. Bodies are the AWS answers in the shapes boto3 gave them
//! ([`boto_shapes`]); any failure (unknown method, bad params, an AWS refusal) is
//! `success: false` with the message, never a Lambda error.

pub mod boto_shapes;
pub mod error;
pub mod methods;
pub mod ports;
pub mod request;
pub mod response;
pub mod settings;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{SetupError, SetupErrorKind};
pub use methods::SetupHelper;
pub use request::{Method, SetupCall};
pub use response::SetupResponse;
pub use settings::SetupSettings;
