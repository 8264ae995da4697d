//! A runner listing is bounded whatever the server at `api_url` answers: at
//! most 10,000 runners (also when a page holds more than it should), and its
//! error messages are cut before anyone stores or logs them.

use crate::common;

use std::time::Duration;

use common::{Reply, Server};
use domain::monitors::GithubRunnersSpec;
use domain::runners::ListingOutcome;
use jobs::checks::list_runners;
use jobs::outbound::{Outbound, OutboundOptions};
use serde_json::json;

const STAND_IN: &str = "127.0.0.2";

fn outbound() -> Outbound {
    Outbound::new(OutboundOptions {
        allow: vec!["127.0.0.2/32".parse().expect("CIDR")],
        ..OutboundOptions::default()
    })
    .expect("outbound")
}

fn spec(server: &Server) -> GithubRunnersSpec {
    GithubRunnersSpec {
        owner: "acme".into(),
        repo: Some("api".into()),
        api_url: server.url("").trim_end_matches('/').to_owned(),
        token: None,
        token_hint: String::new(),
    }
}

fn failed(outcome: ListingOutcome) -> String {
    match outcome {
        ListingOutcome::Failed { error } => error,
        other => panic!("expected a failed listing, got {other:?}"),
    }
}

#[tokio::test]
async fn a_listing_is_capped_in_runners_even_when_one_page_holds_them_all() {
    let runners: Vec<_> = (0..10_001)
        .map(|i| json!({"id": i, "name": format!("r{i}"), "os": "linux", "status": "online", "busy": false, "labels": []}))
        .collect();
    let page = json!({"total_count": runners.len(), "runners": runners}).to_string();
    let server = Server::start(STAND_IN, move |_| {
        Reply::ok(page.clone()).header("content-type", "application/json")
    })
    .await;
    let listing =
        list_runners(&outbound(), &spec(&server), "t0ken", &[], Duration::from_secs(5)).await;
    let error = failed(listing.outcome);
    assert!(error.contains("more than 10000 runners"), "{error}");
}

#[tokio::test]
async fn a_servers_long_error_message_is_cut() {
    let body = json!({"message": format!("boom\n{}", "x".repeat(50_000))}).to_string();
    let server = Server::start(STAND_IN, move |_| {
        Reply::status(500).body(body.clone()).header("content-type", "application/json")
    })
    .await;
    let listing =
        list_runners(&outbound(), &spec(&server), "t0ken", &[], Duration::from_secs(5)).await;
    let error = failed(listing.outcome);
    assert!(error.chars().count() < 400, "{} characters", error.chars().count());
    assert!(!error.contains('\n'));
}
