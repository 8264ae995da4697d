//! `runstate backup FILE [--with-keys]` and `runstate restore FILE`
//! (docs/deploy.md#backups). A backup is one SQLite file: `VACUUM INTO`
//! reads the database in one transaction, so the copy is consistent while
//! the server keeps writing (WAL lets readers and the writer run together).
//! With `--with-keys` the data directory's keys travel inside the copy, in
//! a table that `restore` takes out again; without them the sealed secrets
//! (channel targets, monitor tokens) of the copy cannot be opened.

use std::path::Path;

use anyhow::{bail, Context};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::config::Config;

/// The table a backup carries the keys in; never in a live database.
const KEYS_TABLE: &str = "runstate_backup_keys";
/// The secrets the data directory may hold (`secrets.rs`).
const KEY_FILES: [&str; 2] = ["data.key", "jwt.key"];

/// Copies the embedded database to `file` (a new file, owner-only).
pub async fn backup(config: &Config, file: &Path, with_keys: bool) -> anyhow::Result<()> {
    let url = sqlite_url(config)?;
    if file.exists() {
        bail!("{} exists: a backup is written to a new file", file.display());
    }
    let path = file.to_str().context("the backup's path must be UTF-8")?;
    let db = domain::db::connect(&url).await?;
    let into = Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [path.into()]);
    db.execute_raw(into).await.context("cannot write the backup")?;
    db.close().await?;
    owner_only(file)?;
    let mut carried = Vec::new();
    if with_keys {
        let copy = open(file, "rw").await?;
        let create =
            format!("CREATE TABLE {KEYS_TABLE} (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
        copy.execute_unprepared(&create).await?;
        for name in KEY_FILES {
            let Ok(value) = std::fs::read_to_string(config.data_dir.join(name)) else { continue };
            let insert = Statement::from_sql_and_values(
                DbBackend::Sqlite,
                format!("INSERT INTO {KEYS_TABLE} (name, value) VALUES (?, ?)"),
                [name.into(), value.trim().into()],
            );
            copy.execute_raw(insert).await?;
            carried.push(name);
        }
        copy.close().await?;
    }
    println!("backup written to {}", file.display());
    if carried.is_empty() {
        println!(
            "it holds no keys: keep {} (or RUNSTATE_ENCRYPTION_KEY) safe yourself; without it \
             the sealed secrets in the backup cannot be read",
            config.data_dir.join("data.key").display()
        );
    } else {
        println!("with the keys {}: keep this file as safe as they are", carried.join(", "));
    }
    Ok(())
}

/// Restores `file` into the data directory, which must hold no database;
/// keys the backup carries are written beside it (a key already there must
/// be the same). The schema is then brought up to this binary's.
pub async fn restore(config: &Config, file: &Path) -> anyhow::Result<()> {
    let url = sqlite_url(config)?;
    let target = config.data_dir.join("runstate.db");
    if target.exists() {
        bail!("{} exists: restore writes into a data directory with no database", target.display());
    }
    let source = open(file, "ro").await?;
    let is_ours = source.execute_unprepared("SELECT 1 FROM seaql_migrations LIMIT 1").await;
    if is_ours.is_err() {
        bail!("{} is not a RunState backup", file.display());
    }
    let keys = carried_keys(&source).await?;
    source.close().await?;
    for (name, value) in &keys {
        if let Ok(present) = std::fs::read_to_string(config.data_dir.join(name)) {
            if present.trim() != value {
                bail!("{name} in the data directory differs from the backup's: move it away first");
            }
        }
    }
    std::fs::create_dir_all(&config.data_dir)?;
    std::fs::copy(file, &target).with_context(|| format!("cannot copy to {}", target.display()))?;
    owner_only(&target)?;
    for (name, value) in &keys {
        let path = config.data_dir.join(name);
        if !path.exists() {
            crate::secrets::write_new_private(&path, value.as_bytes())?;
        }
    }
    let db = domain::db::connect(&url).await?;
    db.execute_unprepared(&format!("DROP TABLE IF EXISTS {KEYS_TABLE}")).await?;
    domain::db::migrate(&db).await?;
    db.close().await?;
    println!("restored {} into {}", file.display(), target.display());
    if keys.iter().all(|(name, _)| name != "data.key") {
        println!(
            "the backup held no data.key: put the old one in {} (or set RUNSTATE_ENCRYPTION_KEY), \
             or the sealed secrets cannot be read",
            config.data_dir.display()
        );
    }
    Ok(())
}

/// The keys a backup carries, if it was made `--with-keys`.
async fn carried_keys(db: &DatabaseConnection) -> anyhow::Result<Vec<(String, String)>> {
    let query = format!("SELECT name, value FROM {KEYS_TABLE}");
    let Ok(rows) = db.query_all_raw(Statement::from_string(DbBackend::Sqlite, query)).await else {
        return Ok(Vec::new());
    };
    let mut keys = Vec::new();
    for row in rows {
        let name: String = row.try_get("", "name")?;
        if !KEY_FILES.contains(&name.as_str()) {
            bail!("the backup carries an unknown key file {name:?}");
        }
        keys.push((name, row.try_get("", "value")?));
    }
    Ok(keys)
}

/// The embedded database's URL; a Postgres one is refused with the way to
/// back it up instead.
fn sqlite_url(config: &Config) -> anyhow::Result<String> {
    let url = config.database_url();
    if !url.starts_with("sqlite:") {
        bail!("backup and restore handle the embedded SQLite database; back Postgres up with pg_dump (docs/deploy.md#backups)");
    }
    Ok(url)
}

/// A plain connection to the SQLite file at `path` (`mode` `ro` or `rw`).
async fn open(path: &Path, mode: &str) -> anyhow::Result<DatabaseConnection> {
    if !path.is_file() {
        bail!("{} is not a file", path.display());
    }
    let url = format!("sqlite://{}?mode={mode}", path.display());
    sea_orm::Database::connect(url.as_str())
        .await
        .with_context(|| format!("cannot open {}", path.display()))
}

/// Readable and writable by the owner only: a backup holds every user's data.
fn owner_only(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
