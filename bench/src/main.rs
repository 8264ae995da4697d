//! `cargo run -p bench --release -- …`: starts a local HTTP target and
//! RunState (embedded, or Postgres + Redis with W workers and S schedulers),
//! creates N monitors at interval I, and measures throughput, scheduling
//! gaps, CPU, memory, storage and API latency; optionally a public status
//! page's throughput. A benchmark, not a test: it
//! prints figures and writes them as markdown and JSON.

mod measure;
mod processes;
mod report;
mod status_page;
mod target;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;

/// Benchmark settings.
#[derive(Debug, Clone, Parser)]
pub struct Args {
    /// embedded (SQLite, in-process queues) or distributed (Postgres + Redis).
    #[arg(long, default_value = "embedded")]
    pub mode: String,
    /// Monitors to create.
    #[arg(long, default_value_t = 1000)]
    pub monitors: usize,
    /// Check interval of every monitor, in seconds.
    #[arg(long, default_value_t = 1)]
    pub interval: i64,
    /// Seconds to run before measuring.
    #[arg(long, default_value_t = 20)]
    pub warmup: u64,
    /// Seconds measured.
    #[arg(long, default_value_t = 30)]
    pub window: u64,
    /// Worker processes (distributed mode).
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// Scheduler processes (distributed mode).
    #[arg(long, default_value_t = 1)]
    pub schedulers: usize,
    /// Jobs at once per worker.
    #[arg(long, default_value_t = 256)]
    pub concurrency: usize,
    /// Postgres server URL (distributed mode); a fresh database is created on it.
    #[arg(long, env = "BENCH_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Redis URL (distributed mode).
    #[arg(long, env = "BENCH_REDIS_URL")]
    pub redis_url: Option<String>,
    /// The runstate binary (default: the release build in CARGO_TARGET_DIR or target/).
    #[arg(long)]
    pub bin: Option<PathBuf>,
    /// Then publish a status page of this many monitor components and read
    /// it under load (0: skip).
    #[arg(long, default_value_t = 0)]
    pub status_page: usize,
    /// Visitors reading the status page at once.
    #[arg(long, default_value_t = 16)]
    pub visitors: usize,
    /// Where to write `<name>.md` and `<name>.json`.
    #[arg(long, default_value = "docs/bench-results")]
    pub out: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let target = target::start().await?;
    let run = processes::start(&args).await?;
    println!("RunState is up ({}); creating {} monitors…", args.mode, args.monitors);
    let created = Instant::now();
    let monitor_ids = run.create_monitors(&args, &target.url).await?;
    println!("created in {:.1} s; warming up {} s", created.elapsed().as_secs_f64(), args.warmup);
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;

    let before = measure::Snapshot::take(&run).await?;
    let api = measure::api_latency(&run, &monitor_ids, Duration::from_secs(args.window)).await;
    let after = measure::Snapshot::take(&run).await?;
    let gaps = measure::gaps(&run.db, before.at, after.at).await?;
    let mut results = report::Results::build(&args, &before, &after, gaps, api, target.hits());
    if args.status_page > 0 {
        println!("reading a status page of {} components…", args.status_page);
        let window = Duration::from_secs(args.window.min(20));
        results.status_page = Some(
            status_page::measure(&run, &monitor_ids, args.status_page, args.visitors, window)
                .await?,
        );
    }
    results.print_and_write(&args)?;
    run.stop().await;
    Ok(())
}
