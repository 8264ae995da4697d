//! Statistics over a window: uptime, latency percentiles and a bucketed
//! series for charts, with the down periods marked. The last hour reads raw
//! checks; longer windows read check rollups with the raw checks of the
//! window's edges (`rollups::read::plan`), and their percentiles come from
//! the rollups' histograms (within 10 %).

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::checks;
use crate::monitors::{Access, MonitorRef};
use crate::probe::{PhaseSums, Phases};
use crate::rollups::read::{self, Segment};
use crate::rollups::{Aggregate, CheckPoint, Resolution, Watermarks};

pub use kinds::StatsWindow;

/// The window's length.
fn duration(window: StatsWindow) -> Duration {
    Duration::seconds(window.seconds())
}

/// Chart buckets: 60 per window.
fn bucket(window: StatsWindow) -> Duration {
    duration(window) / 60
}

/// The rollups whole buckets of `window` come from; `None`: raw checks.
pub(crate) fn resolution(window: StatsWindow) -> Option<Resolution> {
    match window {
        StatsWindow::Hour => None,
        StatsWindow::Day => Some(Resolution::Minute),
        StatsWindow::Week | StatsWindow::Month | StatsWindow::Quarter => Some(Resolution::Hour),
    }
}

/// One chart bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub checks: u32,
    pub up: u32,
    /// Average latency of the bucket's checks that answered.
    pub avg_latency_ms: Option<u32>,
    pub max_latency_ms: Option<u32>,
    /// Whether any check in the bucket was down.
    pub down: bool,
    /// Mean time of each phase of its healthy HTTP checks.
    pub phases: Option<Phases>,
}

/// Statistics of one monitor over one window.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub window: StatsWindow,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub checks: u32,
    /// Share of healthy checks, 0-100; `None` without checks.
    pub uptime_percent: Option<f64>,
    pub p50_latency_ms: Option<u32>,
    pub p95_latency_ms: Option<u32>,
    pub max_latency_ms: Option<u32>,
    /// Mean time of each phase of the window's healthy HTTP checks.
    pub phases: Option<Phases>,
    pub series: Vec<Bucket>,
}

/// Computes statistics for `window` ending at `now`.
pub async fn compute(
    monitor: &MonitorRef<impl Access>,
    window: StatsWindow,
    now: DateTime<Utc>,
) -> Result<Stats, DbErr> {
    of_monitor(monitor.db(), monitor.id(), window, now).await
}

/// [`compute`] for a monitor the caller has already been let at some other
/// way (a component of a published status page, for its badges).
pub(crate) async fn of_monitor(
    db: &DatabaseConnection,
    monitor_id: Uuid,
    window: StatsWindow,
    now: DateTime<Utc>,
) -> Result<Stats, DbErr> {
    let from = now - duration(window);
    if let Some(resolution) = resolution(window) {
        let marks = Watermarks::load(db).await?;
        let segments = read::plan(from, Some(now), resolution, &marks);
        if read::uses_rollups(&segments) {
            let slots = load_slots(db, monitor_id, &segments, window, from).await?;
            return Ok(from_slots(&slots, from, now, window));
        }
    }
    let rows = CheckPoint::select()
        .filter(checks::Column::MonitorId.eq(monitor_id))
        .filter(checks::Column::CheckedAt.gt(from))
        .filter(checks::Column::CheckedAt.lte(now))
        .order_by_asc(checks::Column::CheckedAt)
        .into_model::<CheckPoint>()
        .all(db)
        .await?;
    Ok(summarize(&rows, window, from, now))
}

/// The window's checks summarised per chart bucket; a rollup row counts in
/// the bucket its start falls in.
async fn load_slots(
    db: &DatabaseConnection,
    monitor_id: Uuid,
    segments: &[Segment],
    window: StatsWindow,
    from: DateTime<Utc>,
) -> Result<Vec<Aggregate>, DbErr> {
    let bucket = bucket(window).num_milliseconds().max(1);
    let index = |at: DateTime<Utc>| {
        usize::try_from(((at - from).num_milliseconds() / bucket).clamp(0, 59)).unwrap_or(59)
    };
    let mut slots = vec![Aggregate::default(); 60];
    for segment in segments {
        match *segment {
            Segment::Raw(lower, upper) => {
                for point in read::raw_checks(db, monitor_id, lower, upper).await? {
                    slots[index(point.checked_at)].add_check(&point);
                }
            }
            Segment::Rollup { resolution, from, before } => {
                let rows = read::rollup_rows(db, monitor_id, resolution, from, before).await?;
                for (start, aggregate) in rows {
                    slots[index(start)].merge(&aggregate);
                }
            }
        }
    }
    Ok(slots)
}

fn from_slots(
    slots: &[Aggregate],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    window: StatsWindow,
) -> Stats {
    let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    let mut total = Aggregate::default();
    let series = (0..)
        .zip(slots)
        .map(|(i, slot)| {
            total.merge(slot);
            Bucket {
                start: from + bucket(window) * i,
                checks: count(slot.checks),
                up: count(slot.healthy),
                avg_latency_ms: slot.mean_latency(),
                max_latency_ms: slot.latency_max,
                down: slot.healthy < slot.checks,
                phases: slot.phases.means(),
            }
        })
        .collect();
    // A bucket's middle can lie above the largest value in it.
    let percentile = |p| {
        let value = total.histogram.percentile(p)?;
        Some(total.latency_max.map_or(value, |max| value.min(max)))
    };
    Stats {
        window,
        from,
        to,
        checks: count(total.checks),
        uptime_percent: (total.checks > 0)
            .then(|| total.healthy as f64 * 100.0 / total.checks as f64),
        p50_latency_ms: percentile(50),
        p95_latency_ms: percentile(95),
        max_latency_ms: total.latency_max,
        phases: total.phases.means(),
        series,
    }
}

fn summarize(
    rows: &[CheckPoint],
    window: StatsWindow,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Stats {
    let bucket = bucket(window);
    let mut series: Vec<Bucket> = (0..60)
        .map(|i| Bucket {
            start: from + bucket * i,
            checks: 0,
            up: 0,
            avg_latency_ms: None,
            max_latency_ms: None,
            down: false,
            phases: None,
        })
        .collect();
    let mut sums = vec![(0u64, 0u32); 60];
    let mut phase_sums = vec![PhaseSums::default(); 60];
    let mut all_phases = PhaseSums::default();
    let mut latencies: Vec<u32> = Vec::with_capacity(rows.len());
    let mut healthy = 0u32;
    for point in rows {
        let (at, latency) = (point.checked_at, point.latency_ms);
        let index =
            ((at - from).num_milliseconds() / bucket.num_milliseconds().max(1)).clamp(0, 59);
        let slot = &mut series[usize::try_from(index).unwrap_or(59)];
        slot.checks += 1;
        let ok = point.status.is_healthy();
        if ok {
            healthy += 1;
            slot.up += 1;
            let phases = point.phases();
            phase_sums[usize::try_from(index).unwrap_or(59)].add(&phases);
            all_phases.add(&phases);
        } else {
            slot.down = true;
        }
        if let Some(latency) = latency.and_then(|l| u32::try_from(l).ok()).filter(|_| ok) {
            latencies.push(latency);
            let sum = &mut sums[usize::try_from(index).unwrap_or(59)];
            sum.0 += u64::from(latency);
            sum.1 += 1;
            slot.max_latency_ms = Some(slot.max_latency_ms.map_or(latency, |m| m.max(latency)));
        }
    }
    for ((slot, (sum, n)), phases) in series.iter_mut().zip(sums).zip(&phase_sums) {
        if n > 0 {
            slot.avg_latency_ms = u32::try_from(sum / u64::from(n)).ok();
        }
        slot.phases = phases.means();
    }
    latencies.sort_unstable();
    let total = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    Stats {
        window,
        from,
        to,
        checks: total,
        uptime_percent: (total > 0).then(|| f64::from(healthy) * 100.0 / f64::from(total)),
        p50_latency_ms: percentile(&latencies, 50),
        p95_latency_ms: percentile(&latencies, 95),
        max_latency_ms: latencies.last().copied(),
        phases: all_phases.means(),
        series,
    }
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[u32], p: usize) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kinds::Status;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&values, 50), Some(50));
        assert_eq!(percentile(&values, 95), Some(95));
        assert_eq!(percentile(&[7], 95), Some(7));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn uptime_and_buckets_follow_the_checks() {
        let to = Utc::now();
        let from = to - Duration::hours(1);
        let point = |minute: i64, status: Status, latency_ms: Option<i32>| CheckPoint {
            monitor_id: Uuid::nil(),
            checked_at: from + Duration::minutes(minute),
            status,
            latency_ms,
            dns_ms: latency_ms.map(|_| 1),
            connect_ms: latency_ms.map(|_| 2),
            tls_ms: None,
            ttfb_ms: latency_ms.map(|ms| ms - 3),
            transfer_ms: latency_ms.map(|_| 0),
        };
        let rows = vec![
            point(1, Status::Up, Some(100)),
            point(2, Status::Down, None),
            point(3, Status::Up, Some(300)),
            point(59, Status::Degraded, Some(900)),
        ];
        let stats = summarize(&rows, StatsWindow::Hour, from, to);
        assert_eq!(stats.checks, 4);
        assert_eq!(stats.uptime_percent, Some(75.0));
        assert_eq!(stats.max_latency_ms, Some(900));
        assert_eq!(stats.p50_latency_ms, Some(300));
        assert_eq!(stats.series.len(), 60);
        assert!(stats.series[2].down, "the minute with the failure is marked down");
        assert_eq!(stats.series[1].avg_latency_ms, Some(100));
        let phases = stats.series[1].phases.expect("phases of the minute's check");
        assert_eq!((phases.ttfb_ms, phases.total_ms), (Some(97), Some(100)));
        assert_eq!(stats.series[2].phases, None, "a failed check adds no phases");
        assert_eq!(stats.phases.and_then(|p| p.total_ms), Some((100 + 300 + 900) / 3));
    }
}
