//! Status pages on SQLite and Postgres: who reaches a page, slugs, the
//! component list and whose monitors it may show, and the public read:
//! published only, states, daily uptime from checks and rollups, nothing
//! private in it, and its cache (moved by an injected clock).

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::accounts::{Principal, Role};
use domain::clock::{Clock, ManualClock};
use domain::entities::{monitors, status_page_components};
use domain::monitors::{Read, Status, Write};
use domain::rollups::roll_up_batch;
use domain::status_pages::{
    ComponentInput, ComponentKind, ComponentState, PageError, PageInput, PublicCache, PublicPage,
    StatusPageService,
};
use domain::testing::{self, MonitorBuilder};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

fn service(db: &DatabaseConnection) -> StatusPageService {
    StatusPageService::new(db.clone(), Clock::system())
}

fn page(slug: &str) -> PageInput {
    PageInput { slug: Some(slug.into()), title: Some("Acme".into()), ..Default::default() }
}

fn published(slug: &str) -> PageInput {
    PageInput { published: Some(true), ..page(slug) }
}

fn shows(monitor: Uuid, name: &str) -> ComponentInput {
    ComponentInput { monitor_id: Some(monitor), ..named(ComponentKind::Monitor, name) }
}

fn fixed(state: ComponentState, name: &str) -> ComponentInput {
    ComponentInput { static_state: Some(state), ..named(ComponentKind::Static, name) }
}

fn group(name: &str, members: Vec<ComponentInput>) -> ComponentInput {
    ComponentInput { members, ..named(ComponentKind::Group, name) }
}

fn named(kind: ComponentKind, name: &str) -> ComponentInput {
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

async fn monitor(db: &DatabaseConnection, owner: &Principal, url: &str) -> Uuid {
    MonitorBuilder::http(url).create(db, owner).await.id
}

async fn check(db: &DatabaseConnection, monitor: Uuid, at: DateTime<Utc>, status: Status) {
    testing::record(db, &testing::result(monitor, at, status, 120)).await;
}

#[tokio::test]
async fn the_owner_and_admins_reach_a_page_and_other_users_are_told_it_does_not_exist() {
    for test in testing::all_backends().await {
        let (db, pages) = (&test.db, service(&test.db));
        let ann = testing::user(db, Role::User).await;
        let bob = testing::user(db, Role::User).await;
        let admin = testing::user(db, Role::Admin).await;
        let id = pages.create(&ann, page("acme")).await.unwrap().id;

        let refused = pages.authorize(&bob, id, Read).await.unwrap_err();
        let unknown = pages.authorize(&bob, Uuid::new_v4(), Read).await.unwrap_err();
        assert_eq!((refused, unknown), (PageError::NotFound, PageError::NotFound));
        assert!(pages.list(&bob).await.unwrap().is_empty());

        let grant = pages.authorize(&admin, id, Write).await.unwrap();
        let title = PageInput { title: Some("Acme, Inc.".into()), ..Default::default() };
        let changed = pages.update(grant, title).await.unwrap();
        assert_eq!((changed.title.as_str(), changed.owner_id), ("Acme, Inc.", ann.user_id));
        pages.delete(pages.authorize(&ann, id, Write).await.unwrap()).await.unwrap();
        assert_eq!(pages.authorize(&ann, id, Read).await.unwrap_err(), PageError::NotFound);
    }
}

#[tokio::test]
async fn a_slug_belongs_to_one_page() {
    for test in testing::all_backends().await {
        let (db, pages) = (&test.db, service(&test.db));
        let ann = testing::user(db, Role::User).await;
        let bob = testing::user(db, Role::User).await;
        pages.create(&ann, page("acme")).await.unwrap();
        assert_eq!(pages.create(&bob, page("acme")).await.unwrap_err(), PageError::SlugTaken);
        let other = pages.create(&bob, page("acme-2")).await.unwrap().id;
        let grant = pages.authorize(&bob, other, Write).await.unwrap();
        let rename = PageInput { slug: Some("acme".into()), ..Default::default() };
        assert_eq!(pages.update(grant, rename).await.unwrap_err(), PageError::SlugTaken);
        let grant = pages.authorize(&bob, other, Write).await.unwrap();
        let same = PageInput { slug: Some("acme-2".into()), ..Default::default() };
        assert_eq!(pages.update(grant, same).await.unwrap().slug, "acme-2", "its own slug again");
    }
}

#[tokio::test]
async fn components_are_replaced_as_a_whole_and_show_only_the_page_owners_monitors() {
    for test in testing::all_backends().await {
        let (db, pages) = (&test.db, service(&test.db));
        let ann = testing::user(db, Role::User).await;
        let bob = testing::user(db, Role::User).await;
        let admin = testing::user(db, Role::Admin).await;
        let (api, web) = (
            monitor(db, &ann, "https://api.example.org/").await,
            monitor(db, &ann, "https://www.example.org/").await,
        );
        let bobs = monitor(db, &bob, "https://bob.example.org/").await;
        let admins = monitor(db, &admin, "https://admin.example.org/").await;
        let id = pages.create(&ann, page("acme")).await.unwrap().id;
        let grant = pages.authorize(&ann, id, Write).await.unwrap();

        let list = vec![
            group("Core", vec![shows(api, "API"), shows(web, "Website")]),
            fixed(ComponentState::Operational, "Support"),
        ];
        let saved = pages.replace_components(&grant, list).await.unwrap();
        let names: Vec<_> = saved.iter().map(|c| c.public_name.as_str()).collect();
        assert_eq!(names, ["Core", "Support"]);
        let members: Vec<_> = saved[0].members.iter().map(|c| c.monitor_id).collect();
        assert_eq!(members, [Some(api), Some(web)]);

        // Another user's monitor reads exactly like one that does not exist,
        // also when an admin edits the page with their own.
        let foreign = vec![group("Core", vec![shows(api, "API"), shows(bobs, "Bob's")])];
        let refused = pages.replace_components(&grant, foreign).await.unwrap_err();
        let missing = vec![group("Core", vec![shows(api, "API"), shows(Uuid::new_v4(), "?")])];
        let unknown = pages.replace_components(&grant, missing).await.unwrap_err();
        assert_eq!(refused, unknown);
        assert!(
            matches!(&refused, PageError::Invalid { field, .. } if field == "components[0].members[1].monitor_id")
        );
        let as_admin = pages.authorize(&admin, id, Write).await.unwrap();
        let theirs = pages.replace_components(&as_admin, vec![shows(admins, "Admin's")]).await;
        assert!(matches!(theirs, Err(PageError::Invalid { .. })));
        assert_eq!(
            pages.components(&grant).await.unwrap(),
            saved,
            "a refused list changes nothing"
        );

        // One monitor on several pages; deleting the monitor removes its components.
        let other = pages.create(&ann, page("acme-api")).await.unwrap().id;
        let other = pages.authorize(&ann, other, Write).await.unwrap();
        pages.replace_components(&other, vec![shows(api, "API")]).await.unwrap();
        monitors::Entity::delete_by_id(api).exec(db).await.unwrap();
        assert!(pages.components(&other).await.unwrap().is_empty());
        assert_eq!(pages.components(&grant).await.unwrap()[0].members.len(), 1);
        let one = pages.replace_components(&grant, vec![fixed(ComponentState::Degraded, "Mail")]);
        assert_eq!(one.await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn the_public_read_is_for_published_pages_and_holds_states_not_private_data() {
    for test in testing::all_backends().await {
        let (db, pages) = (&test.db, service(&test.db));
        let ann = testing::user(db, Role::User).await;
        let now = Utc::now();
        let up = monitor(db, &ann, "https://up.internal.example/health").await;
        let down = monitor(db, &ann, "https://down.internal.example/health").await;
        let never = monitor(db, &ann, "https://never.internal.example/health").await;
        check(db, up, now - Duration::minutes(2), Status::Up).await;
        testing::down(db, down, now - Duration::minutes(2)).await;
        let id = pages.create(&ann, page("acme")).await.unwrap().id;
        let grant = pages.authorize(&ann, id, Write).await.unwrap();
        let list = vec![
            group(
                "Core",
                vec![
                    ComponentInput { show_latency: true, ..shows(up, "API") },
                    shows(down, "Jobs"),
                ],
            ),
            shows(never, "Search"),
            fixed(ComponentState::Maintenance, "Support"),
        ];
        pages.replace_components(&grant, list).await.unwrap();

        assert_eq!(PublicPage::load(db, "acme", now).await.unwrap_err(), PageError::NotFound);
        assert_eq!(PublicPage::load(db, "nobody", now).await.unwrap_err(), PageError::NotFound);
        let publish = PageInput { published: Some(true), ..Default::default() };
        pages.update(grant, publish).await.unwrap();

        let public = PublicPage::load(db, "acme", now).await.unwrap();
        let states: Vec<_> = public.components.iter().map(|c| (c.name.as_str(), c.state)).collect();
        assert_eq!(
            states,
            [
                ("Core", ComponentState::PartialOutage),
                ("Search", ComponentState::NoData),
                ("Support", ComponentState::Maintenance),
            ]
        );
        let core = &public.components[0];
        assert_eq!(core.members[1].state, ComponentState::MajorOutage);
        assert_eq!(core.members[0].latency_ms, Some(vec![Some(120)]));
        assert_eq!(core.members[1].latency_ms, None, "not shown unless asked for");
        assert_eq!(public.state, ComponentState::PartialOutage);
        assert_eq!(core.uptime_days.len(), domain::status_pages::UPTIME_DAYS);
        assert!(public.components[2].uptime_days.is_empty(), "a static component has no checks");

        let text = serde_json::to_string(&public).unwrap();
        for secret in [up.to_string(), down.to_string(), ann.user_id.to_string(), ann.email.clone()]
        {
            assert!(!text.contains(&secret), "{secret} leaked: {text}");
        }
        assert!(!text.contains("internal.example"), "a target leaked: {text}");
    }
}

#[tokio::test]
async fn daily_uptime_counts_each_days_checks_and_a_day_without_any_is_null() {
    for test in testing::all_backends().await {
        let (db, pages) = (&test.db, service(&test.db));
        let ann = testing::user(db, Role::User).await;
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 12, 0, 0).unwrap();
        let api = monitor(db, &ann, "https://api.example.org/").await;
        let created = monitors::ActiveModel {
            id: sea_orm::Unchanged(api),
            created_at: Set(now - Duration::days(3)),
            ..Default::default()
        };
        created.update(db).await.unwrap();
        let two_days_ago = now - Duration::days(2);
        for (minutes, status) in
            [(0, Status::Up), (5, Status::Up), (10, Status::Up), (15, Status::Down)]
        {
            check(db, api, two_days_ago + Duration::minutes(minutes), status).await;
        }
        check(db, api, now - Duration::hours(1), Status::Up).await;
        let id = pages.create(&ann, published("acme")).await.unwrap().id;
        let grant = pages.authorize(&ann, id, Write).await.unwrap();
        pages.replace_components(&grant, vec![shows(api, "API")]).await.unwrap();

        let figures = |page: &PublicPage| -> Vec<Option<f64>> {
            page.components[0].uptime_days.iter().rev().take(4).map(|d| d.uptime).collect()
        };
        let raw = PublicPage::load(db, "acme", now).await.unwrap();
        assert_eq!(
            figures(&raw),
            [Some(100.0), None, Some(75.0), None],
            "today back to 3 days ago"
        );
        assert_eq!(raw.components[0].uptime_days.last().unwrap().date, now.date_naive());

        // The same figures once the rollup pass has made daily rows.
        while roll_up_batch(db, now).await.unwrap().more {}
        let rolled = PublicPage::load(db, "acme", now).await.unwrap();
        assert_eq!(figures(&rolled), figures(&raw));
    }
}

#[tokio::test]
async fn the_public_read_is_served_from_the_cache_until_its_few_seconds_pass() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let clock = ManualClock::at(Utc::now());
        let pages = StatusPageService::new(db.clone(), clock.clock());
        let ann = testing::user(db, Role::User).await;
        let id = pages.create(&ann, published("acme")).await.unwrap().id;
        let grant = pages.authorize(&ann, id, Write).await.unwrap();
        pages
            .replace_components(&grant, vec![fixed(ComponentState::Operational, "API")])
            .await
            .unwrap();
        let state = |page: &PublicPage| page.components[0].state;
        assert_eq!(state(&pages.public("acme").await.unwrap()), ComponentState::Operational);

        // Changed behind the service's back (as another process would).
        status_page_components::Entity::update_many()
            .col_expr(
                status_page_components::Column::StaticState,
                sea_orm::sea_query::Expr::value(ComponentState::MajorOutage.as_str()),
            )
            .filter(status_page_components::Column::PageId.eq(id))
            .exec(db)
            .await
            .unwrap();
        clock.advance(Duration::seconds(4));
        assert_eq!(state(&pages.public("acme").await.unwrap()), ComponentState::Operational);
        clock.advance(Duration::seconds(1));
        assert_eq!(state(&pages.public("acme").await.unwrap()), ComponentState::MajorOutage);

        // The owner's own change is seen at once in this process.
        pages
            .replace_components(&grant, vec![fixed(ComponentState::Degraded, "API")])
            .await
            .unwrap();
        assert_eq!(state(&pages.public("acme").await.unwrap()), ComponentState::Degraded);
        let hide = PageInput { published: Some(false), ..Default::default() };
        pages.update(pages.authorize(&ann, id, Write).await.unwrap(), hide).await.unwrap();
        assert_eq!(pages.public("acme").await.unwrap_err(), PageError::NotFound);
    }
}

#[tokio::test]
async fn the_cache_keeps_a_bounded_number_of_slugs() {
    let test = testing::sqlite().await;
    let db = &test.db;
    let pages = service(db);
    let ann = testing::user(db, Role::User).await;
    pages.create(&ann, published("acme")).await.unwrap();
    let clock = ManualClock::at(Utc::now());
    let cache = PublicCache::bounded(clock.clock(), 2);
    let now = Utc::now();
    let unknown = cache.get_or_load("nobody", || PublicPage::load(db, "nobody", now)).await;
    assert_eq!(unknown.unwrap_err(), PageError::NotFound);
    assert!(cache.is_empty(), "a slug that is not a published page is not kept");
    for key in ["a", "b", "c"] {
        cache.get_or_load(key, || PublicPage::load(db, "acme", now)).await.unwrap();
        clock.advance(Duration::milliseconds(10));
    }
    assert_eq!(cache.len(), 2);
}

#[tokio::test]
async fn custom_domains_are_one_pages_each_and_the_host_map_follows_within_its_ttl() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let clock = ManualClock::at(Utc::now());
        let pages = StatusPageService::new(db.clone(), clock.clock());
        let (ann, bob) = (testing::user(db, Role::User).await, testing::user(db, Role::User).await);
        let mine = pages.create(&ann, published("acme")).await.unwrap().id;
        let theirs = pages.create(&bob, published("bobs")).await.unwrap().id;
        let mine = pages.authorize(&ann, mine, Write).await.unwrap();
        let theirs = pages.authorize(&bob, theirs, Write).await.unwrap();
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();

        let saved = pages
            .replace_domains(
                &mine,
                names(&["Status.Acme.test.", "status.acme.test", "up.acme.test"]),
                None,
            )
            .await
            .unwrap();
        assert_eq!(saved, names(&["status.acme.test", "up.acme.test"]), "folded and deduplicated");
        let taken = pages.replace_domains(&theirs, names(&["up.acme.test"]), None).await;
        assert_eq!(taken.unwrap_err(), PageError::DomainTaken("up.acme.test".into()));
        let own =
            pages.replace_domains(&theirs, names(&["runstate.example"]), Some("runstate.example"));
        assert!(
            matches!(own.await.unwrap_err(), PageError::Invalid { field, .. } if field == "custom_domains[0]")
        );
        let bad = pages.replace_domains(&theirs, names(&["fine.example", "not a host"]), None);
        assert!(
            matches!(bad.await.unwrap_err(), PageError::Invalid { field, .. } if field == "custom_domains[1]")
        );
        assert_eq!(
            pages.domains(&theirs).await.unwrap(),
            Vec::<String>::new(),
            "refusals change nothing"
        );

        assert_eq!(pages.slug_for_host("up.acme.test").await.unwrap().as_deref(), Some("acme"));
        assert_eq!(pages.slug_for_host("elsewhere.test").await.unwrap(), None);
        // Another process's change (a row written behind this service's back)
        // shows once the map's TTL has passed, not before.
        status_page_domains_insert(db, "late.acme.test", mine.view().id).await;
        assert_eq!(pages.slug_for_host("late.acme.test").await.unwrap(), None);
        clock.advance(domain::status_pages::hosts::HOSTS_TTL);
        assert_eq!(pages.slug_for_host("late.acme.test").await.unwrap().as_deref(), Some("acme"));
        // This process's own change shows at once.
        pages.replace_domains(&mine, Vec::new(), None).await.unwrap();
        assert_eq!(pages.slug_for_host("up.acme.test").await.unwrap(), None);
    }
}

async fn status_page_domains_insert(db: &DatabaseConnection, host: &str, page: Uuid) {
    domain::entities::status_page_domains::ActiveModel {
        hostname: Set(host.into()),
        page_id: Set(page),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn guessing_a_page_password_is_throttled_per_client() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let pages = service(db);
        let ann = testing::user(db, Role::User).await;
        let id = pages.create(&ann, published("acme")).await.unwrap().id;
        let page = pages.authorize(&ann, id, Write).await.unwrap();
        pages.set_password(&page, Some("correct horse")).await.unwrap();
        assert_eq!(pages.public("acme").await.unwrap_err(), PageError::Locked);
        for _ in 0..10 {
            let wrong = pages.unlock("acme", "guess", "192.0.2.7").await.unwrap_err();
            assert_eq!(wrong, PageError::WrongPassword);
        }
        let refused = pages.unlock("acme", "correct horse", "192.0.2.7").await.unwrap_err();
        assert!(matches!(refused, PageError::Throttled { .. }), "{refused:?}");
        let pass = pages.unlock("acme", "correct horse", "192.0.2.8").await.unwrap();
        assert!(pages.public_for("acme", Some(&pass.value)).await.is_ok(), "another client may");
        assert_eq!(
            pages.unlock("nobody", "x", "192.0.2.8").await.unwrap_err(),
            PageError::NotFound
        );
    }
}
