//! Status pages: a page (slug, texts, theme, published, indexable) owned by
//! a user, and its components in order: monitors under a public name,
//! static components set by hand, and groups over them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::{Monitors, Users};

#[derive(DeriveIden)]
enum StatusPages {
    Table,
    Id,
    OwnerId,
    Slug,
    Title,
    Description,
    LogoUrl,
    Theme,
    Footer,
    Published,
    Indexable,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum StatusPageComponents {
    Table,
    Id,
    PageId,
    Position,
    ParentId,
    Kind,
    MonitorId,
    PublicName,
    StaticState,
    Description,
    ShowLatency,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StatusPages::Table)
                    .col(pk_uuid(StatusPages::Id))
                    .col(uuid(StatusPages::OwnerId))
                    // The public address `/status/{slug}`: [a-z0-9-], 3 to 60 characters.
                    .col(string_len(StatusPages::Slug, 60))
                    .col(text(StatusPages::Title))
                    .col(text(StatusPages::Description))
                    .col(text_null(StatusPages::LogoUrl))
                    // light, dark or auto.
                    .col(string_len(StatusPages::Theme, 8))
                    .col(text(StatusPages::Footer))
                    .col(boolean(StatusPages::Published))
                    .col(boolean(StatusPages::Indexable))
                    .col(timestamp_with_time_zone(StatusPages::CreatedAt))
                    .col(timestamp_with_time_zone(StatusPages::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusPages::Table, StatusPages::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_status_pages_slug")
                    .table(StatusPages::Table)
                    .col(StatusPages::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_status_pages_owner_id")
                    .table(StatusPages::Table)
                    .col(StatusPages::OwnerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StatusPageComponents::Table)
                    .col(pk_uuid(StatusPageComponents::Id))
                    .col(uuid(StatusPageComponents::PageId))
                    // Order among its siblings (top level, or a group's members).
                    .col(integer(StatusPageComponents::Position))
                    // A group component of the same page; NULL at the top level.
                    .col(uuid_null(StatusPageComponents::ParentId))
                    // monitor, static or group.
                    .col(string_len(StatusPageComponents::Kind, 8))
                    .col(uuid_null(StatusPageComponents::MonitorId))
                    .col(text(StatusPageComponents::PublicName))
                    // A static component's state, set by hand.
                    .col(string_len_null(StatusPageComponents::StaticState, 16))
                    .col(text_null(StatusPageComponents::Description))
                    .col(boolean(StatusPageComponents::ShowLatency))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusPageComponents::Table, StatusPageComponents::PageId)
                            .to(StatusPages::Table, StatusPages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusPageComponents::Table, StatusPageComponents::ParentId)
                            .to(StatusPageComponents::Table, StatusPageComponents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatusPageComponents::Table, StatusPageComponents::MonitorId)
                            .to(Monitors::Table, Monitors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_status_page_components_page_position")
                    .table(StatusPageComponents::Table)
                    .col(StatusPageComponents::PageId)
                    .col(StatusPageComponents::Position)
                    .to_owned(),
            )
            .await?;
        // Deleting a monitor deletes its components: found by this index.
        manager
            .create_index(
                Index::create()
                    .name("ix_status_page_components_monitor_id")
                    .table(StatusPageComponents::Table)
                    .col(StatusPageComponents::MonitorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_status_page_components_parent_id")
                    .table(StatusPageComponents::Table)
                    .col(StatusPageComponents::ParentId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(StatusPageComponents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StatusPages::Table).to_owned()).await
    }
}
