//! What a run measures: check counts, CPU and memory from /proc, storage,
//! per-monitor scheduling gaps, and API latency under load.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use domain::entities::checks;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};
use uuid::Uuid;

use crate::processes::Run;

/// Clock ticks per second of /proc's CPU times (Linux's USER_HZ).
const TICKS: f64 = 100.0;

/// Counters at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub at: DateTime<Utc>,
    pub instant: Instant,
    pub checks: u64,
    /// CPU seconds: RunState's processes, Postgres, Redis.
    pub cpu_runstate: f64,
    pub cpu_postgres: f64,
    pub cpu_redis: f64,
    /// Peak RSS (kB) per RunState process; current RSS totals of Postgres and Redis.
    pub rss_runstate_kb: Vec<u64>,
    pub rss_postgres_kb: u64,
    pub rss_redis_kb: u64,
    pub db_bytes: u64,
}

fn proc_stat(pid: u32) -> Option<(String, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_owned();
    let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((name, (utime + stime) / TICKS))
}

fn status_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn all_pids() -> Vec<u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .collect()
}

impl Snapshot {
    /// Reads every counter now.
    pub async fn take(run: &Run) -> anyhow::Result<Self> {
        let mine = run.pids();
        let cpu_runstate = mine.iter().filter_map(|p| proc_stat(*p)).map(|(_, c)| c).sum();
        let (mut cpu_postgres, mut cpu_redis, mut rss_postgres_kb, mut rss_redis_kb) =
            (0.0, 0.0, 0, 0);
        for pid in all_pids() {
            match proc_stat(pid) {
                Some((name, cpu)) if name.starts_with("postgres") => {
                    cpu_postgres += cpu;
                    rss_postgres_kb += status_kb(pid, "VmRSS:");
                }
                Some((name, cpu)) if name.starts_with("redis-server") => {
                    cpu_redis += cpu;
                    rss_redis_kb += status_kb(pid, "VmRSS:");
                }
                _ => {}
            }
        }
        let checks = checks::Entity::find().count(&run.db).await?;
        Ok(Self {
            at: Utc::now(),
            instant: Instant::now(),
            checks,
            cpu_runstate,
            cpu_postgres,
            cpu_redis,
            rss_runstate_kb: mine.iter().map(|p| status_kb(*p, "VmHWM:")).collect(),
            rss_postgres_kb,
            rss_redis_kb,
            db_bytes: db_bytes(run).await,
        })
    }
}

async fn db_bytes(run: &Run) -> u64 {
    if let Some(path) = run.database_url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        return [file.to_owned(), format!("{file}-wal")]
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
    }
    let query = Statement::from_string(
        run.db.get_database_backend(),
        "SELECT pg_database_size(current_database())",
    );
    match run.db.query_one_raw(query).await {
        Ok(Some(row)) => row.try_get_by_index::<i64>(0).map(|v| v.max(0) as u64).unwrap_or(0),
        _ => 0,
    }
}

/// Gaps between consecutive checks of the same monitor (ms), p50/p99/max.
pub async fn gaps(
    db: &DatabaseConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> anyhow::Result<[u64; 3]> {
    let rows: Vec<(Uuid, DateTime<Utc>)> = checks::Entity::find()
        .select_only()
        .columns([checks::Column::MonitorId, checks::Column::CheckedAt])
        .filter(checks::Column::CheckedAt.gte(from))
        .filter(checks::Column::CheckedAt.lte(to))
        .order_by_asc(checks::Column::MonitorId)
        .order_by_asc(checks::Column::CheckedAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut gaps: Vec<u64> = rows
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| u64::try_from((w[1].1 - w[0].1).num_milliseconds()).unwrap_or(0))
        .collect();
    gaps.sort_unstable();
    Ok([percentile(&gaps, 50.0), percentile(&gaps, 99.0), gaps.last().copied().unwrap_or(0)])
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// API latencies (ms) measured while the load runs.
#[derive(Debug, Clone, Default)]
pub struct ApiLatency {
    pub list_ms: Vec<u64>,
    pub stats_ms: Vec<u64>,
}

/// Alternates the dashboard list and a 30-day stats query for `window`.
pub async fn api_latency(run: &Run, ids: &[Uuid], window: Duration) -> ApiLatency {
    let mut out = ApiLatency::default();
    let started = Instant::now();
    let mut i = 0usize;
    while started.elapsed() < window {
        let t = Instant::now();
        let ok = run
            .client
            .get(format!("{}/api/v1/monitors?limit=100", run.api))
            .bearer_auth(&run.token)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if ok {
            out.list_ms.push(t.elapsed().as_millis() as u64);
        }
        if let Some(id) = ids.get(i % ids.len().max(1)) {
            let t = Instant::now();
            let ok = run
                .client
                .get(format!("{}/api/v1/monitors/{id}/stats?window=30d", run.api))
                .bearer_auth(&run.token)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                out.stats_ms.push(t.elapsed().as_millis() as u64);
            }
        }
        i += 7919;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    out.list_ms.sort_unstable();
    out.stats_ms.sort_unstable();
    out
}
