//! Every integration test of `server`, in one binary (one link of the whole server
//! instead of one per file). The fault suite (`faults`) is `#[ignore]`d here and runs in
//! its own phase: `cargo test -p server --test it -- --ignored faults:: --test-threads=1`.

mod abuse;
mod access;
mod accounts;
mod assertions;
mod backups;
mod badges;
mod binary;
mod certificates;
mod channels;
mod dns;
mod faults;
mod foundation;
mod guard;
mod heartbeats;
mod icmp;
mod maintenance;
mod metrics;
mod monitor_secrets;
mod monitors;
mod pipeline;
mod processes;
mod public_incidents;
mod registrations;
mod request_options;
mod runners;
mod sessions;
mod slack;
mod status_page_html;
mod status_pages;
mod subscribers;
mod support;
mod tokens;
mod webapp;
