//! What must hold after every fault, checked on the database and on what
//! the stand-ins received once every process has stopped gracefully:
//! - no acknowledged check result lost (every row seen before is still there);
//! - at most one check row per (monitor, slot), slots at least an interval
//!   apart, and never more rows than the target answered requests;
//! - at most one open incident per monitor or runner;
//! - exactly one notification row per (incident, channel, event), each
//!   `delivered` or `failed`, one `down` per incident and one `up` per
//!   resolved incident; every delivered one reached the receiver, and one
//!   sent twice (same webhook id) only across a kill.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::entities::{incidents, notifications};
use domain::pipeline::results::check_id;
use kinds::DeliveryStatus;
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::faults::harness::{check_ids, Harness, Snapshot};

/// What the checks found, for the suite's table.
#[derive(Debug, Default)]
pub struct Figures {
    pub checks: usize,
    pub incidents: usize,
    pub notifications: usize,
    pub failed: usize,
    pub deliveries: usize,
    /// Notifications the receiver got more than once (each across a kill).
    pub sent_twice: usize,
    /// Checks the target answered beyond the stored rows (a job run twice,
    /// or a check whose worker died before recording it).
    pub repeated_checks: u64,
}

/// Stops every process gracefully (so that nothing is in flight and the
/// counts are final), asserts every invariant, and returns the figures.
pub async fn verify(h: &mut Harness, acknowledged: &Snapshot) -> Figures {
    let name = h.name;
    let statuses = h.fleet.terminate_all().await;
    assert!(statuses.iter().all(|s| s.success()), "{name}: exits after SIGTERM: {statuses:?}");
    let rows = check_ids(&h.db).await.unwrap();
    let mut figures = Figures { checks: rows.len(), ..Figures::default() };
    let present: std::collections::HashSet<Uuid> = rows.iter().map(|(id, _)| *id).collect();
    let lost: Vec<_> = acknowledged.ids.difference(&present).collect();
    assert!(lost.is_empty(), "{name}: acknowledged check rows lost: {lost:?}");

    // One row per slot: the id is the slot's, and slots are an interval apart.
    let requests = h.target.requests();
    for (i, monitor) in h.monitors.iter().enumerate() {
        let mut slots: Vec<i64> = rows
            .iter()
            .filter(|(_, m)| m == monitor)
            .map(|(id, _)| {
                let slot = slot_of(*id);
                assert_eq!(*id, check_id(*monitor, slot), "{name}: a row with a foreign id");
                slot
            })
            .collect();
        slots.sort_unstable();
        for pair in slots.windows(2) {
            assert!(pair[1] - pair[0] >= 1000, "{name}: m{i} has slots {pair:?} closer than 1 s");
        }
        let answered = requests.get(&i).copied().unwrap_or(0);
        assert!(
            slots.len() as u64 <= answered,
            "{name}: m{i} has {} rows but the target saw {answered} requests",
            slots.len()
        );
        figures.repeated_checks += answered - slots.len() as u64;
    }

    let incidents = incidents::Entity::find().all(&h.db).await.unwrap();
    figures.incidents = incidents.len();
    let mut open: HashMap<(Uuid, &str), usize> = HashMap::new();
    for incident in incidents.iter().filter(|i| i.resolved_at.is_none()) {
        *open.entry((incident.monitor_id, incident.subject.as_str())).or_default() += 1;
    }
    assert!(open.values().all(|n| *n <= 1), "{name}: two open incidents for one subject");

    let rows = notifications::Entity::find().all(&h.db).await.unwrap();
    figures.notifications = rows.len();
    let mut per_key: HashMap<(Option<Uuid>, Option<Uuid>, &str), usize> = HashMap::new();
    for row in &rows {
        *per_key.entry((row.incident_id, row.channel_id, row.event.as_str())).or_default() += 1;
        assert!(
            row.delivery_status.is_final(),
            "{name}: notification {} ended {}",
            row.id,
            row.delivery_status
        );
    }
    assert!(per_key.values().all(|n| *n == 1), "{name}: a notification logged twice");
    for incident in &incidents {
        let has = |event: &str| per_key.contains_key(&(Some(incident.id), Some(h.channel), event));
        assert!(has("down"), "{name}: incident {} has no down notification", incident.id);
        if incident.resolved_at.is_some() {
            assert!(has("up"), "{name}: resolved incident {} has no up notification", incident.id);
        }
    }
    figures.failed = rows.iter().filter(|r| r.delivery_status == DeliveryStatus::Failed).count();

    let deliveries = h.hook.deliveries();
    figures.deliveries = deliveries.len();
    let mut seen: HashMap<&str, Vec<DateTime<Utc>>> = HashMap::new();
    for delivery in &deliveries {
        seen.entry(delivery.webhook_id.as_str()).or_default().push(delivery.at);
    }
    let known: HashMap<String, &notifications::Model> =
        rows.iter().map(|r| (format!("msg_{}", r.id.simple()), r)).collect();
    for (id, times) in &seen {
        assert!(known.contains_key(*id), "{name}: a delivery with an unknown webhook-id {id}");
        if times.len() > 1 {
            figures.sent_twice += 1;
            for pair in times.windows(2) {
                assert!(
                    h.faults.iter().any(|(from, to)| *from <= pair[1] && *to >= pair[0]),
                    "{name}: {id} was sent at {} and again at {} with no kill between",
                    pair[0],
                    pair[1]
                );
            }
        }
    }
    for row in rows.iter().filter(|r| r.delivery_status == DeliveryStatus::Delivered) {
        let id = format!("msg_{}", row.id.simple());
        assert!(seen.contains_key(id.as_str()), "{name}: {id} is delivered but never arrived");
    }
    figures
}

/// The slot (unix ms) in a check id's timestamp bits.
pub fn slot_of(id: Uuid) -> i64 {
    let bytes = id.as_bytes();
    let mut slot = [0u8; 8];
    slot[2..8].copy_from_slice(&bytes[..6]);
    i64::from_be_bytes(slot)
}
