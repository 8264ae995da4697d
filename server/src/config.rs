//! The one typed configuration: flags and environment variables, read once at
//! start-up and passed down. `runstate --help` documents every field.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use ipnet::IpNet;

/// RunState: a self-hosted uptime monitor.
#[derive(Debug, Parser)]
#[command(name = "runstate", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What this process runs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything in one process: web, API, workers and scheduler (the default).
    All,
    /// The web UI, REST API and metrics.
    Serve,
    /// Queue consumers: checks, status changes, notifications.
    Worker(WorkerArgs),
    /// The pusher: enqueues due checks.
    Scheduler,
    /// Applies database migrations and exits.
    Migrate(MigrateArgs),
    /// Copies the embedded SQLite database to FILE while the server runs.
    Backup(BackupArgs),
    /// Restores a backup into an empty data directory.
    Restore(RestoreArgs),
    /// Exits 0 when the server on --bind answers /healthz (a container's
    /// HEALTHCHECK: the image has no curl).
    Healthcheck,
    /// Operator tasks.
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// Options of `runstate migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// List applied and pending migrations instead of applying them.
    #[arg(long)]
    pub status: bool,
}

/// Options of `runstate backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (a new file).
    pub file: PathBuf,
    /// Put the data directory's keys in the copy too. Without `data.key`
    /// the sealed secrets (channel targets, tokens) cannot be read.
    #[arg(long)]
    pub with_keys: bool,
}

/// Options of `runstate restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `runstate backup`.
    pub file: PathBuf,
}

/// Options of `runstate worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Queues to consume (comma-separated): checks, status, notifications.
    #[arg(long, value_delimiter = ',', default_values_t = ["checks".to_owned(), "status".to_owned(), "notifications".to_owned()])]
    pub queues: Vec<String>,
    /// Jobs run at once per queue.
    #[arg(long, env = "RUNSTATE_CONCURRENCY", default_value_t = 64)]
    pub concurrency: usize,
}

/// Operator tasks run from the command line.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Creates a user (an admin with --admin).
    CreateUser {
        #[arg(long)]
        email: String,
        /// The password; read from RUNSTATE_NEW_PASSWORD when omitted.
        #[arg(long, env = "RUNSTATE_NEW_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long)]
        admin: bool,
    },
    /// Sets a new password for a user and ends their sessions.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, env = "RUNSTATE_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

/// Who may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignupPolicy {
    /// Anyone may sign up.
    Open,
    /// Only with an invitation from an admin.
    Invite,
    /// No sign-up; admins create users.
    Closed,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address the web server listens on.
    #[arg(long, env = "RUNSTATE_BIND", default_value = "127.0.0.1:3000", global = true)]
    pub bind: SocketAddr,
    /// Directory for the SQLite database, generated secrets and other state.
    #[arg(long, env = "RUNSTATE_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL (postgres://… or sqlite://…); a SQLite file in the data dir when unset.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
    /// Redis URL for the job queues; embedded queues when unset.
    #[arg(long, env = "REDIS_URL", hide_env_values = true, global = true)]
    pub redis_url: Option<String>,
    /// Public base URL, used for links in alerts; derived from --bind when unset.
    #[arg(long, env = "RUNSTATE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Key that signs access tokens; generated and kept in the data dir when unset.
    #[arg(long, env = "RUNSTATE_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,
    /// Key that encrypts stored secrets: channel targets, GitHub tokens, Slack signing secrets (base64 of 32 bytes); generated and kept in
    /// the data dir as data.key when unset. Every process of one installation needs the same.
    #[arg(long, env = "RUNSTATE_ENCRYPTION_KEY", hide_env_values = true, global = true)]
    pub encryption_key: Option<String>,
    /// CIDRs exempt from the private-address guard on outbound requests (comma-separated).
    #[arg(long, env = "RUNSTATE_ALLOW_TARGETS", value_delimiter = ',', global = true)]
    pub allow_targets: Vec<IpNet>,
    /// A PEM file of extra certificate authorities to trust, besides the
    /// system's, for checks and deliveries (an internal CA).
    #[arg(long, env = "RUNSTATE_CA_CERTS", global = true)]
    pub ca_certs: Option<PathBuf>,
    /// The RDAP bootstrap file `domain` monitors find their registry's
    /// server in (fetched through the guard, kept for a day).
    #[arg(long, env = "RUNSTATE_RDAP_BOOTSTRAP_URL", default_value = jobs::checks::IANA_BOOTSTRAP, global = true)]
    pub rdap_bootstrap_url: String,
    /// Reverse proxies (CIDRs, comma-separated) whose `X-Forwarded-For` is
    /// believed: the client is the rightmost address in it that is not one of
    /// these. Without it the TCP peer is the client and the header is ignored.
    #[arg(long, env = "RUNSTATE_TRUSTED_PROXIES", value_delimiter = ',', global = true)]
    pub trusted_proxies: Vec<IpNet>,
    /// Sign-up attempts allowed per client per hour (a taken email counts).
    #[arg(long, env = "RUNSTATE_SIGNUPS_PER_HOUR", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=100_000), global = true)]
    pub signups_per_hour: u32,
    /// Sign-in attempts allowed per client per minute.
    #[arg(long, env = "RUNSTATE_SIGNINS_PER_MINUTE", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=100_000), global = true)]
    pub signins_per_minute: u32,
    /// Monitors one user may own (admins are exempt from every quota).
    #[arg(long, env = "RUNSTATE_MAX_MONITORS_PER_USER", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub max_monitors_per_user: u64,
    /// Notification channels one user may own.
    #[arg(long, env = "RUNSTATE_MAX_CHANNELS_PER_USER", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub max_channels_per_user: u64,
    /// Slack integrations one user may own.
    #[arg(long, env = "RUNSTATE_MAX_SLACK_INTEGRATIONS_PER_USER", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub max_slack_integrations_per_user: u64,
    /// The shortest check interval, in seconds, a user who is not an admin may choose.
    #[arg(long, env = "RUNSTATE_MIN_INTERVAL", default_value_t = 30,
          value_parser = clap::value_parser!(i64).range(1..=86_400), global = true)]
    pub min_interval: i64,
    /// Pings one heartbeat monitor's token may send per minute; more get 429.
    #[arg(long, env = "RUNSTATE_PINGS_PER_MINUTE", default_value_t = 60,
          value_parser = clap::value_parser!(u32).range(1..=100_000), global = true)]
    pub pings_per_minute: u32,
    /// Channel test messages one user may send per hour.
    #[arg(long, env = "RUNSTATE_CHANNEL_TESTS_PER_USER", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=100_000), global = true)]
    pub channel_tests_per_user: u32,
    /// Test messages one channel may receive per 10 minutes.
    #[arg(long, env = "RUNSTATE_CHANNEL_TESTS_PER_CHANNEL", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=100_000), global = true)]
    pub channel_tests_per_channel: u32,
    /// Who may sign up.
    #[arg(long, env = "RUNSTATE_SIGNUP", value_enum, default_value = "open", global = true)]
    pub signup: SignupPolicy,
    /// Email of an admin to create on start-up if missing.
    #[arg(long, env = "RUNSTATE_ADMIN_EMAIL", global = true)]
    pub admin_email: Option<String>,
    /// Password of that admin.
    #[arg(long, env = "RUNSTATE_ADMIN_PASSWORD", hide_env_values = true, global = true)]
    pub admin_password: Option<String>,
    /// Name of the region this process checks from.
    #[arg(long, env = "RUNSTATE_REGION", default_value = "default", global = true)]
    pub region: String,
    /// Origins allowed to call the API from a browser (comma-separated).
    #[arg(long, env = "RUNSTATE_CORS_ORIGINS", value_delimiter = ',', global = true)]
    pub cors_origins: Vec<String>,
    /// SMTP server for email channels: smtp://user:pass@host:25 (no TLS), smtps://…:465
    /// (TLS) or smtp+starttls://…:587 (STARTTLS required).
    #[arg(long, env = "RUNSTATE_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,
    /// A separate address for /metrics (with /healthz and /readyz). `all` and
    /// `serve` then no longer serve /metrics on --bind; `worker` and
    /// `scheduler` serve nothing over HTTP without it.
    #[arg(long, env = "RUNSTATE_METRICS_BIND", global = true)]
    pub metrics_bind: Option<SocketAddr>,
    /// Bearer token /metrics requires (at least 16 characters); unset, anyone
    /// who reaches /metrics may read it.
    #[arg(long, env = "RUNSTATE_METRICS_TOKEN", hide_env_values = true,
          value_parser = metrics_token, global = true)]
    pub metrics_token: Option<String>,
    /// Prefix of the queue keys in Redis: installations sharing one Redis
    /// need different ones.
    #[arg(long, env = "RUNSTATE_QUEUE_NAMESPACE", default_value = "runstate", global = true)]
    pub queue_namespace: String,
    /// Seconds after which a job held by a silent worker is handed to another.
    #[arg(long, env = "RUNSTATE_QUEUE_ORPHAN_AFTER", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(5..=3600), global = true)]
    pub queue_orphan_after: u64,
    /// Check jobs waiting in the queue at most: when workers fall behind, the
    /// scheduler claims no more until they catch up (late monitors then get
    /// one check, not one per missed slot) instead of growing a backlog.
    #[arg(long, env = "RUNSTATE_MAX_QUEUED_CHECKS", default_value_t = 5000,
          value_parser = clap::value_parser!(u64).range(100..=1_000_000), global = true)]
    pub max_queued_checks: u64,
    /// Delivery attempts of a notification before it is marked failed.
    #[arg(long, env = "RUNSTATE_NOTIFICATION_ATTEMPTS", default_value_t = 5,
          value_parser = clap::value_parser!(i32).range(1..=20), global = true)]
    pub notification_attempts: i32,
    /// Seconds a delivery attempt holds its notification: if its worker dies
    /// mid-attempt, the notification is retried this long after the attempt
    /// began. Longer than the senders' timeouts (15 s), so a slow attempt
    /// is never sent twice at once.
    #[arg(long, env = "RUNSTATE_NOTIFICATION_LEASE", default_value_t = 120,
          value_parser = clap::value_parser!(u32).range(20..=3600), global = true)]
    pub notification_lease: u32,
    /// Days raw check results are kept (rollups and incidents outlive them).
    #[arg(long, env = "RUNSTATE_CHECK_RETENTION_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub check_retention_days: u32,
    /// Days resolved outages (incidents, runner outages) are kept; the newest
    /// of each monitor and runner is always kept so numbering continues.
    #[arg(long, env = "RUNSTATE_OUTAGE_RETENTION_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub outage_retention_days: u32,
    /// Days a session lasts at most after sign-in, however often it is
    /// refreshed (unused, it ends after 30 days anyway).
    #[arg(long, env = "RUNSTATE_SESSION_MAX_AGE_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=365), global = true)]
    pub session_max_age_days: u32,
    /// Sender address of email notifications.
    #[arg(long, env = "RUNSTATE_SMTP_FROM", global = true)]
    pub smtp_from: Option<String>,
    /// Log line format.
    #[arg(long, env = "RUNSTATE_LOG_FORMAT", value_enum, default_value = "text", global = true)]
    pub log_format: LogFormat,
    /// Directory of the built web assets (wasm, js, css).
    #[arg(long, env = "RUNSTATE_SITE_ROOT", global = true)]
    pub site_root: Option<PathBuf>,
}

/// A metrics token long enough not to be guessed.
fn metrics_token(raw: &str) -> Result<String, String> {
    let token = raw.trim();
    if token.chars().count() < 16 {
        return Err("the metrics token must have at least 16 characters".into());
    }
    Ok(token.to_owned())
}

impl Config {
    /// The database URL: the configured one, or a SQLite file in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("runstate.db").display()),
        }
    }

    /// Where the web assets are: the flag, Leptos's own variable, or `target/site`.
    pub fn site_root(&self) -> PathBuf {
        self.site_root
            .clone()
            .or_else(|| std::env::var_os("LEPTOS_SITE_ROOT").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("target/site"))
    }

    /// The base URL used in links that leave the app (alerts, emails).
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// The host of [`Config::public_url`] (lower case, no port): the
    /// installation's own name, never a status page's custom domain.
    pub fn public_host(&self) -> Option<String> {
        let url = url::Url::parse(&self.public_url()).ok()?;
        url.host_str().map(|h| h.trim_end_matches('.').to_ascii_lowercase())
    }

    /// How long history is kept, for the retention pass.
    pub fn retention(&self) -> domain::pipeline::retention::Retention {
        domain::pipeline::retention::Retention {
            checks: chrono::Duration::days(i64::from(self.check_retention_days)),
            outages: chrono::Duration::days(i64::from(self.outage_retention_days)),
        }
    }

    /// The sign-up and sign-in limits these settings choose.
    pub fn account_limits(&self) -> domain::accounts::throttle::AccountLimits {
        domain::accounts::throttle::AccountLimits::default()
            .with_signups_per_hour(self.signups_per_hour)
            .with_signins_per_minute(self.signins_per_minute)
    }

    /// The per-user quotas these settings choose.
    pub fn quotas(&self) -> domain::quotas::Quotas {
        domain::quotas::Quotas {
            monitors: self.max_monitors_per_user,
            channels: self.max_channels_per_user,
            slack_integrations: self.max_slack_integrations_per_user,
            min_interval_secs: self.min_interval,
        }
    }

    /// Whether pages are served over HTTPS (decides Secure cookies and HSTS).
    pub fn is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }
}

impl From<SignupPolicy> for domain::accounts::SignupPolicy {
    fn from(policy: SignupPolicy) -> Self {
        match policy {
            SignupPolicy::Open => Self::Open,
            SignupPolicy::Invite => Self::Invite,
            SignupPolicy::Closed => Self::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("runstate").chain(args.iter().copied()))
            .expect("valid arguments")
    }

    #[test]
    fn defaults_are_the_embedded_mode_on_loopback() {
        let cli = parse(&[]);
        assert!(cli.command.is_none());
        assert_eq!(cli.config.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(cli.config.database_url(), "sqlite://./data/runstate.db?mode=rwc");
        assert!(cli.config.redis_url.is_none());
        assert_eq!(cli.config.signup, SignupPolicy::Open);
        assert_eq!(cli.config.public_url(), "http://127.0.0.1:3000");
        assert!(cli.config.encryption_key.is_none());
    }

    #[test]
    fn retention_defaults_to_thirty_days_and_takes_flags() {
        let defaults = parse(&[]).config.retention();
        assert_eq!(defaults.checks, chrono::Duration::days(30));
        assert_eq!(defaults.outages, chrono::Duration::days(30));
        let cli = parse(&["--check-retention-days", "7", "--outage-retention-days", "90"]);
        assert_eq!(cli.config.retention().checks, chrono::Duration::days(7));
        assert_eq!(cli.config.retention().outages, chrono::Duration::days(90));
        assert!(Cli::try_parse_from(["runstate", "--check-retention-days", "0"]).is_err());
    }

    #[test]
    fn quotas_and_limits_default_to_what_a_real_team_never_meets() {
        let config = parse(&[]).config;
        assert_eq!(config.quotas(), domain::quotas::Quotas::default());
        assert_eq!(config.account_limits(), domain::accounts::throttle::AccountLimits::default());
        assert!(config.trusted_proxies.is_empty());
        let config = parse(&["--max-monitors-per-user", "3", "--min-interval", "5"]).config;
        assert_eq!((config.quotas().monitors, config.quotas().min_interval_secs), (3, 5));
        assert!(Cli::try_parse_from(["runstate", "--min-interval", "0"]).is_err());
        assert!(Cli::try_parse_from(["runstate", "--trusted-proxies", "proxy"]).is_err());
    }

    #[test]
    fn sessions_last_thirty_days_at_most_by_default() {
        assert_eq!(parse(&[]).config.session_max_age_days, 30);
        assert_eq!(parse(&["--session-max-age-days", "7"]).config.session_max_age_days, 7);
        assert!(Cli::try_parse_from(["runstate", "--session-max-age-days", "0"]).is_err());
    }

    #[test]
    fn the_metrics_token_is_secret_and_long_enough() {
        let cli = parse(&["--metrics-token", "0123456789abcdef", "serve"]);
        assert_eq!(cli.config.metrics_token.as_deref(), Some("0123456789abcdef"));
        assert!(Cli::try_parse_from(["runstate", "--metrics-token", "short"]).is_err());
        assert!(parse(&[]).config.metrics_token.is_none());
    }

    #[test]
    fn the_notification_lease_defaults_to_two_minutes_and_outlasts_the_senders() {
        assert_eq!(parse(&[]).config.notification_lease, 120);
        assert_eq!(parse(&["--notification-lease", "20"]).config.notification_lease, 20);
        // Below the senders' 15 s timeouts a slow attempt could be doubled.
        assert!(Cli::try_parse_from(["runstate", "--notification-lease", "15"]).is_err());
    }

    #[test]
    fn the_encryption_key_is_a_flag_too() {
        let cli = parse(&["--encryption-key", "a2V5"]);
        assert_eq!(cli.config.encryption_key.as_deref(), Some("a2V5"));
    }

    #[test]
    fn allow_targets_parse_as_cidrs_and_reject_garbage() {
        let cli = parse(&["--allow-targets", "127.0.0.0/8,::1/128"]);
        assert_eq!(cli.config.allow_targets.len(), 2);
        let err = Cli::try_parse_from(["runstate", "--allow-targets", "not-a-cidr"]);
        assert!(err.is_err());
    }

    #[test]
    fn worker_takes_queues_and_global_flags_after_the_subcommand() {
        let cli = parse(&["worker", "--queues", "checks", "--region", "eu"]);
        match cli.command {
            Some(Command::Worker(args)) => assert_eq!(args.queues, ["checks"]),
            other => panic!("expected worker, got {other:?}"),
        }
        assert_eq!(cli.config.region, "eu");
    }
}
