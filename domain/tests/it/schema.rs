//! The migrations build the same schema on SQLite and Postgres, undo
//! cleanly, and the database itself enforces the pipeline's invariants.

#![allow(clippy::unwrap_used)]

use chrono::Utc;
use domain::entities::{incidents, monitors, users};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use uuid::Uuid;

async fn user(db: &DatabaseConnection) -> Uuid {
    let id = Uuid::new_v4();
    users::ActiveModel {
        id: Set(id),
        email: Set(format!("{id}@example.org")),
        password_hash: Set("x".into()),
        role: Set(kinds::Role::User),
        disabled: Set(false),
        token_version: Set(0),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .unwrap();
    id
}

async fn monitor(db: &DatabaseConnection, owner: Uuid) -> Uuid {
    let id = Uuid::new_v4();
    let now = Utc::now();
    monitors::ActiveModel {
        id: Set(id),
        owner_id: Set(owner),
        name: Set("site".into()),
        kind: Set(kinds::MonitorKind::Http),
        target: Set("https://example.org/".into()),
        config: Set("{}".into()),
        interval_seconds: Set(60),
        timeout_ms: Set(10_000),
        confirmations: Set(2),
        recoveries: Set(1),
        paused: Set(false),
        next_check_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        secret: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    id
}

fn incident(monitor_id: Uuid, number: i32) -> incidents::ActiveModel {
    incidents::ActiveModel {
        id: Set(Uuid::new_v4()),
        monitor_id: Set(monitor_id),
        subject: Set(String::new()),
        number: Set(number),
        started_at: Set(Utc::now()),
        resolved_at: Set(None),
        cause: Set("timeout".into()),
        acknowledged_at: Set(None),
        acknowledged_by: Set(None),
    }
}

#[tokio::test]
async fn migrations_apply_on_every_backend_and_roll_back_cleanly() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let applied = Migrator::get_applied_migrations(db).await.unwrap();
        assert_eq!(applied.len(), Migrator::migrations().len(), "{}", test_db.url);
        let owner = user(db).await;
        monitor(db, owner).await;

        Migrator::down(db, None).await.unwrap();
        assert!(
            db.execute_unprepared("SELECT 1 FROM users").await.is_err(),
            "users survived down()"
        );
        Migrator::up(db, None).await.unwrap();
        user(db).await;
    }
}

#[tokio::test]
async fn the_database_allows_at_most_one_open_incident_per_monitor() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let owner = user(db).await;
        let monitor_id = monitor(db, owner).await;
        incident(monitor_id, 1).insert(db).await.unwrap();
        let second = incident(monitor_id, 2).insert(db).await;
        assert!(second.is_err(), "a second open incident was accepted on {}", test_db.url);

        // Once the first is resolved, the next one may open.
        db.execute_unprepared("UPDATE incidents SET resolved_at = CURRENT_TIMESTAMP")
            .await
            .unwrap();
        incident(monitor_id, 2).insert(db).await.unwrap();
    }
}

#[tokio::test]
async fn deleting_a_user_deletes_their_monitors() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        let owner = user(db).await;
        let monitor_id = monitor(db, owner).await;
        users::Entity::delete_by_id(owner).exec(db).await.unwrap();
        let left = monitors::Entity::find_by_id(monitor_id).one(db).await.unwrap();
        assert!(left.is_none(), "the monitor outlived its owner on {}", test_db.url);
    }
}

/// A process that must not migrate refuses a schema that is behind, and
/// names the next migration; the status lists every migration in order.
#[tokio::test]
async fn a_schema_behind_the_binary_is_refused_until_migrated() {
    for test_db in domain::testing::all_backends().await {
        let db = &test_db.db;
        assert!(domain::db::schema_status(db).await.unwrap().iter().all(|(_, applied)| *applied));
        domain::db::require_current(db).await.unwrap();

        Migrator::down(db, Some(2)).await.unwrap();
        let status = domain::db::schema_status(db).await.unwrap();
        assert_eq!(status.len(), Migrator::migrations().len());
        let pending: Vec<&str> =
            status.iter().filter(|(_, a)| !a).map(|(name, _)| name.as_str()).collect();
        assert_eq!(pending.len(), 2, "{status:?}");
        match domain::db::require_current(db).await {
            Err(domain::db::DbOpenError::Behind { pending: 2, next }) => {
                assert_eq!(next, pending[0]);
            }
            other => panic!("expected Behind, got {other:?}"),
        }
        domain::db::migrate(db).await.unwrap();
        domain::db::require_current(db).await.unwrap();
    }
}
