//! Builders that make test data through the services, never as hand-built
//! rows: a test gets exactly what a client creating the same thing would get,
//! validation and sealing included. Each builder holds the request a client
//! would send, so the same builder also drives the API
//! (`TestApp::create` in the server's tests posts [`MonitorBuilder::json`]).
//!
//! ```ignore
//! let monitor = MonitorBuilder::http("https://example.org/").confirmations(2).create(&db, &owner).await;
//! ```

use sea_orm::DatabaseConnection;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::accounts::Principal;
use crate::channels::EncryptionKey;
use crate::monitors::{MonitorError, MonitorInput, MonitorService, MonitorView};

/// A monitor to create, with the defaults of the API for anything not set.
#[derive(Clone)]
pub struct MonitorBuilder {
    /// The body of `POST /api/v1/monitors`.
    body: Value,
    key: Option<EncryptionKey>,
}

impl MonitorBuilder {
    fn with(kind: &str, block: Value) -> Self {
        let name = format!("monitor {}", Uuid::new_v4().simple());
        Self { body: json!({ "name": name, "kind": kind, kind: block }), key: None }
    }

    /// A GET of `url` expecting 2xx/3xx.
    pub fn http(url: &str) -> Self {
        Self::with("http", json!({ "url": url }))
    }

    /// A TCP connect to `host:port`.
    pub fn tcp(host: &str, port: u16) -> Self {
        Self::with("tcp", json!({ "host": host, "port": port }))
    }

    /// The certificate of the TLS server at `host:port`.
    pub fn tls(host: &str, port: u16) -> Self {
        Self::with("tls", json!({ "host": host, "port": port }))
    }

    /// The registration of the domain `name`, asked of its registry over RDAP.
    pub fn domain(name: &str) -> Self {
        Self::with("domain", json!({ "name": name }))
    }

    /// Echo requests to `host`.
    pub fn icmp(host: &str) -> Self {
        Self::with("icmp", json!({ "host": host }))
    }

    /// The self-hosted runners of `owner/repo` (`repo` `None`: the
    /// organisation's) on the GitHub API at `api_url`.
    pub fn github_runners(owner: &str, repo: Option<&str>, api_url: &str) -> Self {
        Self::with(
            "github_runners",
            json!({
                "owner": owner, "repo": repo, "token": "ghp_test_token_0123456789",
                "api_url": api_url,
            }),
        )
    }

    /// A heartbeat expected every `every` seconds, with `grace` seconds' grace.
    pub fn heartbeat(every: u64, grace: u64) -> Self {
        Self::with("heartbeat", json!({ "every": every, "grace": grace }))
    }

    /// A DNS query for `record_type` records of `name`, asked of `server`
    /// (`ip:port`, a custom resolver).
    pub fn dns(name: &str, record_type: &str, server: &str) -> Self {
        Self::with(
            "dns",
            json!({
                "name": name, "record_type": record_type,
                "resolver": "custom", "resolvers": [server],
            }),
        )
    }

    /// Sets any field of the request; a dotted path reaches into a block
    /// (`set("http.keyword", json!("ok"))`, `set("github_runners.token", …)`).
    pub fn set(mut self, path: &str, value: Value) -> Self {
        let mut at = &mut self.body;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                at[part] = value;
                break;
            }
            at = &mut at[part];
        }
        self
    }

    pub fn name(self, name: &str) -> Self {
        self.set("name", json!(name))
    }

    pub fn interval(self, seconds: i64) -> Self {
        self.set("interval_seconds", json!(seconds))
    }

    pub fn timeout_ms(self, ms: i64) -> Self {
        self.set("timeout_ms", json!(ms))
    }

    pub fn confirmations(self, n: i64) -> Self {
        self.set("confirmations", json!(n))
    }

    pub fn recoveries(self, n: i64) -> Self {
        self.set("recoveries", json!(n))
    }

    pub fn channels(self, ids: &[Uuid]) -> Self {
        self.set("channel_ids", json!(ids))
    }

    pub fn paused(self) -> Self {
        self.set("paused", json!(true))
    }

    /// The key that seals the monitor's secrets; a new one if not given.
    /// Pass the key the code under test will unseal with.
    pub fn key(mut self, key: &EncryptionKey) -> Self {
        self.key = Some(key.clone());
        self
    }

    /// The request body as a client would send it to the API.
    pub fn json(&self) -> Value {
        self.body.clone()
    }

    /// The request as the service receives it, parsed as the API parses it.
    pub fn input(&self) -> MonitorInput {
        serde_json::from_value(self.body.clone()).expect("the builder makes a readable request")
    }

    /// Creates the monitor through [`MonitorService::create`]; the error a
    /// client would get, for tests of refusals.
    pub async fn try_create(
        self,
        db: &DatabaseConnection,
        owner: &Principal,
    ) -> Result<MonitorView, MonitorError> {
        let key = self.key.clone().unwrap_or_else(EncryptionKey::generate);
        MonitorService::new(db.clone(), &key).create(owner, self.input()).await
    }

    /// Creates the monitor, panicking (the test fails) if the service refuses.
    pub async fn create(self, db: &DatabaseConnection, owner: &Principal) -> MonitorView {
        self.try_create(db, owner).await.expect("create the monitor through the service")
    }
}
