//! Identifiers of every table and column, shared by the migrations.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    Role,
    Disabled,
    TokenVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
    RevokedReason,
    UserAgent,
    ClientIp,
}

#[derive(DeriveIden)]
pub enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    SpentAt,
}

#[derive(DeriveIden)]
pub enum Monitors {
    Table,
    Id,
    OwnerId,
    Name,
    Kind,
    Target,
    Config,
    IntervalSeconds,
    TimeoutMs,
    Confirmations,
    Recoveries,
    Paused,
    NextCheckAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum MonitorState {
    Table,
    MonitorId,
    Status,
    StatusSince,
    LastCheckedAt,
    LastLatencyMs,
    LastError,
    ConsecutiveFailures,
    ConsecutiveSuccesses,
    LastCheckSeq,
}

#[derive(DeriveIden)]
pub enum Checks {
    Table,
    Id,
    MonitorId,
    CheckedAt,
    Status,
    LatencyMs,
    HttpStatus,
    Error,
    Region,
}

#[derive(DeriveIden)]
pub enum Incidents {
    Table,
    Id,
    MonitorId,
    Subject,
    Number,
    StartedAt,
    ResolvedAt,
    Cause,
    AcknowledgedAt,
    AcknowledgedBy,
}

#[derive(DeriveIden)]
pub enum IncidentEvents {
    Table,
    Id,
    IncidentId,
    At,
    Kind,
    Message,
}

#[derive(DeriveIden)]
pub enum Channels {
    Table,
    Id,
    OwnerId,
    Name,
    Kind,
    Secret,
    Display,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
pub enum MonitorChannels {
    Table,
    MonitorId,
    ChannelId,
}

#[derive(DeriveIden)]
pub enum Notifications {
    Table,
    Id,
    MonitorId,
    IncidentId,
    ChannelId,
    Event,
    PrevStatus,
    CurrentStatus,
    Channel,
    Recipient,
    DeliveryStatus,
    Attempts,
    LastError,
    Region,
    CreatedAt,
    NextAttemptAt,
    SentAt,
}

#[derive(DeriveIden)]
pub enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    Action,
    TargetType,
    TargetId,
    Details,
    ClientIp,
}
