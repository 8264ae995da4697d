//! Measures how long the server takes to render the dashboard (server-side,
//! the whole streamed page) and to answer its 3-second poll, for one user
//! with many monitors and a day of check history each. A benchmark, not a
//! test: it prints a report.
//!
//! ```sh
//! cargo run -p server --example dashboard_latency            # debug build
//! cargo run -p server --release --example dashboard_latency  # optimised
//! cargo run -p server --example dashboard_latency -- 100 1440 200
//! #                       monitors, checks per monitor (over 24 h), requests
//! ```
//!
//! It runs the real router (`server::app`) on 127.0.0.1 with a fresh SQLite
//! database in a temporary directory, without the pipeline (the seeded
//! history stays as it is).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use chrono::Utc;
use clap::Parser;
use domain::accounts::{Principal, Role};
use domain::entities::checks;
use domain::monitors::{HttpSpec, MonitorInput, Status};
use sea_orm::{EntityTrait, Set};

const EMAIL: &str = "bench@example.org";
const PASSWORD: &str = "bench password 123";

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().expect("a number")).collect();
    let monitors = args.first().copied().unwrap_or(100);
    let checks_each = args.get(1).copied().unwrap_or(1440);
    let requests = args.get(2).copied().unwrap_or(200);

    let dir = tempfile::tempdir().expect("temporary directory");
    let cli = server::config::Cli::try_parse_from([
        "runstate",
        "--data-dir",
        &dir.path().display().to_string(),
        "--admin-email",
        EMAIL,
        "--admin-password",
        PASSWORD,
    ])
    .expect("arguments");
    let state = server::build_state(cli.config, true).await.expect("state");

    let started = Instant::now();
    let user = state.accounts.list_users().await.expect("users").remove(0);
    let owner = Principal {
        user_id: user.id,
        email: user.email,
        role: Role::User,
        credential: domain::accounts::Credential::Session(user.id),
    };
    let service = state.monitors.clone();
    let now = Utc::now();
    let step = chrono::Duration::seconds(86_400 / i64::try_from(checks_each.max(1)).unwrap());
    for n in 0..monitors {
        let input = MonitorInput {
            name: Some(format!("Site {n}")),
            http: Some(HttpSpec::get(&format!("https://site-{n}.example.org/")).unwrap().into()),
            ..Default::default()
        };
        let id = service.create(&owner, input).await.expect("monitor").id;
        let rows: Vec<checks::ActiveModel> = (0..checks_each)
            .map(|i| {
                let at = now - step * i32::try_from(i).unwrap();
                let down = i % 97 == 0;
                checks::ActiveModel {
                    id: Set(domain::pipeline::results::check_id(id, at.timestamp_millis())),
                    monitor_id: Set(id),
                    checked_at: Set(at),
                    status: Set(if down { Status::Down } else { Status::Up }),
                    latency_ms: Set(Some(80 + i32::try_from(i % 50).unwrap())),
                    http_status: Set(Some(if down { 503 } else { 200 })),
                    error: Set(down.then(|| "HTTP 503".to_owned())),
                    region: Set("default".into()),
                    ..Default::default()
                }
            })
            .collect();
        for chunk in rows.chunks(500) {
            checks::Entity::insert_many(chunk.to_vec()).exec(&state.db).await.expect("checks");
        }
    }
    println!(
        "seeded {monitors} monitors x {checks_each} checks in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(server::http::serve(
        listener,
        server::app(state),
        server::http::ServeOptions::default(),
        std::future::pending::<()>(),
    ));
    #[allow(
        clippy::disallowed_methods,
        reason = "a client of RunState itself, not an outbound path"
    )]
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let signin: serde_json::Value = client
        .post(format!("http://{addr}/api/v1/signin"))
        .json(&serde_json::json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = signin["data"]["access_token"].as_str().expect("token").to_owned();
    let cookie = format!("rs_access={access}");

    let page = measure(requests, || async {
        let response = client
            .get(format!("http://{addr}/dashboard"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let html = response.text().await.unwrap();
        assert!(html.contains("Site 0"), "the dashboard lists the monitors");
        html.len()
    })
    .await;
    report("GET /dashboard (server render)", &page);
    let poll = measure(requests, || async {
        let response = client
            .post(format!("http://{addr}/rpc/dashboard"))
            .header("cookie", &cookie)
            .header("origin", format!("http://{addr}"))
            .header("accept", "application/json")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("status=&search=")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap().len()
    })
    .await;
    report("POST /rpc/dashboard (the live poll)", &poll);
}

/// Runs `request` `n` times after a short warm-up; durations and the last size.
async fn measure<F, Fut>(n: usize, request: F) -> (Vec<Duration>, usize)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    for _ in 0..5 {
        request().await;
    }
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    for _ in 0..n {
        let start = Instant::now();
        size = request().await;
        times.push(start.elapsed());
    }
    times.sort();
    (times, size)
}

fn report(what: &str, (times, size): &(Vec<Duration>, usize)) {
    let at = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "{what}: {} requests, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, {} KiB",
        times.len(),
        at(50),
        at(95),
        at(100),
        size / 1024
    );
}
