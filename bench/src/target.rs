//! The check target: a tiny HTTP server on 127.0.0.1 that answers 200.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A running target and its request count.
pub struct Target {
    pub url: String,
    hits: Arc<AtomicU64>,
}

impl Target {
    /// Requests answered so far.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }
}

/// Starts the target.
pub async fn start() -> anyhow::Result<Target> {
    let hits = Arc::new(AtomicU64::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::Relaxed);
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Target { url, hits })
}
