//! Counting and pruning the Redis queues.
//!
//! apalis-redis keeps every job's payload and metadata after it finished, and
//! its `vacuum` leaves the ids in the done/dead sets: without this the keys
//! grow for ever.

use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::ConnectionManager;
use redis::Script;

use super::QueueError;

/// Removes the jobs in a done or dead set that finished before a cutoff.
static PURGE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
-- KEYS: done set, dead set, payload hash, metadata key prefix
-- ARGV: done cutoff, dead cutoff (unix seconds)
local removed = 0
local function sweep(set, cutoff)
  for _, id in ipairs(redis.call('SMEMBERS', set)) do
    local meta = KEYS[4] .. ':' .. id
    local done_at = tonumber(redis.call('HGET', meta, 'done_at'))
    if done_at == nil or done_at <= cutoff then
      redis.call('HDEL', KEYS[3], id)
      redis.call('DEL', meta)
      redis.call('SREM', set, id)
      removed = removed + 1
    end
  end
end
sweep(KEYS[1], tonumber(ARGV[1]))
sweep(KEYS[2], tonumber(ARGV[2]))
return removed
",
    )
});

/// Jobs of `queue` waiting to run: the ready list plus delayed ones (apalis-redis
/// parks every new job in the scheduled set until a worker promotes it).
pub(crate) async fn redis_depth(conn: &ConnectionManager, queue: &str) -> Result<u64, QueueError> {
    let config = apalis_redis::Config::default().queue(queue);
    let mut conn = conn.clone();
    let (ready, delayed): (u64, u64) = redis::pipe()
        .llen(config.active_jobs_list())
        .zcard(config.scheduled_jobs_set())
        .query_async(&mut conn)
        .await
        .map_err(QueueError::Redis)?;
    Ok(ready + delayed)
}

/// Removes finished jobs older than the retention; returns how many.
pub(crate) async fn redis_purge(
    conn: &ConnectionManager,
    queue: &str,
    keep_done: Duration,
    keep_dead: Duration,
) -> Result<u64, QueueError> {
    let config = apalis_redis::Config::default().queue(queue);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let mut conn = conn.clone();
    PURGE
        .key(config.done_jobs_set())
        .key(config.dead_jobs_set())
        .key(config.job_data_hash())
        .key(config.job_meta_hash())
        .arg(now.saturating_sub(keep_done.as_secs()))
        .arg(now.saturating_sub(keep_dead.as_secs()))
        .invoke_async(&mut conn)
        .await
        .map_err(QueueError::Redis)
}
