//! Typed columns (decision 68): the words `kinds` defines are stored as the
//! same text they always were, read back as their enums on SQLite and on
//! Postgres, and a stored word outside the set is a clear error, not a panic
//! and not a silent default.

#![allow(clippy::unwrap_used)]

use domain::accounts::Role;
use domain::entities::{monitor_state, monitors, users};
use domain::monitors::{MonitorKind, Status};
use domain::testing;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};

/// The first column of a one-row, one-column query, as text.
async fn text(db: &DatabaseConnection, sql: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

async fn execute(db: &DatabaseConnection, sql: &str) {
    db.execute_unprepared(sql).await.unwrap();
}

#[tokio::test]
async fn stored_words_read_back_as_their_enums_and_strange_ones_are_errors() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let owner = testing::user(db, Role::Admin).await;
        let id = testing::MonitorBuilder::http("https://example.org/")
            .name("site")
            .paused()
            .create(db, &owner)
            .await
            .id;

        // The same text as before the columns were typed.
        assert_eq!(text(db, "SELECT kind FROM monitors").await, "http", "{}", test.url);
        assert_eq!(text(db, "SELECT role FROM users").await, "ADMIN");
        assert_eq!(text(db, "SELECT status FROM monitor_state").await, "paused");

        // Text written by hand (an older binary, a migration) reads as the enum.
        execute(db, "UPDATE monitors SET kind = 'tcp'").await;
        execute(db, "UPDATE monitor_state SET status = 'degraded'").await;
        let row = monitors::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
        assert_eq!(row.kind, MonitorKind::Tcp);
        let state = monitor_state::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
        assert_eq!(state.status, Status::Degraded);
        let user = users::Entity::find_by_id(owner.user_id).one(db).await.unwrap().unwrap();
        assert_eq!(user.role, Role::Admin);

        // A word outside the set: an error naming it, never a default.
        execute(db, "UPDATE monitor_state SET status = 'sideways'").await;
        let err = monitor_state::Entity::find_by_id(id).one(db).await.unwrap_err();
        assert!(err.to_string().contains("sideways"), "{err} ({})", test.url);
        execute(db, "UPDATE users SET role = 'admin'").await;
        let err = users::Entity::find_by_id(owner.user_id).one(db).await.unwrap_err();
        assert!(err.to_string().contains("admin"), "case matters: {err}");
    }
}
