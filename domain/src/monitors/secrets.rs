//! A monitor's secrets (the GitHub token of a runner monitor, the header
//! values and body of an HTTP monitor): sealed into `monitors.secret` with
//! the installation's key, bound to the monitor, and opened only for the
//! checker and for applying a patch. `monitors.config` holds them masked.

use std::collections::BTreeMap;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::input::Target;
use super::service::{MonitorError, MonitorService};
use super::{HttpSpec, MonitorKind, SpecError};
use crate::channels::OpenError;
use crate::entities::monitors;

/// The sealed form of a monitor's secrets; each kind fills its own fields.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Secrets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    /// An HTTP monitor's proxy password, percent-encoded as in its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proxy_password: Option<String>,
}

/// What a save does to `monitors.secret`.
pub(super) enum SecretChange {
    /// Keep the stored value (a runner monitor patched without a new token).
    Keep,
    /// Store this value; `None` clears the column.
    Set(Option<String>),
}

/// Sealed values are bound to their monitor and purpose.
fn secret_aad(id: Uuid) -> Vec<u8> {
    format!("monitor-secret:{id}").into_bytes()
}

impl MonitorService {
    fn open_secrets(&self, id: Uuid, sealed: &str) -> Result<Secrets, MonitorError> {
        let json = self.sealer.open(sealed, &secret_aad(id))?;
        Ok(serde_json::from_slice(&json)
            .map_err(|_| OpenError::from_static("the stored secret is not readable"))?)
    }

    fn seal_secrets(&self, id: Uuid, secrets: &Secrets) -> Result<String, MonitorError> {
        let json = serde_json::to_vec(secrets)
            .map_err(|_| OpenError::from_static("the secret cannot be encoded"))?;
        Ok(self.sealer.seal(&json, &secret_aad(id))?)
    }

    /// The GitHub token of a runner monitor, decrypted: for the checker only.
    pub fn github_token(&self, monitor: &monitors::Model) -> Result<String, MonitorError> {
        let sealed = monitor.secret.as_deref().ok_or_else(|| {
            SpecError::new("github_runners.token", "no token is stored; set one again")
        })?;
        self.open_secrets(monitor.id, sealed)?.token.ok_or_else(|| {
            SpecError::new("github_runners.token", "no token is stored; set one again").into()
        })
    }

    /// An HTTP monitor's settings with its header values and body in clear:
    /// for the checker and for patching only. `stored` is what
    /// `monitors.config` holds; a row without a secret (one written before
    /// secrets were sealed, not yet upgraded) holds them in clear already.
    pub fn http_spec(
        &self,
        monitor: &monitors::Model,
        stored: &HttpSpec,
    ) -> Result<HttpSpec, MonitorError> {
        let Some(sealed) = monitor.secret.as_deref() else {
            return Ok(stored.clone());
        };
        let secrets = self.open_secrets(monitor.id, sealed)?;
        let mut proxy = stored.proxy.clone();
        if let (Some(url), Some(password)) = (proxy.as_mut(), secrets.proxy_password.as_deref()) {
            // Only fails for URLs that cannot carry credentials; an http:// proxy can.
            let _ = url.set_password(Some(password));
        }
        Ok(HttpSpec { headers: secrets.headers, body: secrets.body, proxy, ..stored.clone() })
    }

    /// The target of a stored monitor with its secrets in clear.
    pub(super) fn clear_target(&self, monitor: &monitors::Model) -> Result<Target, MonitorError> {
        match Target::from_config(monitor.kind, &monitor.config)? {
            Target::Http(stored) => Ok(Target::Http(self.http_spec(monitor, &stored)?)),
            other => Ok(other),
        }
    }

    /// What saving `target` (in clear) does to the monitor's sealed secret.
    pub(super) fn seal(&self, id: Uuid, target: &Target) -> Result<SecretChange, MonitorError> {
        let secrets = match target {
            Target::GithubRunners(spec) => match &spec.token {
                Some(token) => Secrets { token: Some(token.clone()), ..Default::default() },
                None => return Ok(SecretChange::Keep),
            },
            Target::Http(spec) if spec.has_secrets() => Secrets {
                headers: spec.headers.clone(),
                body: spec.body.clone(),
                proxy_password: spec.proxy_password().map(str::to_owned),
                ..Default::default()
            },
            Target::Http(_)
            | Target::Tcp(_)
            | Target::Dns(_)
            | Target::Tls(_)
            | Target::Domain(_)
            | Target::Icmp(_)
            | Target::Heartbeat(_) => return Ok(SecretChange::Set(None)),
        };
        Ok(SecretChange::Set(Some(self.seal_secrets(id, &secrets)?)))
    }

    /// Seals the header values and bodies of HTTP monitors stored in clear
    /// (rows written before they were secrets); returns how many. Run at
    /// start-up by every process; a row is rewritten only while its secret
    /// is still empty, so concurrent runs do each row once.
    pub async fn seal_stored_http_secrets(&self) -> Result<u64, MonitorError> {
        use sea_orm::sea_query::{Condition, ExprTrait};
        let candidates = monitors::Entity::find()
            .filter(monitors::Column::Kind.eq(MonitorKind::Http))
            .filter(monitors::Column::Secret.is_null())
            .filter(
                Condition::any()
                    .add(Expr::col(monitors::Column::Config).not_like("%\"headers\":{}%"))
                    .add(Expr::col(monitors::Column::Config).not_like("%\"body\":null%")),
            )
            .all(&self.db)
            .await?;
        let mut sealed = 0;
        for monitor in candidates {
            let Target::Http(spec) = Target::from_config(monitor.kind, &monitor.config)? else {
                continue;
            };
            let SecretChange::Set(Some(secret)) =
                self.seal(monitor.id, &Target::Http(spec.clone()))?
            else {
                continue;
            };
            let updated = monitors::Entity::update_many()
                .col_expr(monitors::Column::Secret, Expr::value(secret))
                .col_expr(monitors::Column::Config, Expr::value(Target::Http(spec).to_config()))
                .filter(monitors::Column::Id.eq(monitor.id))
                .filter(monitors::Column::Secret.is_null())
                .filter(monitors::Column::Config.eq(monitor.config.as_str()))
                .exec(&self.db)
                .await?;
            sealed += updated.rows_affected;
        }
        Ok(sealed)
    }
}
