//! What server functions need from the server binary itself: the job queues
//! and the outbound clients belong to `jobs`, which `app` does not depend
//! on. The server provides an implementation in each request's context.

use std::sync::Arc;

use domain::channels::DeliveryChannel;
use futures::future::BoxFuture;

use crate::dto::{QueueDepth, TestOutcome};

/// The server's side of what pages need but `app` cannot do itself.
pub trait ServerPorts: Send + Sync + 'static {
    /// Sends a test message to `channel` (already authorised) and reports.
    fn send_test(&self, channel: DeliveryChannel) -> BoxFuture<'_, TestOutcome>;

    /// Pending jobs of each queue of the pipeline.
    fn queue_depths(&self) -> BoxFuture<'_, Vec<QueueDepth>>;
}

/// The server's ports, as provided in context.
#[derive(Clone)]
pub struct Ports(pub Arc<dyn ServerPorts>);
