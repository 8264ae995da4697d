//! The process commands of DESIGN.md: `all` (default), `serve`, `worker`,
//! `scheduler`, `migrate` and `admin`.

pub mod backup;
mod signal;

use anyhow::Context;
use domain::accounts::Role;
use jobs::runtime::Roles;
use tokio::net::TcpListener;

use crate::config::{AdminCommand, Cli, Command, Config};
use crate::http::ServeOptions;

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    crate::telemetry::init_logging(cli.config.log_format);
    match cli.command.unwrap_or(Command::All) {
        Command::All => serve_web(cli.config, true, Some(Roles::all(DEFAULT_CONCURRENCY))).await,
        Command::Serve => {
            let embedded = cli.config.database_url.is_none();
            serve_web(cli.config, embedded, None).await
        }
        Command::Worker(args) => {
            let roles =
                Roles::workers(&args.queues, args.concurrency).map_err(anyhow::Error::msg)?;
            run_pipeline(cli.config, roles).await
        }
        Command::Scheduler => {
            let roles =
                Roles { scheduler: true, ..Roles::workers(&[], 1).map_err(anyhow::Error::msg)? };
            run_pipeline(cli.config, roles).await
        }
        Command::Migrate(args) if args.status => migration_status(cli.config).await,
        Command::Migrate(_) => migrate(cli.config).await,
        Command::Backup(args) => backup::backup(&cli.config, &args.file, args.with_keys).await,
        Command::Restore(args) => backup::restore(&cli.config, &args.file).await,
        Command::Healthcheck => healthcheck(cli.config.bind).await,
        Command::Admin(cmd) => admin(cli.config, cmd).await,
    }
}

/// Jobs at once per queue in the single-process mode.
const DEFAULT_CONCURRENCY: usize = 64;

/// Serves the web app and API until SIGINT/SIGTERM, with the pipeline's
/// `roles` running beside it in this process.
async fn serve_web(config: Config, migrate: bool, roles: Option<Roles>) -> anyhow::Result<()> {
    let bind = config.bind;
    let site_root = config.site_root();
    if !site_root.join("pkg").join(format!("{}.js", crate::web::OUTPUT_NAME)).exists() {
        tracing::warn!(site_root = %site_root.display(),
            "web assets not found: pages render but will not hydrate (build them with `make run`)");
    }
    let state = crate::build_state(config, migrate).await?;
    tracing::info!(
        database = domain::db::backend_name(&state.db),
        queue = state.queue.name(),
        "RunState is ready"
    );
    let listener =
        TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!(address = %format!("http://{bind}"), "listening");
    let metrics = match state.config.metrics_bind {
        Some(addr) => Some(tokio::spawn(serve_metrics(bind_metrics(addr).await?, state.clone()))),
        None => None,
    };
    let pipeline = roles.map(|roles| jobs::runtime::start(crate::pipeline_context(&state), &roles));
    crate::http::serve(listener, crate::app(state), ServeOptions::default(), signal::shutdown())
        .await;
    if let Some(pipeline) = pipeline {
        pipeline.shutdown().await;
    }
    if let Some(metrics) = metrics {
        let _ = metrics.await;
    }
    Ok(())
}

async fn bind_metrics(addr: std::net::SocketAddr) -> anyhow::Result<TcpListener> {
    let listener =
        TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(address = %format!("http://{addr}/metrics"), "serving metrics");
    Ok(listener)
}

/// Probes and metrics on their own listener (`--metrics-bind`), until shutdown.
async fn serve_metrics(listener: TcpListener, state: crate::AppState) {
    let router = crate::http::apply_layers(crate::ops::router().with_state(state), false);
    crate::http::serve(listener, router, ServeOptions::default(), signal::shutdown()).await;
}

/// Runs pipeline roles without the web server (`worker`, `scheduler`).
async fn run_pipeline(config: Config, roles: Roles) -> anyhow::Result<()> {
    let migrate = config.database_url.is_none();
    let state = crate::build_state(config, migrate).await?;
    state.queue.ping().await?;
    tracing::info!(queue = state.queue.name(), ?roles, "pipeline running");
    let pipeline = jobs::runtime::start(crate::pipeline_context(&state), &roles);
    match state.config.metrics_bind {
        // Probes and metrics only: a worker has no pages or API to serve.
        Some(addr) => serve_metrics(bind_metrics(addr).await?, state).await,
        None => signal::shutdown().await,
    }
    pipeline.shutdown().await;
    Ok(())
}

async fn migrate(config: Config) -> anyhow::Result<()> {
    let url = config.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let db = domain::db::connect(&url).await?;
    domain::db::migrate(&db).await?;
    tracing::info!(database = %domain::db::redact(&url), "migrations applied");
    Ok(())
}

/// Asks `GET /healthz` of the server listening on `bind` (on loopback when it
/// listens on every address), with a plain HTTP/1.0 request: 3 s at most.
async fn healthcheck(bind: std::net::SocketAddr) -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut addr = bind;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let ask = async {
        #[allow(
            clippy::disallowed_methods,
            reason = "a client of this very server on loopback, not an outbound path"
        )]
        let mut stream = tokio::net::TcpStream::connect(addr).await?;
        stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n").await?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).await?;
        anyhow::Ok(head)
    };
    let head = tokio::time::timeout(std::time::Duration::from_secs(3), ask)
        .await
        .with_context(|| format!("no answer from {addr} within 3 s"))??;
    // `HTTP/1.1 200`: the status code is bytes 9 to 12.
    anyhow::ensure!(
        &head[9..12] == b"200",
        "{addr}/healthz answered {}",
        String::from_utf8_lossy(&head)
    );
    println!("healthy");
    Ok(())
}

/// Prints each migration this binary has and whether the database applied it.
async fn migration_status(config: Config) -> anyhow::Result<()> {
    let db = domain::db::connect(&config.database_url()).await?;
    let status = domain::db::schema_status(&db).await?;
    for (name, applied) in &status {
        println!("{} {name}", if *applied { "applied" } else { "pending" });
    }
    let pending = status.iter().filter(|(_, applied)| !applied).count();
    println!("{} applied, {pending} pending", status.len() - pending);
    Ok(())
}

/// Operator tasks; they open the database like `serve` does.
async fn admin(config: Config, command: AdminCommand) -> anyhow::Result<()> {
    let migrate = config.database_url.is_none();
    let state = crate::build_state(config, migrate).await?;
    match command {
        AdminCommand::CreateUser { email, password, admin } => {
            let role = if admin { Role::Admin } else { Role::User };
            let user = state.accounts.create_user(&email, &password, role).await?;
            println!("created {} ({}) with id {}", user.email, role.as_str(), user.id);
        }
        AdminCommand::ResetPassword { email, password } => {
            state.accounts.reset_password(&email, &password).await?;
            println!("password reset for {email}; their sessions have ended");
        }
    }
    Ok(())
}
