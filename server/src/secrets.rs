//! Secrets that must survive restarts: taken from configuration, or generated
//! once and kept in the data directory (readable by the owner only).

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use rand::RngCore;

/// The configured secret, or the one stored at `data_dir/name`, created with
/// 64 random bytes on first use.
pub fn load_or_create(
    data_dir: &Path,
    name: &str,
    configured: Option<&str>,
) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured {
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(name);
    if let Ok(stored) = std::fs::read_to_string(&path) {
        return base64::engine::general_purpose::STANDARD
            .decode(stored.trim())
            .with_context(|| format!("{} is not valid base64", path.display()));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let mut secret = vec![0u8; 64];
    rand::rng().fill_bytes(&mut secret);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&secret);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(encoded.as_bytes())?;
            tracing::info!(path = %path.display(), "generated a new secret");
            Ok(secret)
        }
        // Another process created it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            load_or_create(data_dir, name, None)
        }
        Err(err) => Err(err).with_context(|| format!("cannot write {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_and_reused() {
        let dir = tempfile::tempdir().expect("dir");
        let first = load_or_create(dir.path(), "jwt.key", None).expect("created");
        let again = load_or_create(dir.path(), "jwt.key", None).expect("read back");
        assert_eq!(first.len(), 64);
        assert_eq!(first, again);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                std::fs::metadata(dir.path().join("jwt.key")).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_configured_secret_wins() {
        let dir = tempfile::tempdir().expect("dir");
        let secret = load_or_create(dir.path(), "jwt.key", Some("configured")).expect("secret");
        assert_eq!(secret, b"configured");
        assert!(!dir.path().join("jwt.key").exists());
    }
}
