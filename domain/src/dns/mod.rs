//! The `dns` monitor kind, pure: its settings ([`DnsSpec`], parsed from
//! [`DnsInput`]), records in one text form per type ([`Record`]), and the
//! judgement of an answer against the assertions and the accepted baseline
//! ([`evaluate`]). The query itself is `jobs::checks::dns`'s.

mod evaluate;
mod record;
mod spec;
pub mod store;

pub use evaluate::{adopts_baseline, evaluate, rcode_word, AnswerSet, DnsAnswer, Verdict};
pub use record::{fqdn, normalise_expected, Record};
pub use spec::{
    compile, reverse_name, DnsAssertion, DnsAssertionInput, DnsInput, DnsSpec, MAX_ASSERTIONS,
    MAX_PATTERN_CHARS, MAX_RESOLVERS, MAX_VALUES,
};
pub use store::{AcceptError, DnsAnswers};
