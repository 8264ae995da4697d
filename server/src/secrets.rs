//! Secrets that must survive restarts: taken from configuration, or generated
//! once and kept in the data directory (readable by the owner only).

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use base64::Engine;
use domain::channels::EncryptionKey;
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
    stored_or_generated(data_dir, name, 64)
}

/// The key that encrypts stored channel secrets: the configured one (base64
/// of 32 bytes), or `data_dir/data.key`, generated in that same format so an
/// operator can copy it into `RUNSTATE_ENCRYPTION_KEY` for other machines.
pub fn encryption_key(data_dir: &Path, configured: Option<&str>) -> anyhow::Result<EncryptionKey> {
    if let Some(encoded) = configured {
        return EncryptionKey::from_base64(encoded).context("invalid RUNSTATE_ENCRYPTION_KEY");
    }
    let bytes = stored_or_generated(data_dir, "data.key", EncryptionKey::LEN)?;
    EncryptionKey::from_bytes(&bytes)
        .with_context(|| format!("{} is not a valid key", data_dir.join("data.key").display()))
}

/// The base64 secret stored at `data_dir/name`, or `len` new random bytes
/// written there (owner-only) first.
fn stored_or_generated(data_dir: &Path, name: &str, len: usize) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join(name);
    if let Ok(stored) = std::fs::read_to_string(&path) {
        return base64::engine::general_purpose::STANDARD
            .decode(stored.trim())
            .with_context(|| format!("{} is not valid base64", path.display()));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
    let mut secret = vec![0u8; len];
    rand::rng().fill_bytes(&mut secret);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&secret);
    match write_new_private(&path, encoded.as_bytes()) {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a new secret");
            Ok(secret)
        }
        // Another process created it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            stored_or_generated(data_dir, name, len)
        }
        Err(err) => Err(err).with_context(|| format!("cannot write {}", path.display())),
    }
}

/// Writes `contents` to a new file at `path` that only its owner may read
/// (mode 0600 from its creation, never wider); an existing file is an
/// `AlreadyExists` error.
pub(crate) fn write_new_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
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
    fn the_encryption_key_is_generated_once_as_base64_of_32_bytes() {
        let dir = tempfile::tempdir().expect("dir");
        encryption_key(dir.path(), None).expect("generated");
        let stored = std::fs::read_to_string(dir.path().join("data.key")).expect("data.key");
        assert!(EncryptionKey::from_base64(&stored).is_ok(), "usable as the setting");
        encryption_key(dir.path(), None).expect("read back");
        assert!(encryption_key(dir.path(), Some(stored.trim())).is_ok());
        let err = encryption_key(dir.path(), Some("c2hvcnQ=")).expect_err("16 bytes is too short");
        assert!(format!("{err:#}").contains("RUNSTATE_ENCRYPTION_KEY"), "{err:#}");
    }

    #[test]
    fn a_configured_secret_wins() {
        let dir = tempfile::tempdir().expect("dir");
        let secret = load_or_create(dir.path(), "jwt.key", Some("configured")).expect("secret");
        assert_eq!(secret, b"configured");
        assert!(!dir.path().join("jwt.key").exists());
    }
}
