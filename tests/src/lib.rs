//! The end-to-end scenarios' world: the real post-call state machine on the local engine (or
//! with S3, Transcribe, Comprehend and Step Functions on moto), the Salesforce emulator, and
//! the CTR trigger. The harness it stands on (emulator, moto, Runtime API) is `test-harness`.

pub mod contact_lens_world;
pub mod post_call_on_aws;
pub mod post_call_world;
pub mod realtime_world;
pub mod template_yaml;
