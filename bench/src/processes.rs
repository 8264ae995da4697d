//! Starting RunState's processes for a run and creating its monitors.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use domain::accounts::{AccountService, Principal, SignupPolicy, TokenKeys};
use domain::monitors::{HttpSpec, MonitorInput, MonitorService};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use crate::Args;

/// The encryption key every process of the run shares.
const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const SECRET: &str = "bench-secret-bench-secret-bench-secret-0123";

/// A running installation: its processes, database and API address.
pub struct Run {
    pub children: Vec<Child>,
    pub db: DatabaseConnection,
    pub database_url: String,
    pub api: String,
    pub token: String,
    pub client: reqwest::Client,
    _data: tempfile::TempDir,
}

fn binary(args: &Args) -> PathBuf {
    args.bin.clone().unwrap_or_else(|| {
        let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        Path::new(&target).join("release/runstate")
    })
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts the processes the mode calls for and signs a user in.
pub async fn start(args: &Args) -> anyhow::Result<Run> {
    let bin = binary(args);
    if !bin.exists() {
        bail!("{} not found: build it with `cargo build -p server --release`", bin.display());
    }
    let data = tempfile::tempdir()?;
    let port = free_port()?;
    let distributed = args.mode == "distributed";
    let database_url = if distributed {
        let server =
            args.database_url.clone().context("--database-url is needed in distributed mode")?;
        fresh_postgres(&server).await?
    } else {
        format!("sqlite://{}/runstate.db?mode=rwc", data.path().display())
    };
    let namespace = format!("bench-{}", Uuid::new_v4().simple());
    let spawn = |command: &[&str]| -> anyhow::Result<Child> {
        let mut cmd = Command::new(&bin);
        cmd.args(command)
            .env("RUNSTATE_DATA_DIR", data.path())
            .env("RUNSTATE_BIND", format!("127.0.0.1:{port}"))
            .env("RUNSTATE_ALLOW_TARGETS", "127.0.0.0/8")
            .env("RUNSTATE_JWT_SECRET", SECRET)
            .env("RUNSTATE_ENCRYPTION_KEY", KEY)
            .env("RUNSTATE_QUEUE_NAMESPACE", &namespace)
            .env("RUNSTATE_CONCURRENCY", args.concurrency.to_string())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if distributed {
            cmd.env("DATABASE_URL", &database_url);
            if let Some(redis) = &args.redis_url {
                cmd.env("REDIS_URL", redis);
            }
        }
        Ok(cmd.spawn()?)
    };
    let mut children = Vec::new();
    if distributed {
        let status =
            Command::new(&bin).arg("migrate").env("DATABASE_URL", &database_url).status()?;
        if !status.success() {
            bail!("runstate migrate failed");
        }
        children.push(spawn(&["serve"])?);
        for _ in 0..args.schedulers {
            children.push(spawn(&["scheduler"])?);
        }
        for _ in 0..args.workers {
            children.push(spawn(&["worker"])?);
        }
    } else {
        children.push(spawn(&["all"])?);
    }
    let api = format!("http://127.0.0.1:{port}");
    #[allow(
        clippy::disallowed_methods,
        reason = "a client of RunState itself, not an outbound path"
    )]
    // Answers are read as sent (a browser's decompression is not the server's
    // cost): visitors that ask for gzip say so themselves.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .no_gzip()
        .no_deflate()
        .build()?;
    let started = Instant::now();
    while client.get(format!("{api}/readyz")).send().await.map(|r| r.status().is_success()).ok()
        != Some(true)
    {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("RunState did not become ready in 60 s");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let db = domain::db::connect(&database_url).await?;
    let accounts = AccountService::new(
        db.clone(),
        TokenKeys::from_secret(SECRET.as_bytes())?,
        SignupPolicy::Open,
    );
    accounts.signup("bench@example.org", "bench-password", None, &Default::default()).await?;
    let (pair, _) =
        accounts.signin("bench@example.org", "bench-password", &Default::default()).await?;
    Ok(Run { children, db, database_url, api, token: pair.access_token, client, _data: data })
}

/// A new database on the Postgres server, for this run alone.
async fn fresh_postgres(server: &str) -> anyhow::Result<String> {
    let admin = domain::db::connect(server).await?;
    let name = format!("bench_{}", Uuid::new_v4().simple());
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
    let (base, _) = server.rsplit_once('/').context("a database URL with a path")?;
    Ok(format!("{base}/{name}"))
}

impl Run {
    /// Creates the monitors through the monitor service, as the API would.
    pub async fn create_monitors(&self, args: &Args, target: &str) -> anyhow::Result<Vec<Uuid>> {
        let me = self.me().await?;
        let key = domain::channels::EncryptionKey::from_base64(KEY)?;
        let service = MonitorService::new(self.db.clone(), &key);
        let mut ids = Vec::with_capacity(args.monitors);
        for i in 0..args.monitors {
            let input = MonitorInput {
                name: Some(format!("bench {i}")),
                interval_seconds: Some(args.interval),
                timeout_ms: Some(5000.min(args.interval * 1000)),
                confirmations: Some(2),
                http: Some(HttpSpec::get(&format!("{target}m/{i}"))?.into()),
                ..Default::default()
            };
            ids.push(service.create(&me, input).await?.id);
        }
        Ok(ids)
    }

    async fn me(&self) -> anyhow::Result<Principal> {
        let accounts = AccountService::new(
            self.db.clone(),
            TokenKeys::from_secret(SECRET.as_bytes())?,
            SignupPolicy::Open,
        );
        Ok(accounts.authenticate(&self.token).await?)
    }

    /// Process ids of RunState's processes.
    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    /// Stops every process.
    pub async fn stop(mut self) {
        for child in &mut self.children {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        }
        for child in &mut self.children {
            let _ = child.wait();
        }
    }
}
