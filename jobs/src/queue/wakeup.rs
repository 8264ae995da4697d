//! When an idle worker asks its backend for jobs again.
//!
//! An apalis 1.0 storage that finds nothing parks the worker until its next
//! heartbeat (seconds): without a poll strategy every idle hop would cost that
//! much. This one wakes the worker on a short interval, and at once when this
//! process pushes to the queue.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use apalis::prelude::{PollSnapshot, PollStrategy};
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

type Listen = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Interval polling plus in-process push notifications.
pub(crate) struct Wakeup {
    notify: Arc<Notify>,
    listen: Listen,
    interval: Duration,
    tick: Pin<Box<Sleep>>,
}

impl Wakeup {
    /// Wakes every `interval`, and whenever `notify` fires.
    pub(crate) fn new(notify: Arc<Notify>, interval: Duration) -> Self {
        Self {
            listen: listen(&notify),
            notify,
            interval,
            tick: Box::pin(tokio::time::sleep(interval)),
        }
    }
}

fn listen(notify: &Arc<Notify>) -> Listen {
    let notify = notify.clone();
    Box::pin(async move { notify.notified().await })
}

impl PollStrategy for Wakeup {
    fn poll_drive(&mut self, cx: &mut Context<'_>, _: &PollSnapshot) -> Poll<Option<()>> {
        let mut woke = false;
        if self.listen.as_mut().poll(cx).is_ready() {
            // Re-arm and register at once so the next push is not missed.
            self.listen = listen(&self.notify);
            let _ = self.listen.as_mut().poll(cx);
            woke = true;
        }
        if self.tick.as_mut().poll(cx).is_ready() {
            self.tick.as_mut().reset(Instant::now() + self.interval);
            let _ = self.tick.as_mut().poll(cx);
            woke = true;
        }
        if woke {
            Poll::Ready(Some(()))
        } else {
            Poll::Pending
        }
    }
}
