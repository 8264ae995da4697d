//! The outbound guard holds on every path out of the real app: HTTP and TCP
//! monitors, runner monitors' `api_url`, webhook, Slack and email channels,
//! their test messages (REST and the UI's server function) and the alerts the
//! pipeline sends. The app allows only the stand-ins' address (127.0.0.2/32);
//! tripwires listen on 127.0.0.1 and ::1, and every spelling of those, a name
//! that resolves to them and a redirect into them must leave both at zero
//! connections.

#![allow(clippy::unwrap_used)]

use crate::support;

use domain::testing::{ChannelBuilder, MonitorBuilder};
use jobs::testing::{Tripwire, STAND_IN_HOST};
use serde_json::json;
use support::{spawn_each, Spawn};

/// Every spelling of a denied address, as `host:port`.
fn denied_hosts(v4: u16, v6: u16) -> Vec<String> {
    vec![
        format!("127.0.0.1:{v4}"),
        format!("2130706433:{v4}"),
        format!("0x7f000001:{v4}"),
        format!("0177.0.0.1:{v4}"),
        format!("127.1:{v4}"),
        format!("[::ffff:127.0.0.1]:{v4}"),
        format!("localhost:{v4}"),
        format!("[::1]:{v6}"),
    ]
}

/// An allowed stand-in that redirects every request into `to`.
async fn redirector(to: String) -> String {
    let app = axum::Router::new().fallback(move || {
        let to = to.clone();
        async move { (axum::http::StatusCode::FOUND, [("location", to)], "") }
    });
    let listener = tokio::net::TcpListener::bind((STAND_IN_HOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("{addr}")
}

/// The guard's refusal of a loopback address, in whichever spelling it was met.
fn refused(text: &str) -> bool {
    text.contains("refused ") && text.contains(": loopback address (allow it with --allow-targets)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_outbound_path_reaches_a_denied_address_in_any_spelling() {
    let v4 = Tripwire::start("127.0.0.1").await;
    let v6 = Tripwire::start("::1").await;
    let into_tripwire = redirector(format!("http://127.0.0.1:{}/", v4.port())).await;
    let opts = Spawn {
        pipeline: true,
        args: vec![
            "--smtp-url".into(),
            format!("smtp://localhost:{}", v4.port()),
            "--smtp-from".into(),
            "RunState <alerts@runstate.test>".into(),
            // Two test messages for each of 17 channels, over the per-user default.
            "--channel-tests-per-user".into(),
            "100".into(),
        ],
        ..Default::default()
    };
    for app in spawn_each(opts).await {
        let token = app.user("guarded").await;
        let id = |created: serde_json::Value| created["id"].as_str().unwrap().to_owned();
        let mut channels = Vec::new();
        for host in denied_hosts(v4.port(), v6.port()) {
            let hook = ChannelBuilder::webhook(&format!("http://{host}/hook"));
            let slack = ChannelBuilder::slack(&format!("https://{host}/services/T/B/X"));
            channels.push(id(app.create(&token, hook).await));
            channels.push(id(app.create(&token, slack).await));
        }
        channels.push(id(app.create(&token, ChannelBuilder::email(&["ops@example.org"])).await));

        // Test messages, through the API and the UI's server function.
        for id in &channels {
            let (status, outcome) =
                app.post(&format!("/api/v1/channels/{id}/test"), json!({}), Some(&token)).await;
            assert_eq!(status, 200, "{outcome}");
            assert_eq!(outcome["data"]["delivered"], false, "{outcome}");
            assert!(refused(outcome["data"]["error"].as_str().unwrap()), "{outcome}");
            let (status, outcome) = app.rpc("test_channel", &[("id", id)], Some(&token)).await;
            assert_eq!(status, 200, "{outcome}");
            assert_eq!(outcome["delivered"], false, "{outcome}");
            assert!(refused(outcome["error"].as_str().unwrap()), "{outcome}");
        }

        // Monitors of every kind, and alerts to every channel from the first one.
        let mut monitors = Vec::new();
        let mut targets = denied_hosts(v4.port(), v6.port());
        targets.push(into_tripwire.clone());
        for (i, host) in targets.iter().enumerate() {
            let channel_ids = if i == 0 { channels.clone() } else { Vec::new() };
            let http = MonitorBuilder::http(&format!("http://{host}/"))
                .set("channel_ids", json!(channel_ids));
            let runners = MonitorBuilder::github_runners("acme", None, &format!("http://{host}"))
                .set("github_runners.token", json!("ghp_guarded"));
            for monitor in [http, runners] {
                monitors.push(id(app.create(&token, monitor.interval(1).confirmations(1)).await));
            }
        }
        let tcp_hosts = ["127.0.0.1", "2130706433", "0x7f000001", "127.1", "localhost"];
        for (host, port) in tcp_hosts.iter().map(|h| (*h, v4.port())).chain([("::1", v6.port())]) {
            let tcp = MonitorBuilder::tcp(host, port).interval(1).confirmations(1);
            monitors.push(id(app.create(&token, tcp).await));
        }
        for id in &monitors {
            let down = app
                .wait_for(&token, &format!("/api/v1/monitors/{id}"), |m| m["status"] == "down")
                .await;
            assert!(refused(down["last_error"].as_str().unwrap()), "{down}");
        }
        let notifications = format!("/api/v1/monitors/{}/notifications", monitors[0]);
        let log = app
            .wait_for(&token, &notifications, |d| {
                let items = d["items"].as_array().unwrap();
                items.len() == channels.len()
                    && items.iter().all(|n| n["delivery_status"] == "failed")
            })
            .await;
        for item in log["items"].as_array().unwrap() {
            assert!(refused(item["last_error"].as_str().unwrap()), "{item}");
        }
    }
    assert_eq!(v4.connections(), 0, "no path may connect to 127.0.0.1");
    assert_eq!(v6.connections(), 0, "no path may connect to ::1");
}
