//! Builders that make test data through the services, never as hand-built
//! rows: a test gets exactly what a client creating the same thing would get,
//! validation and sealing included.
//!
//! ```ignore
//! let monitor = MonitorBuilder::http("https://example.org/").confirmations(2).create(&db, &owner).await;
//! ```

use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::accounts::Principal;
use crate::channels::EncryptionKey;
use crate::monitors::{
    GithubRunnersInput, HttpInput, MonitorError, MonitorInput, MonitorService, MonitorView, TcpSpec,
};

/// A monitor to create, with the defaults of the API for anything not set.
#[derive(Clone)]
pub struct MonitorBuilder {
    input: MonitorInput,
    key: Option<EncryptionKey>,
}

impl MonitorBuilder {
    fn with(input: MonitorInput) -> Self {
        Self { input, key: None }
    }

    /// A GET of `url` expecting 2xx/3xx.
    pub fn http(url: &str) -> Self {
        Self::with(MonitorInput {
            http: Some(HttpInput { url: Some(url.into()), ..Default::default() }),
            ..Default::default()
        })
    }

    /// A TCP connect to `host:port`.
    pub fn tcp(host: &str, port: u16) -> Self {
        Self::with(MonitorInput {
            tcp: Some(TcpSpec { host: host.into(), port }),
            ..Default::default()
        })
    }

    /// The self-hosted runners of `owner/repo` (`repo` `None`: the
    /// organisation's) on the GitHub API at `api_url`.
    pub fn github_runners(owner: &str, repo: Option<&str>, api_url: &str) -> Self {
        Self::with(MonitorInput {
            github_runners: Some(GithubRunnersInput {
                owner: Some(owner.into()),
                repo: Some(repo.map(str::to_owned)),
                token: Some("ghp_test_token_0123456789".into()),
                api_url: Some(api_url.into()),
            }),
            ..Default::default()
        })
    }

    pub fn name(mut self, name: &str) -> Self {
        self.input.name = Some(name.into());
        self
    }

    pub fn interval(mut self, seconds: i64) -> Self {
        self.input.interval_seconds = Some(seconds);
        self
    }

    pub fn timeout_ms(mut self, ms: i64) -> Self {
        self.input.timeout_ms = Some(ms);
        self
    }

    pub fn confirmations(mut self, n: i64) -> Self {
        self.input.confirmations = Some(n);
        self
    }

    pub fn recoveries(mut self, n: i64) -> Self {
        self.input.recoveries = Some(n);
        self
    }

    pub fn channels(mut self, ids: &[Uuid]) -> Self {
        self.input.channel_ids = Some(ids.to_vec());
        self
    }

    pub fn paused(mut self) -> Self {
        self.input.paused = Some(true);
        self
    }

    /// The key that seals the monitor's secrets; a new one if not given.
    /// Pass the key the code under test will unseal with.
    pub fn key(mut self, key: &EncryptionKey) -> Self {
        self.key = Some(key.clone());
        self
    }

    /// The request as a client would send it.
    pub fn input(&self) -> MonitorInput {
        self.input.clone()
    }

    /// Creates the monitor through [`MonitorService::create`]; the error a
    /// client would get, for tests of refusals.
    pub async fn try_create(
        self,
        db: &DatabaseConnection,
        owner: &Principal,
    ) -> Result<MonitorView, MonitorError> {
        let key = self.key.unwrap_or_else(EncryptionKey::generate);
        let mut input = self.input;
        if input.name.is_none() {
            input.name = Some(format!("monitor {}", Uuid::new_v4().simple()));
        }
        MonitorService::new(db.clone(), &key).create(owner, input).await
    }

    /// Creates the monitor, panicking (the test fails) if the service refuses.
    pub async fn create(self, db: &DatabaseConnection, owner: &Principal) -> MonitorView {
        self.try_create(db, owner).await.expect("create the monitor through the service")
    }
}
