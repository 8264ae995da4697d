//! Where the queues live, and whether that place answers.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sea_orm::DatabaseConnection;

/// A queue backend could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("invalid Redis URL: {0}")]
    InvalidUrl(#[source] redis::RedisError),
    #[error("Redis is unreachable: {0}")]
    Redis(#[source] redis::RedisError),
    #[error("the queue database is unreachable: {0}")]
    Database(#[source] sea_orm::DbErr),
    #[error("the queue backend did not answer within {0:?}")]
    Timeout(Duration),
}

/// How long a health probe waits before calling the queue unreachable.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The queues' home.
#[derive(Clone)]
pub enum QueueBackend {
    /// Queues kept in the application's own database (embedded mode).
    Embedded(DatabaseConnection),
    /// Queues shared through Redis (distributed mode).
    Redis(ConnectionManager),
}

impl QueueBackend {
    /// Redis when a URL is given, else the application database.
    pub async fn connect(
        redis_url: Option<&str>,
        db: &DatabaseConnection,
    ) -> Result<Self, QueueError> {
        let Some(url) = redis_url else {
            return Ok(Self::Embedded(db.clone()));
        };
        let client = redis::Client::open(url).map_err(QueueError::InvalidUrl)?;
        // The manager reconnects by itself after Redis restarts; these bounds
        // keep a dead Redis from hanging callers.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(3)))
            .set_response_timeout(Some(Duration::from_secs(3)));
        let manager =
            client.get_connection_manager_with_config(config).await.map_err(QueueError::Redis)?;
        Ok(Self::Redis(manager))
    }

    /// Short name for logs and `/readyz`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Embedded(_) => "embedded",
            Self::Redis(_) => "redis",
        }
    }

    /// Answers whether the backend is reachable now, within a short bound.
    pub async fn ping(&self) -> Result<(), QueueError> {
        let probe = async {
            match self {
                Self::Embedded(db) => domain::db::ping(db).await.map_err(QueueError::Database),
                Self::Redis(manager) => {
                    let mut conn = manager.clone();
                    redis::cmd("PING")
                        .query_async::<String>(&mut conn)
                        .await
                        .map(|_| ())
                        .map_err(QueueError::Redis)
                }
            }
        };
        tokio::time::timeout(PROBE_TIMEOUT, probe)
            .await
            .map_err(|_| QueueError::Timeout(PROBE_TIMEOUT))?
    }
}
