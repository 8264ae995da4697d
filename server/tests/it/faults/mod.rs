//! The fault suite: real Postgres, Redis and `runstate` processes, each
//! test one fault under load, then the invariants of `invariants.rs` and
//! the time the system took to recover by itself. `make test` runs it in
//! its own phase (`faults`, after the debug binary is built):
//!
//! ```sh
//! cargo test -p server --test it -- faults:: --ignored --test-threads=1 --nocapture
//! ```
//!
//! Each test prints a `FAULT |` line: the row of the table in docs/faults.md.
//! `RUNSTATE_FAULTS_SEED` replays the random moments of a run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fleet;
mod harness;
mod invariants;
mod kills;
mod races;
mod services;
mod standins;

use std::time::Duration;

use harness::{secs, Harness};
use invariants::Figures;
use rand::SeedableRng;
use tokio::sync::{Mutex, MutexGuard};

/// How often the flapping monitors change state under load.
pub const FLAP: Duration = Duration::from_secs(2);

/// One fault at a time: each test kills and restarts processes and needs
/// both cores to itself, whatever `--test-threads` says. (An async mutex:
/// each test has its own runtime, and a failed test must not poison it.)
pub async fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::const_new(());
    LOCK.lock().await
}

/// A seeded random source; the seed is printed so a run can be replayed.
pub fn rng(name: &str) -> rand::rngs::StdRng {
    let seed = std::env::var("RUNSTATE_FAULTS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    eprintln!("{name}: seed {seed} (RUNSTATE_FAULTS_SEED={seed} replays it)");
    rand::rngs::StdRng::seed_from_u64(seed)
}

/// Prints the fault's row: what was done, what was seen, the times.
pub fn report(
    h: &Harness,
    fault: &str,
    resumed: Option<Duration>,
    settled: Duration,
    figures: &Figures,
    extra: &str,
) {
    let resumed = resumed.map_or("n/a".to_owned(), |d| format!("{:.1} s", secs(d)));
    eprintln!(
        "FAULT | {} | {fault} | checks {} (none lost), incidents {} (at most one open), \
         notifications {} ({} failed), deliveries {} ({} sent twice across a kill), \
         checks repeated {}{extra} | {resumed} | {:.1} s |",
        h.name,
        figures.checks,
        figures.incidents,
        figures.notifications,
        figures.failed,
        figures.deliveries,
        figures.sent_twice,
        figures.repeated_checks,
        secs(settled),
    );
}
