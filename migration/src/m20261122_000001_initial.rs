//! The first schema: accounts, monitors and their state, checks, incidents,
//! channels, notifications and the audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::tables::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A foreign key that deletes the child rows with their parent.
fn cascade(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn index(table: impl IntoIden, name: &str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(Alias::new(*col));
    }
    stmt.to_owned()
}

/// Partial unique indexes are the database's guarantee of "at most one open
/// incident" and the like; sea-query has no builder for them, and this SQL is
/// the same on SQLite and Postgres.
const PARTIAL_INDEXES: &[&str] = &[
    "CREATE UNIQUE INDEX ux_incidents_one_open ON incidents (monitor_id, subject) WHERE resolved_at IS NULL",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_uniq(Users::Email))
                    .col(string(Users::PasswordHash))
                    .col(string_len(Users::Role, 16))
                    .col(boolean(Users::Disabled).default(false))
                    .col(integer(Users::TokenVersion).default(0))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_uuid(Sessions::Id))
                    .col(uuid(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastUsedAt))
                    .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                    .col(string_null(Sessions::RevokedReason))
                    .col(string_null(Sessions::UserAgent))
                    .col(string_null(Sessions::ClientIp))
                    .foreign_key(&mut cascade(
                        (Sessions::Table, Sessions::UserId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index(Sessions::Table, "ix_sessions_user", &["user_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(pk_uuid(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::SessionId))
                    .col(string_uniq(RefreshTokens::TokenHash))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::SpentAt))
                    .foreign_key(&mut cascade(
                        (RefreshTokens::Table, RefreshTokens::SessionId),
                        (Sessions::Table, Sessions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(RefreshTokens::Table, "ix_refresh_tokens_session", &["session_id"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Monitors::Table)
                    .col(pk_uuid(Monitors::Id))
                    .col(uuid(Monitors::OwnerId))
                    .col(string(Monitors::Name))
                    .col(string_len(Monitors::Kind, 32))
                    .col(text(Monitors::Target))
                    .col(text(Monitors::Config))
                    .col(integer(Monitors::IntervalSeconds))
                    .col(integer(Monitors::TimeoutMs))
                    .col(integer(Monitors::Confirmations))
                    .col(integer(Monitors::Recoveries))
                    .col(boolean(Monitors::Paused).default(false))
                    .col(timestamp_with_time_zone(Monitors::NextCheckAt))
                    .col(timestamp_with_time_zone(Monitors::CreatedAt))
                    .col(timestamp_with_time_zone(Monitors::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Monitors::Table, Monitors::OwnerId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                Monitors::Table,
                "ix_monitors_owner_target",
                &["owner_id", "target"],
            ))
            .await?;
        manager
            .create_index(index(Monitors::Table, "ix_monitors_due", &["paused", "next_check_at"]))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MonitorState::Table)
                    .col(pk_uuid(MonitorState::MonitorId))
                    .col(string_len(MonitorState::Status, 16))
                    .col(timestamp_with_time_zone(MonitorState::StatusSince))
                    .col(timestamp_with_time_zone_null(MonitorState::LastCheckedAt))
                    .col(integer_null(MonitorState::LastLatencyMs))
                    .col(text_null(MonitorState::LastError))
                    .col(integer(MonitorState::ConsecutiveFailures).default(0))
                    .col(integer(MonitorState::ConsecutiveSuccesses).default(0))
                    .col(big_integer(MonitorState::LastCheckSeq).default(0))
                    .foreign_key(&mut cascade(
                        (MonitorState::Table, MonitorState::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Checks::Table)
                    .col(pk_uuid(Checks::Id))
                    .col(uuid(Checks::MonitorId))
                    .col(timestamp_with_time_zone(Checks::CheckedAt))
                    .col(string_len(Checks::Status, 16))
                    .col(integer_null(Checks::LatencyMs))
                    .col(small_integer_null(Checks::HttpStatus))
                    .col(text_null(Checks::Error))
                    .col(string_len(Checks::Region, 64))
                    .foreign_key(&mut cascade(
                        (Checks::Table, Checks::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                Checks::Table,
                "ix_checks_monitor_time",
                &["monitor_id", "checked_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Incidents::Table)
                    .col(pk_uuid(Incidents::Id))
                    .col(uuid(Incidents::MonitorId))
                    // The runner name for GitHub runner monitors; empty otherwise.
                    .col(string(Incidents::Subject).default(""))
                    .col(integer(Incidents::Number))
                    .col(timestamp_with_time_zone(Incidents::StartedAt))
                    .col(timestamp_with_time_zone_null(Incidents::ResolvedAt))
                    .col(text(Incidents::Cause))
                    .col(timestamp_with_time_zone_null(Incidents::AcknowledgedAt))
                    .col(uuid_null(Incidents::AcknowledgedBy))
                    .foreign_key(&mut cascade(
                        (Incidents::Table, Incidents::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    Incidents::Table,
                    "ux_incidents_number",
                    &["monitor_id", "subject", "number"],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IncidentEvents::Table)
                    .col(pk_uuid(IncidentEvents::Id))
                    .col(uuid(IncidentEvents::IncidentId))
                    .col(timestamp_with_time_zone(IncidentEvents::At))
                    .col(string_len(IncidentEvents::Kind, 32))
                    .col(text(IncidentEvents::Message))
                    .foreign_key(&mut cascade(
                        (IncidentEvents::Table, IncidentEvents::IncidentId),
                        (Incidents::Table, Incidents::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                IncidentEvents::Table,
                "ix_incident_events_incident",
                &["incident_id", "at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Channels::Table)
                    .col(pk_uuid(Channels::Id))
                    .col(uuid(Channels::OwnerId))
                    .col(string(Channels::Name))
                    .col(string_len(Channels::Kind, 16))
                    // Encrypted JSON of the channel's secrets (webhook URLs, signing keys).
                    .col(text(Channels::Secret))
                    // The masked, displayable JSON of the channel's settings.
                    .col(text(Channels::Display))
                    .col(timestamp_with_time_zone(Channels::CreatedAt))
                    .col(timestamp_with_time_zone(Channels::UpdatedAt))
                    .foreign_key(&mut cascade(
                        (Channels::Table, Channels::OwnerId),
                        (Users::Table, Users::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index(Channels::Table, "ix_channels_owner", &["owner_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table(MonitorChannels::Table)
                    .col(uuid(MonitorChannels::MonitorId))
                    .col(uuid(MonitorChannels::ChannelId))
                    .primary_key(
                        Index::create()
                            .col(MonitorChannels::MonitorId)
                            .col(MonitorChannels::ChannelId),
                    )
                    .foreign_key(&mut cascade(
                        (MonitorChannels::Table, MonitorChannels::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (MonitorChannels::Table, MonitorChannels::ChannelId),
                        (Channels::Table, Channels::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                MonitorChannels::Table,
                "ix_monitor_channels_channel",
                &["channel_id"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(pk_uuid(Notifications::Id))
                    .col(uuid(Notifications::MonitorId))
                    .col(uuid_null(Notifications::IncidentId))
                    .col(uuid_null(Notifications::ChannelId))
                    .col(string_len(Notifications::Event, 16))
                    .col(string_len_null(Notifications::PrevStatus, 16))
                    .col(string_len_null(Notifications::CurrentStatus, 16))
                    .col(string_len(Notifications::Channel, 16))
                    .col(text(Notifications::Recipient))
                    .col(string_len(Notifications::DeliveryStatus, 16))
                    .col(integer(Notifications::Attempts).default(0))
                    .col(text_null(Notifications::LastError))
                    .col(string_len(Notifications::Region, 64))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Notifications::SentAt))
                    .foreign_key(&mut cascade(
                        (Notifications::Table, Notifications::MonitorId),
                        (Monitors::Table, Monitors::Id),
                    ))
                    .foreign_key(&mut cascade(
                        (Notifications::Table, Notifications::IncidentId),
                        (Incidents::Table, Incidents::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notifications::Table, Notifications::ChannelId)
                            .to(Channels::Table, Channels::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // One notification per (incident, channel, event): a redelivered
        // status-change job can never send twice.
        manager
            .create_index(
                index(
                    Notifications::Table,
                    "ux_notifications_once",
                    &["incident_id", "channel_id", "event"],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                Notifications::Table,
                "ix_notifications_monitor_time",
                &["monitor_id", "created_at"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_uuid(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(uuid_null(AuditLog::ActorId))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len_null(AuditLog::TargetType, 32))
                    .col(string_null(AuditLog::TargetId))
                    .col(text_null(AuditLog::Details))
                    .col(string_null(AuditLog::ClientIp))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index(AuditLog::Table, "ix_audit_log_at", &["at"])).await?;

        let db = manager.get_connection();
        for sql in PARTIAL_INDEXES {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children first, so foreign keys never block the drop.
        for table in [
            AuditLog::Table.into_iden(),
            Notifications::Table.into_iden(),
            MonitorChannels::Table.into_iden(),
            Channels::Table.into_iden(),
            IncidentEvents::Table.into_iden(),
            Incidents::Table.into_iden(),
            Checks::Table.into_iden(),
            MonitorState::Table.into_iden(),
            Monitors::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
