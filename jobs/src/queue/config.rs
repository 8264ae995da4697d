//! The queues' timing settings, and how they map onto each apalis storage.

use std::time::Duration;

use super::QueueError;

/// Timings shared by every queue; the defaults suit production.
///
/// apalis keeps its timestamps in whole seconds, so `heartbeat` and
/// `orphan_after` are effectively rounded down to seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueConfig {
    /// Prefix of every queue name (Redis keys, SQL `job_type`): lets several
    /// installations or test runs share one Redis without seeing each other.
    pub namespace: String,
    /// How often a worker tells the backend it is alive (at least 1 s).
    pub heartbeat: Duration,
    /// Silence after which a worker counts as dead and its unfinished jobs go
    /// back to the queue (at least twice `heartbeat`).
    pub orphan_after: Duration,
    /// How often an idle worker asks the backend for jobs. Pushes made in the
    /// same process wake workers at once; this bounds the delay for pushes
    /// from other processes.
    pub poll_interval: Duration,
    /// Delay before the first redelivery of a job whose handler asked to
    /// retry; it doubles with every attempt.
    pub retry_base: Duration,
    /// Upper bound of the retry delay.
    pub retry_max: Duration,
    /// How long a stopping worker waits for running handlers before it drops
    /// them (their jobs are then redelivered after `orphan_after`).
    pub shutdown_grace: Duration,
    /// How long finished jobs stay in the backend before housekeeping removes them.
    pub keep_done: Duration,
    /// How long dropped (fatal or exhausted) jobs stay, for investigation.
    pub keep_dead: Duration,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            namespace: "runstate".to_owned(),
            // A heartbeat is one tiny write; 5 s keeps dead-worker detection
            // well inside a typical 60 s check interval.
            heartbeat: Duration::from_secs(5),
            // Six missed heartbeats: a busy but alive worker is never robbed,
            // a dead one's jobs are back in about half a minute. (apalis's own
            // defaults are 30 s x 10 = 5 minutes for Redis and Postgres.)
            orphan_after: Duration::from_secs(30),
            // A check passes through three queues; 200 ms bounds the added
            // latency per hop when the push came from another process.
            poll_interval: Duration::from_millis(200),
            retry_base: Duration::from_secs(2),
            retry_max: Duration::from_secs(300),
            shutdown_grace: Duration::from_secs(30),
            keep_done: Duration::from_secs(600),
            keep_dead: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

impl QueueConfig {
    /// Refuses settings the backends cannot honour.
    pub fn validate(&self) -> Result<(), QueueError> {
        if self.namespace.is_empty() || self.namespace.contains(char::is_whitespace) {
            return Err(QueueError::InvalidConfig("namespace must be one non-empty word"));
        }
        if self.heartbeat < Duration::from_secs(1) {
            return Err(QueueError::InvalidConfig("heartbeat must be at least 1 s"));
        }
        if self.orphan_after < self.heartbeat * 2 {
            return Err(QueueError::InvalidConfig("orphan_after must be at least 2 heartbeats"));
        }
        if self.poll_interval.is_zero() {
            return Err(QueueError::InvalidConfig("poll_interval must be positive"));
        }
        if self.retry_max < self.retry_base {
            return Err(QueueError::InvalidConfig("retry_max must not be below retry_base"));
        }
        Ok(())
    }

    /// The storage-level name of a queue.
    pub(crate) fn queue_name(&self, queue: &str) -> String {
        format!("{}:{queue}", self.namespace)
    }

    /// Delay before redelivery after failed attempt number `attempt` (1-based).
    pub(crate) fn retry_delay(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.retry_base.saturating_mul(factor).min(self.retry_max)
    }

    /// apalis counts orphan time in whole heartbeats.
    fn missed_heartbeats(&self) -> usize {
        let beats = self.orphan_after.as_secs().div_ceil(self.heartbeat.as_secs().max(1));
        usize::try_from(beats).unwrap_or(usize::MAX).max(2)
    }

    /// apalis-redis settings for one queue and worker.
    pub(crate) fn redis(&self, queue: &str, batch: usize) -> apalis_redis::Config {
        apalis_redis::Config::default()
            .queue(self.queue_name(queue))
            .batch_size(batch.max(1))
            .heartbeat_interval(self.heartbeat)
            .missed_heartbeats(self.missed_heartbeats())
            // Results must stay on: in apalis 1.0 the result event is also the
            // acknowledgement. Without it a handled job never leaves the
            // worker's in-flight set and is redelivered when that worker dies.
            .persist_results(true)
            .lock_tasks(true)
            // Pub/sub events are for apalis-board; nobody listens here.
            .emit_events(false)
    }

    /// apalis-sqlite settings for one queue and worker.
    pub(crate) fn sqlite(&self, queue: &str, batch: usize) -> apalis_sqlite::Config {
        apalis_sqlite::Config::default()
            .queue(self.queue_name(queue))
            .batch_size(batch.max(1))
            .heartbeat_interval(self.heartbeat)
            .missed_heartbeats(self.missed_heartbeats())
            .persist_results(true)
            .lock_tasks(true)
    }

    /// apalis-postgres settings for one queue and worker.
    pub(crate) fn postgres(&self, queue: &str, batch: usize) -> apalis_postgres::Config {
        apalis_postgres::Config::default()
            .queue(self.queue_name(queue))
            .batch_size(batch.max(1))
            .heartbeat_interval(self.heartbeat)
            .missed_heartbeats(self.missed_heartbeats())
            .persist_results(true)
            .lock_tasks(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_detect_a_dead_worker_within_a_minute() {
        let config = QueueConfig::default();
        config.validate().expect("valid defaults");
        assert!(config.redis("checks", 8).orphaned_duration() <= Duration::from_secs(60));
        assert_eq!(config.redis("checks", 8).orphaned_duration(), config.orphan_after);
        assert!(config.redis("checks", 8).persist_results, "acks depend on it");
    }

    #[test]
    fn retry_delays_double_up_to_the_cap() {
        let config = QueueConfig {
            retry_base: Duration::from_secs(1),
            retry_max: Duration::from_secs(10),
            ..QueueConfig::default()
        };
        let delays: Vec<u64> = (1..=6).map(|n| config.retry_delay(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 10, 10]);
        assert_eq!(config.retry_delay(u32::MAX), Duration::from_secs(10));
    }

    #[test]
    fn sub_second_heartbeats_are_refused() {
        let config =
            QueueConfig { heartbeat: Duration::from_millis(500), ..QueueConfig::default() };
        assert!(matches!(config.validate(), Err(QueueError::InvalidConfig(_))));
    }
}
