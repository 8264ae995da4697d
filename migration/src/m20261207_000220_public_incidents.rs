//! Public incidents: what a status page tells its visitors about an outage,
//! separate from the internal incident checks open. An incident (title,
//! state, phase), the components it affects and how badly, and its updates
//! in markdown. A page gets the delay after which a draft made from an
//! internal incident publishes itself (docs/status-pages.md).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::{Incidents, Users};

#[derive(DeriveIden)]
enum StatusPages {
    Table,
    Id,
    AutoPublishDelaySecs,
}

#[derive(DeriveIden)]
enum StatusPageComponents {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum PublicIncidents {
    Table,
    Id,
    PageId,
    IncidentId,
    Title,
    State,
    Phase,
    PublishAt,
    PublishedAt,
    ResolvedAt,
    Postmortem,
    PostmortemAt,
    PersonEditedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PublicIncidentComponents {
    Table,
    Id,
    IncidentId,
    ComponentId,
    ComponentName,
    Impact,
}

#[derive(DeriveIden)]
enum PublicIncidentUpdates {
    Table,
    Id,
    IncidentId,
    Phase,
    Body,
    PostedAt,
    EditedAt,
    AuthorId,
}

fn reference(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to.0, to.1).on_delete(on_delete).to_owned()
}

fn index(name: &str, cols: Vec<PublicIncidents>) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(PublicIncidents::Table);
    for col in cols {
        index.col(col);
    }
    index.to_owned()
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StatusPages::Table)
                    // Five minutes by default; 0 publishes at the next sweep.
                    .add_column(integer(StatusPages::AutoPublishDelaySecs).default(300))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PublicIncidents::Table)
                    .col(pk_uuid(PublicIncidents::Id))
                    .col(uuid(PublicIncidents::PageId))
                    // The internal incident it was drafted from; NULL when a
                    // person wrote it, or once that incident is deleted.
                    .col(uuid_null(PublicIncidents::IncidentId))
                    .col(text(PublicIncidents::Title))
                    // draft, published or discarded.
                    .col(string_len(PublicIncidents::State, 16))
                    // The phase of the latest update.
                    .col(string_len(PublicIncidents::Phase, 16))
                    // When a draft publishes itself; NULL once a person touched it.
                    .col(timestamp_with_time_zone_null(PublicIncidents::PublishAt))
                    .col(timestamp_with_time_zone_null(PublicIncidents::PublishedAt))
                    .col(timestamp_with_time_zone_null(PublicIncidents::ResolvedAt))
                    .col(text_null(PublicIncidents::Postmortem))
                    .col(timestamp_with_time_zone_null(PublicIncidents::PostmortemAt))
                    // The last change by a person; NULL while only automation
                    // wrote it (automation then leaves it alone).
                    .col(timestamp_with_time_zone_null(PublicIncidents::PersonEditedAt))
                    .col(timestamp_with_time_zone(PublicIncidents::CreatedAt))
                    .col(timestamp_with_time_zone(PublicIncidents::UpdatedAt))
                    .foreign_key(&mut reference(
                        (PublicIncidents::Table, PublicIncidents::PageId),
                        (StatusPages::Table, StatusPages::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        (PublicIncidents::Table, PublicIncidents::IncidentId),
                        (Incidents::Table, Incidents::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        // The page's incidents, newest published first (public read, feeds).
        manager
            .create_index(index(
                "ix_public_incidents_page_published",
                vec![PublicIncidents::PageId, PublicIncidents::PublishedAt],
            ))
            .await?;
        // One draft per page and internal incident: a retried job makes no second.
        manager
            .create_index(
                index(
                    "ux_public_incidents_page_incident",
                    vec![PublicIncidents::PageId, PublicIncidents::IncidentId],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        // An internal incident's drafts, when it resolves (and for SET NULL).
        manager
            .create_index(index("ix_public_incidents_incident", vec![PublicIncidents::IncidentId]))
            .await?;
        // The sweep's due drafts.
        manager
            .create_index(index("ix_public_incidents_publish_at", vec![PublicIncidents::PublishAt]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PublicIncidentComponents::Table)
                    .col(pk_uuid(PublicIncidentComponents::Id))
                    .col(uuid(PublicIncidentComponents::IncidentId))
                    // NULL once the component is gone (a page's components are
                    // replaced as a whole): the name below keeps the history.
                    .col(uuid_null(PublicIncidentComponents::ComponentId))
                    .col(text(PublicIncidentComponents::ComponentName))
                    // degraded, partial_outage or major_outage.
                    .col(string_len(PublicIncidentComponents::Impact, 16))
                    .foreign_key(&mut reference(
                        (PublicIncidentComponents::Table, PublicIncidentComponents::IncidentId),
                        (PublicIncidents::Table, PublicIncidents::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        (PublicIncidentComponents::Table, PublicIncidentComponents::ComponentId),
                        (StatusPageComponents::Table, StatusPageComponents::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_public_incident_components_incident")
                    .table(PublicIncidentComponents::Table)
                    .col(PublicIncidentComponents::IncidentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_public_incident_components_component")
                    .table(PublicIncidentComponents::Table)
                    .col(PublicIncidentComponents::ComponentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PublicIncidentUpdates::Table)
                    .col(pk_uuid(PublicIncidentUpdates::Id))
                    .col(uuid(PublicIncidentUpdates::IncidentId))
                    // investigating, identified, monitoring or resolved.
                    .col(string_len(PublicIncidentUpdates::Phase, 16))
                    // Markdown, rendered safely when read.
                    .col(text(PublicIncidentUpdates::Body))
                    .col(timestamp_with_time_zone(PublicIncidentUpdates::PostedAt))
                    .col(timestamp_with_time_zone_null(PublicIncidentUpdates::EditedAt))
                    // NULL when automation wrote it, or the author is gone.
                    .col(uuid_null(PublicIncidentUpdates::AuthorId))
                    .foreign_key(&mut reference(
                        (PublicIncidentUpdates::Table, PublicIncidentUpdates::IncidentId),
                        (PublicIncidents::Table, PublicIncidents::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut reference(
                        (PublicIncidentUpdates::Table, PublicIncidentUpdates::AuthorId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_public_incident_updates_incident_posted")
                    .table(PublicIncidentUpdates::Table)
                    .col(PublicIncidentUpdates::IncidentId)
                    .col(PublicIncidentUpdates::PostedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_public_incident_updates_author")
                    .table(PublicIncidentUpdates::Table)
                    .col(PublicIncidentUpdates::AuthorId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PublicIncidentUpdates::Table.into_iden(),
            PublicIncidentComponents::Table.into_iden(),
            PublicIncidents::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(StatusPages::Table)
                    .drop_column(StatusPages::AutoPublishDelaySecs)
                    .to_owned(),
            )
            .await
    }
}
