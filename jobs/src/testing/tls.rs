//! Certificates for TLS tests: a test CA the client is told to trust,
//! intermediates, and leaf certificates that are good, expiring, expired, not
//! yet valid, for another host, or self-signed; and [`TlsStandIn`], a TLS
//! server on [`super::STAND_IN_HOST`] whose certificate a test can replace.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{Datelike, Timelike};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{crypto::aws_lc_rs, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// A certificate authority for tests.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    /// The CA certificate, PEM: what `extra_roots_pem` gets.
    pub pem: Vec<u8>,
    /// What a server sends after a leaf this CA signed: nothing for a root,
    /// the intermediates (nearest first) for an intermediate.
    sent_after_leaf: Vec<CertificateDer<'static>>,
}

/// A certificate with its private key, and the intermediates a server sends with it.
pub struct Leaf {
    pub cert: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
    pub issuers: Vec<CertificateDer<'static>>,
}

impl Default for TestCa {
    fn default() -> Self {
        Self::new()
    }
}

impl TestCa {
    /// A fresh CA.
    pub fn new() -> Self {
        Self::named("RunState test CA")
    }

    /// A fresh CA with this common name (two CAs of one name are one issuer
    /// to a verifier, which then finds a bad signature rather than a stranger).
    pub fn named(common_name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name.push(DnType::CommonName, common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("CA certificate");
        Self {
            pem: cert.pem().into_bytes(),
            issuer: Issuer::new(params, key),
            sent_after_leaf: Vec::new(),
        }
    }

    /// An intermediate CA signed by this one, valid until `until_days` from now.
    pub fn intermediate(&self, until_days: i64) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name.push(DnType::CommonName, "RunState test intermediate");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        valid_days(&mut params, -1, until_days);
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("intermediate");
        let mut sent_after_leaf = vec![cert.der().clone()];
        sent_after_leaf.extend(self.sent_after_leaf.iter().cloned());
        Self { pem: cert.pem().into_bytes(), issuer: Issuer::new(params, key), sent_after_leaf }
    }

    /// A leaf for `names` valid from `from_days` to `until_days` from now
    /// (an hour more, so that whole days left come out as `until_days`).
    pub fn leaf_valid(&self, names: &[&str], from_days: i64, until_days: i64) -> Leaf {
        let mut params = leaf_params(names);
        valid_days(&mut params, from_days, until_days);
        self.sign(params)
    }

    /// A leaf for `names`, valid from 1975 to 4096 (rcgen's default).
    pub fn leaf(&self, names: &[&str]) -> Leaf {
        self.sign(leaf_params(names))
    }

    /// A leaf for `names` that expired in 2021.
    pub fn expired_leaf(&self, names: &[&str]) -> Leaf {
        let mut params = leaf_params(names);
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        self.sign(params)
    }

    fn sign(&self, params: CertificateParams) -> Leaf {
        let key = KeyPair::generate().expect("key");
        let cert = params.signed_by(&key, &self.issuer).expect("signed leaf");
        Leaf { cert: cert.der().clone(), key: pkcs8(&key), issuers: self.sent_after_leaf.clone() }
    }
}

/// A self-signed leaf for `names`: no CA vouches for it.
pub fn self_signed(names: &[&str]) -> Leaf {
    let key = KeyPair::generate().expect("key");
    let cert = leaf_params(names).self_signed(&key).expect("self-signed");
    Leaf { cert: cert.der().clone(), key: pkcs8(&key), issuers: Vec::new() }
}

/// A self-signed certificate for `names` marked as a CA, as `openssl req
/// -x509` makes by default.
pub fn self_signed_ca(names: &[&str]) -> Leaf {
    let key = KeyPair::generate().expect("key");
    let mut params = leaf_params(names);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.self_signed(&key).expect("self-signed CA");
    Leaf { cert: cert.der().clone(), key: pkcs8(&key), issuers: Vec::new() }
}

/// A TLS acceptor presenting `leaf` and its intermediates.
pub fn acceptor(leaf: Leaf) -> TlsAcceptor {
    acceptor_offering(leaf, &[])
}

/// An acceptor that agrees by ALPN to the first of `protocols` a client offers (`h2`).
pub fn acceptor_offering(leaf: Leaf, protocols: &[&[u8]]) -> TlsAcceptor {
    let mut config = ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(std::iter::once(leaf.cert).chain(leaf.issuers).collect(), leaf.key)
        .expect("server config");
    config.alpn_protocols = protocols.iter().map(|p| p.to_vec()).collect();
    TlsAcceptor::from(Arc::new(config))
}

fn leaf_params(names: &[&str]) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("params");
    params.distinguished_name.push(DnType::CommonName, "RunState test server");
    params
}

fn pkcs8(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}

/// Sets the validity to `from_days` .. `until_days` from now, plus an hour at
/// the end: a check made within the hour sees exactly `until_days` whole days left.
fn valid_days(params: &mut CertificateParams, from_days: i64, until_days: i64) {
    let now = chrono::Utc::now();
    let month = u8::try_from(now.month()).expect("month");
    let day = u8::try_from(now.day()).expect("day");
    let now = rcgen::date_time_ymd(now.year(), month, day)
        + Duration::from_secs(u64::from(now.num_seconds_from_midnight()));
    let shift = |days: i64, extra: u64| {
        let span = Duration::from_secs(86_400 * days.unsigned_abs());
        let moved = if days < 0 { now - span } else { now + span };
        moved + Duration::from_secs(extra)
    };
    params.not_before = shift(from_days, 0);
    params.not_after = shift(until_days, 3600);
}

/// A TLS server on 127.0.0.2 that completes handshakes and closes: the target
/// of `tls` monitors. [`TlsStandIn::present`] swaps the certificate for the
/// next connections (a renewal, a replacement).
pub struct TlsStandIn {
    pub port: u16,
    acceptor: Arc<Mutex<TlsAcceptor>>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsStandIn {
    /// Listens on a free port of 127.0.0.2, presenting `leaf`.
    pub async fn start(leaf: Leaf) -> Self {
        let listener = tokio::net::TcpListener::bind((super::STAND_IN_HOST, 0))
            .await
            .expect("bind the TLS stand-in");
        let port = listener.local_addr().expect("address").port();
        let acceptor = Arc::new(Mutex::new(acceptor(leaf)));
        let current = Arc::clone(&acceptor);
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = current.lock().unwrap_or_else(PoisonError::into_inner).clone();
                tokio::spawn(async move {
                    // A refused handshake is the client's business: nothing to do here.
                    if let Ok(mut tls) = acceptor.accept(tcp).await {
                        let _ = tokio::io::AsyncWriteExt::shutdown(&mut tls).await;
                    }
                });
            }
        });
        Self { port, acceptor, task }
    }

    /// Presents `leaf` from the next connection on.
    pub fn present(&self, leaf: Leaf) {
        *self.acceptor.lock().unwrap_or_else(PoisonError::into_inner) = acceptor(leaf);
    }
}

impl Drop for TlsStandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}
