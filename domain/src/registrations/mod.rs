//! Domain registrations (the `domain` monitor kind): when a domain's
//! registration expires, asked of the registry over RDAP (RFC 9082/9083).
//! Pure parts here: the settings ([`DomainSpec`]), reading the IANA bootstrap
//! file and an RDAP answer ([`rdap`]); the kind's step in the recording
//! skeleton ([`DomainResult`]) and the page's read ([`registration`]). The
//! request itself is `jobs::checks::rdap`'s, through the guard.

pub mod rdap;
mod read;
mod record;
mod spec;

pub use rdap::{RdapError, Registration};
pub use read::{registration, SeenRegistration};
pub use record::{DomainOutcome, DomainResult};
pub use spec::{default_thresholds, DomainInput, DomainSpec};
