//! Public incidents on SQLite and Postgres: drafts from monitors' incidents
//! published by the sweep after the page's delay (times given, never
//! slept), a person's edit stopping that, one draft per opening however
//! often the job runs, what the internal incident's resolution does, the
//! owner's updates and postmortem, and the public read holding only
//! published incidents and nothing private.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use domain::accounts::{Principal, Role};
use domain::clock::Clock;
use domain::entities::{incidents, public_incidents, status_changes};
use domain::monitors::{Status, Write};
use domain::pipeline::incidents::apply_status_change;
use domain::status_pages::incidents::automatic::{self, publish_due, RESOLVED_TEXT};
use domain::status_pages::incidents::{
    ComponentImpact, ImpactInput, IncidentError, IncidentInput, IncidentPatch, IncidentPhase,
    IncidentService, PublicIncidentState, UpdateInput, UpdatePatch,
};
use domain::status_pages::{
    ComponentInput, ComponentKind, PageError, PageInput, PageRef, PublicPage, StatusPageService,
};
use domain::testing::{self, MonitorBuilder};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

const MONITOR_NAME: &str = "billing-db-primary";
const MONITOR_URL: &str = "https://10-0-0-7.internal.example/health";

struct Fixture {
    owner: Principal,
    pages: StatusPageService,
    page: Uuid,
    monitor: Uuid,
}

impl Fixture {
    /// A published page with `delay`, showing one monitor as "Payments".
    async fn new(db: &DatabaseConnection, delay: u32, published: bool) -> Self {
        let owner = testing::user(db, Role::User).await;
        let pages = StatusPageService::new(db.clone(), Clock::system());
        let monitor =
            MonitorBuilder::http(MONITOR_URL).name(MONITOR_NAME).create(db, &owner).await.id;
        let input = PageInput {
            slug: Some(format!("p-{}", &Uuid::new_v4().simple().to_string()[..10])),
            title: Some("Acme status".into()),
            published: Some(published),
            auto_publish_delay_secs: Some(delay),
            ..Default::default()
        };
        let page = pages.create(&owner, input).await.unwrap().id;
        let grant = pages.authorize(&owner, page, Write).await.unwrap();
        let component = ComponentInput {
            id: None,
            kind: ComponentKind::Monitor,
            public_name: "Payments".into(),
            description: None,
            monitor_id: Some(monitor),
            static_state: None,
            show_latency: false,
            members: Vec::new(),
        };
        pages.replace_components(&grant, vec![component]).await.unwrap();
        Self { owner, pages, page, monitor }
    }

    async fn write(&self) -> PageRef<Write> {
        self.pages.authorize(&self.owner, self.page, Write).await.unwrap()
    }

    fn incidents(&self) -> IncidentService {
        self.pages.incidents()
    }

    async fn slug(&self) -> String {
        self.write().await.view().slug.clone()
    }
}

async fn drafts(db: &DatabaseConnection, page: Uuid) -> Vec<public_incidents::Model> {
    public_incidents::Entity::find()
        .filter(public_incidents::Column::PageId.eq(page))
        .all(db)
        .await
        .unwrap()
}

/// Up results a millisecond apart from `at` until `monitor` recovers.
async fn recover(db: &DatabaseConnection, monitor: Uuid, at: DateTime<Utc>) {
    for n in 0..10 {
        let result = testing::result(monitor, at + Duration::milliseconds(n), Status::Up, 90);
        if testing::record(db, &result).await.change().is_some() {
            return;
        }
    }
    panic!("the monitor did not recover");
}

/// When the internal incident opened (its confirming check's time).
async fn started(db: &DatabaseConnection, incident: Uuid) -> DateTime<Utc> {
    incidents::Entity::find_by_id(incident).one(db).await.unwrap().unwrap().started_at
}

fn opened_at() -> DateTime<Utc> {
    Utc::now() - Duration::hours(1)
}

#[tokio::test]
async fn a_monitor_incident_drafts_an_incident_that_publishes_itself_after_the_delay() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 120, true).await;
        let internal = testing::down(db, f.monitor, opened_at()).await;
        let t0 = started(db, internal).await;

        let rows = drafts(db, f.page).await;
        assert_eq!(rows.len(), 1);
        let draft = &rows[0];
        assert_eq!(draft.state, PublicIncidentState::Draft);
        assert_eq!(draft.title, "Payments is unavailable");
        assert_eq!(draft.incident_id, Some(internal));
        assert_eq!(draft.publish_at, Some(t0 + Duration::seconds(120)));
        let view = f.incidents().get(&f.write().await, draft.id).await.unwrap();
        assert_eq!(view.impacts[0].impact, ComponentImpact::MajorOutage);
        assert_eq!(view.impacts[0].component_name, "Payments");
        assert_eq!(view.updates.len(), 1);
        assert_eq!(view.updates[0].phase, IncidentPhase::Investigating);
        assert!(!view.updates[0].body.contains(MONITOR_NAME));

        let slug = f.slug().await;
        assert_eq!(publish_due(db, t0 + Duration::seconds(119)).await.unwrap(), 0);
        let before = PublicPage::load(db, &slug, Utc::now()).await.unwrap();
        assert!(before.incidents.is_empty(), "a draft is not public");

        assert_eq!(publish_due(db, t0 + Duration::seconds(120)).await.unwrap(), 1);
        assert_eq!(publish_due(db, t0 + Duration::seconds(500)).await.unwrap(), 0, "once");
        let page = PublicPage::load(db, &slug, Utc::now()).await.unwrap();
        assert_eq!(page.incidents.len(), 1);
        assert_eq!(page.incidents[0].title, "Payments is unavailable");
        assert_eq!(page.incidents[0].impacts[0].component, "Payments");

        let text = serde_json::to_string(&page).unwrap();
        for secret in [
            MONITOR_NAME.to_owned(),
            MONITOR_URL.to_owned(),
            "internal.example".to_owned(),
            internal.to_string(),
            f.monitor.to_string(),
            f.owner.user_id.to_string(),
        ] {
            assert!(!text.contains(&secret), "{secret} in {text}");
        }
    }
}

#[tokio::test]
async fn a_delay_of_zero_publishes_at_the_next_sweep() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 0, true).await;
        let internal = testing::down(db, f.monitor, opened_at()).await;
        let t0 = started(db, internal).await;
        assert_eq!(drafts(db, f.page).await[0].publish_at, Some(t0));
        assert_eq!(publish_due(db, t0).await.unwrap(), 1);
        let row = &drafts(db, f.page).await[0];
        assert_eq!(row.state, PublicIncidentState::Published);
        assert_eq!(row.published_at, Some(t0));
    }
}

#[tokio::test]
async fn a_persons_edit_stops_the_draft_from_publishing_itself() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 60, true).await;
        let t0 = opened_at();
        testing::down(db, f.monitor, t0).await;
        let id = drafts(db, f.page).await[0].id;
        let patch = IncidentPatch { title: Some("Payments are slow".into()), ..Default::default() };
        let edited = f.incidents().update(&f.write().await, id, patch).await.unwrap();
        assert_eq!(edited.publish_at, None);
        assert!(edited.person_edited_at.is_some());

        assert_eq!(publish_due(db, t0 + Duration::days(1)).await.unwrap(), 0);
        assert_eq!(drafts(db, f.page).await[0].state, PublicIncidentState::Draft);
        // The person publishes it.
        let publish =
            IncidentPatch { state: Some(PublicIncidentState::Published), ..Default::default() };
        let published = f.incidents().update(&f.write().await, id, publish).await.unwrap();
        assert_eq!(published.state, PublicIncidentState::Published);
        assert!(published.published_at.is_some());
    }
}

#[tokio::test]
async fn a_retried_incident_opening_makes_no_second_draft() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 300, true).await;
        let t0 = opened_at();
        let internal = testing::down(db, f.monitor, t0).await;
        let change = status_changes::Entity::find()
            .filter(status_changes::Column::MonitorId.eq(f.monitor))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        // The status job delivered again: its change is already claimed.
        assert!(apply_status_change(db, change.id).await.unwrap().is_empty());
        // And the drafting itself, run twice, writes one.
        automatic::draft_for_opened(db, f.monitor, internal, t0, Status::Down).await.unwrap();
        let count = public_incidents::Entity::find()
            .filter(public_incidents::Column::PageId.eq(f.page))
            .count(db)
            .await
            .unwrap();
        assert_eq!(count, 1);
    }
}

#[tokio::test]
async fn an_unpublished_page_gets_no_draft() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 0, false).await;
        testing::down(db, f.monitor, opened_at()).await;
        assert!(drafts(db, f.page).await.is_empty());
    }
}

#[tokio::test]
async fn resolution_discards_an_untouched_draft() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 300, true).await;
        let t0 = opened_at();
        testing::down(db, f.monitor, t0).await;
        recover(db, f.monitor, t0 + Duration::seconds(60)).await;
        let row = &drafts(db, f.page).await[0];
        assert_eq!(row.state, PublicIncidentState::Discarded);
        assert_eq!(row.publish_at, None);
        assert_eq!(publish_due(db, t0 + Duration::days(1)).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn resolution_posts_resolved_on_an_untouched_published_incident_only() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 0, true).await;
        let internal = testing::down(db, f.monitor, opened_at()).await;
        let t0 = started(db, internal).await;
        publish_due(db, t0).await.unwrap();
        recover(db, f.monitor, t0 + Duration::minutes(10)).await;
        let id = drafts(db, f.page).await[0].id;
        let view = f.incidents().get(&f.write().await, id).await.unwrap();
        assert_eq!(view.phase, IncidentPhase::Resolved);
        assert_eq!(view.updates[0].body, RESOLVED_TEXT);
        assert_eq!(view.updates[0].author_id, None);
        assert!(view.resolved_at.is_some());

        // A second outage, this time narrated by a person: left alone.
        let second = testing::down(db, f.monitor, t0 + Duration::minutes(30)).await;
        let t1 = started(db, second).await;
        publish_due(db, t1).await.unwrap();
        let second = drafts(db, f.page).await.into_iter().find(|r| r.id != id).unwrap().id;
        let update =
            UpdateInput { phase: IncidentPhase::Identified, body: "A disk filled up.".into() };
        f.incidents().post_update(&f.write().await, second, update).await.unwrap();
        recover(db, f.monitor, t1 + Duration::minutes(5)).await;
        let view = f.incidents().get(&f.write().await, second).await.unwrap();
        assert_eq!(view.phase, IncidentPhase::Identified);
        assert_eq!(view.resolved_at, None);
    }
}

#[tokio::test]
async fn updates_are_posted_edited_and_deleted_and_resolved_takes_a_postmortem() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 300, true).await;
        let page = f.write().await;
        let component = f.pages.components(&page).await.unwrap()[0].id;
        let input = IncidentInput {
            title: "Slow payments".into(),
            state: None,
            impacts: vec![ImpactInput {
                component_id: component,
                impact: ComponentImpact::Degraded,
            }],
            phase: None,
            body: "We are **looking** into it.".into(),
        };
        let incidents = f.incidents();
        let created = incidents.create(&page, input).await.unwrap();
        assert_eq!(created.state, PublicIncidentState::Published);
        assert_eq!(created.updates[0].author_id, Some(f.owner.user_id));
        assert!(created.updates[0].body_html.contains("<strong>looking</strong>"));

        let early =
            IncidentPatch { postmortem: Some("# What happened".into()), ..Default::default() };
        let refused = incidents.update(&page, created.id, early).await.unwrap_err();
        assert!(
            matches!(refused, IncidentError::Invalid { ref field, .. } if field == "postmortem")
        );

        let fixed = UpdateInput { phase: IncidentPhase::Resolved, body: "Fixed.".into() };
        let resolved = incidents.post_update(&page, created.id, fixed).await.unwrap();
        assert_eq!(resolved.phase, IncidentPhase::Resolved);
        let resolved_at = resolved.resolved_at.unwrap();
        assert_eq!(resolved_at, resolved.updates[0].posted_at);

        let first = created.updates[0].clone();
        let patch =
            UpdatePatch { body: Some("We are looking into it (edited).".into()), phase: None };
        let edited = incidents.edit_update(&page, created.id, first.id, patch).await.unwrap();
        let again = edited.updates.iter().find(|u| u.id == first.id).unwrap();
        assert_eq!(again.posted_at, first.posted_at, "posted_at stays");
        assert!(again.edited_at.is_some());
        assert_eq!(edited.phase, IncidentPhase::Resolved, "the latest update still decides");

        let postmortem =
            IncidentPatch { postmortem: Some("A disk filled up.".into()), ..Default::default() };
        let with = incidents.update(&page, created.id, postmortem).await.unwrap();
        assert_eq!(with.postmortem_html.as_deref(), Some("<p>A disk filled up.</p>\n"));

        // Deleting the resolving update reopens it.
        let last = with.updates[0].id;
        let reopened = incidents.delete_update(&page, created.id, last).await.unwrap();
        assert_eq!(reopened.phase, IncidentPhase::Investigating);
        assert_eq!(reopened.resolved_at, None);

        let bad =
            ImpactInput { component_id: Uuid::new_v4(), impact: ComponentImpact::MajorOutage };
        let wrong = IncidentPatch { impacts: Some(vec![bad]), ..Default::default() };
        let refused = incidents.update(&page, created.id, wrong).await.unwrap_err();
        assert!(
            matches!(refused, IncidentError::Invalid { ref field, .. } if field == "impacts[0].component_id")
        );
        incidents.delete(&page, created.id).await.unwrap();
        assert!(matches!(incidents.get(&page, created.id).await, Err(IncidentError::NotFound)));
    }
}

#[tokio::test]
async fn another_users_page_and_its_incidents_are_not_found() {
    for test in testing::all_backends().await {
        let db = &test.db;
        let f = Fixture::new(db, 0, true).await;
        let bob = testing::user(db, Role::User).await;
        let refused = f.pages.authorize(&bob, f.page, Write).await.unwrap_err();
        assert_eq!(refused, PageError::NotFound);
        // An incident of one page is not reachable through another page.
        let t0 = opened_at();
        testing::down(db, f.monitor, t0).await;
        let id = drafts(db, f.page).await[0].id;
        let other = Fixture::new(db, 0, true).await;
        let theirs = other.write().await;
        assert!(matches!(other.incidents().get(&theirs, id).await, Err(IncidentError::NotFound)));
        let patch = IncidentPatch { title: Some("x".into()), ..Default::default() };
        assert!(matches!(
            other.incidents().update(&theirs, id, patch).await,
            Err(IncidentError::NotFound)
        ));
    }
}
