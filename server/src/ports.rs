//! What the pages' server functions need from the binary itself (the job
//! queues, the outbound clients), behind `app::server::ServerPorts`.

use app::dto::{QueueDepth, TestOutcome};
use app::server::ServerPorts;
use domain::channels::DeliveryChannel;
use futures::future::BoxFuture;
use jobs::Queues;

use crate::state::AppState;

/// Pending jobs of each pipeline queue; `None` for a queue that did not
/// answer (the page and the API still show the rest).
pub async fn queue_depths(queues: &Queues) -> Vec<(&'static str, Option<u64>)> {
    let mut depths = Vec::with_capacity(jobs::payloads::QUEUES.len());
    for queue in jobs::payloads::QUEUES {
        let depth = match queues.depth(queue).await {
            Ok(depth) => Some(depth),
            Err(err) => {
                tracing::warn!(queue, error = %err, "queue depth unavailable");
                None
            }
        };
        depths.push((queue, depth));
    }
    depths
}

/// The app's ports, served from the app state.
pub struct WebPorts(pub AppState);

impl ServerPorts for WebPorts {
    fn send_test(&self, channel: DeliveryChannel) -> BoxFuture<'_, TestOutcome> {
        Box::pin(async move {
            let state = &self.0;
            let link = format!("{}/channels", state.config.public_url());
            let report =
                jobs::notify::send_test(&state.outbound, state.smtp.as_deref(), &channel, link)
                    .await;
            TestOutcome {
                delivered: report.delivered,
                status_code: report.status_code,
                error: report.error,
                duration_ms: report.duration_ms,
            }
        })
    }

    fn queue_depths(&self) -> BoxFuture<'_, Vec<QueueDepth>> {
        Box::pin(async move {
            queue_depths(&self.0.queue)
                .await
                .into_iter()
                .map(|(queue, depth)| QueueDepth { queue: queue.to_owned(), depth })
                .collect()
        })
    }
}
