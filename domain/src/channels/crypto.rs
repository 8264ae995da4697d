//! Encryption at rest of channel secrets: XChaCha20-Poly1305 with a random
//! 192-bit nonce per value (random nonces of that size never collide in
//! practice), the row's id as associated data so a sealed value cannot be
//! moved to another row, and a version prefix so the scheme can change.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

/// The 32-byte key that seals channel secrets.
#[derive(Clone)]
pub struct EncryptionKey([u8; 32]);

/// Why a key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("the encryption key is not valid base64")]
    NotBase64,
    #[error("the encryption key must be 32 bytes (it is {0})")]
    WrongLength(usize),
}

impl EncryptionKey {
    /// The key length in bytes.
    pub const LEN: usize = 32;

    /// A key from exactly 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        <[u8; 32]>::try_from(bytes).map(Self).map_err(|_| KeyError::WrongLength(bytes.len()))
    }

    /// A key from the base64 of 32 bytes (how operators configure it).
    pub fn from_base64(encoded: &str) -> Result<Self, KeyError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| KeyError::NotBase64)?;
        Self::from_bytes(&bytes)
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self(key)
    }
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(***)")
    }
}

/// A sealed value could not be opened: wrong key, or tampered with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decrypt a stored secret ({0}); was the encryption key changed?")]
pub struct OpenError(&'static str);

impl OpenError {
    /// An error with a fixed reason.
    pub(crate) fn from_static(reason: &'static str) -> Self {
        Self(reason)
    }
}

const VERSION: &str = "v1:";
const NONCE_LEN: usize = 24;

/// Seals and opens values with one key.
pub(crate) struct Sealer {
    cipher: XChaCha20Poly1305,
}

impl Sealer {
    pub(crate) fn new(key: &EncryptionKey) -> Self {
        Self { cipher: XChaCha20Poly1305::new(&key.0.into()) }
    }

    /// `v1:` and the base64 of nonce and ciphertext.
    pub(crate) fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<String, OpenError> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(&XNonce::from(nonce), Payload { msg: plaintext, aad })
            .map_err(|_| OpenError("the value is too long to encrypt"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", base64::engine::general_purpose::STANDARD.encode(out)))
    }

    /// The plaintext of a value sealed with the same key and `aad`.
    pub(crate) fn open(&self, sealed: &str, aad: &[u8]) -> Result<Vec<u8>, OpenError> {
        let encoded = sealed.strip_prefix(VERSION).ok_or(OpenError("unknown format"))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| OpenError("not base64"))?;
        if bytes.len() < NONCE_LEN {
            return Err(OpenError("too short"));
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| OpenError("bad nonce"))?;
        self.cipher
            .decrypt(&nonce, Payload { msg: ciphertext, aad })
            .map_err(|_| OpenError("authentication failed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_with_the_same_key_and_row() {
        let sealer = Sealer::new(&EncryptionKey::generate());
        let sealed = sealer.seal(b"https://hooks.slack.com/services/T/B/X", b"row-1").unwrap();
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("hooks.slack.com"));
        assert_eq!(
            sealer.open(&sealed, b"row-1").unwrap(),
            b"https://hooks.slack.com/services/T/B/X"
        );
    }

    #[test]
    fn each_seal_uses_a_new_nonce() {
        let sealer = Sealer::new(&EncryptionKey::generate());
        assert_ne!(sealer.seal(b"same", b"").unwrap(), sealer.seal(b"same", b"").unwrap());
    }

    #[test]
    fn another_key_another_row_or_a_flipped_bit_fail_to_open() {
        let sealer = Sealer::new(&EncryptionKey::generate());
        let sealed = sealer.seal(b"secret", b"row-1").unwrap();
        assert!(Sealer::new(&EncryptionKey::generate()).open(&sealed, b"row-1").is_err());
        assert!(sealer.open(&sealed, b"row-2").is_err());
        let mut bytes = base64::engine::general_purpose::STANDARD.decode(&sealed[3..]).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("v1:{}", base64::engine::general_purpose::STANDARD.encode(bytes));
        assert!(sealer.open(&tampered, b"row-1").is_err());
        assert!(sealer.open("plain text", b"row-1").is_err());
    }

    #[test]
    fn keys_are_exactly_32_bytes_of_base64() {
        let encoded = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
        assert!(EncryptionKey::from_base64(&encoded).is_ok());
        let short = base64::engine::general_purpose::STANDARD.encode([1u8; 16]);
        assert_eq!(EncryptionKey::from_base64(&short).unwrap_err(), KeyError::WrongLength(16));
        assert_eq!(EncryptionKey::from_base64("%%%").unwrap_err(), KeyError::NotBase64);
        assert_eq!(format!("{:?}", EncryptionKey::generate()), "EncryptionKey(***)");
    }
}
