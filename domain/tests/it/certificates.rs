//! `tls` monitors through the recording skeleton, on both backends, at
//! instants the test chooses: the status a certificate gives, each expiry
//! threshold notifying once as it is crossed, a replaced certificate
//! notifying once, a refused certificate going down (its incident says so),
//! and what the monitor page reads back.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::accounts::Role;
use domain::entities::notifications;
use domain::monitors::Status;
use domain::pipeline::record;
use domain::testing::{self, ChannelBuilder, MonitorBuilder};
use domain::tls::{CertInfo, CertSummary, FirstExpiry, TlsFailure, TlsOutcome, TlsResult};
use kinds::NotificationEvent;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

/// A one-certificate chain for `127.0.0.2` expiring at `not_after`, told apart by `tag`.
fn chain(tag: &str, not_after: DateTime<Utc>) -> CertSummary {
    let leaf = CertInfo {
        subject: format!("CN={tag}"),
        issuer: "CN=RunState test CA".into(),
        dns_names: Vec::new(),
        ip_addresses: vec!["127.0.0.2".parse().unwrap()],
        names_left_out: 0,
        not_before: not_after - Duration::days(90),
        not_after,
        sha256: format!("{tag:0>64}"),
        self_issued: false,
    };
    let first_expiry = FirstExpiry { index: 0, subject: leaf.subject.clone(), not_after };
    CertSummary { leaf, issuers: Vec::new(), first_expiry }
}

fn valid(monitor: Uuid, at: DateTime<Utc>, chain: CertSummary) -> TlsResult {
    TlsResult {
        monitor_id: monitor,
        slot: at.timestamp_millis(),
        checked_at: at,
        latency_ms: Some(12),
        outcome: TlsOutcome::Valid { chain, version: "TLSv1.3".into() },
        region: "eu-west".into(),
    }
}

/// The certificate notifications of `monitor`, oldest first, as (event, detail).
async fn events(db: &DatabaseConnection, monitor: Uuid) -> Vec<(NotificationEvent, String)> {
    notifications::Entity::find()
        .filter(notifications::Column::MonitorId.eq(monitor))
        .filter(notifications::Column::IncidentId.is_null())
        .order_by_asc(notifications::Column::CreatedAt)
        .order_by_asc(notifications::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.event, n.detail.unwrap_or_default()))
        .collect()
}

/// A `tls` monitor with one webhook channel, confirmed down after one failure.
async fn monitor(db: &DatabaseConnection) -> Uuid {
    let owner = testing::user(db, Role::User).await;
    let channel = ChannelBuilder::webhook("https://127.0.0.2/hook").create(db, &owner).await;
    MonitorBuilder::tls("127.0.0.2", 8443)
        .confirmations(1)
        .channels(&[channel.id])
        .create(db, &owner)
        .await
        .id
}

#[tokio::test]
async fn each_threshold_notifies_once_and_a_replacement_once() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db).await;
        let expires = start() + Duration::days(20) + Duration::hours(1);
        let old = chain("old", expires);

        // 20 days left: up, nothing to say.
        record(db, &valid(id, start(), old.clone())).await.unwrap();
        assert_eq!(testing::monitor_ref(db, id).await.view().status, Status::Up);
        assert!(events(db, id).await.is_empty());

        // 13 days left: past 14, degraded; checked twice, warned once.
        for hours in [0, 6] {
            let at = start() + Duration::days(7) + Duration::hours(hours);
            record(db, &valid(id, at, old.clone())).await.unwrap();
        }
        let seen = events(db, id).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].0, NotificationEvent::CertificateExpiring);
        assert!(seen[0].1.contains("in 13 days (warning at 14 days)"), "{}", seen[0].1);
        let page = testing::monitor_ref(db, id).await;
        assert_eq!(page.view().status, Status::Degraded);
        assert!(page.view().last_error.as_deref().unwrap().contains("expires in 12 days"));

        // Past 7 and past 1 at once (a check missed for days): one warning, the lowest.
        let late = start() + Duration::days(20) - Duration::hours(5);
        record(db, &valid(id, late, old.clone())).await.unwrap();
        let seen = events(db, id).await;
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert!(seen[1].1.contains("expires within a day (warning at 1 day)"), "{}", seen[1].1);

        // Renewed: one "changed", no expiry warning, up again.
        let renewed = chain("new", late + Duration::days(90));
        record(db, &valid(id, late + Duration::hours(1), renewed.clone())).await.unwrap();
        record(db, &valid(id, late + Duration::hours(2), renewed)).await.unwrap();
        let seen = events(db, id).await;
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert_eq!(seen[2].0, NotificationEvent::CertificateChanged);
        assert!(seen[2].1.contains("CN=new"), "{}", seen[2].1);
        let page = testing::monitor_ref(db, id).await;
        assert_eq!(page.view().status, Status::Up);
        let cert =
            domain::tls::certificate(&page, late + Duration::hours(2)).await.unwrap().unwrap();
        assert_eq!(cert.chain.leaf.subject, "CN=new");
        assert_eq!(cert.days_left, 89);
        assert_eq!(cert.first_seen_at, late + Duration::hours(1), "kept while it stays");
        assert_eq!(cert.tls_version, "TLSv1.3");
    }
}

#[tokio::test]
async fn a_refused_certificate_goes_down_and_a_redelivery_changes_nothing() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let id = monitor(db).await;
        let expired = chain("expired", start() - Duration::days(2));
        let refused = TlsResult {
            outcome: TlsOutcome::Refused { failure: TlsFailure::Expired, chain: Some(expired) },
            latency_ms: None,
            ..valid(id, start(), chain("unused", start()))
        };
        let recorded = record(db, &refused).await.unwrap();
        assert_eq!(recorded.changes.len(), 1, "down: one status change for its incident");
        let again = record(db, &refused).await.unwrap();
        assert!(again.duplicate, "the same slot twice is a redelivery");
        let page = testing::monitor_ref(db, id).await;
        assert_eq!(page.view().status, Status::Down);
        let error = page.view().last_error.clone().unwrap();
        assert!(error.starts_with("the certificate has expired (CN=expired"), "{error}");
        // Its incident's alert says it: no expiry warning besides.
        assert!(events(db, id).await.is_empty());
        let page = testing::monitor_ref(db, id).await;
        let kept = domain::tls::certificate(&page, start()).await.unwrap().unwrap();
        assert_eq!((kept.chain.leaf.subject.as_str(), kept.days_left), ("CN=expired", -2));
    }
}

#[tokio::test]
async fn no_notification_without_thresholds_or_with_change_notices_off() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let owner = testing::user(db, Role::User).await;
        let channel = ChannelBuilder::webhook("https://127.0.0.2/hook").create(db, &owner).await;
        let id = MonitorBuilder::tls("127.0.0.2", 443)
            .set("tls.expiry_days", serde_json::json!([]))
            .set("tls.notify_on_change", serde_json::json!(false))
            .channels(&[channel.id])
            .create(db, &owner)
            .await
            .id;
        record(db, &valid(id, start(), chain("a", start() + Duration::days(3)))).await.unwrap();
        let later = start() + Duration::hours(1);
        record(db, &valid(id, later, chain("b", start() + Duration::days(3)))).await.unwrap();
        assert!(events(db, id).await.is_empty());
        assert_eq!(testing::monitor_ref(db, id).await.view().status, Status::Up);
    }
}

/// An HTTPS check's result that saw `chain` at `at`.
fn https(monitor: Uuid, at: DateTime<Utc>, chain: CertSummary) -> domain::pipeline::CheckResult {
    let mut result = testing::result(monitor, at, Status::Up, 40);
    result.http = Some(domain::probe::HttpFacts {
        certificate: Some(Box::new(domain::tls::SeenChain {
            chain,
            version: "TLSv1.3".into(),
            accepted: true,
        })),
        ..Default::default()
    });
    result
}

#[tokio::test]
async fn https_checks_keep_the_certificate_and_warn_once_per_threshold_without_degrading() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let owner = testing::user(db, Role::User).await;
        let channel = ChannelBuilder::webhook("https://127.0.0.2/hook").create(db, &owner).await;
        let id = MonitorBuilder::http("https://127.0.0.2/health")
            .channels(&[channel.id])
            .create(db, &owner)
            .await
            .id;
        let cert = chain("site", start() + Duration::days(15) + Duration::hours(1));

        record(db, &https(id, start(), cert.clone())).await.unwrap();
        let page = testing::monitor_ref(db, id).await;
        let kept = domain::tls::certificate(&page, start()).await.unwrap().expect("kept");
        assert_eq!((kept.chain.leaf.subject.as_str(), kept.days_left), ("CN=site", 15));
        assert!(events(db, id).await.is_empty());

        // Checked every few seconds: the kept row moves only with the days
        // left, and the 14-day threshold warns once.
        for seconds in [0, 5, 10] {
            let at = start() + Duration::days(2) + Duration::seconds(seconds);
            record(db, &https(id, at, cert.clone())).await.unwrap();
        }
        let seen = events(db, id).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].0, NotificationEvent::CertificateExpiring);
        let page = testing::monitor_ref(db, id).await;
        assert_eq!(
            page.view().status,
            Status::Up,
            "the site answers: expiry warns, it does not degrade"
        );
        let kept = domain::tls::certificate(&page, start()).await.unwrap().expect("kept");
        assert_eq!(kept.checked_at, start() + Duration::days(2), "rewritten once, not per check");
    }
}

#[tokio::test]
async fn an_https_monitor_warns_at_its_own_thresholds_and_may_notify_a_replacement() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let owner = testing::user(db, Role::User).await;
        let channel = ChannelBuilder::webhook("https://127.0.0.2/hook").create(db, &owner).await;
        let id = MonitorBuilder::http("https://127.0.0.2/health")
            .set("http.cert_expiry_days", serde_json::json!([30]))
            .set("http.cert_notify_on_change", serde_json::json!(true))
            .channels(&[channel.id])
            .create(db, &owner)
            .await
            .id;
        // 25 days left: past its own 30, where the default (14) would be silent.
        let cert = chain("site", start() + Duration::days(25) + Duration::hours(1));
        for seconds in [0, 5] {
            record(db, &https(id, start() + Duration::seconds(seconds), cert.clone()))
                .await
                .unwrap();
        }
        let seen = events(db, id).await;
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].0, NotificationEvent::CertificateExpiring);
        assert!(seen[0].1.contains("warning at 30 days"), "{seen:?}");

        let renewed = chain("renewed", start() + Duration::days(90));
        record(db, &https(id, start() + Duration::minutes(1), renewed)).await.unwrap();
        let seen = events(db, id).await;
        assert_eq!(seen.len(), 2, "{seen:?}");
        assert_eq!(seen[1].0, NotificationEvent::CertificateChanged);
        assert!(seen[1].1.contains("CN=renewed"), "{seen:?}");
    }
}
