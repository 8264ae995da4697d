//! Subscribers of status pages and what they are sent (docs/status-pages.md#subscribers):
//! the subscriptions (email after double opt-in, webhooks after a test
//! delivery), the page's notices (one row per event, with its text as it
//! was when it happened) and one delivery per notice and subscriber, written
//! before it is attempted, like the notification log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveIden)]
enum StatusPageSubscribers {
    Table,
    Id,
    PageId,
    Kind,
    Address,
    Secret,
    ComponentIds,
    State,
    CreatedAt,
    ConfirmedAt,
    UnsubscribedAt,
}

#[derive(DeriveIden)]
enum StatusPageEvents {
    Table,
    Id,
    PageId,
    Kind,
    DedupeKey,
    ComponentIds,
    Title,
    Body,
    OccurredAt,
    FannedOutAt,
}

#[derive(DeriveIden)]
enum StatusPageDeliveries {
    Table,
    Id,
    SubscriberId,
    EventId,
    Purpose,
    Status,
    Attempts,
    NextAttemptAt,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum StatusPages {
    Table,
    Id,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use StatusPageDeliveries as D;
        use StatusPageEvents as E;
        use StatusPageSubscribers as S;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(pk_uuid(S::Id))
                    .col(uuid(S::PageId))
                    .col(string_len(S::Kind, 16))
                    // An email in lower case, or a webhook's URL.
                    .col(string_len(S::Address, 2048))
                    // A webhook's signing secret, sealed.
                    .col(text_null(S::Secret))
                    // A JSON array of component ids; NULL: the whole page.
                    .col(text_null(S::ComponentIds))
                    .col(string_len(S::State, 16))
                    .col(timestamp_with_time_zone(S::CreatedAt))
                    .col(timestamp_with_time_zone_null(S::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(S::UnsubscribedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(S::Table, S::PageId)
                            .to(StatusPages::Table, StatusPages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_status_page_subscribers_address")
                    .table(S::Table)
                    .col(S::PageId)
                    .col(S::Kind)
                    .col(S::Address)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(E::Table)
                    .col(pk_uuid(E::Id))
                    .col(uuid(E::PageId))
                    .col(string_len(E::Kind, 32))
                    // What it is about (`incident:{id}`, `update:{id}`,
                    // `maintenance:{id}:{start}:started`…): recorded once.
                    .col(string_len(E::DedupeKey, 200))
                    .col(text_null(E::ComponentIds))
                    .col(text(E::Title))
                    .col(text(E::Body))
                    .col(timestamp_with_time_zone(E::OccurredAt))
                    .col(timestamp_with_time_zone_null(E::FannedOutAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(E::Table, E::PageId)
                            .to(StatusPages::Table, StatusPages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_status_page_events_key")
                    .table(E::Table)
                    .col(E::PageId)
                    .col(E::DedupeKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_status_page_events_fan_out")
                    .table(E::Table)
                    .col(E::FannedOutAt)
                    .col(E::OccurredAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(pk_uuid(D::Id))
                    .col(uuid(D::SubscriberId))
                    // NULL for a confirmation mail.
                    .col(uuid_null(D::EventId))
                    .col(string_len(D::Purpose, 16))
                    .col(string_len(D::Status, 16))
                    .col(integer(D::Attempts).default(0))
                    .col(timestamp_with_time_zone_null(D::NextAttemptAt))
                    .col(text_null(D::LastError))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .col(timestamp_with_time_zone_null(D::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::SubscriberId)
                            .to(S::Table, S::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::EventId)
                            .to(E::Table, E::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_status_page_deliveries_once")
                    .table(D::Table)
                    .col(D::EventId)
                    .col(D::SubscriberId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_status_page_deliveries_subscriber")
                    .table(D::Table)
                    .col(D::SubscriberId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_status_page_deliveries_due")
                    .table(D::Table)
                    .col(D::Status)
                    .col(D::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(StatusPageDeliveries::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StatusPageEvents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StatusPageSubscribers::Table).to_owned()).await
    }
}
