//! The public status page under load (issue 14): a published page of N
//! monitor components, read by C visitors at once for a window while the
//! checks keep running: requests per second and latency percentiles of the
//! HTML page and of its JSON. Loopback only, bounded in time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::measure::percentile;
use crate::processes::Run;

/// The figures of one address.
#[derive(Debug, Default, Serialize)]
pub struct PageLoad {
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub failures: u64,
}

/// What a browser says it accepts: visitors get the page as browsers do.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";

/// Both addresses, and the page measured.
#[derive(Debug, Default, Serialize)]
pub struct StatusPageLoad {
    pub components: usize,
    pub visitors: usize,
    pub html: PageLoad,
    pub json: PageLoad,
    pub html_bytes: usize,
    /// The same page as sent to a browser (gzip).
    pub html_gzip_bytes: usize,
}

/// Publishes a page showing the first `components` monitors (latency shown
/// on every one, the heaviest page) and reads it for `window` per address.
pub async fn measure(
    run: &Run,
    ids: &[Uuid],
    components: usize,
    visitors: usize,
    window: Duration,
) -> anyhow::Result<StatusPageLoad> {
    let pages = format!("{}/api/v1/status-pages", run.api);
    let page: serde_json::Value = run
        .client
        .post(&pages)
        .bearer_auth(&run.token)
        .json(&json!({"slug": "bench", "title": "Bench status", "published": true}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = page["data"]["id"].as_str().unwrap_or_default().to_owned();
    let list: Vec<_> = ids
        .iter()
        .take(components)
        .enumerate()
        .map(|(i, m)| {
            json!({"kind": "monitor", "public_name": format!("Service {i}"),
                   "monitor_id": m, "show_latency": true})
        })
        .collect();
    run.client
        .put(format!("{pages}/{id}/components"))
        .bearer_auth(&run.token)
        .json(&json!({ "components": list }))
        .send()
        .await?
        .error_for_status()?;
    let html_url = format!("{}/status/bench", run.api);
    let html_bytes =
        run.client.get(&html_url).send().await?.error_for_status()?.bytes().await?.len();
    let html_gzip_bytes = run
        .client
        .get(&html_url)
        .header("accept-encoding", BROWSER_ENCODINGS)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?
        .len();
    let html = hammer(run, &html_url, visitors, window).await;
    let json =
        hammer(run, &format!("{}/api/v1/public/status/bench", run.api), visitors, window).await;
    Ok(StatusPageLoad { components: list.len(), visitors, html, json, html_bytes, html_gzip_bytes })
}

/// `visitors` loops, each asking for `url` again as soon as it has an answer.
async fn hammer(run: &Run, url: &str, visitors: usize, window: Duration) -> PageLoad {
    let samples = Arc::new(Mutex::new(Vec::<f64>::new()));
    let failures = Arc::new(Mutex::new(0u64));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..visitors {
        let (client, url) = (run.client.clone(), url.to_owned());
        let (samples, failures) = (samples.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            while started.elapsed() < window {
                let t = Instant::now();
                let request = client.get(&url).header("accept-encoding", BROWSER_ENCODINGS);
                let ok = match request.send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                    _ => false,
                };
                if ok {
                    samples.lock().map(|mut s| s.push(t.elapsed().as_secs_f64() * 1000.0)).ok();
                } else {
                    failures.lock().map(|mut f| *f += 1).ok();
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut ms = samples.lock().map(|s| s.clone()).unwrap_or_default();
    ms.sort_by(f64::total_cmp);
    let whole: Vec<u64> = ms.iter().map(|m| (m * 1000.0) as u64).collect();
    let at = |p: f64| percentile(&whole, p) as f64 / 1000.0;
    PageLoad {
        requests_per_s: ms.len() as f64 / elapsed,
        p50_ms: at(50.0),
        p95_ms: at(95.0),
        p99_ms: at(99.0),
        failures: failures.lock().map(|f| *f).unwrap_or(0),
    }
}
