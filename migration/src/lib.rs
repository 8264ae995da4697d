//! RunState's schema. The migrations here are the one source of truth for the
//! tables; the same code runs on SQLite (embedded mode) and Postgres.

pub use sea_orm_migration::prelude::*;
pub use sea_orm_migration::MigrationStatus;

mod m20261122_000001_initial;
mod m20261122_000002_invitations;
mod m20261122_000010_status_changes;
mod m20261122_000011_notification_due_index;
mod m20261122_000020_github_runners;
mod m20261122_000030_check_rollups;
mod m20261206_000040_abuse_bounds;
mod m20261207_000050_heartbeats;
mod m20261207_000060_dns;
mod m20261207_000070_certificates;
mod m20261207_000080_domains;
mod m20261207_000100_check_phases;
mod m20261207_000200_status_pages;
mod m20261207_000210_maintenance;
mod m20261207_000220_public_incidents;
mod m20261207_000300_api_tokens;
mod m20261207_000310_page_domains;
mod m20261207_000320_page_passwords;
mod m20261207_000330_page_subscribers;
mod m20261207_000340_maintenance_pages;
mod m20261208_000350_tags;
mod m20261208_000360_subscriber_retention;
mod tables;

/// Applies RunState's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial::Migration),
            Box::new(m20261122_000002_invitations::Migration),
            Box::new(m20261122_000010_status_changes::Migration),
            Box::new(m20261122_000011_notification_due_index::Migration),
            Box::new(m20261122_000020_github_runners::Migration),
            Box::new(m20261122_000030_check_rollups::Migration),
            Box::new(m20261206_000040_abuse_bounds::Migration),
            Box::new(m20261207_000050_heartbeats::Migration),
            Box::new(m20261207_000060_dns::Migration),
            Box::new(m20261207_000070_certificates::Migration),
            Box::new(m20261207_000080_domains::Migration),
            Box::new(m20261207_000100_check_phases::Migration),
            Box::new(m20261207_000200_status_pages::Migration),
            Box::new(m20261207_000210_maintenance::Migration),
            Box::new(m20261207_000220_public_incidents::Migration),
            Box::new(m20261207_000300_api_tokens::Migration),
            Box::new(m20261207_000310_page_domains::Migration),
            Box::new(m20261207_000320_page_passwords::Migration),
            Box::new(m20261207_000330_page_subscribers::Migration),
            Box::new(m20261207_000340_maintenance_pages::Migration),
            Box::new(m20261208_000350_tags::Migration),
            Box::new(m20261208_000360_subscriber_retention::Migration),
        ]
    }
}
