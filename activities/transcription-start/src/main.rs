//! Lambda entry point: wiring only.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    activity_support::lambda::serve_post_call_activity(|ports, input, now| async move {
        transcription_start::handle(&ports, input, now).await
    })
    .await
}
