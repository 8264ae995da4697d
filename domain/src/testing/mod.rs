//! Fresh, real databases for tests: a SQLite file in a temporary directory, or
//! a new database on the Postgres server the test script started.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// A database that lives as long as this value (the SQLite file's directory).
pub struct TestDb {
    pub db: DatabaseConnection,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Another handle on the same database, as a second process would open
    /// it; the first must outlive it (it owns the SQLite file's directory).
    pub async fn share(&self) -> TestDb {
        let db = crate::db::connect(&self.url).await.expect("open the same database");
        TestDb { db, url: self.url.clone(), _dir: None }
    }
}

/// A migrated SQLite database in a new temporary directory.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}/runstate.db?mode=rwc", dir.path().display());
    let db = crate::db::open(&url).await.expect("open SQLite");
    TestDb { db, url, _dir: Some(dir) }
}

/// The Postgres server of the test run (`TEST_DATABASE_URL`), if any.
///
/// `make test` always sets it and also sets `RUNSTATE_REQUIRE_SERVICES=1`, so a
/// missing server fails the run there instead of silently skipping.
pub fn postgres_server() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("RUNSTATE_REQUIRE_SERVICES").is_err(),
                "TEST_DATABASE_URL is required when RUNSTATE_REQUIRE_SERVICES is set"
            );
            eprintln!("TEST_DATABASE_URL unset: skipping the Postgres variant");
            None
        }
    }
}

/// A new, migrated database on the test Postgres server, or `None` without one.
pub async fn postgres() -> Option<TestDb> {
    let server = postgres_server()?;
    let admin = Database::connect(&server).await.expect("connect to Postgres");
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let (base, _) = server.rsplit_once('/').expect("database URL with a path");
    let url = format!("{base}/{name}");
    let db = crate::db::open(&url).await.expect("open Postgres");
    Some(TestDb { db, url, _dir: None })
}

/// Every backend available to this run: SQLite always, Postgres when started.
pub async fn all_backends() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    dbs.extend(postgres().await);
    dbs
}

/// A user with `role`, stored, as the principal services take. The row is
/// written here rather than through sign-up on purpose: sign-up hashes a
/// password (argon2, 19 MiB, slow in a debug build), which hundreds of tests would
/// pay for a user none of them signs in as.
pub async fn user(
    db: &DatabaseConnection,
    role: crate::accounts::Role,
) -> crate::accounts::Principal {
    use sea_orm::{ActiveModelTrait, Set};
    let id = uuid::Uuid::new_v4();
    let email = format!("{id}@example.org");
    let now = chrono::Utc::now();
    crate::entities::users::ActiveModel {
        id: Set(id),
        email: Set(email.clone()),
        password_hash: Set("x".into()),
        role: Set(role),
        disabled: Set(false),
        token_version: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .expect("insert user");
    crate::accounts::Principal {
        user_id: id,
        email,
        role,
        credential: crate::accounts::Credential::Session(uuid::Uuid::new_v4()),
    }
}

/// An HTTP monitor of `https://example.org/`, created through the monitor service.
pub async fn http_monitor(
    db: &DatabaseConnection,
    owner: &crate::accounts::Principal,
    name: &str,
) -> uuid::Uuid {
    MonitorBuilder::http("https://example.org/").name(name).create(db, owner).await.id
}

mod builders;
mod channels;
pub mod heartbeats;
mod results;
pub use builders::MonitorBuilder;
pub use channels::ChannelBuilder;
pub use results::{down, outage, record, result};
/// Monitor `id` with write access (so every read too), granted through the
/// access check to a fresh admin: what routes get, for tests of the reads.
pub async fn monitor_ref(
    db: &DatabaseConnection,
    id: uuid::Uuid,
) -> crate::monitors::MonitorRef<crate::monitors::Write> {
    let admin = user(db, crate::accounts::Role::Admin).await;
    let key = crate::channels::EncryptionKey::generate();
    crate::monitors::MonitorService::new(db.clone(), &key)
        .authorize(&admin, id, crate::monitors::Write)
        .await
        .expect("an admin may write any monitor")
}
