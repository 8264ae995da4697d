//! The `runstate` binary's library: configuration, the HTTP app (pages, REST
//! API, probes) and the process commands. `main.rs` only calls [`cli::run`].

pub mod api;
pub mod auth;
pub mod badges;
pub mod cli;
pub mod config;
pub mod http;
pub mod ops;
pub mod ping;
pub mod ports;
pub mod secrets;
pub mod state;
mod subscribe;
pub mod telemetry;
mod unlock;
pub mod web;

use std::sync::Arc;

use axum::Router;

pub use config::Config;
pub use state::AppState;

/// Opens what the web process needs: the database (migrated when `migrate`),
/// the queues and the metrics recorder.
pub async fn build_state(config: Config, migrate: bool) -> anyhow::Result<AppState> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let db = domain::db::connect(&url).await?;
    if migrate {
        domain::db::migrate(&db).await?;
    } else {
        domain::db::require_current(&db).await?;
    }
    let queue_config = jobs::QueueConfig {
        namespace: config.queue_namespace.clone(),
        orphan_after: std::time::Duration::from_secs(config.queue_orphan_after),
        heartbeat: std::time::Duration::from_secs((config.queue_orphan_after / 6).max(1)),
        ..Default::default()
    };
    let queue = jobs::Queues::connect_with(config.redis_url.as_deref(), &db, queue_config).await?;
    let secret =
        secrets::load_or_create(&config.data_dir, "jwt.key", config.jwt_secret.as_deref())?;
    let keys = domain::accounts::TokenKeys::from_secret(&secret)?;
    let accounts = domain::accounts::AccountService::new(db.clone(), keys, config.signup.into())
        .with_limits(config.account_limits())
        .with_session_max_age(chrono::Duration::days(i64::from(config.session_max_age_days)));
    let key = secrets::encryption_key(&config.data_dir, config.encryption_key.as_deref())?;
    if config.redis_url.is_some() && config.encryption_key.is_none() {
        tracing::warn!(
            "RUNSTATE_ENCRYPTION_KEY is unset: stored secrets use this machine's data.key, \
             which processes on other machines cannot read; set the same key everywhere"
        );
    }
    let quotas = config.quotas();
    let test_limits = domain::channels::TestLimits::default()
        .with_counts(config.channel_tests_per_user, config.channel_tests_per_channel);
    let channels = domain::channels::ChannelService::new(db.clone(), &key)
        .with_quotas(quotas)
        .with_test_limits(test_limits, domain::clock::Clock::system());
    let smtp = smtp_config(&config)?.map(Arc::new);
    if let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) {
        if accounts.ensure_admin(email, password).await? {
            tracing::info!(email = %email, "created the configured admin account");
        }
    }
    let extra_roots_pem = match &config.ca_certs {
        Some(path) => vec![std::fs::read(path).map_err(|e| {
            anyhow::anyhow!("cannot read the CA certificates in {}: {e}", path.display())
        })?],
        None => Vec::new(),
    };
    let outbound = jobs::outbound::Outbound::new(jobs::outbound::OutboundOptions {
        allow: config.allow_targets.clone(),
        extra_roots_pem,
        ..Default::default()
    })?;
    if let Some(smtp) = &smtp {
        tokio::spawn(warn_if_smtp_refused(outbound.clone(), Arc::clone(smtp)));
    }
    let monitors = domain::monitors::MonitorService::new(db.clone(), &key).with_quotas(quotas);
    // Rows written before header values and bodies were sealed: seal them now.
    let sealed = monitors.seal_stored_http_secrets().await?;
    if sealed > 0 {
        tracing::info!(monitors = sealed, "sealed the stored headers and bodies of HTTP monitors");
    }
    let heartbeats = domain::heartbeats::service::HeartbeatService::new(db.clone(), &key)
        .with_pings_per_minute(config.pings_per_minute)
        .with_region(&config.region);
    let status_pages =
        domain::status_pages::StatusPageService::new(db.clone(), domain::clock::Clock::system())
            .with_protection(
                domain::status_pages::PassKey::derive(&secret),
                accounts.hasher().clone(),
            );
    let subscribers = domain::status_pages::SubscriberService::new(
        status_pages.clone(),
        domain::status_pages::subscribers::LinkKey::derive(&secret),
        &key,
        domain::clock::Clock::system(),
    );
    Ok(AppState {
        status_pages,
        subscribers,
        monitors,
        heartbeats,
        integrations: domain::integrations::SlackIntegrationService::new(db.clone(), &key)
            .with_quotas(quotas),
        maintenance: domain::maintenance::MaintenanceService::new(db.clone()),
        accounts,
        channels,
        outbound,
        smtp,
        leptos: web::leptos_options(&config),
        config: Arc::new(config),
        db,
        queue,
        metrics: telemetry::metrics_handle(),
    })
}

/// SMTP settings from `--smtp-url` and `--smtp-from`; a URL without a sender
/// is a start-up error rather than failing every email later.
fn smtp_config(config: &Config) -> anyhow::Result<Option<jobs::notify::SmtpConfig>> {
    let Some(url) = &config.smtp_url else {
        return Ok(None);
    };
    let from = config
        .smtp_from
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("RUNSTATE_SMTP_FROM is required with RUNSTATE_SMTP_URL"))?;
    Ok(Some(jobs::notify::SmtpConfig::parse(url, from)?))
}

/// Says at start-up, not at the first alert, that the guard refuses the SMTP
/// server (a local relay needs `--allow-targets`). Only a log line: the name
/// may resolve differently later, and sending re-checks every time.
async fn warn_if_smtp_refused(
    outbound: jobs::outbound::Outbound,
    smtp: Arc<jobs::notify::SmtpConfig>,
) {
    if let Err(err @ jobs::outbound::OutboundError::Denied { .. }) =
        outbound.resolve_checked(&smtp.host, smtp.port).await
    {
        tracing::warn!(
            host = %smtp.host,
            error = %err,
            "the outbound guard refuses the SMTP server: email channels will fail until its \
             address is in RUNSTATE_ALLOW_TARGETS"
        );
    }
}

/// What the pipeline's workers and scheduler share, from the app's state.
pub fn pipeline_context(state: &AppState) -> jobs::workers::PipelineContext {
    jobs::workers::PipelineContext {
        db: state.db.clone(),
        queues: state.queue.clone(),
        outbound: state.outbound.clone(),
        channels: state.channels.clone(),
        monitors: state.monitors.clone(),
        smtp: state.smtp.clone(),
        region: state.config.region.clone(),
        public_url: state.config.public_url(),
        notification_attempts: state.config.notification_attempts,
        notification_lease: chrono::Duration::seconds(i64::from(state.config.notification_lease)),
        max_queued_checks: state.config.max_queued_checks,
        retention: state.config.retention(),
        results: jobs::workers::results::ResultWriter::new(state.db.clone()),
        rdap: jobs::checks::RdapDirectory::new(state.config.rdap_bootstrap_url.clone()),
        subscribers: state.subscribers.clone(),
    }
}

/// The whole HTTP application: API, probes and pages, with every layer.
pub fn app(state: AppState) -> Router {
    let https = state.config.is_https();
    // With --metrics-bind, /metrics is served there only (see `cli`).
    let ops = if state.config.metrics_bind.is_some() { ops::probes() } else { ops::router() };
    let router = Router::new()
        .nest("/api/v1", api::router(&state.config))
        .merge(ping::router())
        .merge(unlock::router())
        .merge(subscribe::router())
        .merge(http::feeds::router())
        .route("/api", axum::routing::any(api::not_found))
        .route("/api/{*rest}", axum::routing::any(api::not_found))
        .merge(ops)
        .merge(web::router(&state))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session::cookie_session))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf::same_origin_only))
        .with_state(state.clone());
    // Rewrites a status page's other addresses before `router` routes them:
    // outside everything, so that the layers inside (metrics by route
    // template above all) see the request as routed.
    let hosts = http::public_hosts::PublicHosts {
        pages: state.status_pages.clone(),
        own: state.config.public_host(),
    };
    Router::new()
        .fallback_service(http::apply_layers(router, https))
        .layer(axum::middleware::from_fn_with_state(hosts, http::public_hosts::route))
}
