//! One installation under test: its own Postgres and Redis, the stand-ins on
//! 127.0.0.2, twelve monitors checked every second (four of them going down
//! and up on command) that alert one webhook channel, and the processes.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::channels::EncryptionKey;
use domain::entities::{checks, incidents, monitor_state, notifications, status_changes};
use domain::testing::{ChannelBuilder, MonitorBuilder};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::faults::fleet::{Fleet, KEY};
use crate::faults::services::{Postgres, Redis};
use crate::faults::standins::{Receiver, Target};

/// Monitors of every run; the first [`FLAPPING`] go down and up.
pub const MONITORS: usize = 12;
/// How many monitors the flapping moves.
pub const FLAPPING: usize = 4;
/// Every wait on a condition gives up after this (generous: the assertion is
/// on the condition, never on how long it took).
pub const DEADLINE: Duration = Duration::from_secs(90);

/// The check rows present at one moment.
pub struct Snapshot {
    pub ids: HashSet<Uuid>,
}

/// An installation under test.
pub struct Harness {
    /// First, so that the processes die before the services they use.
    pub fleet: Fleet,
    pub name: &'static str,
    pub db: DatabaseConnection,
    pub pg: Postgres,
    pub redis: Redis,
    pub target: Target,
    pub hook: Receiver,
    /// Monitor `i` checks `target.path(i)`.
    pub monitors: Vec<Uuid>,
    /// The webhook channel every monitor alerts.
    pub channel: Uuid,
    pub namespace: String,
    /// When a process or service was killed (from, to): a repeated delivery
    /// is allowed only across one of these.
    pub faults: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    flapping: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Harness {
    /// Starts the services, stand-ins and fixtures (no process yet), or
    /// `None` when this machine cannot run the suite and it may be skipped.
    pub async fn start(name: &'static str) -> Option<Self> {
        if let Some(why) = crate::faults::services::missing() {
            assert!(std::env::var("RUNSTATE_REQUIRE_SERVICES").is_err(), "{name}: {why}");
            eprintln!("{name}: skipped: {why}");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        // The postgres user must reach its data directory inside.
        std::process::Command::new("chmod").arg("755").arg(dir.path()).status().unwrap();
        let pg = Postgres::start(dir.path());
        let redis = Redis::start(dir.path());
        let db = domain::db::open(&pg.url()).await.expect("migrate the suite's Postgres");
        let (target, hook) = (Target::start().await, Receiver::start().await);
        let owner = domain::testing::user(&db, domain::accounts::Role::User).await;
        let key = EncryptionKey::from_base64(KEY).unwrap();
        let webhook = ChannelBuilder::webhook(&hook.url).name("faults").key(&key);
        let channel = webhook.create(&db, &owner).await;
        let mut monitors = Vec::new();
        for i in 0..MONITORS {
            let monitor = MonitorBuilder::http(&target.path(i))
                .name(&format!("m{i}"))
                .interval(1)
                .timeout_ms(5000)
                .confirmations(1)
                .recoveries(1)
                .channels(&[channel.id])
                .key(&key);
            monitors.push(monitor.create(&db, &owner).await.id);
        }
        let namespace = format!("faults-{}", Uuid::new_v4().simple());
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        let env = [
            ("DATABASE_URL", pg.url()),
            ("REDIS_URL", redis.url()),
            ("RUNSTATE_QUEUE_NAMESPACE", namespace.clone()),
            // Short, so that faults resolve in seconds: a silent worker's jobs
            // move after 5 s, an interrupted delivery is retried after 20 s.
            ("RUNSTATE_QUEUE_ORPHAN_AFTER", "5".into()),
            ("RUNSTATE_NOTIFICATION_LEASE", "20".into()),
            ("RUNSTATE_ALLOW_TARGETS", "127.0.0.2/32".into()),
            ("RUNSTATE_ENCRYPTION_KEY", KEY.into()),
            ("RUNSTATE_JWT_SECRET", "faults-secret-faults-secret-faults-secret".into()),
            ("RUNSTATE_DATA_DIR", dir.path().join("data").display().to_string()),
        ];
        let fleet = Fleet::new(env.map(|(k, v)| (k.to_owned(), v)).to_vec(), &logs);
        eprintln!("{name}: postgres on {}, redis on {}", pg.port, redis.port);
        Some(Self {
            name,
            db,
            pg,
            redis,
            target,
            hook,
            fleet,
            monitors,
            channel: channel.id,
            namespace,
            faults: Vec::new(),
            flapping: None,
            _dir: dir,
        })
    }

    /// `runstate scheduler`.
    pub fn scheduler(&mut self) -> usize {
        self.fleet.spawn(&["scheduler"], &[])
    }

    /// `runstate worker` for every queue, four check jobs at once.
    pub fn worker(&mut self, region: &str) -> usize {
        self.fleet.spawn(&["worker", "--region", region, "--concurrency", "4"], &[])
    }

    /// Records a fault that lasted from `from` until now.
    pub fn fault_since(&mut self, from: DateTime<Utc>) {
        self.faults.push((from, Utc::now()));
    }

    /// The check rows now (retried while the database is away).
    pub async fn snapshot(&self) -> Snapshot {
        let ids = self.retry(|db| async move { check_ids(&db).await }).await;
        Snapshot { ids: ids.into_iter().map(|(id, _)| id).collect() }
    }

    /// Waits until every monitor has `n` check rows that `since` lacks;
    /// returns how long that took.
    pub async fn wait_for_new_checks(&self, since: &Snapshot, n: usize) -> Duration {
        let started = Instant::now();
        loop {
            if let Ok(rows) = check_ids(&self.db).await {
                let mut fresh: HashMap<Uuid, usize> = HashMap::new();
                for (_, monitor) in rows.iter().filter(|(id, _)| !since.ids.contains(id)) {
                    *fresh.entry(*monitor).or_default() += 1;
                }
                if self.monitors.iter().all(|m| fresh.get(m).copied().unwrap_or(0) >= n) {
                    return started.elapsed();
                }
            }
            self.assert_before(started, &format!("every monitor to get {n} new checks"));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until every monitor has been checked twice.
    pub async fn warm_up(&self) {
        let empty = Snapshot { ids: HashSet::new() };
        let took = self.wait_for_new_checks(&empty, 2).await;
        eprintln!("{}: every monitor checked twice {:.1} s after the start", self.name, secs(took));
    }

    /// Flips the first [`FLAPPING`] monitors down and up every `period`, so
    /// that incidents open and resolve and notifications flow.
    pub fn start_flapping(&mut self, period: Duration) {
        let target = self.target.clone();
        self.flapping = Some(tokio::spawn(async move {
            let mut down = false;
            loop {
                down = !down;
                for i in 0..FLAPPING {
                    target.set_down(i, down);
                }
                tokio::time::sleep(period).await;
            }
        }));
    }

    /// Stops the flapping with every monitor up, and waits for the system to
    /// settle by itself: every monitor checked again and up, no open
    /// incident, every notification delivered or failed. Returns how long.
    pub async fn settle(&mut self) -> Duration {
        if let Some(task) = self.flapping.take() {
            task.abort();
        }
        self.target.all_up();
        let since = self.snapshot().await;
        let started = Instant::now();
        // Settled twice in a row, a second apart, with the same incidents and
        // notifications: a late result landing in between does not pass.
        let mut last = None;
        loop {
            let now = self.settled(&since).await.unwrap_or(None);
            if now.is_some() && now == last {
                return started.elapsed();
            }
            last = now;
            self.assert_before(started, "the system to settle");
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// The number of incidents and notifications, when everything is done.
    async fn settled(&self, since: &Snapshot) -> Result<Option<(usize, usize)>, DbErr> {
        let fresh: HashSet<Uuid> = check_ids(&self.db)
            .await?
            .into_iter()
            .filter(|(id, _)| !since.ids.contains(id))
            .map(|(_, monitor)| monitor)
            .collect();
        if fresh.len() < self.monitors.len() {
            return Ok(None);
        }
        let states = monitor_state::Entity::find().all(&self.db).await?;
        if states.len() < self.monitors.len()
            || states.iter().any(|s| s.status != kinds::Status::Up)
        {
            return Ok(None);
        }
        let changes = status_changes::Entity::find()
            .filter(status_changes::Column::ProcessedAt.is_null())
            .all(&self.db)
            .await?;
        let incidents = incidents::Entity::find().all(&self.db).await?;
        let notifications = notifications::Entity::find().all(&self.db).await?;
        let done = changes.is_empty()
            && incidents.iter().all(|i| i.resolved_at.is_some())
            && notifications
                .iter()
                .all(|n| ["delivered", "failed"].contains(&n.delivery_status.as_str()));
        Ok(done.then_some((incidents.len(), notifications.len())))
    }

    fn assert_before(&self, started: Instant, what: &str) {
        assert!(
            started.elapsed() < DEADLINE,
            "{}: waited {DEADLINE:?} for {what}\n{}",
            self.name,
            self.fleet.logs()
        );
    }

    /// Runs a query until the database answers.
    async fn retry<T, F, Fut>(&self, query: F) -> T
    where
        F: Fn(DatabaseConnection) -> Fut,
        Fut: std::future::Future<Output = Result<T, DbErr>>,
    {
        let started = Instant::now();
        loop {
            match query(self.db.clone()).await {
                Ok(value) => return value,
                Err(err) => self.assert_before(started, &format!("the database ({err})")),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Every check row's id and monitor.
pub async fn check_ids(db: &DatabaseConnection) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    checks::Entity::find()
        .select_only()
        .column(checks::Column::Id)
        .column(checks::Column::MonitorId)
        .into_tuple()
        .all(db)
        .await
}

/// Seconds, for printing.
pub fn secs(duration: Duration) -> f64 {
    duration.as_secs_f64()
}
