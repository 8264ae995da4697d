//! Indexes serve the queries of the UI, the API and the pipeline (Postgres).
//!
//! Each query runs through its real domain function on a connection where
//! the planner may not choose a sequential scan unless no index can answer
//! (`enable_seqscan = off` makes that plan cost prohibitive, not impossible),
//! and Postgres's own counters must show no sequential scan of any table and
//! index scans instead. A query that needs a missing index fails here.
//! (The public status page is listed too: its spike is an outage's.)
//! Admin-wide views (every monitor of every user) read whole tables by
//! design and are not listed.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use chrono::{Duration, Utc};
use domain::accounts::Role;
use domain::clock::Clock;
use domain::history::{checks, incidents, stats, summary, IncidentFilter, StatsWindow};
use domain::monitors::{MonitorFilter, MonitorService, Status, Write};
use domain::pipeline::{self, record_result, CheckResult};
use domain::status_pages::{
    ComponentInput, ComponentKind, PageInput, PublicPage, StatusPageService,
};
use domain::{runners, testing};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait,
    Statement,
};
use uuid::Uuid;

/// Tables read whole by design: one row per rollup resolution.
const READ_WHOLE: [&str; 1] = ["rollup_watermarks"];

/// Tables' sequential and index scan counts, after flushing this backend's.
async fn scans(db: &DatabaseConnection) -> HashMap<String, (i64, i64)> {
    db.execute_unprepared("SELECT pg_stat_force_next_flush()").await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT relname::text AS t, seq_scan, COALESCE(idx_scan, 0) AS i FROM pg_stat_user_tables",
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            let table: String = r.try_get("", "t").unwrap();
            (table, (r.try_get("", "seq_scan").unwrap(), r.try_get("", "i").unwrap()))
        })
        .collect()
}

/// Runs `query` and fails if it scanned a table sequentially or used no index.
async fn indexed<T>(
    db: &DatabaseConnection,
    what: &str,
    query: impl std::future::Future<Output = T>,
) -> T {
    let before = scans(db).await;
    let answer = query.await;
    let after = scans(db).await;
    let mut seq = Vec::new();
    let mut idx = 0;
    for (table, (s, i)) in &after {
        let (s0, i0) = before.get(table).copied().unwrap_or((0, 0));
        if *s > s0 && !READ_WHOLE.contains(&table.as_str()) {
            seq.push(table.clone());
        }
        idx += i - i0;
    }
    assert!(seq.is_empty(), "{what}: sequential scan of {seq:?}");
    assert!(idx > 0, "{what}: no index scan at all");
    answer
}

#[tokio::test]
async fn every_ui_api_and_pipeline_query_is_served_by_an_index() {
    let Some(test_db) = testing::postgres().await else { return };
    let owner = testing::user(&test_db.db, Role::User).await;
    let mut ids = Vec::new();
    for n in 0..30 {
        ids.push(testing::http_monitor(&test_db.db, &owner, &format!("site {n}")).await);
    }
    let now = Utc::now();
    for (n, id) in ids.iter().enumerate() {
        for k in 0..40_i64 {
            let status = if (n as i64 + k) % 7 == 0 { Status::Down } else { Status::Up };
            let result = CheckResult {
                monitor_id: *id,
                slot: (now - Duration::minutes(k)).timestamp_millis(),
                checked_at: now - Duration::minutes(k),
                status,
                latency_ms: Some(20 + i32::try_from(k).unwrap()),
                http_status: Some(200),
                error: None,
                region: "default".into(),
                http: None,
            };
            record_result(&test_db.db, &result).await.unwrap();
        }
    }
    // Long windows read rollups: build them, as the scheduler's pass would.
    while domain::rollups::roll_up_batch(&test_db.db, now).await.unwrap().more {}
    let rolled = domain::entities::check_rollups::Entity::find().count(&test_db.db).await.unwrap();
    assert!(rolled > 0, "the windows below read rollups");
    let pages = StatusPageService::new(test_db.db.clone(), Clock::system());
    let input = PageInput {
        slug: Some("acme".into()),
        title: Some("Acme".into()),
        published: Some(true),
        ..Default::default()
    };
    let page = pages.create(&owner, input).await.unwrap();
    let shown = ids[..10].iter().map(|id| ComponentInput {
        id: None,
        kind: ComponentKind::Monitor,
        public_name: "API".into(),
        description: None,
        monitor_id: Some(*id),
        static_state: None,
        show_latency: true,
        members: Vec::new(),
    });
    let page = pages.authorize(&owner, page.id, Write).await.unwrap();
    pages.replace_components(&page, shown.collect()).await.unwrap();
    // Tags, and a window naming one: the tag paths of the reads below.
    for id in &ids[..5] {
        domain::monitors::tags::set(&test_db.db, *id, &["prod".to_owned()]).await.unwrap();
    }
    let window = domain::maintenance::MaintenanceInput {
        title: Some("Freeze".into()),
        kind: Some(kinds::MaintenanceKind::OneOff),
        starts_at: Some(now - Duration::hours(1)),
        ends_at: Some(now + Duration::hours(1)),
        tags: Some(vec!["prod".into()]),
        ..Default::default()
    };
    let windows = domain::maintenance::MaintenanceService::new(test_db.db.clone());
    windows.create(&owner, window).await.unwrap();
    test_db.db.execute_unprepared("ANALYZE").await.unwrap();

    // One connection, so the counters read are this session's too.
    let mut opts =
        ConnectOptions::new(format!("{}?options=-c%20enable_seqscan%3Doff", test_db.url));
    opts.max_connections(1).sqlx_logging(false);
    let db = Database::connect(opts).await.unwrap();
    let monitor = ids[3];
    let key = domain::channels::EncryptionKey::generate();
    let service = MonitorService::new(db.clone(), &key);
    let filter = MonitorFilter { limit: 100, ..Default::default() };

    indexed(&db, "dashboard list", service.list(&owner, &filter)).await.unwrap();
    let tagged = MonitorFilter { tag: Some("prod".into()), ..filter.clone() };
    let page = indexed(&db, "dashboard by tag", service.list(&owner, &tagged)).await.unwrap();
    assert_eq!(page.monitors.len(), 5);
    indexed(&db, "status counts", summary::status_counts(&db, &owner, false)).await.unwrap();
    indexed(&db, "24 h uptime", summary::uptime(&db, &ids, now - Duration::hours(24)))
        .await
        .unwrap();
    indexed(&db, "sparklines", summary::recent_latencies(&db, &ids, 30, now - Duration::hours(24)))
        .await
        .unwrap();
    indexed(&db, "monitor", service.get(&owner, monitor)).await.unwrap();
    let monitor = service.authorize(&owner, monitor, Write).await.unwrap();
    let first = indexed(&db, "checks page", checks::page(&monitor, None, 10)).await.unwrap();
    let cursor = first.next_cursor.unwrap().parse::<Uuid>().unwrap();
    indexed(&db, "older checks page", checks::page(&monitor, Some(cursor), 10)).await.unwrap();
    for &window in StatsWindow::ALL {
        indexed(&db, window.as_str(), stats::compute(&monitor, window, now)).await.unwrap();
    }
    indexed(&db, "monitor incidents", incidents::of_monitor(&monitor, None, None, 20))
        .await
        .unwrap();
    let mine = IncidentFilter { limit: 20, ..Default::default() };
    indexed(&db, "user's incidents", incidents::list(&db, &owner, &mine)).await.unwrap();
    indexed(&db, "notifications", checks::notifications(&monitor, 20)).await.unwrap();
    indexed(&db, "runners", runners::list_runners(&monitor)).await.unwrap();
    indexed(&db, "runner outages", runners::outages(&monitor, "runner-1", 5)).await.unwrap();
    indexed(&db, "recent outages", runners::recent_outages(&monitor, 5)).await.unwrap();
    indexed(&db, "claim due", pipeline::claim_due(&db, now, 1000)).await.unwrap();
    indexed(&db, "due notifications", pipeline::notifications::due(&db, now, 500)).await.unwrap();
    indexed(&db, "stuck changes", pipeline::notifications::stuck_changes(&db, now, 500))
        .await
        .unwrap();
    indexed(&db, "public status page", PublicPage::load(&db, "acme", now)).await.unwrap();
    let feed = domain::status_pages::incidents::Feed::load(&db, "acme", now);
    indexed(&db, "status page feed", feed).await.unwrap();
    let due = domain::status_pages::incidents::automatic::publish_due(&db, now);
    indexed(&db, "public incident drafts due", due).await.unwrap();
    let maintenance = domain::maintenance::hold::held_until(&db, monitor.id(), now);
    indexed(&db, "maintenance covering a monitor", maintenance).await.unwrap();
    let held = domain::maintenance::hold::release_due(&db, now, 500);
    indexed(&db, "held notifications due", held).await.unwrap();
    let later = now + Duration::minutes(5);
    indexed(&db, "rollup pass", domain::rollups::roll_up_batch(&db, later)).await.unwrap();
    let retention = pipeline::retention::Retention::default();
    indexed(&db, "retention", pipeline::retention::prune_batch(&db, retention, now, 500))
        .await
        .unwrap();
}
