//! The typed assertions of an HTTP monitor, pure: each looks at one thing
//! the check observed (status, a header, the body as text, by regular
//! expression or by RFC 9535 JSON path, a phase's time, the certificate's
//! days left, the resolved address), compares it with a target, and says
//! what a failure makes of the check (`fail` or `degrade`). [`Assertion`]
//! is the stored form, validated from [`AssertionInput`];
//! [`evaluate`] judges an [`Observed`] exchange. The exchange itself is
//! `jobs::checks::http`'s.

mod evaluate;
mod spec;

pub use evaluate::{evaluate, needs_body, Observed, Verdict};
pub use spec::{
    compile_pattern, validated_list, Assertion, AssertionInput, MAX_ASSERTIONS, MAX_PATTERN_CHARS,
    MAX_TARGET_CHARS,
};
