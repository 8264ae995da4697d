//! Every integration test of `jobs`, in one binary (one link instead of one per file).

mod checks;
mod common;
mod dns;
mod github_limits;
mod icmp;
mod notify;
mod outbound;
mod probe;
mod queues;
mod rdap;
mod support;
mod tls;
