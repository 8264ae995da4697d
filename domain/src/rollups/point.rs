//! One raw check as rollups and statistics read it.

use chrono::{DateTime, Utc};
use sea_orm::{EntityTrait, FromQueryResult, QuerySelect, Select};
use uuid::Uuid;

use crate::entities::checks;
use crate::monitors::Status;
use crate::probe::Phases;

/// The columns of a check that figures are made of.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct CheckPoint {
    pub monitor_id: Uuid,
    pub checked_at: DateTime<Utc>,
    pub status: Status,
    pub latency_ms: Option<i32>,
    pub dns_ms: Option<i32>,
    pub connect_ms: Option<i32>,
    pub tls_ms: Option<i32>,
    pub ttfb_ms: Option<i32>,
    pub transfer_ms: Option<i32>,
}

impl CheckPoint {
    /// Selects exactly these columns of `checks`.
    pub fn select() -> Select<checks::Entity> {
        use checks::Column as C;
        checks::Entity::find().select_only().columns([
            C::MonitorId,
            C::CheckedAt,
            C::Status,
            C::LatencyMs,
            C::DnsMs,
            C::ConnectMs,
            C::TlsMs,
            C::TtfbMs,
            C::TransferMs,
        ])
    }

    /// The phases it was measured by (all `None` for other kinds).
    pub fn phases(&self) -> Phases {
        let ms = |v: Option<i32>| v.and_then(|v| u32::try_from(v).ok());
        Phases {
            dns_ms: ms(self.dns_ms),
            connect_ms: ms(self.connect_ms),
            tls_ms: ms(self.tls_ms),
            ttfb_ms: ms(self.ttfb_ms),
            transfer_ms: ms(self.transfer_ms),
            total_ms: None,
        }
    }
}
