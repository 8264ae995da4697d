//! Opening the database: SQLite (embedded default) or Postgres, with the
//! schema brought up to date.

use std::time::Duration;

use chrono::{DateTime, Utc};
use migration::{MigrationStatus, Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbOpenError {
    #[error("unsupported database URL (use sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] DbErr),
    #[error("cannot apply migrations: {0}")]
    Migrate(#[source] DbErr),
    /// A process that does not migrate found the schema older than itself.
    #[error(
        "the database schema is {pending} migration(s) behind this binary (next: {next}); \
         run `runstate migrate` with this version first"
    )]
    Behind { pending: usize, next: String },
}

/// Connects to `url` (sqlite:// or postgres://) with settings suited to each.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbOpenError> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's nature: WAL lets readers run beside
        // it, and the busy timeout queues writers instead of failing them.
        opts.max_connections(8).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        opts.max_connections(32).min_connections(1);
    } else {
        return Err(DbOpenError::UnsupportedUrl(redact(url)));
    }
    Database::connect(opts).await.map_err(DbOpenError::Connect)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbOpenError> {
    Migrator::up(db, None).await.map_err(DbOpenError::Migrate)
}

/// Every migration this binary has, in order, and whether the database has
/// applied it. Read-only: nothing is created. A database that applied a
/// migration this binary does not know (a newer binary ran) is an error.
pub async fn schema_status(db: &DatabaseConnection) -> Result<Vec<(String, bool)>, DbErr> {
    Ok(Migrator::get_migration_with_status_read_only(db)
        .await?
        .into_iter()
        .map(|m| (m.name().to_owned(), m.status() == MigrationStatus::Applied))
        .collect())
}

/// Refuses a schema with migrations pending, for the processes of a
/// distributed setup that must not migrate on their own (`runstate migrate`
/// does, once, before they start).
pub async fn require_current(db: &DatabaseConnection) -> Result<(), DbOpenError> {
    let status = schema_status(db).await.map_err(DbOpenError::Migrate)?;
    let pending: Vec<&String> =
        status.iter().filter(|(_, applied)| !applied).map(|(name, _)| name).collect();
    match pending.first() {
        None => Ok(()),
        Some(next) => Err(DbOpenError::Behind { pending: pending.len(), next: (*next).clone() }),
    }
}

/// Connects and migrates: what `runstate all` and the tests do on start.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbOpenError> {
    let db = connect(url).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Begins a transaction that will write. On SQLite it takes the write lock
/// at once (`BEGIN IMMEDIATE`): a deferred transaction that reads first and
/// writes later fails at once with "database is locked" if another writer
/// committed in between, where an immediate one waits its turn.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// The database's clock. Leases and delays are measured against it, so a
/// process whose own clock runs ahead cannot take over another's work
/// early. SQLite runs inside this process, so its clock is this process's.
pub async fn now<C: ConnectionTrait>(db: &C) -> Result<DateTime<Utc>, DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(Utc::now());
    }
    let sql = Statement::from_string(DbBackend::Postgres, "SELECT clock_timestamp() AS now");
    let row = db.query_one_raw(sql).await?;
    row.ok_or_else(|| DbErr::RecordNotFound("clock_timestamp()".into()))?.try_get("", "now")
}

/// A cheap round trip, for readiness probes.
/// Whether every one of `ids` (distinct) is a row of `E` owned by `owner`
/// through `owner_col`, or merely exists when `any_owner` (an admin). Used
/// where a request names rows it may link to: one answer for "missing" and
/// "not yours".
pub async fn all_owned<E, C>(
    db: &C,
    id_col: E::Column,
    owner_col: E::Column,
    ids: &[uuid::Uuid],
    owner: uuid::Uuid,
    any_owner: bool,
) -> Result<bool, DbErr>
where
    E: sea_orm::EntityTrait,
    C: ConnectionTrait,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    if ids.is_empty() {
        return Ok(true);
    }
    let mut query = E::find().filter(id_col.is_in(ids.to_vec()));
    if !any_owner {
        query = query.filter(owner_col.eq(owner));
    }
    Ok(query.all(db).await?.len() == ids.len())
}

pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}

/// Which engine a connection talks to, for log lines and metrics.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// The URL without its password, safe to log or show.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_the_password_only() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/runstate"),
            "postgres://app:***@db:5432/runstate"
        );
        assert_eq!(redact("sqlite://data/runstate.db"), "sqlite://data/runstate.db");
    }
}
