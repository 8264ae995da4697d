//! [`Queues`]: where the jobs live, and pushing them there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apalis::prelude::{MetadataStore, Task, TaskBuilder, TaskSink};
use apalis_postgres::{PgPool, PostgresStorage};
use apalis_redis::RedisStorage;
use apalis_sqlite::{SqlitePool, SqliteStorage};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sea_orm::{DatabaseConnection, DbBackend};
use serde_json::Value;
use tokio::sync::Notify;

use super::{housekeeping, sql, Job, QueueConfig, QueueError};

/// How long a health probe waits before calling the queue unreachable.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Metadata key carrying the attempt number of a redelivered job.
const ATTEMPT_KEY: &str = "runstate_attempt";

/// The queues' home: Redis, or the app database (SQLite / Postgres).
#[derive(Clone)]
pub struct Queues {
    pub(crate) store: Store,
    pub(crate) config: Arc<QueueConfig>,
    /// Wakes this process's idle workers when it pushes, so embedded mode
    /// does not wait for the next poll.
    wakers: Arc<Mutex<HashMap<&'static str, Arc<Notify>>>>,
    /// When this process last refreshed the table statistics: every queue's
    /// worker asks, but all queues share one table.
    statistics_at: Arc<Mutex<Option<Instant>>>,
}

/// The storage behind [`Queues`].
#[derive(Clone)]
pub(crate) enum Store {
    Redis(ConnectionManager),
    Sqlite { db: DatabaseConnection, pool: SqlitePool },
    Postgres { db: DatabaseConnection, pool: PgPool },
}

impl Queues {
    /// Redis when a URL is given, else the application database; also sets up
    /// the SQL queue tables when embedded. Uses [`QueueConfig::default`].
    pub async fn connect(
        redis_url: Option<&str>,
        db: &DatabaseConnection,
    ) -> Result<Self, QueueError> {
        Self::connect_with(redis_url, db, QueueConfig::default()).await
    }

    /// [`Queues::connect`] with explicit timings.
    pub async fn connect_with(
        redis_url: Option<&str>,
        db: &DatabaseConnection,
        config: QueueConfig,
    ) -> Result<Self, QueueError> {
        config.validate()?;
        let store = match redis_url {
            Some(url) => Store::Redis(connect_redis(url).await?),
            None => match db.get_database_backend() {
                // The storages share sea-orm's own pool (same sqlx 0.9), so the
                // queues and the data are one database and one set of connections.
                DbBackend::Sqlite => {
                    let pool = db.get_sqlite_connection_pool().clone();
                    sql::setup_sqlite(&pool).await?;
                    Store::Sqlite { db: db.clone(), pool }
                }
                DbBackend::Postgres => {
                    let pool = db.get_postgres_connection_pool().clone();
                    sql::setup_postgres(&pool).await?;
                    Store::Postgres { db: db.clone(), pool }
                }
                _ => return Err(QueueError::UnsupportedDatabase("this database")),
            },
        };
        Ok(Self {
            store,
            config: Arc::new(config),
            wakers: Arc::default(),
            statistics_at: Arc::default(),
        })
    }

    /// Short name for logs and `/readyz`: "redis" or "embedded".
    pub fn name(&self) -> &'static str {
        match self.store {
            Store::Redis(_) => "redis",
            Store::Sqlite { .. } | Store::Postgres { .. } => "embedded",
        }
    }

    /// The timings in force.
    pub fn config(&self) -> &QueueConfig {
        &self.config
    }

    /// Answers whether the backend is reachable now, within 2 s.
    pub async fn ping(&self) -> Result<(), QueueError> {
        let probe = async {
            match &self.store {
                Store::Sqlite { db, .. } | Store::Postgres { db, .. } => {
                    domain::db::ping(db).await.map_err(QueueError::Database)
                }
                Store::Redis(manager) => {
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

    /// Enqueues one job.
    pub async fn push<J: Job>(&self, job: J) -> Result<(), QueueError> {
        self.push_many(vec![job]).await
    }

    /// Enqueues jobs in one round trip (one transaction on SQL, one script on Redis).
    pub async fn push_many<J: Job>(&self, jobs: Vec<J>) -> Result<(), QueueError> {
        if jobs.is_empty() {
            return Ok(());
        }
        let tasks = jobs
            .iter()
            .map(|job| serde_json::to_value(job).map(|v| TaskBuilder::new(v).build()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(QueueError::Encode)?;
        self.push_tasks(J::QUEUE, tasks).await?;
        self.waker(J::QUEUE).notify_waiters();
        Ok(())
    }

    /// Pending jobs of a queue (waiting or delayed for a retry; not running).
    pub async fn depth(&self, queue: &'static str) -> Result<u64, QueueError> {
        let name = self.config.queue_name(queue);
        match &self.store {
            Store::Redis(conn) => housekeeping::redis_depth(conn, &name).await,
            Store::Sqlite { db, .. } | Store::Postgres { db, .. } => sql::depth(db, &name).await,
        }
    }

    /// Removes finished jobs older than the configured retention; returns how
    /// many. Workers call it periodically; operators may call it too.
    pub async fn purge_finished(&self, queue: &'static str) -> Result<u64, QueueError> {
        let name = self.config.queue_name(queue);
        let (done, dead) = (self.config.keep_done, self.config.keep_dead);
        match &self.store {
            Store::Redis(conn) => housekeeping::redis_purge(conn, &name, done, dead).await,
            Store::Sqlite { db, .. } | Store::Postgres { db, .. } => {
                sql::purge(db, &name, done, dead).await
            }
        }
    }

    /// Keeps the embedded queue's query plans good as its table grows (see
    /// `sql::analyze_sqlite`), at most once per `every` however many queues
    /// ask; Redis and Postgres need nothing.
    pub async fn refresh_statistics(&self, every: Duration) -> Result<(), QueueError> {
        let Store::Sqlite { db, .. } = &self.store else { return Ok(()) };
        {
            let mut at = self.statistics_at.lock().unwrap_or_else(|p| p.into_inner());
            // Half the period: the workers' timers drift against each other.
            if at.is_some_and(|t| t.elapsed() < every / 2) {
                return Ok(());
            }
            *at = Some(Instant::now());
        }
        sql::analyze_sqlite(db).await
    }

    /// Re-enqueues a job's payload as attempt `attempt`, due after `delay`.
    pub(crate) async fn push_retry(
        &self,
        queue: &'static str,
        payload: Value,
        attempt: u32,
        delay: Duration,
    ) -> Result<(), QueueError> {
        let mut meta = MetadataStore::new();
        meta.insert(ATTEMPT_KEY, attempt.to_string())
            .map_err(|e| QueueError::Storage(Box::new(e)))?;
        let task = TaskBuilder::new(payload).with_metadata(meta).run_after(delay).build();
        self.push_tasks(queue, vec![task]).await
    }

    /// The 1-based attempt number of a delivered task.
    pub(crate) fn attempt_of(task: &Task<Value>) -> u32 {
        task.ctx().metadata().get(ATTEMPT_KEY).and_then(|n| n.parse().ok()).unwrap_or(1)
    }

    /// The signal that wakes this process's workers of `queue`.
    pub(crate) fn waker(&self, queue: &'static str) -> Arc<Notify> {
        // A poisoned lock only means another thread panicked mid-insert; the
        // map itself is still usable.
        let mut wakers = self.wakers.lock().unwrap_or_else(|p| p.into_inner());
        wakers.entry(queue).or_default().clone()
    }

    async fn push_tasks(&self, queue: &str, tasks: Vec<Task<Value>>) -> Result<(), QueueError> {
        let stream = futures::stream::iter(tasks);
        // Pushing never fetches, so the batch size does not matter here.
        let batch = 1;
        match &self.store {
            Store::Redis(conn) => {
                let config = self.config.redis(queue, batch);
                let mut storage = RedisStorage::<Value>::new(conn.clone()).with_config(config);
                storage.push_all(stream).await.map_err(storage_error)
            }
            Store::Sqlite { pool, .. } => {
                let config = self.config.sqlite(queue, batch);
                let mut storage = SqliteStorage::<Value>::new(pool).with_config(config);
                storage.push_all(stream).await.map_err(storage_error)
            }
            Store::Postgres { pool, .. } => {
                let config = self.config.postgres(queue, batch);
                let mut storage = PostgresStorage::<Value>::new(pool).with_config(config);
                storage.push_all(stream).await.map_err(storage_error)
            }
        }
    }
}

/// Any apalis error, kept as the source.
pub(crate) fn storage_error(err: impl std::error::Error + Send + Sync + 'static) -> QueueError {
    QueueError::Storage(Box::new(err))
}

async fn connect_redis(url: &str) -> Result<ConnectionManager, QueueError> {
    let client = redis::Client::open(url).map_err(QueueError::InvalidUrl)?;
    // The manager reconnects by itself after Redis restarts; these bounds keep
    // a dead Redis from hanging callers. Its default of six retries with
    // growing delays made a refused connection take about ten seconds; the
    // workers' own restart loop does the patient retrying.
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(3)))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_secs(1));
    client.get_connection_manager_with_config(config).await.map_err(QueueError::Redis)
}
