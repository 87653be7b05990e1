//! Running several futures concurrently inside one task (Parallel branches, Map iterations).

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// A boxed, sendable future.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Polls every future until all succeed (results in order) or one fails (the rest are dropped,
/// which cancels them).
pub(crate) async fn join_fail_fast<'a, T, E>(
    futures: Vec<BoxFuture<'a, Result<T, E>>>,
) -> Result<Vec<T>, E> {
    let mut slots: Vec<Option<BoxFuture<'a, Result<T, E>>>> =
        futures.into_iter().map(Some).collect();
    let mut results: Vec<Option<T>> = slots.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (slot, result) in slots.iter_mut().zip(results.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    Poll::Ready(Ok(value)) => {
                        *result = Some(value);
                        *slot = None;
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(Ok(()))
        }
    })
    .await?;
    Ok(results.into_iter().flatten().collect())
}

/// Polls every future to completion; results in order.
pub(crate) async fn join_all<'a, T: Send + 'a>(futures: Vec<BoxFuture<'a, T>>) -> Vec<T> {
    let wrapped: Vec<BoxFuture<'a, Result<T, std::convert::Infallible>>> = futures
        .into_iter()
        .map(|f| -> BoxFuture<'a, Result<T, std::convert::Infallible>> {
            Box::pin(async move { Ok(f.await) })
        })
        .collect();
    match join_fail_fast(wrapped).await {
        Ok(values) => values,
        Err(never) => match never {},
    }
}
