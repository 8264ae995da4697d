//! Indexes for the retention pass over the subscribers' side: old events,
//! finished confirmation mails, and subscriptions that never became or are
//! no longer active (domain::status_pages::subscribers::prune).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum StatusPageEvents {
    Table,
    OccurredAt,
}

#[derive(DeriveIden)]
enum StatusPageDeliveries {
    Table,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StatusPageSubscribers {
    Table,
    State,
    CreatedAt,
    UnsubscribedAt,
}

const EVENTS: &str = "idx_status_page_events_occurred";
const DELIVERIES: &str = "idx_status_page_deliveries_created";
const PENDING: &str = "idx_status_page_subscribers_state_created";
const LEFT: &str = "idx_status_page_subscribers_state_left";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let indexes = [
            Index::create()
                .name(EVENTS)
                .table(StatusPageEvents::Table)
                .col(StatusPageEvents::OccurredAt)
                .to_owned(),
            Index::create()
                .name(DELIVERIES)
                .table(StatusPageDeliveries::Table)
                .col(StatusPageDeliveries::CreatedAt)
                .to_owned(),
            Index::create()
                .name(PENDING)
                .table(StatusPageSubscribers::Table)
                .col(StatusPageSubscribers::State)
                .col(StatusPageSubscribers::CreatedAt)
                .to_owned(),
            Index::create()
                .name(LEFT)
                .table(StatusPageSubscribers::Table)
                .col(StatusPageSubscribers::State)
                .col(StatusPageSubscribers::UnsubscribedAt)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drops = [
            Index::drop().name(EVENTS).table(StatusPageEvents::Table).to_owned(),
            Index::drop().name(DELIVERIES).table(StatusPageDeliveries::Table).to_owned(),
            Index::drop().name(PENDING).table(StatusPageSubscribers::Table).to_owned(),
            Index::drop().name(LEFT).table(StatusPageSubscribers::Table).to_owned(),
        ];
        for drop in drops {
            manager.drop_index(drop).await?;
        }
        Ok(())
    }
}
