//! Badge figures on SQLite and Postgres: only a published page's subjects
//! have any, each figure from the monitors the subject covers, response
//! times only where the page shows them; component ids survive a save.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use domain::accounts::{Principal, Role};
use domain::clock::Clock;
use domain::entities::monitor_certificates;
use domain::monitors::{Status, Write};
use domain::status_pages::{
    BadgeMetric, BadgeSubject, BadgeTarget, ComponentInput, ComponentKind, ComponentState, Figure,
    PageInput, StatusPageService,
};
use domain::testing::{self, MonitorBuilder};
use kinds::StatsWindow;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use uuid::Uuid;

fn component(kind: ComponentKind, name: &str) -> ComponentInput {
    ComponentInput {
        id: None,
        kind,
        public_name: name.into(),
        description: None,
        monitor_id: None,
        static_state: None,
        show_latency: false,
        members: Vec::new(),
    }
}

fn shows(monitor: Uuid, name: &str, show_latency: bool) -> ComponentInput {
    ComponentInput {
        monitor_id: Some(monitor),
        show_latency,
        ..component(ComponentKind::Monitor, name)
    }
}

async fn monitor(db: &DatabaseConnection, owner: &Principal, url: &str) -> Uuid {
    MonitorBuilder::http(url).create(db, owner).await.id
}

async fn certificate(db: &DatabaseConnection, monitor: Uuid, not_after: DateTime<Utc>) {
    monitor_certificates::ActiveModel {
        monitor_id: Set(monitor),
        fingerprint: Set("ab".repeat(32)),
        chain: Set("{}".into()),
        not_after: Set(not_after),
        days_left: Set(0),
        tls_version: Set("TLSv1.3".into()),
        first_seen_at: Set(not_after - Duration::days(90)),
        checked_at: Set(not_after - Duration::days(60)),
    }
    .insert(db)
    .await
    .unwrap();
}

async fn figure(
    db: &DatabaseConnection,
    slug: &str,
    target: BadgeTarget,
    metric: BadgeMetric,
    now: DateTime<Utc>,
) -> Figure {
    match BadgeSubject::find(db, slug, target).await.unwrap() {
        Some(subject) => subject.figure(db, metric, StatsWindow::Day, now).await.unwrap(),
        None => Figure::NotAvailable,
    }
}

#[tokio::test]
async fn badges_show_a_published_pages_figures_and_nothing_else() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let pages = StatusPageService::new(db.clone(), Clock::system());
        let ann = testing::user(db, Role::User).await;
        let now = Utc::now();
        let api = monitor(db, &ann, "https://api.internal.example/").await;
        let jobs = MonitorBuilder::http("https://jobs.internal.example/").confirmations(1);
        let jobs = jobs.create(db, &ann).await.id;
        for (minutes, status) in [(40, Status::Up), (30, Status::Up), (20, Status::Up)] {
            let result = testing::result(api, now - Duration::minutes(minutes), status, 120);
            testing::record(db, &result).await;
        }
        testing::record(db, &testing::result(api, now - Duration::minutes(10), Status::Up, 300))
            .await;
        testing::record(db, &testing::result(jobs, now - Duration::minutes(5), Status::Down, 90))
            .await;
        certificate(db, api, now + Duration::days(40) + Duration::hours(1)).await;
        certificate(db, jobs, now + Duration::days(12) + Duration::hours(1)).await;

        let id = pages.create(
            &ann,
            PageInput {
                slug: Some("acme".into()),
                title: Some("Acme".into()),
                ..Default::default()
            },
        );
        let grant = pages.authorize(&ann, id.await.unwrap().id, Write).await.unwrap();
        let core = ComponentInput {
            members: vec![shows(api, "API", true), shows(jobs, "Jobs", false)],
            ..component(ComponentKind::Group, "Core")
        };
        let support = ComponentInput {
            static_state: Some(ComponentState::Maintenance),
            ..component(ComponentKind::Static, "Support")
        };
        let saved = pages.replace_components(&grant, vec![core, support]).await.unwrap();
        let (core, api_c, jobs_c, support) = (
            BadgeTarget::Component(saved[0].id),
            BadgeTarget::Component(saved[0].members[0].id),
            BadgeTarget::Component(saved[0].members[1].id),
            BadgeTarget::Component(saved[1].id),
        );

        let unpublished = figure(db, "acme", BadgeTarget::Page, BadgeMetric::Status, now).await;
        assert_eq!(unpublished, Figure::NotAvailable);
        let unpublished = figure(db, "acme", api_c, BadgeMetric::Status, now).await;
        assert_eq!(unpublished, Figure::NotAvailable);
        pages
            .update(grant, PageInput { published: Some(true), ..Default::default() })
            .await
            .unwrap();

        let state = |target| figure(db, "acme", target, BadgeMetric::Status, now);
        assert_eq!(state(BadgeTarget::Page).await, Figure::State(ComponentState::PartialOutage));
        assert_eq!(state(core).await, Figure::State(ComponentState::PartialOutage));
        assert_eq!(state(api_c).await, Figure::State(ComponentState::Operational));
        assert_eq!(state(jobs_c).await, Figure::State(ComponentState::MajorOutage));
        assert_eq!(state(support).await, Figure::State(ComponentState::Maintenance));

        let uptime = |target| figure(db, "acme", target, BadgeMetric::Uptime, now);
        assert_eq!(uptime(api_c).await, Figure::Uptime(Some(100.0)));
        assert_eq!(uptime(jobs_c).await, Figure::Uptime(Some(0.0)));
        assert_eq!(uptime(core).await, Figure::Uptime(Some(80.0)), "4 of 5 checks together");
        assert_eq!(uptime(BadgeTarget::Page).await, Figure::Uptime(Some(80.0)));
        assert_eq!(uptime(support).await, Figure::NotAvailable, "no monitor, no checks");

        let latency = |target, metric| figure(db, "acme", target, metric, now);
        assert_eq!(latency(api_c, BadgeMetric::P50).await, Figure::Latency(Some(120)));
        assert_eq!(latency(api_c, BadgeMetric::P95).await, Figure::Latency(Some(300)));
        let hidden = latency(jobs_c, BadgeMetric::P50).await;
        assert_eq!(hidden, Figure::NotAvailable, "the page does not show its response times");
        assert_eq!(latency(BadgeTarget::Page, BadgeMetric::P95).await, Figure::NotAvailable);

        let days = |target| figure(db, "acme", target, BadgeMetric::Certificate, now);
        assert_eq!(days(api_c).await, Figure::CertificateDays(40));
        assert_eq!(days(core).await, Figure::CertificateDays(12), "the soonest of the group");
        assert_eq!(days(support).await, Figure::NotAvailable);

        let other = pages.create(
            &ann,
            PageInput {
                slug: Some("other".into()),
                title: Some("Other".into()),
                published: Some(true),
                ..Default::default()
            },
        );
        let other = pages.authorize(&ann, other.await.unwrap().id, Write).await.unwrap();
        let foreign = pages.replace_components(&other, vec![shows(api, "API", true)]);
        let foreign = BadgeTarget::Component(foreign.await.unwrap()[0].id);
        assert_eq!(
            figure(db, "acme", foreign, BadgeMetric::Status, now).await,
            Figure::NotAvailable
        );
        let unknown = figure(db, "nobody", BadgeTarget::Page, BadgeMetric::Status, now).await;
        assert_eq!(unknown, Figure::NotAvailable);
        let subject = BadgeSubject::find(db, "acme", api_c).await.unwrap().unwrap();
        assert_eq!(subject.name(), "API");
        assert!(!format!("{subject:?}").contains("internal.example"));
    }
}

#[tokio::test]
async fn a_saved_list_keeps_the_ids_it_names_so_badge_addresses_stay() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let pages = StatusPageService::new(db.clone(), Clock::system());
        let ann = testing::user(db, Role::User).await;
        let api = monitor(db, &ann, "https://api.example.org/").await;
        let made = pages.create(
            &ann,
            PageInput {
                slug: Some("acme".into()),
                title: Some("Acme".into()),
                ..Default::default()
            },
        );
        let grant = pages.authorize(&ann, made.await.unwrap().id, Write).await.unwrap();
        let first = pages.replace_components(&grant, vec![shows(api, "API", false)]);
        let kept = first.await.unwrap()[0].id;

        let stranger = Uuid::new_v4();
        let list = vec![
            ComponentInput { id: Some(stranger), ..shows(api, "Other", false) },
            ComponentInput { id: Some(kept), ..shows(api, "API, renamed", false) },
            ComponentInput { id: Some(kept), ..shows(api, "API again", false) },
        ];
        let saved = pages.replace_components(&grant, list).await.unwrap();
        assert_eq!(saved[1].id, kept, "an id of the page's is kept");
        assert_ne!(saved[0].id, stranger, "an id not of the page's is not taken");
        assert_ne!(saved[2].id, kept, "an id is kept once");
        assert_eq!(saved[1].public_name, "API, renamed");
    }
}
