//! The read side of monitoring: check history, response times, statistics,
//! incidents with their timelines, and the notification log.

pub mod checks;
pub mod incidents;
pub mod overview;
pub mod stats;
pub mod summary;

pub use checks::{CheckPage, CheckRow, NotificationPage, NotificationRow};
pub use incidents::{IncidentFilter, IncidentPage, IncidentRow, IncidentTimeline, TimelineEntry};
pub use overview::{Failure, Overview, RegionSeen};
pub use stats::{Bucket, Stats, StatsWindow};
pub use summary::{StatusCounts, Uptime};

/// A stable UUID for a region name: the RunState contract gives regions
/// UUID ids, ours are named by configuration.
pub fn region_id(name: &str) -> uuid::Uuid {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(format!("runstate-region:{name}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}
