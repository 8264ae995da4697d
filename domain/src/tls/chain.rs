//! The certificate chain a server sent, summarised: who each certificate is
//! for and by whom, the names it covers, when it is valid, its fingerprint,
//! and which certificate of the chain expires first (often not the leaf: an
//! intermediate can run out before the certificates it signed).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::X509Certificate;

use crate::text;

/// The most names kept per certificate; the rest are counted. A server
/// chooses how many it sends, and a CDN certificate can carry hundreds.
const NAMES_KEPT: usize = 100;

const SECS_PER_DAY: i64 = 86_400;

/// One certificate of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    /// The subject's distinguished name, e.g. `CN=example.com`.
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// DNS names from the subject alternative names, as written (`*.example.com`).
    pub dns_names: Vec<String>,
    /// IP addresses from the subject alternative names.
    pub ip_addresses: Vec<std::net::IpAddr>,
    /// How many names past [`NAMES_KEPT`] were left out.
    pub names_left_out: usize,
    /// Valid from.
    pub not_before: DateTime<Utc>,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the DER encoding: lower-case hex, no colons.
    pub sha256: String,
    /// Whether subject and issuer are the same name (a root, or self-signed).
    pub self_issued: bool,
}

/// The certificate of the chain that expires first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstExpiry {
    /// Its position in the chain as sent: 0 is the server's own certificate.
    pub index: usize,
    /// Its subject, to say "the intermediate `CN=…` expires first".
    pub subject: String,
    /// When it expires.
    pub not_after: DateTime<Utc>,
}

/// The chain a server presented, in the order it was sent. Serde is for
/// storing it with a check; the API gets its own wire type (decision 69).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertSummary {
    /// The server's own certificate (index 0).
    pub leaf: CertInfo,
    /// The rest of the chain as sent: intermediates, sometimes the root (index 1 on).
    pub issuers: Vec<CertInfo>,
    /// The one whose `notAfter` comes first (the earliest of a tie: the leaf wins).
    pub first_expiry: FirstExpiry,
}

/// Why a chain could not be summarised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The server sent no certificate.
    #[error("the server sent no certificate")]
    Empty,
    /// A certificate is not valid DER X.509.
    #[error("certificate #{position} of the chain cannot be read: {reason}")]
    Unreadable {
        /// 1-based, as a person counts.
        position: usize,
        /// The parser's words.
        reason: String,
    },
}

impl CertSummary {
    /// Summarises a chain of DER certificates, leaf first.
    pub fn from_der<C: AsRef<[u8]>>(chain: &[C]) -> Result<Self, ChainError> {
        let mut certificates = chain
            .iter()
            .enumerate()
            .map(|(i, der)| {
                CertInfo::from_der(der.as_ref()).map_err(|reason| ChainError::Unreadable {
                    position: i + 1,
                    reason: text::remote(&reason),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (index, first) = certificates
            .iter()
            .enumerate()
            .min_by_key(|(i, c)| (c.not_after, *i))
            .ok_or(ChainError::Empty)?;
        let first_expiry =
            FirstExpiry { index, subject: first.subject.clone(), not_after: first.not_after };
        let issuers = certificates.split_off(1);
        let leaf = certificates.pop().ok_or(ChainError::Empty)?;
        Ok(Self { leaf, issuers, first_expiry })
    }

    /// Every certificate in the order sent, leaf first.
    pub fn certificates(&self) -> impl Iterator<Item = &CertInfo> {
        std::iter::once(&self.leaf).chain(&self.issuers)
    }

    /// Whole days until the first certificate expires: 0 within the last day,
    /// negative once expired (-1 during the first day after).
    pub fn days_left(&self, now: DateTime<Utc>) -> i64 {
        (self.first_expiry.not_after - now).num_seconds().div_euclid(SECS_PER_DAY)
    }

    /// The leaf's fingerprint: what "the certificate changed" compares.
    pub fn fingerprint(&self) -> &str {
        &self.leaf.sha256
    }
}

impl CertInfo {
    /// Reads one DER certificate.
    fn from_der(der: &[u8]) -> Result<Self, String> {
        let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
        let (dns_names, ip_addresses, names_left_out) = alternative_names(&cert)?;
        let validity = cert.validity();
        Ok(Self {
            subject: text::remote(&cert.subject().to_string()),
            issuer: text::remote(&cert.issuer().to_string()),
            dns_names,
            ip_addresses,
            names_left_out,
            not_before: timestamp(validity.not_before.timestamp())?,
            not_after: timestamp(validity.not_after.timestamp())?,
            sha256: hex::encode(Sha256::digest(der)),
            self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
        })
    }
}

/// The DNS names and IP addresses a certificate covers, at most [`NAMES_KEPT`].
fn alternative_names(
    cert: &X509Certificate<'_>,
) -> Result<(Vec<String>, Vec<std::net::IpAddr>, usize), String> {
    let Some(san) = cert.subject_alternative_name().map_err(|e| e.to_string())? else {
        return Ok((Vec::new(), Vec::new(), 0));
    };
    let (mut dns, mut ips, mut left_out) = (Vec::new(), Vec::new(), 0);
    for name in &san.value.general_names {
        let kept = dns.len() + ips.len();
        match name {
            GeneralName::DNSName(_) | GeneralName::IPAddress(_) if kept >= NAMES_KEPT => {
                left_out += 1;
            }
            GeneralName::DNSName(name) => dns.push(text::remote(name)),
            GeneralName::IPAddress(bytes) => match ip(bytes) {
                Some(addr) => ips.push(addr),
                None => return Err("an IP address name is neither 4 nor 16 bytes".into()),
            },
            // Email addresses, URIs and directory names do not name a server.
            _ => {}
        }
    }
    Ok((dns, ips, left_out))
}

fn ip(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        16 => <[u8; 16]>::try_from(bytes).ok().map(std::net::IpAddr::from),
        _ => None,
    }
}

fn timestamp(secs: i64) -> Result<DateTime<Utc>, String> {
    DateTime::from_timestamp(secs, 0).ok_or_else(|| format!("the date {secs} is out of range"))
}

#[cfg(test)]
mod tests {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };

    use super::*;

    fn params(cn: &str, names: &[&str], until: (i32, u8, u8)) -> CertificateParams {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.not_before = rcgen::date_time_ymd(2026, 1, 1);
        params.not_after = rcgen::date_time_ymd(until.0, until.1, until.2);
        params
    }

    fn ca(mut params: CertificateParams) -> CertificateParams {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
        params
    }

    /// Leaf (until 2027-06-01), intermediate (until 2027-03-01), root (2030), as DER.
    fn chain() -> Vec<Vec<u8>> {
        let root_key = KeyPair::generate().unwrap();
        let root_params = ca(params("Test Root", &[], (2030, 1, 1)));
        let root = root_params.self_signed(&root_key).unwrap();
        let root_issuer = Issuer::new(root_params, root_key);
        let mid_key = KeyPair::generate().unwrap();
        let mid_params = ca(params("Test Intermediate", &[], (2027, 3, 1)));
        let mid = mid_params.signed_by(&mid_key, &root_issuer).unwrap();
        let mid_issuer = Issuer::new(mid_params, mid_key);
        let leaf_params = params("a.test", &["a.test", "*.b.test", "192.0.2.7"], (2027, 6, 1));
        let leaf = leaf_params.signed_by(&KeyPair::generate().unwrap(), &mid_issuer).unwrap();
        [leaf.der(), mid.der(), root.der()].iter().map(|d| d.to_vec()).collect()
    }

    fn at(raw: &str) -> DateTime<Utc> {
        raw.parse().unwrap()
    }

    #[test]
    fn each_certificate_is_described_leaf_first() {
        let der = chain();
        let summary = CertSummary::from_der(&der).unwrap();
        let leaf = &summary.leaf;
        assert_eq!(leaf.subject, "CN=a.test");
        assert_eq!(leaf.issuer, "CN=Test Intermediate");
        assert_eq!(leaf.dns_names, ["a.test", "*.b.test"]);
        assert_eq!(leaf.ip_addresses, ["192.0.2.7".parse::<std::net::IpAddr>().unwrap()]);
        assert_eq!(leaf.not_before, at("2026-01-01T00:00:00Z"));
        assert_eq!(leaf.not_after, at("2027-06-01T00:00:00Z"));
        assert!(!leaf.self_issued);
        let subjects: Vec<&str> = summary.certificates().map(|c| c.subject.as_str()).collect();
        assert_eq!(subjects, ["CN=a.test", "CN=Test Intermediate", "CN=Test Root"]);
        assert!(summary.issuers[1].self_issued, "the root names itself as issuer");
    }

    #[test]
    fn the_fingerprint_is_lower_case_hex_sha256_of_the_der() {
        let der = chain();
        let summary = CertSummary::from_der(&der).unwrap();
        assert_eq!(summary.fingerprint(), hex::encode(Sha256::digest(&der[0])));
        assert_eq!(summary.fingerprint().len(), 64);
        assert!(summary.fingerprint().chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_ne!(summary.issuers[0].sha256, summary.leaf.sha256);
    }

    #[test]
    fn the_intermediate_is_named_when_it_expires_before_the_leaf() {
        let summary = CertSummary::from_der(&chain()).unwrap();
        assert_eq!(
            summary.first_expiry,
            FirstExpiry {
                index: 1,
                subject: "CN=Test Intermediate".into(),
                not_after: at("2027-03-01T00:00:00Z"),
            }
        );
    }

    #[test]
    fn days_left_counts_whole_days_to_the_first_expiry() {
        let summary = CertSummary::from_der(&chain()).unwrap();
        assert_eq!(summary.days_left(at("2027-02-19T00:00:00Z")), 10);
        assert_eq!(summary.days_left(at("2027-02-19T00:00:01Z")), 9);
        assert_eq!(summary.days_left(at("2027-02-28T23:00:00Z")), 0);
        assert_eq!(summary.days_left(at("2027-03-01T01:00:00Z")), -1);
    }

    #[test]
    fn a_summary_survives_storing() {
        let summary = CertSummary::from_der(&chain()).unwrap();
        let stored = serde_json::to_string(&summary).unwrap();
        assert_eq!(serde_json::from_str::<CertSummary>(&stored).unwrap(), summary);
    }

    #[test]
    fn an_empty_or_unreadable_chain_is_refused_by_position() {
        assert_eq!(CertSummary::from_der::<Vec<u8>>(&[]), Err(ChainError::Empty));
        let mut der = chain();
        der[1] = b"not a certificate".to_vec();
        let err = CertSummary::from_der(&der).unwrap_err();
        assert!(matches!(err, ChainError::Unreadable { position: 2, .. }), "{err:?}");
    }
}
