//! Every integration test of `jobs`, in one binary (one link instead of one per file).

mod checks;
mod common;
mod dns;
mod github_limits;
mod notify;
mod outbound;
mod queues;
mod support;
mod tls;
