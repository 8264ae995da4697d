//! The certificate a monitor last saw (`tls` monitors). Owner or admin only,
//! like the monitor itself.

use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::monitors::Read;
use domain::tls::{CertInfo, SeenCertificate};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::envelope::Envelope;
use super::error::{ApiError, ErrorBody};
use super::extract::Path;
use super::history::MonitorId;
use crate::auth::Auth;
use crate::state::AppState;

/// The chain a server presented at the monitor's last handshake.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Certificate)]
pub struct CertificateBody {
    /// Whole days until the first certificate of the chain expires;
    /// negative once it has.
    pub days_left: i64,
    /// The earliest `notAfter` of the chain.
    pub expires_at: DateTime<Utc>,
    /// Which certificate expires first: 0 is the server's own.
    pub expires_first_index: usize,
    /// The server's certificate's SHA-256, lower-case hex.
    pub fingerprint: String,
    /// `TLSv1.3`, `TLSv1.2`; empty when the handshake was refused.
    pub tls_version: String,
    /// When this certificate was first seen (a replacement resets it).
    pub first_seen_at: DateTime<Utc>,
    pub checked_at: DateTime<Utc>,
    /// The certificates as sent, the server's own first.
    pub chain: Vec<CertificateInfo>,
}

/// One certificate of a chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateInfo {
    /// Distinguished name, e.g. `CN=example.com`.
    pub subject: String,
    pub issuer: String,
    /// DNS names it covers (subject alternative names).
    pub dns_names: Vec<String>,
    /// IP addresses it covers.
    pub ip_addresses: Vec<String>,
    /// Names past the first 100, counted, not listed.
    pub names_left_out: usize,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the certificate, lower-case hex.
    pub sha256: String,
    /// Subject and issuer are the same: a root, or self-signed.
    pub self_issued: bool,
}

impl From<&CertInfo> for CertificateInfo {
    fn from(c: &CertInfo) -> Self {
        Self {
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            dns_names: c.dns_names.clone(),
            ip_addresses: c.ip_addresses.iter().map(ToString::to_string).collect(),
            names_left_out: c.names_left_out,
            not_before: c.not_before,
            not_after: c.not_after,
            sha256: c.sha256.clone(),
            self_issued: c.self_issued,
        }
    }
}

impl From<SeenCertificate> for CertificateBody {
    fn from(seen: SeenCertificate) -> Self {
        Self {
            days_left: seen.days_left,
            expires_at: seen.chain.first_expiry.not_after,
            expires_first_index: seen.chain.first_expiry.index,
            fingerprint: seen.chain.fingerprint().to_owned(),
            tls_version: seen.tls_version,
            first_seen_at: seen.first_seen_at,
            checked_at: seen.checked_at,
            chain: seen.chain.certificates().map(CertificateInfo::from).collect(),
        }
    }
}

/// The certificate a monitor saw at its last handshake (`tls` monitors, and
/// HTTP monitors of `https://` URLs); `data` is null before the first one,
/// and for monitors that make no handshake.
#[utoipa::path(get, operation_id = "monitor_certificate", path = "/monitors/{id}/certificate", tag = "monitors", params(MonitorId), security(("bearer" = [])),
    responses((status = 200, body = Envelope<Option<CertificateBody>>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn certificate(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<Uuid>,
) -> Result<Envelope<Option<CertificateBody>>, ApiError> {
    let monitor = state.monitors.authorize(&caller, id, Read).await?;
    let seen = domain::tls::certificate(&monitor, Utc::now()).await.map_err(ApiError::internal)?;
    Ok(Envelope::ok(seen.map(CertificateBody::from)))
}
