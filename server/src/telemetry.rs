//! Logs (tracing) and the metrics recorder, set up once per process.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing_subscriber::{fmt, prelude::*, EnvFilter};

use crate::config::LogFormat;

/// Starts structured logging; `RUST_LOG` refines the default `info` level.
pub fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    // A second call (tests start several apps) keeps the first subscriber.
    let _ = match format {
        LogFormat::Text => registry.with(fmt::layer()).try_init(),
        LogFormat::Json => registry.with(fmt::layer().json().flatten_event(true)).try_init(),
    };
}

/// The process-wide Prometheus recorder. The `metrics` facade is global by
/// design, so every app in the process shares this one handle.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
                .map(PrometheusBuilder::build_recorder)
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
            let handle = recorder.handle();
            // Fails only if another recorder was installed first; then our
            // handle still renders, just without the other's series.
            let _ = metrics::set_global_recorder(recorder);
            describe();
            spawn_upkeep(handle.clone());
            handle
        })
        .clone()
}

/// How often histogram samples are folded into their buckets.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Folds recorded histogram samples into their buckets every few seconds.
/// A recorder that is built rather than installed has no upkeep of its own:
/// every sample would be kept until `/metrics` is scraped, which an
/// installation without Prometheus never does (six samples per HTTP check,
/// gigabytes a day at a thousand checks a second). A plain thread, so the
/// handle works whatever runtime (or none) the process has.
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || loop {
        std::thread::sleep(UPKEEP_EVERY);
        handle.run_upkeep();
    });
    if let Err(err) = spawned {
        tracing::warn!(error = %err, "cannot start the metrics upkeep; histograms grow until scraped");
    }
}

/// HTTP requests served, by `method`, `route` (the template) and `status`.
pub const HTTP_REQUESTS: &str = "runstate_http_requests_total";
/// HTTP request latency, by `method` and `route`.
pub const HTTP_REQUEST_DURATION: &str = "runstate_http_request_duration_seconds";

/// Help text and units of every series the process exports: the HTTP ones
/// here, the pipeline's in `jobs::metrics`.
fn describe() {
    metrics::describe_counter!(
        HTTP_REQUESTS,
        metrics::Unit::Count,
        "HTTP requests served, by method, route template and status"
    );
    metrics::describe_histogram!(
        HTTP_REQUEST_DURATION,
        metrics::Unit::Seconds,
        "HTTP request latency, by method and route template"
    );
    jobs::metrics::describe();
}
