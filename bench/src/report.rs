//! The figures of a run, printed as a markdown table and written as JSON.

use serde::Serialize;

use crate::measure::{percentile, ApiLatency, Snapshot};
use crate::Args;

/// Everything a run reports.
#[derive(Debug, Serialize)]
pub struct Results {
    pub mode: String,
    pub monitors: usize,
    pub interval_s: i64,
    pub workers: usize,
    pub schedulers: usize,
    pub window_s: f64,
    pub checks_per_s: f64,
    pub expected_per_s: f64,
    pub gap_p50_ms: u64,
    pub gap_p99_ms: u64,
    pub gap_max_ms: u64,
    pub cpu_s_per_1000_checks: f64,
    pub cpu_s_runstate: f64,
    pub cpu_s_postgres: f64,
    pub cpu_s_redis: f64,
    pub peak_rss_runstate_mb: Vec<f64>,
    pub rss_postgres_mb: f64,
    pub rss_redis_mb: f64,
    pub bytes_per_check: f64,
    pub list_p50_ms: u64,
    pub list_p95_ms: u64,
    pub stats_30d_p50_ms: u64,
    pub stats_30d_p95_ms: u64,
    pub target_requests: u64,
    /// With `--status-page N`: the public page under load.
    pub status_page: Option<crate::status_page::StatusPageLoad>,
}

impl Results {
    /// Derives the figures from two snapshots and the samples.
    pub fn build(
        args: &Args,
        before: &Snapshot,
        after: &Snapshot,
        gaps: [u64; 3],
        api: ApiLatency,
        hits: u64,
    ) -> Self {
        let window = after.instant.duration_since(before.instant).as_secs_f64().max(0.001);
        let checks = after.checks.saturating_sub(before.checks) as f64;
        let cpu = (after.cpu_runstate - before.cpu_runstate)
            + (after.cpu_postgres - before.cpu_postgres)
            + (after.cpu_redis - before.cpu_redis);
        Self {
            mode: args.mode.clone(),
            monitors: args.monitors,
            interval_s: args.interval,
            workers: args.workers,
            schedulers: args.schedulers,
            window_s: window,
            checks_per_s: checks / window,
            expected_per_s: args.monitors as f64 / args.interval as f64,
            gap_p50_ms: gaps[0],
            gap_p99_ms: gaps[1],
            gap_max_ms: gaps[2],
            cpu_s_per_1000_checks: if checks > 0.0 { cpu / (checks / 1000.0) } else { 0.0 },
            cpu_s_runstate: after.cpu_runstate - before.cpu_runstate,
            cpu_s_postgres: after.cpu_postgres - before.cpu_postgres,
            cpu_s_redis: after.cpu_redis - before.cpu_redis,
            peak_rss_runstate_mb: after
                .rss_runstate_kb
                .iter()
                .map(|k| *k as f64 / 1024.0)
                .collect(),
            rss_postgres_mb: after.rss_postgres_kb as f64 / 1024.0,
            rss_redis_mb: after.rss_redis_kb as f64 / 1024.0,
            bytes_per_check: if after.checks > 0 {
                after.db_bytes as f64 / after.checks as f64
            } else {
                0.0
            },
            list_p50_ms: percentile(&api.list_ms, 50.0),
            list_p95_ms: percentile(&api.list_ms, 95.0),
            stats_30d_p50_ms: percentile(&api.stats_ms, 50.0),
            stats_30d_p95_ms: percentile(&api.stats_ms, 95.0),
            target_requests: hits,
            status_page: None,
        }
    }

    /// Prints the markdown table and writes `<out>/<name>.md` and `.json`.
    pub fn print_and_write(&self, args: &Args) -> anyhow::Result<()> {
        let rss: Vec<String> =
            self.peak_rss_runstate_mb.iter().map(|m| format!("{m:.0}")).collect();
        let table = format!(
            "| figure | value |\n| --- | --- |\n\
             | mode | {} ({} monitors at {} s; {} worker(s), {} scheduler(s)) |\n\
             | checks/s achieved / expected | {:.0} / {:.0} |\n\
             | gap between checks p50 / p99 / max | {} / {} / {} ms |\n\
             | CPU-seconds per 1,000 checks (all processes) | {:.3} |\n\
             | CPU-seconds: RunState / Postgres / Redis | {:.1} / {:.1} / {:.1} |\n\
             | peak RSS of RunState processes | {} MB |\n\
             | RSS Postgres / Redis | {:.0} / {:.0} MB |\n\
             | bytes stored per check (database size / checks) | {:.0} |\n\
             | dashboard list p50 / p95 | {} / {} ms |\n\
             | 30-day stats p50 / p95 | {} / {} ms |\n",
            self.mode,
            self.monitors,
            self.interval_s,
            self.workers,
            self.schedulers,
            self.checks_per_s,
            self.expected_per_s,
            self.gap_p50_ms,
            self.gap_p99_ms,
            self.gap_max_ms,
            self.cpu_s_per_1000_checks,
            self.cpu_s_runstate,
            self.cpu_s_postgres,
            self.cpu_s_redis,
            rss.join(" / "),
            self.rss_postgres_mb,
            self.rss_redis_mb,
            self.bytes_per_check,
            self.list_p50_ms,
            self.list_p95_ms,
            self.stats_30d_p50_ms,
            self.stats_30d_p95_ms,
        );
        let mut table = table;
        if let Some(page) = &self.status_page {
            for (what, load) in [("HTML `/status/{slug}`", &page.html), ("JSON", &page.json)] {
                table.push_str(&format!(
                    "| status page ({} components, {} visitors), {what}: req/s, p50 / p95 / p99 | {:.0}, {:.1} / {:.1} / {:.1} ms ({} failed) |\n",
                    page.components, page.visitors, load.requests_per_s, load.p50_ms, load.p95_ms, load.p99_ms, load.failures
                ));
            }
            table.push_str(&format!(
                "| status page HTML size | {} bytes ({} gzipped, as browsers get it) |\n",
                page.html_bytes, page.html_gzip_bytes
            ));
        }
        println!("{table}");
        std::fs::create_dir_all(&args.out)?;
        let name =
            format!("{}-{}x{}s-w{}", self.mode, self.monitors, self.interval_s, self.workers);
        std::fs::write(args.out.join(format!("{name}.md")), &table)?;
        std::fs::write(args.out.join(format!("{name}.json")), serde_json::to_string_pretty(self)?)?;
        Ok(())
    }
}
