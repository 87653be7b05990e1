//! Injected time: a [`Clock`] gives the current time and sleeps until a deadline.
//!
//! * [`VirtualClock`]: time only moves when every sleeper is waiting; a 20-second `Wait`
//!   completes at once and the history shows the 20 seconds. Tests use it, so they never sleep.
//! * [`RealClock`]: wall-clock time and real sleeps.
//! * [`AcceleratedClock`]: real time running `factor` times faster (demos).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::Notify;

/// The engine's source of time.
#[async_trait]
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;

    /// Completes once [`Clock::now`] has reached `deadline` (at once if it already has).
    async fn sleep_until(&self, deadline: DateTime<Utc>);

    /// Completes once `deadline` passes, without itself making virtual time move: used for
    /// task timeouts, so that a handler doing real work on a virtual clock never times out
    /// unless something else advances time past the deadline.
    async fn deadline(&self, deadline: DateTime<Utc>) {
        self.sleep_until(deadline).await;
    }

    /// Called by the engine when a task handler starts running: a virtual clock does not move
    /// while a handler is working (other than sleeping on this clock).
    fn work_started(&self) {}

    /// Called by the engine when a task handler has finished (or was cancelled).
    fn work_finished(&self) {}
}

tokio::task_local! {
    static IN_HANDLER: bool;
}

/// Runs a task handler's future, marking it so that its own sleeps on a [`VirtualClock`] do not
/// count as work in progress.
pub(crate) async fn in_handler<F: std::future::Future>(future: F) -> F::Output {
    IN_HANDLER.scope(true, future).await
}

fn in_handler_now() -> bool {
    IN_HANDLER.try_with(|v| *v).unwrap_or(false)
}

/// Marks handler work finished when dropped.
pub(crate) struct WorkGuard<'a>(pub(crate) &'a dyn Clock);

impl<'a> WorkGuard<'a> {
    pub(crate) fn start(clock: &'a dyn Clock) -> Self {
        clock.work_started();
        Self(clock)
    }
}

impl Drop for WorkGuard<'_> {
    fn drop(&mut self) {
        self.0.work_finished();
    }
}

/// Adds whole and fractional seconds to a time, saturating instead of overflowing.
pub fn add_seconds(time: DateTime<Utc>, seconds: f64) -> DateTime<Utc> {
    if !seconds.is_finite() || seconds <= 0.0 {
        return time;
    }
    let millis = (seconds * 1000.0).min(1.0e15) as i64;
    time.checked_add_signed(TimeDelta::milliseconds(millis))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Wall-clock time and real sleeps.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealClock;

#[async_trait]
impl Clock for RealClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn sleep_until(&self, deadline: DateTime<Utc>) {
        let remaining = deadline - Utc::now();
        if let Ok(duration) = remaining.to_std() {
            tokio::time::sleep(duration).await;
        }
    }
}

/// Real time running `factor` times faster than the wall clock, from the moment it was made.
#[derive(Debug, Clone)]
pub struct AcceleratedClock {
    origin: DateTime<Utc>,
    started: Instant,
    factor: f64,
}

impl AcceleratedClock {
    /// A clock that starts at the current time and runs `factor` times faster (`factor` ≥ 1
    /// makes waits shorter; non-positive or non-finite factors are treated as 1).
    pub fn new(factor: f64) -> Self {
        let factor = if factor.is_finite() && factor > 0.0 {
            factor
        } else {
            1.0
        };
        Self {
            origin: Utc::now(),
            started: Instant::now(),
            factor,
        }
    }
}

#[async_trait]
impl Clock for AcceleratedClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = self.started.elapsed().as_secs_f64() * self.factor;
        add_seconds(self.origin, elapsed)
    }

    async fn sleep_until(&self, deadline: DateTime<Utc>) {
        let remaining = (deadline - self.now()).num_milliseconds();
        if remaining > 0 {
            let real = remaining as f64 / 1000.0 / self.factor;
            tokio::time::sleep(std::time::Duration::from_secs_f64(real)).await;
        }
    }
}

#[derive(Debug)]
struct VirtualState {
    now: DateTime<Utc>,
    next_id: u64,
    /// Registered sleepers by (deadline, id); the value says whether the sleeper drives time.
    sleepers: BTreeMap<(DateTime<Utc>, u64), bool>,
    /// Task handlers currently working (time does not move while any is).
    busy: usize,
}

/// Simulated time: when sleepers exist and every runnable task has had a chance to run, time
/// jumps to the earliest deadline. Nothing ever really sleeps.
#[derive(Debug, Clone)]
pub struct VirtualClock {
    state: Arc<Mutex<VirtualState>>,
    notify: Arc<Notify>,
}

impl Default for VirtualClock {
    fn default() -> Self {
        Self::new()
    }
}

/// Removes a sleeper when its future completes or is dropped.
struct SleeperGuard<'a> {
    clock: &'a VirtualClock,
    key: (DateTime<Utc>, u64),
}

impl Drop for SleeperGuard<'_> {
    fn drop(&mut self) {
        self.clock.lock().sleepers.remove(&self.key);
        self.clock.notify.notify_waiters();
    }
}

/// While a handler sleeps on the clock it is not working; restores the mark when dropped.
struct IdleHandler<'a>(&'a VirtualClock);

impl Drop for IdleHandler<'_> {
    fn drop(&mut self) {
        self.0.lock().busy += 1;
    }
}

/// How many times a sleeper yields to other tasks before it moves time forward.
const YIELDS_BEFORE_ADVANCE: usize = 16;

impl VirtualClock {
    /// A virtual clock starting at the current wall-clock time.
    pub fn new() -> Self {
        Self::starting_at(Utc::now())
    }

    /// A virtual clock starting at `start`.
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            state: Arc::new(Mutex::new(VirtualState {
                now: start,
                next_id: 0,
                sleepers: BTreeMap::new(),
                busy: 0,
            })),
            notify: Arc::new(Notify::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, VirtualState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn finish_work(&self) {
        {
            let mut state = self.lock();
            state.busy = state.busy.saturating_sub(1);
        }
        self.notify.notify_waiters();
    }

    /// Moves time forward by `seconds` (for tests driving the clock by hand).
    pub fn advance(&self, seconds: f64) {
        {
            let mut state = self.lock();
            state.now = add_seconds(state.now, seconds);
        }
        self.notify.notify_waiters();
    }

    async fn wait(&self, deadline: DateTime<Utc>, drives: bool) {
        let key = {
            let mut state = self.lock();
            if state.now >= deadline {
                return;
            }
            state.next_id += 1;
            let key = (deadline, state.next_id);
            state.sleepers.insert(key, drives);
            key
        };
        let _guard = SleeperGuard { clock: self, key };
        let _idle = if drives && in_handler_now() {
            self.finish_work();
            Some(IdleHandler(self))
        } else {
            None
        };
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.lock().now >= deadline {
                return;
            }
            if drives {
                for _ in 0..YIELDS_BEFORE_ADVANCE {
                    tokio::task::yield_now().await;
                    if self.lock().now >= deadline {
                        return;
                    }
                }
                let (advanced, blocked) = {
                    let mut state = self.lock();
                    if state.busy > 0 {
                        (false, true)
                    } else {
                        match state.sleepers.keys().next().copied() {
                            Some((earliest, _)) if earliest > state.now => {
                                state.now = earliest;
                                (true, false)
                            }
                            _ => (false, false),
                        }
                    }
                };
                if advanced {
                    self.notify.notify_waiters();
                }
                if !blocked {
                    continue;
                }
            }
            notified.await;
        }
    }
}

#[async_trait]
impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        self.lock().now
    }

    async fn sleep_until(&self, deadline: DateTime<Utc>) {
        self.wait(deadline, true).await;
    }

    async fn deadline(&self, deadline: DateTime<Utc>) {
        self.wait(deadline, false).await;
    }

    fn work_started(&self) {
        self.lock().busy += 1;
    }

    fn work_finished(&self) {
        self.finish_work();
    }
}
