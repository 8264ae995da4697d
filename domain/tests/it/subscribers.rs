//! Status page subscriptions on SQLite and Postgres, with an injected
//! clock and explicit times (never slept): a confirmation link ends 24
//! hours after the mail, an unsubscribed address is not brought back by an
//! old link, and maintenance starting and ending is announced once each, to
//! the active subscribers of the components it covers and to nobody else.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use domain::accounts::{Principal, Role};
use domain::channels::EncryptionKey;
use domain::clock::{Clock, ManualClock};
use domain::entities::{status_page_deliveries as deliveries, status_page_subscribers as subs};
use domain::maintenance::{MaintenanceInput, MaintenanceService};
use domain::monitors::Write;
use domain::status_pages::subscribers::{
    events, LinkKey, PageEventKind, SubscriberError, SubscriberService, SubscriberState,
};
use domain::status_pages::{ComponentInput, ComponentKind, PageInput, StatusPageService};
use domain::testing::{self, MonitorBuilder};
use kinds::MaintenanceKind;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

struct Fixture {
    owner: Principal,
    slug: String,
    monitor: Uuid,
    /// The monitor's component, then a static one.
    components: [Uuid; 2],
    subscribers: SubscriberService,
}

fn component(kind: ComponentKind, name: &str, monitor: Option<Uuid>) -> ComponentInput {
    ComponentInput {
        id: None,
        kind,
        public_name: name.into(),
        description: None,
        monitor_id: monitor,
        static_state: (kind == ComponentKind::Static)
            .then_some(domain::status_pages::ComponentState::Operational),
        show_latency: false,
        members: Vec::new(),
    }
}

impl Fixture {
    async fn new(db: &DatabaseConnection, clock: Clock) -> Self {
        let owner = testing::user(db, Role::User).await;
        let pages = StatusPageService::new(db.clone(), Clock::system());
        let monitor = MonitorBuilder::http("https://example.org/").create(db, &owner).await.id;
        let slug = format!("p-{}", &Uuid::new_v4().simple().to_string()[..10]);
        let input = PageInput {
            slug: Some(slug.clone()),
            title: Some("Acme status".into()),
            published: Some(true),
            ..Default::default()
        };
        let page = pages.create(&owner, input).await.unwrap().id;
        let grant = pages.authorize(&owner, page, Write).await.unwrap();
        let saved = pages
            .replace_components(
                &grant,
                vec![
                    component(ComponentKind::Monitor, "Payments", Some(monitor)),
                    component(ComponentKind::Static, "Website", None),
                ],
            )
            .await
            .unwrap();
        let components = [saved[0].id, saved[1].id];
        let subscribers =
            SubscriberService::new(pages, LinkKey::derive(b"k"), &EncryptionKey::generate(), clock);
        Self { owner, slug, monitor, components, subscribers }
    }

    /// Subscribes `email` (to `components`, or all) and returns its id.
    async fn subscribe(&self, db: &DatabaseConnection, email: &str, components: &[Uuid]) -> Uuid {
        let chosen = (!components.is_empty()).then_some(components);
        self.subscribers.subscribe_email(&self.slug, None, email, chosen, email).await.unwrap();
        subs::Entity::find()
            .filter(subs::Column::Address.eq(email))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id
    }

    /// Subscribes and confirms `email` at the clock's time.
    async fn active(&self, db: &DatabaseConnection, email: &str, components: &[Uuid]) -> Uuid {
        let id = self.subscribe(db, email, components).await;
        let token = self.subscribers.links().confirm_token(id, self.subscribers.clock().now());
        self.subscribers.confirm(&token).await.unwrap();
        id
    }
}

/// A one-off window over the fixture's monitor, made at the clock's time.
async fn window(
    f: &Fixture,
    db: &DatabaseConnection,
    clock: &ManualClock,
    (title, start, end): (&str, DateTime<Utc>, DateTime<Utc>),
    announce: Option<bool>,
) -> domain::maintenance::MaintenanceView {
    let windows = MaintenanceService::new(db.clone()).with_clock(clock.clock());
    let input = MaintenanceInput {
        title: Some(title.into()),
        description: Some("Payments may be slow.".into()),
        kind: Some(MaintenanceKind::OneOff),
        starts_at: Some(start),
        ends_at: Some(end),
        monitor_ids: Some(vec![f.monitor]),
        announce,
        ..Default::default()
    };
    windows.create(&f.owner, input).await.unwrap()
}

async fn notices_for(db: &DatabaseConnection, subscriber: Uuid) -> u64 {
    deliveries::Entity::find()
        .filter(deliveries::Column::SubscriberId.eq(subscriber))
        .filter(deliveries::Column::Purpose.eq("event"))
        .count(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_confirmation_link_ends_24_hours_after_its_mail() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let t0 = Utc::now();
        let clock = ManualClock::at(t0);
        let f = Fixture::new(db, clock.clock()).await;
        let late = f.subscribe(db, "late@example.org", &[]).await;
        let early = f.subscribe(db, "early@example.org", &[]).await;
        let links = f.subscribers.links().clone();

        clock.advance(Duration::hours(24) - Duration::seconds(1));
        let done = f.subscribers.confirm(&links.confirm_token(early, t0)).await.unwrap();
        assert_eq!(
            (done.state, done.page_slug.as_str()),
            (SubscriberState::Active, f.slug.as_str())
        );
        clock.advance(Duration::seconds(1));
        let err = f.subscribers.confirm(&links.confirm_token(late, t0)).await.unwrap_err();
        assert!(matches!(err, SubscriberError::Expired), "{err:?}");
        // Subscribing again sends a new link, which works.
        f.subscribe(db, "late@example.org", &[]).await;
        f.subscribers.confirm(&links.confirm_token(late, clock.clock().now())).await.unwrap();

        // An unsubscribed address stays so, whatever old link is followed.
        f.subscribers.unsubscribe(&links.unsubscribe_token(early)).await.unwrap();
        let again = f.subscribers.unsubscribe(&links.unsubscribe_token(early)).await.unwrap();
        assert_eq!(again.state, SubscriberState::Unsubscribed, "idempotent");
        let fresh = links.confirm_token(early, clock.clock().now());
        assert!(matches!(f.subscribers.confirm(&fresh).await, Err(SubscriberError::Expired)));
        let row = subs::Entity::find_by_id(early).one(db).await.unwrap().unwrap();
        assert_eq!(row.state, SubscriberState::Unsubscribed);
    }
}

#[tokio::test]
async fn maintenance_is_announced_once_to_the_subscribers_of_its_components() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let t0: DateTime<Utc> = Utc::now() - Duration::hours(3);
        let clock = ManualClock::at(t0);
        let f = Fixture::new(db, clock.clock()).await;
        let [payments, website] = f.components;
        let everything = f.active(db, "all@example.org", &[]).await;
        let of_payments = f.active(db, "payments@example.org", &[payments]).await;
        let of_website = f.active(db, "website@example.org", &[website]).await;
        let pending = f.subscribe(db, "pending@example.org", &[]).await;

        let (start, end) = (t0 + Duration::minutes(30), t0 + Duration::minutes(90));
        window(&f, db, &clock, ("Database upgrade", start, end), None).await;

        let before = events::record_due(db, start - Duration::minutes(1)).await.unwrap();
        assert_eq!(before, 1, "scheduled only");
        assert_eq!(events::record_due(db, start + Duration::minutes(1)).await.unwrap(), 1);
        assert_eq!(events::record_due(db, start + Duration::minutes(2)).await.unwrap(), 0, "once");
        assert_eq!(events::record_due(db, end).await.unwrap(), 1, "ended");
        assert_eq!(events::record_due(db, end + Duration::minutes(5)).await.unwrap(), 0);
        events::fan_out(db, 100).await.unwrap();
        events::fan_out(db, 100).await.unwrap();

        assert_eq!(notices_for(db, everything).await, 3);
        assert_eq!(notices_for(db, of_payments).await, 3);
        assert_eq!(notices_for(db, of_website).await, 0, "not its component");
        assert_eq!(notices_for(db, pending).await, 0, "not confirmed");
        let kinds: Vec<PageEventKind> = domain::entities::status_page_events::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.title == "Database upgrade")
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds.len(), 3);
        for kind in [
            PageEventKind::MaintenanceScheduled,
            PageEventKind::MaintenanceStarted,
            PageEventKind::MaintenanceEnded,
        ] {
            assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
        }
    }
}

#[tokio::test]
async fn maintenance_ended_long_ago_is_not_announced_late() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let t0: DateTime<Utc> = Utc::now() - Duration::hours(10);
        let clock = ManualClock::at(t0);
        let f = Fixture::new(db, clock.clock()).await;
        let everything = f.active(db, "all@example.org", &[]).await;
        let (start, end) = (t0 + Duration::minutes(10), t0 + Duration::minutes(20));
        window(&f, db, &clock, ("Short", start, end), None).await;
        // The sender was down from before the start until hours after the end.
        let now = end + events::MAINTENANCE_LATE + Duration::minutes(1);
        assert_eq!(events::record_due(db, now).await.unwrap(), 0);
        events::fan_out(db, 100).await.unwrap();
        assert_eq!(notices_for(db, everything).await, 0);
    }
}

#[tokio::test]
async fn a_window_not_announced_tells_nobody() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let t0: DateTime<Utc> = Utc::now() - Duration::hours(3);
        let clock = ManualClock::at(t0);
        let f = Fixture::new(db, clock.clock()).await;
        let everything = f.active(db, "all@example.org", &[]).await;
        let (start, end) = (t0 + Duration::minutes(30), t0 + Duration::minutes(90));
        let window = window(&f, db, &clock, ("Quiet work", start, end), Some(false)).await;
        assert!(!window.announce);
        for now in [start - Duration::minutes(1), start + Duration::minutes(1), end] {
            assert_eq!(events::record_due(db, now).await.unwrap(), 0, "at {now}");
        }
        events::fan_out(db, 100).await.unwrap();
        assert_eq!(notices_for(db, everything).await, 0);
    }
}

/// The retention pass takes events (their deliveries with them) and
/// subscriptions never confirmed or left, once older than the outage
/// retention; an active subscriber and anything recent stay.
#[tokio::test]
async fn retention_prunes_old_events_and_inactive_subscriptions() {
    use domain::entities::status_page_events as page_events;
    use domain::pipeline::retention::{prune_batch, Retention};
    for test in testing::all_backends().await {
        let db = &test.db;
        let t0: DateTime<Utc> = Utc::now() - Duration::days(40);
        let clock = ManualClock::at(t0);
        let f = Fixture::new(db, clock.clock()).await;
        let kept = f.active(db, "kept@example.org", &[]).await;
        let never = f.subscribe(db, "never@example.org", &[]).await;
        let left = f.active(db, "left@example.org", &[]).await;
        f.subscribers.unsubscribe(&f.subscribers.links().unsubscribe_token(left)).await.unwrap();
        let (start, end) = (t0 + Duration::minutes(30), t0 + Duration::minutes(90));
        window(&f, db, &clock, ("Old work", start, end), None).await;
        assert_eq!(events::record_due(db, start + Duration::minutes(1)).await.unwrap(), 2);
        events::fan_out(db, 100).await.unwrap();
        assert_eq!(notices_for(db, kept).await, 2);
        let recent = Fixture::new(db, Clock::system()).await;
        let waiting = recent.subscribe(db, "waiting@example.org", &[]).await;

        let pruned = prune_batch(db, Retention::default(), Utc::now(), 500).await.unwrap();
        assert!(pruned.subscriber_rows >= 4, "{pruned:?}");
        assert_eq!(page_events::Entity::find().count(db).await.unwrap(), 0);
        assert_eq!(notices_for(db, kept).await, 0, "gone with their events");
        let ids: Vec<Uuid> =
            subs::Entity::find().all(db).await.unwrap().into_iter().map(|s| s.id).collect();
        assert!(ids.contains(&kept) && ids.contains(&waiting), "{ids:?}");
        assert!(!ids.contains(&never) && !ids.contains(&left), "{ids:?}");
        let again = prune_batch(db, Retention::default(), Utc::now(), 500).await.unwrap();
        assert_eq!(again.subscriber_rows, 0, "nothing left to prune");
    }
}
