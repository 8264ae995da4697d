//! The `runstate` binary's library: configuration, the HTTP app (pages, REST
//! API, probes) and the process commands. `main.rs` only calls [`cli::run`].

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod http;
pub mod ops;
pub mod secrets;
pub mod state;
pub mod telemetry;
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
    }
    let queue = jobs::Queues::connect(config.redis_url.as_deref(), &db).await?;
    let secret =
        secrets::load_or_create(&config.data_dir, "jwt.key", config.jwt_secret.as_deref())?;
    let keys = domain::accounts::TokenKeys::from_secret(&secret)?;
    let accounts = domain::accounts::AccountService::new(db.clone(), keys, config.signup.into());
    if let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) {
        if accounts.ensure_admin(email, password).await? {
            tracing::info!(email = %email, "created the configured admin account");
        }
    }
    Ok(AppState {
        accounts,
        leptos: web::leptos_options(&config),
        config: Arc::new(config),
        db,
        queue,
        metrics: telemetry::metrics_handle(),
    })
}

/// The whole HTTP application: API, probes and pages, with every layer.
pub fn app(state: AppState) -> Router {
    let https = state.config.is_https();
    let router = Router::new()
        .nest("/api/v1", api::router(&state.config))
        .route("/api", axum::routing::any(api::not_found))
        .route("/api/{*rest}", axum::routing::any(api::not_found))
        .merge(ops::router())
        .merge(web::router(&state))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session::cookie_session))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::csrf::same_origin_only))
        .with_state(state);
    http::apply_layers(router, https)
}
