//! A monitor's secrets (the GitHub token of a runner monitor): sealed into
//! `monitors.secret` with the installation's key, bound to the monitor, and
//! opened only for the checker.

use uuid::Uuid;

use super::input::Target;
use super::service::{MonitorError, MonitorService};
use super::SpecError;
use crate::channels::OpenError;
use crate::entities::monitors;

/// The sealed form of a monitor's secrets.
#[derive(serde::Serialize, serde::Deserialize)]
struct Secrets {
    token: String,
}

/// Sealed values are bound to their monitor and purpose.
fn secret_aad(id: Uuid) -> Vec<u8> {
    format!("monitor-secret:{id}").into_bytes()
}

impl MonitorService {
    /// The GitHub token of a runner monitor, decrypted: for the checker only.
    pub fn github_token(&self, monitor: &monitors::Model) -> Result<String, MonitorError> {
        let sealed = monitor.secret.as_deref().ok_or_else(|| {
            SpecError::new("github_runners.token", "no token is stored; set one again")
        })?;
        let json = self.sealer.open(sealed, &secret_aad(monitor.id))?;
        let secrets: Secrets = serde_json::from_slice(&json)
            .map_err(|_| OpenError::from_static("the stored secret is not readable"))?;
        Ok(secrets.token)
    }

    /// The sealed secrets of `target`, when it carries a new one.
    pub(super) fn seal(&self, id: Uuid, target: &Target) -> Result<Option<String>, MonitorError> {
        let Target::GithubRunners(spec) = target else {
            return Ok(None);
        };
        let Some(token) = &spec.token else {
            return Ok(None);
        };
        let json = serde_json::to_vec(&Secrets { token: token.clone() })
            .map_err(|_| OpenError::from_static("the secret cannot be encoded"))?;
        Ok(Some(self.sealer.seal(&json, &secret_aad(id))?))
    }
}
